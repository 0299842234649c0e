import { useEffect } from "react";
import { api } from "../../lib/api";
import { formatCount } from "../../lib/format";
import type { IconName } from "../../lib/icons";
import { onLive } from "../../lib/live";
import type { AdminAnalytics } from "../../lib/types";
import { Chart } from "../ui/Chart";
import { Icon } from "../ui/Icon";
import { Card, EmptyState, Resource, Skeleton, useLoad } from "../ui/states";

/** How many weeks the charts cover, this one included. */
const WEEKS = 12;

type Breakdown = AdminAnalytics["breakdowns"][string];

function Kpi({ label, value, icon, hint }: { label: string; value: string; icon: IconName; hint?: string }) {
  return (
    <div className="card flex items-center gap-4 p-4 sm:p-5">
      <span className="hidden h-11 w-11 shrink-0 place-items-center rounded-xl bg-primary-soft text-primary-ink sm:grid">
        <Icon name={icon} />
      </span>
      <div className="min-w-0">
        <p className="text-sm text-muted">{label}</p>
        <p className="text-2xl font-semibold tabular-nums" data-testid={`kpi-${label}`}>
          {value}
        </p>
        {hint && <p className="text-xs text-muted">{hint}</p>}
      </div>
    </div>
  );
}

/** A total, or "—" when the plugin that gives it is not installed. */
const count = (n: number | undefined) => (n === undefined ? "—" : formatCount(n));

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** "Mar 2" for the Monday `2026-03-02` (a calendar date: no time zone shift). */
function weekLabel(monday: string): string {
  return new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }).format(
    new Date(`${monday}T00:00:00Z`),
  );
}

const capitalised = (text: string) => (text[0]?.toUpperCase() ?? "") + text.slice(1).replace(/_/g, " ");

/** A breakdown or series whose plugin is not installed: say which, instead of a blank card. */
function NotInstalled({ plugin }: { plugin: string }) {
  return (
    <EmptyState icon="inbox" title={`The ${plugin} plugin is not installed`}>
      Add it to <code>plugins</code> in lectern.config.ts to see this chart.
    </EmptyState>
  );
}

