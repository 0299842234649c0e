import { formatDate } from "../../lib/format";
import { myExams, myGrades } from "../../lib/student";
import { Chart } from "../ui/Chart";
import { Card, EmptyState, Resource, StatusBadge, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

export default function Grades() {
  // The exams give each grade its pass mark; without them the bars stand alone.
  const grades = useLoad(async () => {
    const [list, exams] = await Promise.all([myGrades(), myExams().catch(() => [])]);
    const passMark = new Map(exams.map((e) => [e.id, e.passingPercent ?? null]));
    return list.map((g) => ({ ...g, passMark: passMark.get(g.examId) ?? null }));
  });
  const percentOf = (g: { score: number | null; maxScore: number }) =>
    g.score === null ? null : Math.round((g.score / (g.maxScore || 1)) * 100);
  return (
    <Resource state={grades.state} onRetry={grades.reload}>
      {(list) =>
        list.length === 0 ? (
          <EmptyState
            icon="chart"
            title="No grades yet"
            action={
              <a href="/student/exams" className="btn-primary">
                See your exams
              </a>
            }
          >
            Take an exam in one of your courses and your marks appear here.
          </EmptyState>
        ) : (
          <div className="space-y-6">
            <Card title="Performance">
              <Chart
                key={list.map((g) => g.score).join()}
                testId="chart-grades"
                label={`Scores by exam: ${list
                  .map((g) =>
                    g.passed === null
                      ? `${g.examTitle} awaiting grading`
                      : `${g.examTitle} ${percentOf(g)}%${g.passMark !== null ? `, pass mark ${g.passMark}%` : ""}`,
                  )
                  .join("; ")}`}
                config={(c) => ({
                  type: "bar",
                  data: {
                    labels: list.map((g) => g.examTitle),
                    datasets: [
                      {
                        label: "Score %",
                        // Only graded attempts have a score worth drawing.
                        data: list.map((g) => (g.passed === null ? null : percentOf(g))),
                        backgroundColor: list.map((g) => (g.passed === false ? c.danger : c.primary)),
                        borderRadius: 6,
                        maxBarThickness: 56,
                      },
                      {
                        type: "line",
                        label: "Pass mark %",
                        data: list.map((g) => g.passMark),
                        showLine: false,
                        pointStyle: "line",
                        pointRadius: 22,
                        pointBorderWidth: 3,
                        borderColor: c.warning,
                        backgroundColor: c.warning,
                      },
                    ],
                  },
                  options: {
                    maintainAspectRatio: false,
                    scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
                    plugins: { legend: { display: true, position: "bottom" } },
                  },
                })}
              />
            </Card>
            <Card title="Marks by course and exam">
              <TableFrame label="Marks by exam" className="-mx-2">
                <table className="w-full min-w-[36rem] text-left text-sm">
                  <thead className="text-xs uppercase tracking-wider text-muted">
                    <tr>
                      <th className="px-2 py-2 font-semibold">Course</th>
                      <th className="px-2 py-2 font-semibold">Exam</th>
                      <th className="px-2 py-2 font-semibold">Score</th>
                      <th className="px-2 py-2 font-semibold">Result</th>
                      <th className="px-2 py-2 font-semibold">Graded</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {list.map((g) => (
                      <tr key={g.examId}>
                        <td className="px-2 py-3">{g.courseTitle}</td>
                        <td className="px-2 py-3 font-medium">{g.examTitle}</td>
                        <td className="px-2 py-3 tabular-nums">
                          {g.passed === null && g.status
                            ? "Awaiting grading"
                            : g.score === null
                              ? "—"
                              : `${g.score} / ${g.maxScore}`}
                        </td>
                        <td className="px-2 py-3">
                          {g.passed === null ? (
                            <StatusBadge status={g.status ?? "pending"} />
                          ) : (
                            <StatusBadge status={g.passed ? "passed" : "failed"} />
                          )}
                        </td>
                        <td className="px-2 py-3 text-muted">{formatDate(g.gradedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableFrame>
            </Card>
          </div>
        )
      }
    </Resource>
  );
}
