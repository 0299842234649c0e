import { greeting } from "../../lib/hooks";
import { countBy } from "../../lib/pages";
import { Icon } from "../ui/Icon";
import { Card, EmptyState, Resource, Skeleton, StatusBadge, useLoad } from "../ui/states";
import { allExamStats, myCourses } from "./data";
import { PassRates, ScoreDistribution } from "./ExamCharts";

export default function InstructorOverview({ name }: { name: string }) {
  const data = useLoad(async () => {
    const courses = await myCourses();
    return { courses, stats: await allExamStats(courses) };
  });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="page-title">
            {greeting()}, {name.split(" ")[0]}
          </h1>
          <p className="mt-1 text-muted">Your courses and how your students are doing.</p>
        </div>
        <a href="/instructor/courses/new" className="btn-primary">
          <Icon name="plus" className="h-4 w-4" /> New course
        </a>
      </div>
      <Resource state={data.state} onRetry={data.reload} skeleton={<Skeleton className="h-64 w-full" />}>
        {({ courses, stats }) => {
          if (courses.length === 0)
            return (
              <EmptyState
                icon="book"
                title="No courses yet — create your first course"
                action={
                  <a href="/instructor/courses/new" className="btn-primary">
                    Create a course
                  </a>
                }
              >
                Write a description, add materials and an exam, then submit it for approval.
              </EmptyState>
            );
          const byStatus = countBy(courses, (c) => c.status);
          const learners = courses.reduce((n, c) => n + c.enrolledCount, 0);
          const toGrade = stats.reduce(
            (n, s) => n + s.attempts.filter((a) => a.status === "needs_review").length,
            0,
          );
          return (
            <>
              <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4 [&>*]:min-w-0">
                {[
                  { label: "Courses", value: courses.length, icon: "book" as const },
                  { label: "Published", value: byStatus.published ?? 0, icon: "check" as const },
                  { label: "Learners", value: learners, icon: "users" as const },
                  { label: "Answers to grade", value: toGrade, icon: "pen" as const },
                ].map((k) => (
                  <div key={k.label} className="card flex items-center gap-4 p-5">
                    <span className="grid h-11 w-11 place-items-center rounded-xl bg-primary-soft text-primary-ink">
                      <Icon name={k.icon} />
                    </span>
                    <div>
                      <p className="text-sm text-muted">{k.label}</p>
                      <p className="text-2xl font-semibold tabular-nums">{k.value}</p>
                    </div>
                  </div>
                ))}
              </div>
              <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
                <Card title="Score distribution">
                  {stats.some((s) => s.attempts.length) ? (
                    <ScoreDistribution stats={stats} />
                  ) : (
                    <p className="text-sm text-muted">No attempts yet.</p>
                  )}
                </Card>
                <Card title="Pass rate per exam">
                  {stats.some((s) => s.passRate !== null) ? (
                    <PassRates stats={stats} />
                  ) : (
                    <p className="text-sm text-muted">No graded attempts yet.</p>
                  )}
                </Card>
              </div>
              <Card
                title="Recent courses"
                action={
                  <a href="/instructor/courses" className="text-sm font-medium">
                    All courses
                  </a>
                }
              >
                <ul className="divide-y divide-line">
                  {courses.slice(0, 5).map((c) => (
                    <li key={c.id} className="flex items-center justify-between gap-3 py-3">
                      <a href={`/instructor/courses/${c.id}`} className="min-w-0 break-words font-medium">
                        {c.title}
                      </a>
                      <StatusBadge status={c.status} />
                    </li>
                  ))}
                </ul>
              </Card>
            </>
          );
        }}
      </Resource>
    </div>
  );
}
