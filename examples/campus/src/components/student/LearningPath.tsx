import { type FormEvent, useState } from "react";
import { problemOf } from "../../lib/api";
import { learningPath, type PathStep } from "../../lib/recommendations";
import { Icon } from "../ui/Icon";
import { Card, EmptyState } from "../ui/states";

/** A student names a goal (a topic or a course) and sees the courses to take, in order, and why. */
export default function LearningPath({ initialGoal = "" }: { initialGoal?: string }) {
  const [goal, setGoal] = useState(initialGoal);
  const [result, setResult] = useState<{ goal: string; steps: PathStep[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!goal.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await learningPath(goal.trim()));
    } catch (e) {
      const problem = problemOf(e);
      setResult(null);
      setError(
        problem.status === 404
          ? `We found no course or topic called "${goal.trim()}". Try a topic such as data-science.`
          : (problem.detail ?? problem.title),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">Learning path</h1>
        <p className="mt-1 text-muted">Name a topic or a course, and see what to take, in order.</p>
      </div>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <label className="flex min-w-64 flex-1 flex-col gap-1">
          <span className="label">Your goal</span>
          <input
            className="field"
            name="goal"
            value={goal}
            onChange={(e) => setGoal(e.target.value)}
            placeholder="data-science"
          />
        </label>
        <button type="submit" className="btn-primary" disabled={busy}>
          Show my path
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      )}
      {result &&
        (result.steps.length === 0 ? (
          <EmptyState icon="check" title="Nothing left to take">
            You have completed every course on this path.
          </EmptyState>
        ) : (
          <Card title={`Your path to ${result.goal}`}>
            <ol className="space-y-3" aria-label="Learning path">
              {result.steps.map((step, index) => (
                <li key={step.course.id} className="flex items-start gap-3">
                  <span className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-primary-soft text-sm font-semibold text-primary-ink">
                    {step.completed ? <Icon name="check" className="h-4 w-4" /> : index + 1}
                  </span>
                  <div>
                    <a href={`/courses/${step.course.slug}`} className="font-medium text-ink">
                      {step.course.title}
                    </a>
                    <p className="text-sm text-muted">
                      {step.reason} · <span className="capitalize">{step.course.level}</span>
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          </Card>
        ))}
    </div>
  );
}
