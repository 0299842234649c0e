import { type FormEvent, useState } from "react";
import { institutionAttendance, rateText } from "../../lib/classes";
import { formatDate } from "../../lib/format";
import { Chart } from "../ui/Chart";
import { Icon } from "../ui/Icon";
import { Card, Resource, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The institution's attendance: people on campus per day, and class attendance per course (admins). */
export default function InstitutionAttendance({ compact = false }: { compact?: boolean }) {
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [draft, setDraft] = useState({ from: "", to: "" });
  const [rangeError, setRangeError] = useState<string | null>(null);
  const report = useLoad(() => institutionAttendance(range), [range.from, range.to]);

  function apply(event: FormEvent) {
    event.preventDefault();
    if ((draft.from && !DAY.test(draft.from)) || (draft.to && !DAY.test(draft.to)))
      return setRangeError("Choose whole dates.");
    if (draft.from && draft.to && draft.from > draft.to)
      return setRangeError("The start comes after the end.");
    setRangeError(null);
    setRange({ from: draft.from || undefined, to: draft.to || undefined });
  }

  return (
    <Resource state={report.state} onRetry={report.reload}>
      {(data) => {
        const chart = (
          <Chart
            key={data.days.map((d) => d.users).join()}
            testId="institution-attendance-chart"
            height={compact ? 200 : 260}
            label={`People on campus per day from ${formatDate(data.from)} to ${formatDate(data.to)}: ${data.days.map((d) => `${d.day} ${d.users}`).join("; ") || "none"}`}
            config={(colours) => ({
              type: "line",
              data: {
                labels: data.days.map((d) => d.day.slice(5)),
                datasets: [
                  {
                    label: "People on campus",
                    data: data.days.map((d) => d.users),
                    borderColor: colours.primary,
                    backgroundColor: `${colours.primary}22`,
                    fill: true,
                    tension: 0.3,
                  },
                ],
              },
              options: {
                maintainAspectRatio: false,
                scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
                plugins: { legend: { display: false } },
              },
            })}
          />
        );
        if (compact)
          return (
            <Card
              title="Attendance"
              action={
                <a href="/admin/attendance" className="text-sm font-medium">
                  Full report
                </a>
              }
            >
              {chart}
            </Card>
          );
        const query = new URLSearchParams({ from: data.from, to: data.to, format: "csv" });
        return (
          <div className="space-y-6">
            <form onSubmit={apply} className="flex flex-wrap items-end gap-3" aria-label="Report period">
              <div>
                <label htmlFor="attendance-from" className="label">
                  From
                </label>
                <input
                  id="attendance-from"
                  type="date"
                  className="field"
                  value={draft.from || data.from}
                  onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
                />
              </div>
              <div>
                <label htmlFor="attendance-to" className="label">
                  To
                </label>
                <input
                  id="attendance-to"
                  type="date"
                  className="field"
                  value={draft.to || data.to}
                  onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
                />
              </div>
              <button type="submit" className="btn-secondary">
                Show
              </button>
              {rangeError && (
                <p role="alert" className="w-full text-sm text-danger">
                  {rangeError}
                </p>
              )}
            </form>
            <Card title="People on campus per day">{chart}</Card>
            <Card
              title="Live classes per course"
              action={
                <a className="btn-secondary btn-sm" href={`/api/admin/attendance?${query}`} download>
                  <Icon name="download" className="h-4 w-4" /> Download CSV
                </a>
              }
            >
              {data.courses.length === 0 ? (
                <p className="text-sm text-muted">No live class took place in this period.</p>
              ) : (
                <TableFrame label="Class attendance per course" className="-mx-2">
                  <table className="w-full min-w-[32rem] text-left text-sm">
                    <thead className="text-xs uppercase tracking-wider text-muted">
                      <tr>
                        <th className="px-2 py-2 font-semibold">Course</th>
                        <th className="px-2 py-2 font-semibold">Classes held</th>
                        <th className="px-2 py-2 font-semibold">Students</th>
                        <th className="px-2 py-2 font-semibold">Attendance</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-line">
                      {data.courses.map((c) => (
                        <tr key={c.courseId}>
                          <td className="px-2 py-3 font-medium">{c.title}</td>
                          <td className="px-2 py-3 tabular-nums">{c.classesHeld}</td>
                          <td className="px-2 py-3 tabular-nums">{c.students}</td>
                          <td className="px-2 py-3 tabular-nums">{rateText(c.rate)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableFrame>
              )}
            </Card>
          </div>
        );
      }}
    </Resource>
  );
}
