import { useEffect, useMemo, useRef, useState } from "react";
import { api, LecternApiError, problemOf } from "../../lib/api";
import { Autosave, clearLocalAnswers, type SaveStatus } from "../../lib/autosave";
import { formatDateTime, formatDuration, formatRelative } from "../../lib/format";
import { useNow } from "../../lib/hooks";
import { toast } from "../../lib/toast";
import type { Answer, Attempt, Exam } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { ConfirmDialog } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";
import { Card, ErrorState, Resource, Skeleton, StatusBadge, useLoad } from "../ui/states";

const ATTEMPT_KEY = (examId: string) => `lectern.exam.${examId}.attempt`;

function isAnswered(answer: Answer | undefined): boolean {
  if (!answer) return false;
  return (answer.optionIds?.length ?? 0) > 0 || (answer.text ?? "").trim().length > 0;
}

/** Server time minus local time, from a response's Date header: countdowns follow the server's clock. */
let clockSkew = 0;
async function postAttempt(examId: string): Promise<Attempt> {
  const response = await fetch(`/api/exams/${examId}/attempts`, {
    method: "POST",
    headers: { Accept: "application/json" },
  });
  const date = response.headers.get("date");
  if (date) clockSkew = Date.parse(date) - Date.now();
  if (!response.ok) {
    const problem = await response
      .json()
      .catch(() => ({ title: response.statusText, status: response.status }));
    throw new LecternApiError(problem);
  }
  return response.json();
}

function SaveIndicator({ status, now }: { status: SaveStatus; now: number }) {
  const base = "inline-flex items-center gap-1.5 text-xs font-medium";
  switch (status.state) {
    case "saving":
      return (
        <span className={`${base} text-muted`}>
          <Spinner className="h-3.5 w-3.5" /> Saving…
        </span>
      );
    case "saved":
      return (
        <span className={`${base} text-success`}>
          <Icon name="check" className="h-3.5 w-3.5" /> Saved · {formatRelative(status.at, now)}
        </span>
      );
    case "offline":
      return (
        <span className={`${base} text-warning`} data-testid="offline-indicator">
          <Icon name="alert" className="h-3.5 w-3.5" /> {status.busy ? "Server busy" : "Offline"} · kept on
          this device, retrying in {formatDuration(status.retryAt - now)}
        </span>
      );
    case "closed":
      return <span className={`${base} text-danger`}>{status.message}</span>;
    default:
      return <span className={`${base} text-muted`}>Answers save as you go</span>;
  }
}

