import { useState } from "react";
import { classTime, courseClasses, type LiveClass, videoProviders } from "../../lib/classes";
import { formatDuration } from "../../lib/format";
import { useNow } from "../../lib/hooks";
import { myCourses } from "../instructor/data";
import { CourseSelect } from "../ui/CourseSelect";
import { Icon } from "../ui/Icon";
import { Badge, Card, EmptyState, Resource, useLoad } from "../ui/states";
import { ClassActions } from "./ClassActions";
import { ScheduleForm } from "./ScheduleForm";

function ClassRow({ c, now, onChanged }: { c: LiveClass; now: number; onChanged: () => void }) {
  const started = now >= Date.parse(c.startsAt);
  const over = c.status === "ended" || now >= Date.parse(c.endsAt);
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3">
      <div className="min-w-0">
        <p className="font-medium">
          {c.title} {c.status === "cancelled" && <Badge>Cancelled</Badge>}
          {c.status !== "cancelled" && over && <Badge tone="success">Held</Badge>}
          {c.seriesId && <span className="ml-2 text-xs text-muted">weekly</span>}
        </p>
        <p className="text-sm text-muted">
          {classTime(c.startsAt)} · {c.durationMinutes} min
          {!started && c.status === "scheduled" && ` · in ${formatDuration(Date.parse(c.startsAt) - now)}`}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-1">
        {c.status === "scheduled" && !over && (
          <a href={`/live/${c.id}/join`} className="btn-secondary btn-sm">
            <Icon name="play" className="h-4 w-4" /> Start<span className="sr-only"> {c.title}</span>
          </a>
        )}
        {c.status !== "cancelled" && started && (
          <a href={`/instructor/live/${c.id}`} className="btn-secondary btn-sm">
            <Icon name="check" className="h-4 w-4" /> Roll call
            <span className="sr-only">
              {" "}
              for {c.title}, {classTime(c.startsAt)}
            </span>
          </a>
        )}
        {c.status === "scheduled" && !started && <ClassActions liveClass={c} onChanged={onChanged} />}
      </div>
    </li>
  );
}

function CourseSchedule({ courseId }: { courseId: string }) {
  const classes = useLoad(() => courseClasses(courseId), [courseId]);
  const providers = useLoad(videoProviders);
  const now = useNow(30_000);
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <Card title="Classes">
        <Resource state={classes.state} onRetry={classes.reload}>
          {(list) => {
            if (list.length === 0)
              return <p className="text-sm text-muted">No classes yet. Schedule the first one.</p>;
            const upcoming = list.filter((c) => Date.parse(c.endsAt) > now);
            const past = list.filter((c) => Date.parse(c.endsAt) <= now).reverse();
            return (
              <div className="space-y-6">
                <section>
                  <h3 className="text-sm font-semibold text-muted">Coming up</h3>
                  {upcoming.length === 0 ? (
                    <p className="mt-2 text-sm text-muted">Nothing scheduled ahead.</p>
                  ) : (
                    <ul aria-label="Upcoming classes" className="divide-y divide-line">
                      {upcoming.map((c) => (
                        <ClassRow key={c.id} c={c} now={now} onChanged={classes.reload} />
                      ))}
                    </ul>
                  )}
                </section>
                {past.length > 0 && (
                  <section>
                    <h3 className="text-sm font-semibold text-muted">Held</h3>
                    <ul aria-label="Past classes" className="divide-y divide-line">
                      {past.map((c) => (
                        <ClassRow key={c.id} c={c} now={now} onChanged={classes.reload} />
                      ))}
                    </ul>
                  </section>
                )}
              </div>
            );
          }}
        </Resource>
      </Card>
      <Card title="Schedule a class">
        <Resource state={providers.state} onRetry={providers.reload}>
          {(list) => <ScheduleForm courseId={courseId} providers={list} onScheduled={classes.reload} />}
        </Resource>
      </Card>
    </div>
  );
}

/** The instructor's live classes: pick a course, schedule (once or weekly), move, cancel, take the roll. */
export default function InstructorLive() {
  const courses = useLoad(myCourses);
  const [courseId, setCourseId] = useState("");
  return (
    <Resource state={courses.state} onRetry={courses.reload}>
      {(all) => {
        const list = all.filter((c) => c.status === "published");
        if (list.length === 0)
          return (
            <EmptyState icon="clock" title="No published course yet">
              Live classes belong to a published course. Once an administrator approves one of yours, you can
              schedule its classes here.
            </EmptyState>
          );
        const current = list.some((c) => c.id === courseId) ? courseId : list[0]!.id;
        return (
          <div className="space-y-6">
            <CourseSelect id="live-course" courses={list} value={current} onChange={setCourseId} />
            <CourseSchedule key={current} courseId={current} />
          </div>
        );
      }}
    </Resource>
  );
}
