import { Chart } from "../ui/Chart";
import type { ExamStats } from "./data";

const BUCKETS = ["0–10", "10–20", "20–30", "30–40", "40–50", "50–60", "60–70", "70–80", "80–90", "90–100"];

export function ScoreDistribution({ stats }: { stats: ExamStats[] }) {
  const totals = BUCKETS.map((_, i) => stats.reduce((n, s) => n + (s.distribution[i] ?? 0), 0));
  return (
    <Chart
      key={totals.join()}
      label={`Score distribution across exams: ${BUCKETS.map((b, i) => `${b}%: ${totals[i]}`).join(", ")}`}
      config={(c) => ({
        type: "bar",
        data: {
          labels: BUCKETS.map((b) => `${b}%`),
          datasets: [{ label: "Attempts", data: totals, backgroundColor: c.primary, borderRadius: 6 }],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      })}
    />
  );
}

export function PassRates({ stats }: { stats: ExamStats[] }) {
  const rated = stats.filter((s) => s.passRate !== null);
  return (
    <Chart
      key={rated.map((s) => s.passRate).join()}
      label={`Pass rate per exam: ${rated.map((s) => `${s.exam.title} ${Math.round((s.passRate ?? 0) * 100)}%`).join(", ")}`}
      config={(c) => ({
        type: "bar",
        data: {
          labels: rated.map((s) => s.exam.title),
          datasets: [
            {
              label: "Pass rate %",
              data: rated.map((s) => Math.round((s.passRate ?? 0) * 100)),
              backgroundColor: c.success,
              borderRadius: 6,
            },
          ],
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { min: 0, max: 100 } },
        },
      })}
    />
  );
}
