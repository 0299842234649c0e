import { formatDateTime, formatDuration, percent } from "../../lib/format";
import { greeting, useNow } from "../../lib/hooks";
import { myCertificates, myEnrollments, myExams, myGrades } from "../../lib/student";
import { Chart } from "../ui/Chart";
import { Icon } from "../ui/Icon";
import { Card, EmptyState, ProgressBar, Resource, SkeletonRows, StatusBadge, useLoad } from "../ui/states";
import { Cover } from "./CourseTile";
import { Recommended } from "./Recommended";
import { StudentCharts } from "./StudentCharts";

export default function StudentOverview({ name }: { name: string }) {
  const enrollments = useLoad(myEnrollments);
  const exams = useLoad(myExams);
  const grades = useLoad(myGrades);
  const certificates = useLoad(myCertificates);
  const now = useNow(1000);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">
          {greeting()}, {name.split(" ")[0]}
        </h1>
        <p className="mt-1 text-muted">Here is where you left off.</p>
      </div>

      <Resource
        state={enrollments.state}
        skeleton={<SkeletonRows rows={1} className="h-40" />}
        onRetry={enrollments.reload}
      >
        {(list) => {
          const latest = [...list]
            .filter((e) => e.status !== "cancelled")
            .sort(
              (a, b) =>
                (a.progress < 1 ? -1 : 1) - (b.progress < 1 ? -1 : 1) ||
                b.enrolledAt.localeCompare(a.enrolledAt),
            )[0];
          if (!latest)
            return (
              <EmptyState
                icon="book"
                title="You are not enrolled in any course yet"
                action={
                  <a href="/courses" className="btn-primary">
                    Browse courses
                  </a>
                }
              >
                Find a course in the catalog; free courses start at once.
              </EmptyState>
            );
          const title = latest.course?.title ?? "Your course";
          return (
            <section
              className="card grid overflow-hidden md:grid-cols-[18rem_1fr]"
              aria-labelledby="continue-title"
            >
              <Cover id={latest.courseId} title={title} className="h-36 md:h-full" />
              <div className="p-6">
                <p className="text-xs font-semibold uppercase tracking-wider text-primary-ink">
                  Continue learning
                </p>
                <h2 id="continue-title" className="mt-1 text-xl font-semibold tracking-tight">
                  {title}
                </h2>
                {latest.course?.instructor && (
                  <p className="mt-1 text-sm text-muted">with {latest.course.instructor.name}</p>
                )}
                <div className="mt-5 flex items-center gap-3">
                  <ProgressBar value={latest.progress} label={`Progress in ${title}`} />
                  <span className="text-sm font-semibold tabular-nums">{percent(latest.progress)}</span>
                </div>
                <a href={`/student/courses/${latest.courseId}`} className="btn-primary mt-5">
                  <Icon name="play" className="h-4 w-4" /> {latest.progress > 0 ? "Resume" : "Start"}
                </a>
              </div>
            </section>
          );
        }}
      </Resource>

      <StudentCharts enrollments={enrollments.state} exams={exams.state} now={now} />

      <Recommended />

      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
        <Card
          title="Upcoming exams"
          action={
            <a href="/student/exams" className="text-sm font-medium">
              All exams
            </a>
          }
        >
          <Resource state={exams.state} onRetry={exams.reload}>
            {(list) => {
              const upcoming = list
                .filter((e) => !e.closesAt || Date.parse(e.closesAt) > now)
                .sort((a, b) => (a.closesAt ?? "9").localeCompare(b.closesAt ?? "9"))
                .slice(0, 4);
              if (upcoming.length === 0)
                return <p className="text-sm text-muted">No exams are open or coming up. Enjoy the quiet.</p>;
              return (
                <ul className="divide-y divide-line">
                  {upcoming.map((exam) => {
                    const opens = exam.opensAt ? Date.parse(exam.opensAt) : null;
                    const closes = exam.closesAt ? Date.parse(exam.closesAt) : null;
                    const label =
                      opens && opens > now
                        ? `Opens in ${formatDuration(opens - now)}`
                        : closes
                          ? `Closes in ${formatDuration(closes - now)}`
                          : "Open now";
                    return (
                      <li key={exam.id} className="flex items-center justify-between gap-3 py-3">
                        <div className="min-w-0">
                          <a href={`/student/exams/${exam.id}`} className="font-medium text-ink">
                            {exam.title}
                          </a>
                          <p className="truncate text-xs text-muted">{exam.courseTitle}</p>
                        </div>
                        <span className="badge shrink-0 bg-warning-soft text-warning tabular-nums">
                          <Icon name="clock" className="h-3.5 w-3.5" /> {label}
                        </span>
                      </li>
                    );
                  })}
                </ul>
              );
            }}
          </Resource>
        </Card>

        <Card
          title="Grades"
          action={
            <a href="/student/grades" className="text-sm font-medium">
              Details
            </a>
          }
        >
          <Resource state={grades.state} onRetry={grades.reload}>
            {(list) => {
              const scored = list.filter((g) => g.score !== null);
              if (scored.length === 0)
                return <p className="text-sm text-muted">Your marks appear here after your first exam.</p>;
              return (
                <Chart
                  key={scored.map((g) => g.score).join()}
                  label={`Your exam scores: ${scored.map((g) => `${g.examTitle} ${g.score} of ${g.maxScore}`).join("; ")}`}
                  height={200}
                  config={(c) => ({
                    type: "bar",
                    data: {
                      labels: scored.map((g) => g.examTitle),
                      datasets: [
                        {
                          label: "Score %",
                          data: scored.map((g) => Math.round(((g.score ?? 0) / (g.maxScore || 1)) * 100)),
                          backgroundColor: scored.map((g) => (g.passed ? c.primary : c.warning)),
                          borderRadius: 6,
                        },
                      ],
                    },
                    options: {
                      maintainAspectRatio: false,
                      scales: { y: { min: 0, max: 100 } },
                      plugins: { legend: { display: false } },
                    },
                  })}
                />
              );
            }}
          </Resource>
        </Card>
      </div>

      <Card
        title="Certificates"
        action={
          <a href="/student/certificates" className="text-sm font-medium">
            All certificates
          </a>
        }
      >
        <Resource state={certificates.state} onRetry={certificates.reload}>
          {(list) =>
            list.length === 0 ? (
              <p className="text-sm text-muted">
                Complete a course (every required material, every exam passed) to earn one.
              </p>
            ) : (
              <ul className="grid gap-3 sm:grid-cols-2">
                {list.slice(0, 4).map((c) => (
                  <li key={c.id} className="flex items-center gap-3 rounded-xl border border-line p-3">
                    <span className="grid h-10 w-10 place-items-center rounded-xl bg-primary-soft text-primary-ink">
                      <Icon name="award" />
                    </span>
                    <div className="min-w-0 flex-1">
                      <p className="truncate text-sm font-medium">
                        {c.course?.title ?? c.courseTitle ?? "Certificate"}
                      </p>
                      <p className="text-xs text-muted">
                        {c.issuedAt ? `Issued ${formatDateTime(c.issuedAt)}` : "Awaiting approval"}
                      </p>
                    </div>
                    <StatusBadge status={c.status} />
                  </li>
                ))}
              </ul>
            )
          }
        </Resource>
      </Card>
    </div>
  );
}
