import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { Attempt } from "../../lib/types";
import { Spinner } from "../ui/Spinner";
import { EmptyState, Resource, useLoad } from "../ui/states";
import { allExamStats, myCourses } from "./data";

function AttemptGrader({
  attempt,
  examTitle,
  onDone,
}: {
  attempt: Attempt;
  examTitle: string;
  onDone: () => void;
}) {
  const manual = attempt.questions.filter((q) => q.type === "short_answer");
  const [marks, setMarks] = useState<Record<string, { marks: string; feedback: string }>>({});
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    try {
      await api().post(`/api/attempts/${attempt.id}/grade`, {
        grades: manual.map((q) => ({
          questionId: q.id!,
          marks: Number(marks[q.id!]?.marks ?? 0),
          feedback: marks[q.id!]?.feedback?.trim() || undefined,
        })),
      });
      toast("Grades saved", "success", `${attempt.user?.name ?? "Student"} · ${examTitle}`);
      onDone();
    } catch (error) {
      toast("Could not save the grades", "error", problemOf(error).detail ?? problemOf(error).title);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card p-5" data-testid="grading-attempt">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-semibold">
          {attempt.user?.name ?? "Student"} <span className="font-normal text-muted">· {examTitle}</span>
        </p>
        <p className="text-xs text-muted">Submitted {formatDateTime(attempt.submittedAt)}</p>
      </div>
      <ol className="space-y-4">
        {manual.map((q) => {
          const answer = attempt.answers.find((a) => a.questionId === q.id);
          const id = `${attempt.id}-${q.id}`;
          return (
            <li key={q.id} className="rounded-xl bg-surface-2 p-4">
              <p className="text-sm font-medium">{q.prompt}</p>
              <p className="mt-2 rounded-lg bg-surface px-3 py-2 text-sm">
                {answer?.text || <span className="text-muted">No answer</span>}
              </p>
              {q.accepted && <p className="mt-1 text-xs text-muted">Accepted: {q.accepted.join(", ")}</p>}
              <div className="mt-3 grid gap-2 sm:grid-cols-[8rem_1fr]">
                <div>
                  <label htmlFor={`${id}-marks`} className="label">
                    Marks (of {q.marks})
                  </label>
                  <input
                    id={`${id}-marks`}
                    type="number"
                    min={0}
                    max={q.marks}
                    step={0.5}
                    className="field"
                    value={marks[q.id!]?.marks ?? ""}
                    onChange={(e) =>
                      setMarks({
                        ...marks,
                        [q.id!]: { feedback: marks[q.id!]?.feedback ?? "", marks: e.target.value },
                      })
                    }
                  />
                </div>
                <div>
                  <label htmlFor={`${id}-feedback`} className="label">
                    Feedback (optional)
                  </label>
                  <input
                    id={`${id}-feedback`}
                    className="field"
                    value={marks[q.id!]?.feedback ?? ""}
                    onChange={(e) =>
                      setMarks({
                        ...marks,
                        [q.id!]: { marks: marks[q.id!]?.marks ?? "", feedback: e.target.value },
                      })
                    }
                  />
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      <div className="mt-4 flex justify-end">
        <button type="button" className="btn-primary" disabled={busy} onClick={save}>
          {busy && <Spinner />} Save grades
        </button>
      </div>
    </li>
  );
}

export default function Grading() {
  const data = useLoad(async () => allExamStats(await myCourses()));
  return (
    <Resource state={data.state} onRetry={data.reload}>
      {(stats) => {
        const queue = stats.flatMap((s) =>
          s.attempts
            .filter((a) => a.status === "needs_review")
            .map((a) => ({ attempt: a, examTitle: s.exam.title })),
        );
        if (queue.length === 0)
          return (
            <EmptyState icon="pen" title="Nothing to grade">
              Short answers that need your judgement appear here after students submit.
            </EmptyState>
          );
        return (
          <ul className="space-y-4">
            {queue.map(({ attempt, examTitle }) => (
              <AttemptGrader
                key={attempt.id}
                attempt={attempt}
                examTitle={examTitle}
                onDone={() => data.reload()}
              />
            ))}
          </ul>
        );
      }}
    </Resource>
  );
}
