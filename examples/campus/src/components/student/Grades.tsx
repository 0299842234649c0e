import { formatDate } from "../../lib/format";
import { myGrades } from "../../lib/student";
import { Chart } from "../ui/Chart";
import { Card, EmptyState, Resource, StatusBadge, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

export default function Grades() {
  const grades = useLoad(myGrades);
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
                label={`Scores by exam: ${list.map((g) => `${g.examTitle} ${g.score ?? "not graded"} of ${g.maxScore}`).join("; ")}`}
                config={(c) => ({
                  type: "line",
                  data: {
                    labels: list.map((g) => g.examTitle),
                    datasets: [
                      {
                        label: "Score %",
                        data: list.map((g) =>
                          g.score === null ? null : Math.round((g.score / (g.maxScore || 1)) * 100),
                        ),
                        borderColor: c.primary,
                        backgroundColor: `${c.primary}22`,
                        fill: true,
                        tension: 0.35,
                        pointRadius: 5,
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
                          {g.score === null ? "—" : `${g.score} / ${g.maxScore}`}
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
