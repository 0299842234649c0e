import { api } from "../../lib/api";
import { formatCount } from "../../lib/format";
import type { IconName } from "../../lib/icons";
import { allPages, countBy } from "../../lib/pages";
import type { Certificate, Course, User } from "../../lib/types";
import { Chart } from "../ui/Chart";
import { Icon } from "../ui/Icon";
import { Card, ErrorState, Resource, Skeleton, useLoad } from "../ui/states";

function Kpi({ label, value, icon }: { label: string; value: number | null; icon: IconName }) {
  return (
    <div className="card flex items-center gap-4 p-5">
      <span className="grid h-11 w-11 place-items-center rounded-xl bg-primary-soft text-primary-ink">
        <Icon name={icon} />
      </span>
      <div>
        <p className="text-sm text-muted">{label}</p>
        <p className="text-2xl font-semibold tabular-nums" data-testid={`kpi-${label}`}>
          {value === null ? "—" : formatCount(value)}
        </p>
      </div>
    </div>
  );
}

const optional = <T,>(p: Promise<T>) => p.catch(() => null);

function weekOf(iso: string): string {
  const d = new Date(iso);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

export default function AdminOverview() {
  const data = useLoad(async () => {
    const [users, courses, certificates] = await Promise.all([
      allPages<User>("/api/admin/users", {}, 2000),
      optional(allPages<Course>("/api/admin/courses", {}, 2000)),
      optional(allPages<Certificate>("/api/admin/certificates", { status: "issued" }, 2000)),
    ]);
    const analytics = await optional(api().get<Record<string, unknown>>("/api/admin/analytics"));
    return { users, courses, certificates, analytics };
  });
  return (
    <div className="space-y-6">
      <h1 className="page-title">Campus overview</h1>
      <Resource
        state={data.state}
        onRetry={data.reload}
        skeleton={
          <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
            {[1, 2, 3, 4, 5].map((i) => (
              <Skeleton key={i} className="h-24" />
            ))}
          </div>
        }
      >
        {({ users, courses, certificates }) => {
          const roles = countBy(users, (u) => u.role);
          const byStatus = courses ? countBy(courses, (c) => c.status) : {};
          const enrollments = courses?.reduce((n, c) => n + c.enrolledCount, 0) ?? null;
          const students = users.filter((u) => u.role === "student");
          const weeks = countBy(students, (u) => weekOf(u.createdAt));
          const weekLabels = Object.keys(weeks).sort().slice(-12);
          return (
            <>
              <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
                <Kpi label="Students" value={roles.student ?? 0} icon="users" />
                <Kpi label="Instructors" value={roles.instructor ?? 0} icon="user" />
                <Kpi
                  label="Published courses"
                  value={courses ? (byStatus.published ?? 0) : null}
                  icon="book"
                />
                <Kpi label="Enrollments" value={enrollments} icon="chart" />
                <Kpi
                  label="Certificates issued"
                  value={certificates ? certificates.length : null}
                  icon="award"
                />
              </div>
              <div className="grid gap-6 lg:grid-cols-2">
                <Card title="New students per week">
                  <Chart
                    key={weekLabels.join()}
                    label={`New students per week: ${weekLabels.map((w) => `${w}: ${weeks[w]}`).join(", ")}`}
                    config={(c) => ({
                      type: "bar",
                      data: {
                        labels: weekLabels,
                        datasets: [
                          {
                            label: "Students",
                            data: weekLabels.map((w) => weeks[w] ?? 0),
                            backgroundColor: c.primary,
                            borderRadius: 6,
                            maxBarThickness: 48,
                          },
                        ],
                      },
                      options: {
                        maintainAspectRatio: false,
                        plugins: { legend: { display: false } },
                        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
                      },
                    })}
                  />
                </Card>
                <Card title="Courses by status">
                  {courses ? (
                    <Chart
                      key={JSON.stringify(byStatus)}
                      label={`Courses by status: ${Object.entries(byStatus)
                        .map(([s, n]) => `${s} ${n}`)
                        .join(", ")}`}
                      config={(c) => ({
                        type: "doughnut",
                        data: {
                          labels: Object.keys(byStatus),
                          datasets: [
                            {
                              data: Object.values(byStatus),
                              backgroundColor: [c.primary, c.warning, c.success, c.danger, c.muted],
                            },
                          ],
                        },
                        options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
                      })}
                    />
                  ) : (
                    <ErrorState
                      problem={{
                        type: "about:blank",
                        status: 404,
                        title: "Courses are not installed",
                        detail: "Add the courses plugin in lectern.config.ts.",
                      }}
                    />
                  )}
                </Card>
                <Card title="Enrollments by course" className="lg:col-span-2">
                  {courses?.some((c) => c.enrolledCount > 0) ? (
                    <Chart
                      key={courses.map((c) => c.enrolledCount).join()}
                      label="Enrollments per published course"
                      config={(c) => {
                        const top = [...courses]
                          .sort((a, b) => b.enrolledCount - a.enrolledCount)
                          .slice(0, 10);
                        return {
                          type: "bar",
                          data: {
                            labels: top.map((x) => x.title),
                            datasets: [
                              {
                                label: "Enrollments",
                                data: top.map((x) => x.enrolledCount),
                                backgroundColor: c.primary,
                                borderRadius: 6,
                              },
                            ],
                          },
                          options: {
                            indexAxis: "y",
                            maintainAspectRatio: false,
                            plugins: { legend: { display: false } },
                            scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
                          },
                        };
                      }}
                    />
                  ) : (
                    <p className="text-sm text-muted">No enrollments yet.</p>
                  )}
                </Card>
              </div>
            </>
          );
        }}
      </Resource>
    </div>
  );
}
