import { classTime, clockTime, joinWindow, type LiveClass, upcomingClasses } from "../../lib/classes";
import { formatDuration } from "../../lib/format";
import { useNow } from "../../lib/hooks";
import { myEnrollments } from "../../lib/student";
import { Icon } from "../ui/Icon";
import { Badge, Card, EmptyState, Resource, useLoad } from "../ui/states";

async function load() {
  const [classes, enrollments] = await Promise.all([upcomingClasses(), myEnrollments()]);
  const titles = new Map(enrollments.map((e) => [e.courseId, e.course?.title ?? ""]));
  return classes.map((c) => ({ ...c, courseTitle: titles.get(c.courseId) ?? "" }));
}

/** The join control of one class: a countdown until the window opens, then the way in. */
export function JoinControl({ liveClass, now }: { liveClass: LiveClass; now: number }) {
  const w = joinWindow(liveClass, now);
  if (w.state === "cancelled") return <Badge>Cancelled</Badge>;
  if (w.state === "ended") return <Badge>Ended</Badge>;
  if (w.state === "waiting")
    return (
      <span className="flex flex-col items-end gap-1 text-right">
        <button type="button" className="btn-secondary btn-sm" disabled>
          <Icon name="clock" className="h-4 w-4" /> Opens at {clockTime(liveClass.opensAt)}
        </button>
        <span className="text-xs text-muted">in {formatDuration(w.opensIn)}</span>
      </span>
    );
  return (
    <a
      href={`/live/${liveClass.id}/join`}
      className="btn-primary btn-sm"
      aria-label={`Join ${liveClass.title}`}
      rel="noopener"
    >
      <Icon name="play" className="h-4 w-4" /> {w.live ? "Join now" : "Join"}
    </a>
  );
}

/** The student's next classes with their countdowns; `compact` for the dashboard's widget. */
export default function UpcomingClasses({ compact = false }: { compact?: boolean }) {
  const classes = useLoad(load);
  const now = useNow(1000);
  const body = (
    <Resource state={classes.state} onRetry={classes.reload}>
      {(list) => {
        const shown = compact ? list.filter((c) => c.status !== "cancelled").slice(0, 3) : list;
        if (shown.length === 0)
          return compact ? (
            <p className="text-sm text-muted">No live classes coming up in your courses.</p>
          ) : (
            <EmptyState icon="clock" title="No live classes coming up">
              When an instructor of one of your courses schedules a class, it appears here.
            </EmptyState>
          );
        return (
          <ul aria-label="Upcoming live classes" className="divide-y divide-line">
            {shown.map((c) => {
              const starts = Date.parse(c.startsAt) - now;
              return (
                <li key={c.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div className="min-w-0">
                    <p className="font-medium">
                      {c.title}
                      {c.status === "cancelled" && <span className="sr-only"> (cancelled)</span>}
                    </p>
                    <p className="text-sm text-muted">
                      {c.courseTitle} · {classTime(c.startsAt)} · {c.durationMinutes} min
                    </p>
                    {c.status === "scheduled" && starts > 0 && (
                      <p className="text-xs text-muted">Starts in {formatDuration(starts)}</p>
                    )}
                    {c.status === "cancelled" && (
                      <p className="text-xs text-muted">Your instructor cancelled this class.</p>
                    )}
                  </div>
                  <JoinControl liveClass={c} now={now} />
                </li>
              );
            })}
          </ul>
        );
      }}
    </Resource>
  );
  if (!compact) return body;
  return (
    <Card
      title="Next live classes"
      action={
        <a href="/student/live" className="text-sm font-medium">
          All classes
        </a>
      }
    >
      {body}
    </Card>
  );
}
