import { useState } from "react";
import { type AtRiskStudent, atRisk } from "../../lib/recommendations";
import { Chart } from "../ui/Chart";
import { Card, EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";

const pct = (x: number) => `${Math.round(x * 100)}%`;

function change(value: number | null): string {
  if (value === null) return "new this week";
  if (Math.abs(value) < 0.005) return "no change";
  return `${value > 0 ? "up" : "down"} ${Math.round(Math.abs(value) * 100)} points`;
}

/** The course's students by predicted risk of failing, with what drives each one's risk. */
export function AtRisk({ courseId }: { courseId: string }) {
  const data = useLoad(() => atRisk(courseId), [courseId]);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Resource state={data.state} skeleton={<SkeletonRows rows={3} />} onRetry={data.reload}>
      {({ items, threshold }) => {
        if (items.length === 0)
          return (
            <EmptyState icon="users" title="No active students">
              Students appear here once they enrol.
            </EmptyState>
          );
        const current = items.find((i) => i.student.id === selected) ?? items[0]!;
        return (
          <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
            <Card title="Students at risk">
              <p className="mb-3 text-sm text-muted">
                Predicted risk of failing; from {pct(threshold)} a student is flagged and you get a weekly
                mail.
              </p>
              <ul className="divide-y divide-line" aria-label="Students by risk">
                {items.map((item) => (
                  <li key={item.student.id}>
                    <button
                      type="button"
                      onClick={() => setSelected(item.student.id)}
                      aria-pressed={item.student.id === current.student.id}
                      className="flex w-full items-center justify-between gap-3 py-3 text-left"
                    >
                      <span className="font-medium">{item.student.name}</span>
                      <span className="flex items-center gap-2 text-sm">
                        <span className="text-muted">{change(item.change)}</span>
                        <span
                          className={`badge tabular-nums ${item.risk >= threshold ? "bg-danger-soft text-danger" : "bg-success-soft text-success"}`}
                        >
                          {pct(item.risk)} risk
                        </span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </Card>
            <Factors student={current} />
          </div>
        );
      }}
    </Resource>
  );
}

function Factors({ student }: { student: AtRiskStudent }) {
  const factors = student.factors.filter((f) => f.value !== null || f.contribution !== 0);
  return (
    <Card title={`Why: ${student.student.name}`}>
      <Chart
        key={student.student.id}
        label={`What raises or lowers ${student.student.name}'s risk: ${factors
          .map(
            (f) =>
              `${f.label} ${f.contribution > 0 ? "raises" : f.contribution < 0 ? "lowers" : "does not change"} it`,
          )
          .join("; ")}`}
        height={200}
        config={(c) => ({
          type: "bar",
          data: {
            labels: factors.map((f) => f.label),
            datasets: [
              {
                label: "Effect on risk",
                data: factors.map((f) => Math.round(f.contribution * 100) / 100),
                backgroundColor: factors.map((f) => (f.contribution > 0 ? c.warning : c.primary)),
                borderRadius: 4,
              },
            ],
          },
          options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } } },
        })}
      />
      <dl className="mt-3 grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
        {factors.map((f) => (
          <div key={f.name} className="contents">
            <dt className="text-muted">{f.label}</dt>
            <dd className="tabular-nums">{f.value === null ? "—" : f.value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