function Result({ attempt, exam }: { attempt: Attempt; exam: Exam | null }) {
  const pending = attempt.status === "needs_review";
  const pct = attempt.maxScore ? Math.round(((attempt.score ?? 0) / attempt.maxScore) * 100) : 0;
  const reviewable = attempt.questions.some(
    (q) => q.options?.some((o) => o.correct !== undefined) || q.accepted,
  );
  return (
    <div className="space-y-6" data-testid="exam-result">
      <section className="card overflow-hidden">
        <div
          className={`px-6 py-8 text-center ${attempt.passed ? "bg-success-soft" : pending ? "bg-warning-soft" : "bg-danger-soft"}`}
        >
          <p className="text-sm font-semibold uppercase tracking-widest text-muted">
            {exam?.title ?? "Exam"} · result
          </p>
          <p className="mt-3 font-serif text-5xl font-semibold tabular-nums" data-testid="exam-score">
            {attempt.score ?? 0} <span className="text-2xl text-muted">/ {attempt.maxScore}</span>
          </p>
          <p className="mt-2 text-lg font-semibold">
            {pending
              ? "Awaiting grading of written answers"
              : attempt.passed
                ? `Passed · ${pct}%`
                : `Not passed · ${pct}%`}
          </p>
          <p className="mt-1 text-sm text-muted">Submitted {formatDateTime(attempt.submittedAt)}</p>
        </div>
        <div className="flex flex-wrap justify-center gap-2 p-5">
          <a href="/student/grades" className="btn-primary">
            See my grades
          </a>
          <a href="/student/exams" className="btn-secondary">
            Back to exams
          </a>
        </div>
      </section>
      {reviewable && (
        <Card title="Review">
          <ol className="space-y-5">
            {attempt.questions.map((q, i) => {
              const answer = attempt.answers.find((a) => a.questionId === q.id);
              return (
                <li key={q.id} className="rounded-xl border border-line p-4">
                  <p className="font-medium">
                    {i + 1}. {q.prompt}
                  </p>
                  {q.options && (
                    <ul className="mt-2 space-y-1 text-sm">
                      {q.options.map((o) => (
                        <li
                          key={o.id}
                          className={
                            o.correct
                              ? "font-semibold text-success"
                              : answer?.optionIds?.includes(o.id!)
                                ? "text-danger"
                                : "text-muted"
                          }
                        >
                          {o.correct ? "✓" : answer?.optionIds?.includes(o.id!) ? "✗" : "·"} {o.text}
                        </li>
                      ))}
                    </ul>
                  )}
                  {q.type === "short_answer" && (
                    <p className="mt-2 text-sm text-muted">
                      Your answer: {answer?.text || "—"}
                      {q.accepted && ` · accepted: ${q.accepted.join(", ")}`}
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
        </Card>
      )}
    </div>
  );
}

function Runner({
  exam,
  initial,
  onDone,
}: {
  exam: Exam | null;
  initial: Attempt;
  onDone: (a: Attempt) => void;
}) {
  const now = useNow(1000) + clockSkew;
  const [status, setStatus] = useState<SaveStatus>({ state: "idle" });
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [confirm, setConfirm] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const saver = useRef<Autosave | null>(null);
  const deadline = initial.deadline ? Date.parse(initial.deadline) : null;
  const remaining = deadline ? deadline - now : null;

  useEffect(() => {
    const fromServer = Object.fromEntries(initial.answers.map((a) => [a.questionId, a]));
    const autosave = new Autosave(
      {
        attemptId: initial.id,
        send: (list) => api().put(`/api/attempts/${initial.id}/answers`, { answers: list }),
        onStatus: setStatus,
        isFinal: (error) =>
          error instanceof LecternApiError && error.status === 409
            ? (error.problem.detail ?? "The exam is closed.")
            : null,
        retryAfterMs: (error) => {
          const seconds = error instanceof LecternApiError ? Number(error.problem.retryAfter) : Number.NaN;
          return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
        },
      },
      fromServer,
    );
    saver.current = autosave;
    setAnswers(autosave.all);
    return () => autosave.stop();
  }, [initial]);

  const submit = async () => {
    setSubmitting(true);
    await saver.current?.flush().catch(() => undefined);
    if (saver.current?.hasPending && navigator.onLine === false) {
      setSubmitting(false);
      setConfirm(false);
      toast(
        "You are offline",
        "error",
        "Your answers are kept on this device. Submit again when you are back online.",
      );
      return;
    }
    try {
      await api().post(`/api/attempts/${initial.id}/submit`);
      const result = await api().get<Attempt>(`/api/attempts/${initial.id}`);
      saver.current?.stop();
      clearLocalAnswers(initial.id);
      localStorage.removeItem(ATTEMPT_KEY(initial.examId));
      toast("Exam submitted", "success");
      onDone(result);
    } catch (error) {
      setSubmitting(false);
      toast("Could not submit", "error", problemOf(error).detail ?? problemOf(error).title);
    }
  };

  const submitRef = useRef(submit);
  submitRef.current = submit;
  const expired = remaining !== null && remaining <= 0;
  useEffect(() => {
    if (expired) void submitRef.current();
  }, [expired]);

  const unanswered = initial.questions
    .map((q, i) => ({ q, i }))
    .filter(({ q }) => !isAnswered(answers[q.id!]));
  const change = (answer: Answer) => {
    saver.current?.set(answer);
    setAnswers((prev) => ({ ...prev, [answer.questionId]: answer }));
  };

  return (
    <div className="space-y-6">
      <div
        className="sticky top-16 z-20 -mx-4 -mt-6 border-b border-line sm:-mt-8 bg-surface/95 px-4 py-3 backdrop-blur sm:-mx-6 sm:px-6"
        data-testid="exam-bar"
      >
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="min-w-0">
            <h1 className="truncate text-lg font-semibold">{exam?.title ?? "Exam"}</h1>
            <SaveIndicator status={status} now={Date.now()} />
          </div>
          <div className="flex items-center gap-3">
            {remaining !== null && (
              <p
                className={`flex items-center gap-1.5 rounded-xl px-3 py-1.5 text-sm font-semibold tabular-nums ${remaining < 60_000 ? "bg-danger-soft text-danger" : remaining < 300_000 ? "bg-warning-soft text-warning" : "bg-surface-2 text-ink"}`}
                data-testid="exam-countdown"
              >
                <Icon name="clock" className="h-4 w-4" />
                <span className="sr-only">Time left:</span>
                {formatDuration(remaining)}
              </p>
            )}
            <button
              type="button"
              className="btn-primary"
              onClick={() => setConfirm(true)}
              disabled={submitting}
            >
              Submit
            </button>
          </div>
        </div>
      </div>

      <div className="grid gap-6 lg:grid-cols-[1fr_14rem]">
        <ol className="space-y-5">
          {initial.questions.map((q, index) => {
            const answer = answers[q.id!];
            const name = `q-${q.id}`;
            return (
              <li key={q.id} id={name} className="card scroll-mt-40 p-5 sm:p-6" data-testid="question">
                <fieldset>
                  <legend className="mb-4 flex w-full items-start justify-between gap-3">
                    <span className="font-medium">
                      <span className="text-muted">{index + 1}.</span> {q.prompt}
                    </span>
                    <span className="badge shrink-0 bg-surface-2 text-muted">
                      {q.marks} mark{q.marks === 1 ? "" : "s"}
                    </span>
                  </legend>
                  {q.type === "short_answer" ? (
                    <>
                      <label htmlFor={`${name}-text`} className="sr-only">
                        Your answer to question {index + 1}
                      </label>
                      <input
                        id={`${name}-text`}
                        className="field"
                        value={answer?.text ?? ""}
                        placeholder="Type your answer"
                        onChange={(e) => change({ questionId: q.id!, text: e.target.value })}
                      />
                    </>
                  ) : (
                    <div className="space-y-2">
                      {(q.options ?? []).map((o) => {
                        const multiple = q.type === "multiple";
                        const checked = answer?.optionIds?.includes(o.id!) ?? false;
                        return (
                          <label
                            key={o.id}
                            className={`flex cursor-pointer items-center gap-3 rounded-xl border px-4 py-3 text-sm transition ${checked ? "border-primary bg-primary-softer" : "border-line hover:bg-surface-2"}`}
                          >
                            <input
                              type={multiple ? "checkbox" : "radio"}
                              name={name}
                              className="h-4 w-4 accent-[var(--brand-primary)]"
                              checked={checked}
                              onChange={() => {
                                const current = answer?.optionIds ?? [];
                                const optionIds = multiple
                                  ? checked
                                    ? current.filter((id) => id !== o.id)
                                    : [...current, o.id!]
                                  : [o.id!];
                                change({ questionId: q.id!, optionIds });
                              }}
                            />
                            {o.text}
                          </label>
                        );
                      })}
                    </div>
                  )}
                </fieldset>
              </li>
            );
          })}
        </ol>
        <nav aria-label="Questions" className="card h-fit p-4 lg:sticky lg:top-40">
          <p className="mb-3 text-sm font-semibold">
            {initial.questions.length - unanswered.length} of {initial.questions.length} answered
          </p>
          <ul className="grid grid-cols-5 gap-2">
            {initial.questions.map((q, i) => {
              const done = isAnswered(answers[q.id!]);
              return (
                <li key={q.id}>
                  <a
                    href={`#q-${q.id}`}
                    className={`grid h-9 place-items-center rounded-lg text-sm font-semibold no-underline ${done ? "bg-primary text-white" : "border border-line text-muted"}`}
                    aria-label={`Question ${i + 1}, ${done ? "answered" : "unanswered"}`}
                  >
                    {i + 1}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      </div>

      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Submit your answers?"
        description={
          unanswered.length === 0
            ? "Every question has an answer. You cannot change them after submitting."
            : undefined
        }
        confirmLabel={submitting ? "Submitting…" : "Submit now"}
        busy={submitting}
        onConfirm={submit}
      >
        {unanswered.length > 0 && (
          <div className="rounded-xl bg-warning-soft p-4 text-sm">
            <p className="font-semibold text-warning">
              {unanswered.length} question{unanswered.length === 1 ? " has" : "s have"} no answer:
            </p>
            <ul className="mt-2 list-inside list-disc text-ink">
              {unanswered.map(({ q, i }) => (
                <li key={q.id}>
                  Question {i + 1}: {q.prompt.slice(0, 60)}
                </li>
              ))}
            </ul>
          </div>
        )}
      </ConfirmDialog>
    </div>
  );
}

export default function TakeExam({ examId }: { examId: string }) {
  const exam = useLoad(() => api().get<Exam>(`/api/exams/${examId}`), [examId]);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [starting, setStarting] = useState(false);
  const [problem, setProblem] = useState<ReturnType<typeof problemOf> | null>(null);

  // A reload mid-exam resumes the attempt in progress (the server answers it again, with its answers).
  useEffect(() => {
    const saved = localStorage.getItem(ATTEMPT_KEY(examId));
    if (!saved) return;
    api()
      .get<Attempt>(`/api/attempts/${saved}`)
      .then((found) => {
        if (found.status === "in_progress") return postAttempt(examId).then(setAttempt);
        localStorage.removeItem(ATTEMPT_KEY(examId));
        setAttempt(found);
      })
      .catch(() => localStorage.removeItem(ATTEMPT_KEY(examId)));
  }, [examId]);

  const start = async () => {
    setStarting(true);
    setProblem(null);
    try {
      const started = await postAttempt(examId);
      localStorage.setItem(ATTEMPT_KEY(examId), started.id);
      setAttempt(started);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setStarting(false);
    }
  };

  const examData = exam.status === "ready" ? exam.data : null;
  const summary = useMemo(() => examData, [examData]);
  if (attempt && attempt.status !== "in_progress") return <Result attempt={attempt} exam={summary} />;
  if (attempt) return <Runner exam={summary} initial={attempt} onDone={setAttempt} />;

  return (
    <Resource state={exam.state} onRetry={exam.reload} skeleton={<Skeleton className="h-64 w-full" />}>
      {(e) => (
        <section className="card mx-auto max-w-2xl overflow-hidden">
          <div className="bg-gradient-to-br from-primary to-primary-strong px-6 py-8 text-white">
            <p className="text-xs font-semibold uppercase tracking-widest text-white/80">Exam</p>
            <h1 className="mt-2 text-2xl font-semibold">{e.title}</h1>
          </div>
          <div className="space-y-5 p-6">
            <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
              <div>
                <dt className="text-muted">Questions</dt>
                <dd className="text-lg font-semibold">
                  {(e as Exam & { questionCount?: number }).questionCount ?? e.questions?.length ?? "—"}
                </dd>
              </div>
              <div>
                <dt className="text-muted">Time</dt>
                <dd className="text-lg font-semibold">
                  {e.durationMinutes ? `${e.durationMinutes} min` : "No limit"}
                </dd>
              </div>
              <div>
                <dt className="text-muted">Marks</dt>
                <dd className="text-lg font-semibold">{e.maxScore}</dd>
              </div>
              <div>
                <dt className="text-muted">Attempts</dt>
                <dd className="text-lg font-semibold">{e.maxAttempts ?? "∞"}</dd>
              </div>
            </dl>
            <ul className="space-y-1.5 text-sm text-muted">
              {e.closesAt && <li>Closes {formatDateTime(e.closesAt)}.</li>}
              <li>Your answers save as you go, and survive a reload or a lost connection.</li>
              <li>
                The countdown follows the server's clock; when it ends, your saved answers are submitted.
              </li>
            </ul>
            {problem && <ErrorState problem={problem} />}
            <div className="flex items-center gap-3">
              <button type="button" className="btn-primary" onClick={start} disabled={starting}>
                {starting && <Spinner />} Start the exam
              </button>
              <StatusBadge status={e.status} />
            </div>
          </div>
        </section>
      )}
    </Resource>
  );
}
