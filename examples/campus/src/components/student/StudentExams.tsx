import { formatDateTime, formatDuration } from "../../lib/format";
import { useNow } from "../../lib/hooks";
import { myExams, myGrades } from "../../lib/student";
import { Icon } from "../ui/Icon";
import { EmptyState, Resource, StatusBadge, useLoad } from "../ui/states";

export default function StudentExams() {
  const data = useLoad(async () => {
    const [exams, grades] = await Promise.all([myExams(), myGrades().catch(() => [])]);
    return { exams, grades };
  });
  const now = useNow(1000);
  return (
    <Resource state={data.state} onRetry={data.reload}>
      {({ exams, grades }) =>
        exams.length === 0 ? (
          <EmptyState icon="exam" title="No exams yet">
            Published exams of the courses you are enrolled in appear here.
          </EmptyState>
        ) : (
          <ul className="grid gap-4 md:grid-cols-2">
            {exams.map((exam) => {
              const grade = grades.find((g) => g.examId === exam.id);
              const opens = exam.opensAt ? Date.parse(exam.opensAt) : null;
              const closes = exam.closesAt ? Date.parse(exam.closesAt) : null;
              const notYet = opens !== null && opens > now;
              const closed = closes !== null && closes <= now;
              return (
                <li key={exam.id} className="card flex flex-col p-5" data-testid="exam-card">
                  <div className="flex items-start justify-between gap-3">
                    <div>
                      <p className="text-xs font-medium text-muted">{exam.courseTitle}</p>
                      <h2 className="mt-0.5 font-semibold">{exam.title}</h2>
                    </div>
                    {grade?.status ? (
                      <StatusBadge
                        status={grade.passed === null ? grade.status : grade.passed ? "passed" : "failed"}
                      />
                    ) : null}
                  </div>
                  <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-muted">
                    <span>{exam.durationMinutes ? `${exam.durationMinutes} min` : "No time limit"}</span>
                    <span>
                      {exam.maxScore} {exam.maxScore === 1 ? "mark" : "marks"}
                    </span>
                    {/* A score before grading is only part of one: say what is happening instead. */}
                    {grade && grade.passed === null && grade.status ? (
                      <span className="font-medium text-ink">Awaiting grading</span>
                    ) : grade && grade.score !== null ? (
                      <span className="font-medium text-ink">
                        Best {grade.score}/{grade.maxScore}
                      </span>
                    ) : null}
                  </p>
                  <div className="mt-4 flex items-center justify-between gap-3">
                    <span className="text-xs font-medium tabular-nums text-muted">
                      <Icon name="clock" className="mr-1 inline h-3.5 w-3.5" />
                      {notYet
                        ? `Opens in ${formatDuration(opens! - now)}`
                        : closed
                          ? `Closed ${formatDateTime(exam.closesAt)}`
                          : closes
                            ? `Closes in ${formatDuration(closes - now)}`
                            : "Open"}
                    </span>
                    <a
                      href={`/student/exams/${exam.id}`}
                      className={notYet ? "btn-secondary btn-sm" : "btn-primary btn-sm"}
                    >
                      {grade?.status === "in_progress" ? "Resume" : grade?.attempts ? "Open" : "Take exam"}
                    </a>
                  </div>
                </li>
              );
            })}
          </ul>
        )
      }
    </Resource>
  );
}