function EnrollmentsPerWeek({ data }: { data: AdminAnalytics }) {
  const enrollments = data.series.enrollments;
  const students = data.series.newStudents;
  if (!enrollments && !students) return <NotInstalled plugin="courses" />;
  const labels = data.weeks.map(weekLabel);
  const valueAt = (series: typeof enrollments, i: number) => series?.[i]?.value ?? 0;
  const summary = data.weeks
    .map((_, i) =>
      [
        enrollments && plural(valueAt(enrollments, i), "enrollment"),
        students && plural(valueAt(students, i), "new student"),
      ]
        .filter(Boolean)
        .join(", "),
    )
    .map((text, i) => `week of ${labels[i]}: ${text}`)
    .join("; ");
  return (
    <Chart
      key={JSON.stringify([enrollments, students])}
      label={`Enrollments per week, the last ${data.weeks.length} weeks: ${summary}`}
      config={(c) => ({
        type: "bar",
        data: {
          labels,
          datasets: [
            ...(enrollments
              ? [
                  {
                    label: "Enrollments",
                    data: enrollments.map((p) => p.value),
                    backgroundColor: c.primary,
                    borderRadius: 6,
                    maxBarThickness: 40,
                    order: 2,
                  },
                ]
              : []),
            ...(students
              ? [
                  {
                    type: "line" as const,
                    label: "New students",
                    data: students.map((p) => p.value),
                    borderColor: c.success,
                    backgroundColor: c.success,
                    pointRadius: 3,
                    tension: 0.3,
                    order: 1,
                  },
                ]
              : []),
          ],
        },
        options: {
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: {
              position: "bottom",
              labels: { boxWidth: 12, sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) },
            },
          },
          scales: {
            x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
            y: { beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      })}
    />
  );
}

const STATUS_COLOUR: Record<string, "primary" | "warning" | "success" | "danger" | "muted"> = {
  draft: "primary",
  pending: "warning",
  published: "success",
  rejected: "danger",
  archived: "muted",
};

function CoursesByStatus({ items }: { items: Breakdown }) {
  const shown = items.filter((i) => i.value > 0);
  if (shown.length === 0)
    return (
      <EmptyState icon="book" title="No courses yet">
        Courses appear here once instructors create them.
      </EmptyState>
    );
  return (
    <Chart
      key={JSON.stringify(shown)}
      label={`Courses by status: ${shown.map((i) => `${capitalised(i.label)} ${i.value}`).join(", ")}`}
      config={(c) => ({
        type: "doughnut",
        data: {
          labels: shown.map((i) => capitalised(i.label)),
          datasets: [
            {
              data: shown.map((i) => i.value),
              backgroundColor: shown.map((i) => c[STATUS_COLOUR[i.key] ?? "muted"]),
              borderWidth: 0,
            },
          ],
        },
        options: {
          maintainAspectRatio: false,
          cutout: "62%",
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        },
      })}
    />
  );
}

const shorten = (text: string, max = 28) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function PassRateByCourse({ items, awaiting }: { items: Breakdown; awaiting: number | undefined }) {
  const rated = items.filter((i) => (i.total ?? 0) > 0);
  const waiting = awaiting
    ? ` ${plural(awaiting, "attempt")} ${awaiting === 1 ? "awaits" : "await"} grading.`
    : "";
  if (rated.length === 0)
    return (
      <EmptyState icon="exam" title="No graded attempts yet">
        Pass rates appear once students' exam attempts are graded.{waiting}
      </EmptyState>
    );
  const pct = (i: Breakdown[number]) => Math.round((i.value / (i.total || 1)) * 100);
  return (
    <>
      <Chart
        key={JSON.stringify(rated)}
        testId="chart-pass-rate"
        height={Math.max(160, 56 + rated.length * 40)}
        label={`Pass rate by course: ${rated
          .map((i) => `${i.label} ${pct(i)}% (${i.value} passed of ${i.total} graded)`)
          .join("; ")}`}
        config={(c) => ({
          type: "bar",
          data: {
            labels: rated.map((i) => i.label),
            datasets: [
              {
                label: "Pass rate",
                data: rated.map(pct),
                backgroundColor: c.success,
                borderRadius: 6,
                maxBarThickness: 28,
              },
            ],
          },
          options: {
            indexAxis: "y",
            maintainAspectRatio: false,
            plugins: {
              legend: { display: false },
              tooltip: {
                callbacks: {
                  title: (points) => rated[points[0]?.dataIndex ?? 0]?.label ?? "",
                  label: (point) => {
                    const item = rated[point.dataIndex];
                    return item ? `${pct(item)}% · ${item.value} passed of ${item.total} graded` : "";
                  },
                },
              },
            },
            scales: {
              x: { min: 0, max: 100, ticks: { callback: (value) => `${value}%` } },
              y: {
                ticks: {
                  callback: (_, index) =>
                    shorten(rated[index]?.label ?? "", window.innerWidth < 640 ? 18 : 36),
                },
              },
            },
          },
        })}
      />
      {waiting && <p className="mt-3 text-sm text-muted">{waiting.trim()}</p>}
    </>
  );
}

export default function AdminOverview() {
  const data = useLoad(() => api().get<AdminAnalytics>("/api/admin/analytics", { query: { weeks: WEEKS } }));
  const { set } = data;
  // Counters move as things happen: refetch quietly (no skeleton) after admins' live events.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = onLive((event) => {
      if (event.channel !== "role:admin") return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        api()
          .get<AdminAnalytics>("/api/admin/analytics", { query: { weeks: WEEKS } })
          .then(set, () => undefined);
      }, 300);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [set]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">Campus overview</h1>
        <p className="mt-1 text-muted">How the institution is doing, over the last {WEEKS} weeks.</p>
      </div>
      <Resource
        state={data.state}
        onRetry={data.reload}
        skeleton={
          <div className="space-y-6" role="status" aria-label="Loading">
            <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3">
              {[1, 2, 3, 4, 5, 6].map((i) => (
                <Skeleton key={i} className="h-24" />
              ))}
            </div>
            <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
              <Skeleton className="h-80" />
              <Skeleton className="h-80" />
            </div>
          </div>
        }
      >
        {(analytics) => {
          const { totals, breakdowns } = analytics;
          const graded = totals.attemptsGraded;
          const passed = totals.attemptsPassed ?? 0;
          const passRate =
            graded === undefined || graded === 0 ? "—" : `${Math.round((passed / graded) * 100)}%`;
          return (
            <>
              <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3">
                <Kpi label="Students" value={count(totals.students)} icon="users" />
                <Kpi label="Instructors" value={count(totals.instructors)} icon="user" />
                <Kpi label="Published courses" value={count(totals.publishedCourses)} icon="book" />
                <Kpi label="Enrollments" value={count(totals.enrollments)} icon="chart" />
                <Kpi label="Certificates issued" value={count(totals.certificatesIssued)} icon="award" />
                <Kpi
                  label="Pass rate"
                  value={passRate}
                  icon="exam"
                  hint={graded ? `${formatCount(passed)} passed of ${formatCount(graded)} graded` : undefined}
                />
              </div>
              <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
                <Card title="Enrollments per week">
                  <EnrollmentsPerWeek data={analytics} />
                </Card>
                <Card title="Courses by status">
                  {breakdowns.coursesByStatus ? (
                    <CoursesByStatus items={breakdowns.coursesByStatus} />
                  ) : (
                    <NotInstalled plugin="courses" />
                  )}
                </Card>
                <Card title="Pass rate by course" className="lg:col-span-2">
                  {breakdowns.passRateByCourse ? (
                    <PassRateByCourse
                      items={breakdowns.passRateByCourse}
                      awaiting={totals.attemptsNeedingReview}
                    />
                  ) : (
                    <NotInstalled plugin="exams" />
                  )}
                </Card>
              </div>
              <p className="text-xs text-muted">
                Weeks start on Monday in the institution's time zone ({analytics.timeZone}).
              </p>
            </>
          );
        }}
      </Resource>
    </div>
  );
}
