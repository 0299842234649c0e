import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { describePath } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { Exam, Question, QuestionType } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";
import { EmptyState, Resource, StatusBadge, useLoad } from "../ui/states";
import { courseExams } from "./data";
import { blank, QuestionEditor, questionSentence, TYPE_LABEL } from "./QuestionEditor";

const MAX_QUESTIONS = 10;
interface Draft {
  id?: string;
  title: string;
  durationMinutes: number | null;
  maxAttempts: number;
  passingPercent: number;
  questions: Question[];
  status?: string;
}

function Builder({
  courseId,
  initial,
  onSaved,
  onClose,
}: {
  courseId: string;
  initial: Draft;
  onSaved: (e: Exam) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [busy, setBusy] = useState(false);
  // Problems by the API's path ("questions.0.prompt", "title"); editing a part clears its own.
  const [errors, setErrors] = useState<Record<string, string>>({});
  const locked = draft.status === "published";
  const full = draft.questions.length >= MAX_QUESTIONS;
  const totalMarks = draft.questions.reduce((n, q) => n + q.marks, 0);
  const problemsOf = (i: number) =>
    Object.entries(errors)
      .filter(([path]) => path === `questions.${i}` || path.startsWith(`questions.${i}.`))
      .map(([path, message]) => ({ path: path.slice(`questions.${i}.`.length), message }));
  const loose = Object.entries(errors).filter(([path]) => !/^questions\.\d+/.test(path));
  /** Edits clear the problems of what was edited (a stale message must not outlive its cause). */
  const edit = (next: Draft, cleared: (path: string) => boolean) => {
    setDraft(next);
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([path]) => !cleared(path))));
  };
  const fieldProblem = (field: string) =>
    errors[field] && (
      <p id={`exam-${field}-problem`} className="mt-1 text-sm text-danger">
        {errors[field]}
      </p>
    );

  async function save(publish: boolean) {
    setBusy(true);
    setErrors({});
    const body = {
      title: draft.title,
      durationMinutes: draft.durationMinutes ?? undefined,
      maxAttempts: draft.maxAttempts,
      // An imported exam may pass by marks; send the percentage only when it was set here.
      passingPercent:
        !draft.id || draft.passingPercent !== initial.passingPercent ? draft.passingPercent : undefined,
      questions: draft.questions.map((q) => ({
        ...q,
        accepted:
          q.type === "short_answer" ? (q.accepted ?? []).map((a) => a.trim()).filter(Boolean) : undefined,
      })),
    };
    try {
      let exam = draft.id
        ? await api().patch<Exam>(`/api/exams/${draft.id}`, body)
        : await api().post<Exam>(`/api/courses/${courseId}/exams`, body);
      if (publish) exam = await api().post<Exam>(`/api/exams/${exam.id}/publish`);
      toast(publish ? "Exam published" : "Exam saved", "success", exam.title);
      onSaved(exam);
    } catch (error) {
      const problem = problemOf(error);
      const found: Record<string, string> = {};
      for (const e of problem.errors ?? []) found[e.path] ??= e.message;
      if (!problem.errors?.length) found.form = problem.detail ?? problem.title;
      setErrors(found);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-5" data-testid="exam-builder">
      <div className="grid gap-3 sm:grid-cols-[1fr_9rem_9rem_9rem]">
        <div>
          <label className="label" htmlFor="exam-title">
            Title
          </label>
          <input
            id="exam-title"
            className="field"
            value={draft.title}
            onChange={(e) => edit({ ...draft, title: e.target.value }, (p) => p === "title")}
            aria-invalid={Boolean(errors.title) || undefined}
            aria-describedby={errors.title ? "exam-title-problem" : undefined}
          />
          {fieldProblem("title")}
        </div>
        <div>
          <label className="label" htmlFor="exam-duration">
            Minutes
          </label>
          <input
            id="exam-duration"
            type="number"
            min={1}
            className="field"
            value={draft.durationMinutes ?? ""}
            onChange={(e) =>
              edit(
                { ...draft, durationMinutes: e.target.value ? Number(e.target.value) : null },
                (p) => p === "durationMinutes",
              )
            }
          />
          {fieldProblem("durationMinutes")}
        </div>
        <div>
          <label className="label" htmlFor="exam-attempts">
            Attempts
          </label>
          <input
            id="exam-attempts"
            type="number"
            min={1}
            className="field"
            value={draft.maxAttempts}
            onChange={(e) =>
              edit({ ...draft, maxAttempts: Number(e.target.value) || 1 }, (p) => p === "maxAttempts")
            }
          />
          {fieldProblem("maxAttempts")}
        </div>
        <div>
          <label className="label" htmlFor="exam-pass">
            Pass at %
          </label>
          <input
            id="exam-pass"
            type="number"
            min={0}
            max={100}
            className="field"
            value={draft.passingPercent}
            onChange={(e) =>
              edit({ ...draft, passingPercent: Number(e.target.value) }, (p) => p === "passingPercent")
            }
          />
          {fieldProblem("passingPercent")}
        </div>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p
          className={`text-sm font-semibold ${full ? "text-warning" : "text-muted"}`}
          data-testid="question-count"
        >
          {draft.questions.length} / {MAX_QUESTIONS} questions · {totalMarks}{" "}
          {totalMarks === 1 ? "mark" : "marks"}
          {full && " — the limit is reached"}
        </p>
        <div className="flex flex-wrap gap-1.5">
          {(Object.keys(TYPE_LABEL) as QuestionType[]).map((t) => (
            <button
              key={t}
              type="button"
              className="btn-secondary btn-sm"
              disabled={full || locked}
              onClick={() => setDraft({ ...draft, questions: [...draft.questions, blank(t)] })}
            >
              <Icon name="plus" className="h-3.5 w-3.5" /> {TYPE_LABEL[t]}
            </button>
          ))}
        </div>
      </div>
      {draft.questions.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line p-6 text-center text-sm text-muted">
          Add a question, or import a GIFT file.
        </p>
      ) : (
        <ol className="space-y-3">
          {draft.questions.map((q, i) => (
            <QuestionEditor
              key={q.id ?? `new-${i}`}
              q={q}
              index={i}
              problems={problemsOf(i)}
              onChange={(next) =>
                edit({ ...draft, questions: draft.questions.map((x, j) => (j === i ? next : x)) }, (p) =>
                  p.startsWith(`questions.${i}`),
                )
              }
              // Paths after a removed question no longer point where they did: start afresh.
              onRemove={() =>
                edit({ ...draft, questions: draft.questions.filter((_, j) => j !== i) }, (p) =>
                  p.startsWith("questions"),
                )
              }
            />
          ))}
        </ol>
      )}
      {Object.keys(errors).length > 0 && (
        <div
          role="alert"
          className="rounded-xl bg-danger-soft p-4 text-sm text-danger"
          data-testid="builder-problems"
        >
          <p className="font-semibold">The exam was not saved.</p>
          <ul className="mt-1 list-inside list-disc">
            {draft.questions.map((_, i) =>
              problemsOf(i).length ? (
                <li key={`q${String(i)}`}>
                  Question {i + 1}:{" "}
                  {problemsOf(i)
                    .map((p) => questionSentence(p.path, p.message))
                    .join(" ")}
                </li>
              ) : null,
            )}
            {loose.map(([path, message]) => (
              <li key={path}>{path === "form" ? message : `${describePath(path)}: ${message}`}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" className="btn-ghost" onClick={onClose}>
          Close
        </button>
        <button type="button" className="btn-secondary" disabled={busy} onClick={() => save(false)}>
          {busy && <Spinner />} Save draft
        </button>
        <button
          type="button"
          className="btn-primary"
          disabled={busy || draft.questions.length === 0}
          onClick={() => save(true)}
        >
          Save and publish
        </button>
      </div>
    </div>
  );
}

export function Exams({ courseId }: { courseId: string }) {
  const exams = useLoad(() => courseExams(courseId), [courseId]);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [importing, setImporting] = useState(false);
  const [gift, setGift] = useState("");
  const [importBusy, setImportBusy] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<{ line: number; message: string }[]>([]);

  async function runImport() {
    setImportBusy(true);
    setImportError(null);
    try {
      const exam = await api().post<Exam>(`/api/courses/${courseId}/exams/import`, gift, {
        headers: { "Content-Type": "text/plain" },
      });
      setWarnings(exam.warnings ?? []);
      toast("Questions imported", "success", `${exam.questions.length} question(s) in a new draft.`);
      setImporting(false);
      setGift("");
      await exams.reload();
      setEditing(toDraft(exam));
    } catch (error) {
      setImportError(problemOf(error).detail ?? problemOf(error).title);
    } finally {
      setImportBusy(false);
    }
  }

  const toDraft = (e: Exam): Draft => ({
    id: e.id,
    title: e.title,
    durationMinutes: e.durationMinutes,
    maxAttempts: e.maxAttempts ?? 1,
    passingPercent: e.passingPercent ?? 50,
    questions: e.questions ?? [],
    status: e.status,
  });

  if (editing)
    return (
      <>
        {warnings.length > 0 && (
          <div role="status" className="mb-4 rounded-xl bg-warning-soft p-4 text-sm">
            <p className="font-semibold text-warning">Some of the file could not be imported:</p>
            <ul className="mt-1 list-inside list-disc">
              {warnings.map((w) => (
                <li key={`${w.line}-${w.message}`}>
                  Line {w.line}: {w.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <Builder
          courseId={courseId}
          initial={editing}
          onClose={() => {
            setEditing(null);
            setWarnings([]);
          }}
          onSaved={(exam) => {
            setEditing(null);
            setWarnings([]);
            void exams.reload();
            return exam;
          }}
        />
      </>
    );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={() => setImporting(true)}>
          <Icon name="upload" className="h-4 w-4" /> Import GIFT
        </button>
        <button
          type="button"
          className="btn-primary"
          onClick={() =>
            setEditing({
              title: "New exam",
              durationMinutes: 30,
              maxAttempts: 1,
              passingPercent: 50,
              questions: [],
            })
          }
        >
          <Icon name="plus" className="h-4 w-4" /> New exam
        </button>
      </div>
      <Resource state={exams.state} onRetry={exams.reload}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState icon="exam" title="No exams yet">
              Build one question by question (up to {MAX_QUESTIONS}), or import a GIFT file from Moodle.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-line rounded-xl border border-line">
              {list.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
                  <div>
                    <p className="font-semibold">{e.title}</p>
                    <p className="text-sm text-muted">
                      {(e as Exam & { questionCount?: number }).questionCount ?? e.questions?.length ?? 0}{" "}
                      questions · {e.maxScore} {e.maxScore === 1 ? "mark" : "marks"} ·{" "}
                      {e.durationMinutes ? `${e.durationMinutes} min` : "no time limit"}
                    </p>
                  </div>
                  <div className="flex items-center gap-2">
                    <StatusBadge status={e.status} />
                    <button type="button" className="btn-ghost btn-sm" onClick={() => setEditing(toDraft(e))}>
                      {e.status === "draft" ? "Edit" : "View"}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Resource>
      <Modal
        open={importing}
        onOpenChange={setImporting}
        title="Import questions (GIFT or Aiken)"
        description="Paste the text or choose a file; a draft exam is created from it."
        wide
      >
        <label htmlFor="gift-file" className="label">
          File
        </label>
        <input
          id="gift-file"
          type="file"
          accept=".gift,.txt,text/plain"
          className="field mb-3"
          onChange={async (e) => {
            const chosen = e.target.files?.[0];
            if (chosen) setGift(await chosen.text());
          }}
        />
        <label htmlFor="gift-text" className="label">
          Text
        </label>
        <textarea
          id="gift-text"
          className="field min-h-48 font-mono text-xs"
          value={gift}
          onChange={(e) => setGift(e.target.value)}
          placeholder={"::Capital:: What is the capital of France? {=Paris ~London ~Berlin}"}
        />
        {importError && (
          <p role="alert" className="mt-2 text-sm text-danger">
            {importError}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={() => setImporting(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="btn-primary"
            disabled={!gift.trim() || importBusy}
            onClick={runImport}
          >
            {importBusy && <Spinner />} Import
          </button>
        </div>
      </Modal>
    </div>
  );
}
