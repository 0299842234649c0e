import { type LiveClass, upcomingClasses } from "../../lib/classes";
import { formatDateTime, percent } from "../../lib/format";
import { isInstalled } from "../../lib/plugins";
import type { ExamWithCourse } from "../../lib/student";
import type { Enrollment } from "../../lib/types";
import { Chart } from "../ui/Chart";
import { Card, type Loadable, Resource, useLoad } from "../ui/states";

/** How far ahead "due soon" looks. */
const HORIZON_DAYS = 14;
const DAY = 86_400_000;

/** A chart's labels stay one line at 390 px: long titles are shortened, the text summary keeps them whole. */
const short = (title: string) => (title.length > 24 ? `${title.slice(0, 23)}…` : title);

export interface Deadline {
  kind: "exam" | "class";
  title: string;
  course: string;
  at: number;
}

/** Exams closing and live classes starting within the horizon, soonest first. */
export function deadlines(exams: ExamWithCourse[], classes: LiveClass[], now: number): Deadline[] {
  const until = now + HORIZON_DAYS * DAY;
  const items: Deadline[] = [
    ...exams
      .filter((e) => e.closesAt)
      .map((e) => ({
        kind: "exam" as const,
        title: e.title,
        course: e.courseTitle,
        at: Date.parse(e.closesAt!),
      })),
    ...classes
      .filter((c) => c.status === "scheduled")
      .map((c) => ({ kind: "class" as const, title: c.title, course: "", at: Date.parse(c.startsAt) })),
  ];
  return items.filter((d) => d.at > now && d.at <= until).sort((a, b) => a.at - b.at);
}

async function loadClasses(): Promise<LiveClass[]> {
  if (!isInstalled("live-classes")) return [];
  // Classes are a plugin of their own: without them the exams still make the chart.
  return upcomingClasses().catch(() => []);
}

/** The overview's charts: how far along each course is, and what falls due in the next two weeks. */
export function StudentCharts({
  enrollments,
  exams,
  now,
}: {
  enrollments: Loadable<Enrollment[]>;
  exams: Loadable<ExamWithCourse[]>;
  now: number;
}) {
  const classes = useLoad(loadClasses);
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
      <Card title="Progress by course">
        <Resource state={enrollments}>
          {(list) => {
            const current = list.filter((e) => e.status !== "cancelled");
            if (current.length === 0)
              return <p className="text-sm text-muted">Enroll in a course to follow your progress here.</p>;
            const titles = current.map((e) => e.course?.title ?? "Course");
            return (
              <Chart
                key={current.map((e) => `${e.courseId}:${e.progress}`).join()}
                testId="progress-chart"
                label={`Progress by course: ${current
                  .map(
                    (e, i) =>
                      `${titles[i]} ${percent(e.progress)}${e.status === "completed" ? ", completed" : ""}`,
                  )
                  .join("; ")}`}
                height={Math.max(140, 44 * current.length + 40)}
                config={(c) => ({
                  type: "bar",
                  data: {
                    labels: titles.map(short),
                    datasets: [
                      {
                        label: "Progress %",
                        // Floored as the percentages elsewhere: a full bar means completed.
                        data: current.map((e) => Math.floor(e.progress * 100 + 1e-9)),
                        backgroundColor: current.map((e) =>
                          e.status === "completed" ? c.success : c.primary,
                        ),
                        borderRadius: 6,
                        barThickness: 18,
                      },
                    ],
                  },
                  options: {
                    indexAxis: "y",
                    maintainAspectRatio: false,
                    scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
                    plugins: { legend: { display: false } },
                  },
                })}
              />
            );
          }}
        </Resource>
      </Card>

      <Card title="Upcoming deadlines">
        <Resource state={exams}>
          {(examList) => {
            if (classes.state.status === "loading") return null;
            const classList = classes.state.status === "ready" ? classes.state.data : [];
            const due = deadlines(examList, classList, now).slice(0, 8);
            if (due.length === 0)
              return (
                <p className="text-sm text-muted" data-testid="no-deadlines">
                  Nothing is due in the next {HORIZON_DAYS} days.
                </p>
              );
            return (
              <Chart
                key={due.map((d) => `${d.kind}:${d.title}:${d.at}`).join()}
                testId="deadlines-chart"
                label={`Due in the next ${HORIZON_DAYS} days: ${due
                  .map(
                    (d) =>
                      `${d.kind === "exam" ? "exam" : "live class"} ${d.title}${d.course ? ` (${d.course})` : ""}, ${formatDateTime(new Date(d.at).toISOString())}`,
                  )
                  .join("; ")}`}
                height={Math.max(140, 44 * due.length + 56)}
                config={(c) => ({
                  type: "bar",
                  data: {
                    labels: due.map((d) => short(d.title)),
                    datasets: [
                      {
                        label: "Days left",
                        data: due.map((d) => Math.round(((d.at - now) / DAY) * 10) / 10),
                        backgroundColor: due.map((d) => (d.kind === "exam" ? c.warning : c.primary)),
                        borderRadius: 6,
                        barThickness: 18,
                      },
                    ],
                  },
                  options: {
                    indexAxis: "y",
                    maintainAspectRatio: false,
                    scales: {
                      x: { min: 0, max: HORIZON_DAYS, title: { display: true, text: "Days left" } },
                    },
                    plugins: { legend: { display: false } },
                  },
                })}
              />
            );
          }}
        </Resource>
        <p className="mt-3 flex flex-wrap gap-4 text-xs text-muted" aria-hidden="true">
          <span className="inline-flex items-center gap-1.5">
            <span className="h-2.5 w-2.5 rounded-sm bg-warning" /> Exam closes
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span className="h-2.5 w-2.5 rounded-sm bg-primary" /> Live class starts
          </span>
        </p>
      </Card>
    </div>
  );
}
