import { describePath } from "../../lib/problems";
import type { Question, QuestionType } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Badge } from "../ui/states";

/** The question types an instructor can add, in the words the builder shows. */
export const TYPE_LABEL: Record<QuestionType, string> = {
  single: "Single choice",
  multiple: "Multiple choice",
  true_false: "True / false",
  short_answer: "Short answer",
};

export function blank(type: QuestionType): Question {
  if (type === "true_false")
    return {
      type,
      prompt: "",
      marks: 1,
      options: [
        { text: "True", correct: true },
        { text: "False", correct: false },
      ],
    };
  if (type === "short_answer") return { type, prompt: "", marks: 1, accepted: [""] };
  return {
    type,
    prompt: "",
    marks: 1,
    options: [
      { text: "", correct: true },
      { text: "", correct: false },
    ],
  };
}

/** A question's problems as sentences: "prompt" → "Write the question.", "options.1.text" → "Option 2: …". */
export function questionSentence(path: string, message: string): string {
  if (path === "prompt" && message === "This can't be empty.") return "Write the question.";
  if (/^options\.\d+\.text$/.test(path) && message === "This can't be empty.")
    return `${describePath(path)} needs some text.`;
  if (path === "" || path === "options" || path === "accepted") return message;
  return `${describePath(path)}: ${message}`;
}

/** One question of the exam builder: prompt, marks, options or accepted answers, and its problems. */
export function QuestionEditor({
  q,
  index,
  problems = [],
  onChange,
  onRemove,
}: {
  q: Question;
  index: number;
  problems?: { path: string; message: string }[];
  onChange: (q: Question) => void;
  onRemove: () => void;
}) {
  const id = `q${index}`;
  return (
    <li
      className={`rounded-xl border p-4 ${problems.length ? "border-danger/50" : "border-line"}`}
      data-testid="builder-question"
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm font-semibold">
          Question {index + 1} <Badge tone="primary">{TYPE_LABEL[q.type]}</Badge>
        </span>
        <div className="flex items-center gap-2">
          <label htmlFor={`${id}-marks`} className="text-sm text-muted">
            Marks
          </label>
          <select
            id={`${id}-marks`}
            className="field w-20 py-1.5"
            value={q.marks}
            onChange={(e) => onChange({ ...q, marks: Number(e.target.value) })}
          >
            {[1, 2, 3, 4, 5].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <button
            type="button"
            className="btn-ghost btn-sm text-danger"
            onClick={onRemove}
            aria-label={`Remove question ${index + 1}`}
          >
            <Icon name="x" className="h-4 w-4" />
          </button>
        </div>
      </div>
      <label htmlFor={`${id}-prompt`} className="sr-only">
        Prompt of question {index + 1}
      </label>
      <textarea
        id={`${id}-prompt`}
        className="field min-h-16"
        placeholder="Ask something"
        value={q.prompt}
        onChange={(e) => onChange({ ...q, prompt: e.target.value })}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={problems.length ? `${id}-problems` : undefined}
      />
      {problems.length > 0 && (
        <ul
          id={`${id}-problems`}
          className="mt-2 space-y-1 text-sm text-danger"
          data-testid="question-problem"
        >
          {problems.map((p) => (
            <li key={p.path}>{questionSentence(p.path, p.message)}</li>
          ))}
        </ul>
      )}
      {q.type === "short_answer" ? (
        <div className="mt-3">
          <label htmlFor={`${id}-accepted`} className="label">
            Accepted answers (one per line; case and spacing are ignored)
          </label>
          <textarea
            id={`${id}-accepted`}
            className="field min-h-16"
            value={(q.accepted ?? []).join("\n")}
            onChange={(e) => onChange({ ...q, accepted: e.target.value.split("\n") })}
          />
        </div>
      ) : (
        <fieldset className="mt-3 space-y-2">
          <legend className="sr-only">Options; check the correct ones</legend>
          {(q.options ?? []).map((o, i) => (
            <div key={String(i)} className="flex items-center gap-2">
              <input
                type={q.type === "multiple" ? "checkbox" : "radio"}
                name={`${id}-correct`}
                aria-label={`Option ${i + 1} is correct`}
                checked={o.correct ?? false}
                className="h-4 w-4 accent-[var(--brand-primary)]"
                onChange={() =>
                  onChange({
                    ...q,
                    options: q.options!.map((x, j) => ({
                      ...x,
                      correct: q.type === "multiple" ? (j === i ? !x.correct : x.correct) : j === i,
                    })),
                  })
                }
              />
              <input
                className="field py-1.5"
                aria-label={`Option ${i + 1}`}
                value={o.text}
                disabled={q.type === "true_false"}
                onChange={(e) =>
                  onChange({
                    ...q,
                    options: q.options!.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)),
                  })
                }
              />
              {q.type !== "true_false" && (q.options?.length ?? 0) > 2 && (
                <button
                  type="button"
                  className="btn-ghost btn-sm"
                  aria-label={`Remove option ${i + 1}`}
                  onClick={() => onChange({ ...q, options: q.options!.filter((_, j) => j !== i) })}
                >
                  <Icon name="x" className="h-4 w-4" />
                </button>
              )}
            </div>
          ))}
          {q.type !== "true_false" && (q.options?.length ?? 0) < 10 && (
            <button
              type="button"
              className="btn-ghost btn-sm"
              onClick={() =>
                onChange({ ...q, options: [...(q.options ?? []), { text: "", correct: false }] })
              }
            >
              <Icon name="plus" className="h-4 w-4" /> Add option
            </button>
          )}
        </fieldset>
      )}
    </li>
  );
}
