import { type FormEvent, useEffect, useRef, useState } from "react";
import { api } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { useHydrated } from "../../lib/hooks";
import { Icon } from "../ui/Icon";
import { type AssistantSource, type AssistantTurn, askStreaming, sourceHref, sourcePlace } from "./chat";

interface ConversationSummary {
  id: string;
  courseId: string | null;
  title: string;
  updatedAt: string;
}

const QUOTED_NOTICE =
  "No language model is configured on this campus, so answers are quotations from the course materials, not written by an AI.";

/**
 * "Ask about this course": questions answered from the materials of one course (or, without
 * `courseId`, of every course the student may read), streamed, with the sources they come from.
 */
export default function AskPanel({
  courseId,
  heading = "Ask about this course",
}: {
  courseId?: string;
  heading?: string;
}) {
  const [turns, setTurns] = useState<AssistantTurn[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [question, setQuestion] = useState("");
  const [busy, setBusy] = useState(false);
  const ready = useHydrated();
  const [history, setHistory] = useState<ConversationSummary[]>([]);
  const [showHistory, setShowHistory] = useState(false);
  const log = useRef<HTMLDivElement>(null);

  const loadHistory = async () => {
    try {
      const page = await api().get<{ items: ConversationSummary[] }>("/api/assistant/conversations", {
        query: { limit: 20 },
      });
      setHistory(page.items.filter((c) => !courseId || c.courseId === courseId));
    } catch {
      setHistory([]);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once per course
  useEffect(() => {
    void loadHistory();
  }, [courseId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the answer as it streams in
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [turns]);

  const update = (change: (last: AssistantTurn) => AssistantTurn) =>
    setTurns((all) => [...all.slice(0, -1), change(all.at(-1)!)]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const message = question.trim();
    if (!message || busy) return;
    setBusy(true);
    setQuestion("");
    setTurns((all) => [
      ...all,
      { role: "user", content: message },
      { role: "assistant", content: "", pending: true },
    ]);
    await askStreaming(
      { message, ...(courseId && { courseId }), ...(conversationId && { conversationId }) },
      {
        onToken: (text) => update((last) => ({ ...last, content: last.content + text })),
        onSources: (mode, sources) => update((last) => ({ ...last, mode, sources })),
        onDone: (id) => {
          update((last) => ({ ...last, pending: false }));
          if (id) setConversationId(id);
        },
        onProblem: (detail, fallback) => {
          if (fallback) {
            update(() => ({
              role: "assistant",
              content: fallback.answer,
              mode: "quoted",
              sources: fallback.sources,
              notice: detail,
            }));
            if (fallback.conversationId) setConversationId(fallback.conversationId);
          } else {
            update(() => ({ role: "assistant", content: detail, failed: true }));
          }
        },
      },
    );
    setBusy(false);
    void loadHistory();
  }

  async function open(id: string) {
    try {
      const conversation = await api().get<{ id: string; messages: AssistantTurn[] }>(
        `/api/assistant/conversations/${id}`,
      );
      setTurns(conversation.messages);
      setConversationId(conversation.id);
      setShowHistory(false);
    } catch {
      setTurns([{ role: "assistant", content: "This conversation could not be opened.", failed: true }]);
    }
  }

  const quoted = turns.some((t) => t.mode === "quoted" && !t.notice && (t.sources?.length ?? 0) > 0);

  return (
    <section className="card p-5 sm:p-6" aria-labelledby="ask-heading" data-testid="ask-panel">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <h2 id="ask-heading" className="flex items-center gap-2 text-base font-semibold tracking-tight">
          <Icon name="sparkles" className="h-4 w-4 text-primary" /> {heading}
        </h2>
        <div className="flex gap-2">
          <button
            type="button"
            className="btn-ghost text-sm"
            onClick={() => setShowHistory((v) => !v)}
            aria-expanded={showHistory}
          >
            Conversations{history.length > 0 ? ` (${history.length})` : ""}
          </button>
          <button
            type="button"
            className="btn-ghost text-sm"
            onClick={() => {
              setTurns([]);
              setConversationId(null);
            }}
          >
            New
          </button>
        </div>
      </div>
      {showHistory && (
        <ul
          className="mb-4 max-h-48 divide-y divide-line overflow-y-auto rounded-lg border border-line text-sm"
          aria-label="Past conversations"
        >
          {history.length === 0 && <li className="px-3 py-2 text-muted">No conversations yet.</li>}
          {history.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="flex w-full justify-between gap-3 px-3 py-2 text-left hover:bg-surface-2"
                onClick={() => open(c.id)}
              >
                <span className="truncate">{c.title}</span>
                <span className="shrink-0 text-xs text-subtle">{formatDateTime(c.updatedAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {quoted && (
        <p
          className="mb-3 rounded-lg bg-warning-soft px-3 py-2 text-sm text-warning"
          role="note"
          data-testid="quoted-notice"
        >
          {QUOTED_NOTICE}
        </p>
      )}
      <div
        ref={log}
        className="max-h-[28rem] space-y-4 overflow-y-auto"
        aria-live="polite"
        data-testid="ask-log"
      >
        {turns.length === 0 && (
          <p className="text-sm text-muted">
            Ask a question about {courseId ? "this course" : "your courses"}: the answer comes from the course
            materials, with links to where it says so.
          </p>
        )}
        {turns.map((turn, i) =>
          turn.role === "user" ? (
            <p
              key={String(i)}
              className="ml-auto w-fit max-w-[85%] rounded-2xl bg-primary-soft px-4 py-2 text-sm text-primary-ink"
            >
              {turn.content}
            </p>
          ) : (
            <Answer key={String(i)} turn={turn} />
          ),
        )}
      </div>
      <form className="mt-4 flex gap-2" onSubmit={submit}>
        <label className="sr-only" htmlFor={`ask-${courseId ?? "all"}`}>
          Your question
        </label>
        <input
          id={`ask-${courseId ?? "all"}`}
          className="field flex-1"
          value={question}
          maxLength={1000}
          placeholder="e.g. What does a p-value mean?"
          onChange={(e) => setQuestion(e.target.value)}
          disabled={busy || !ready}
        />
        <button type="submit" className="btn-primary" disabled={busy || !question.trim()}>
          {busy ? "Answering…" : "Ask"}
        </button>
      </form>
    </section>
  );
}

function Answer({ turn }: { turn: AssistantTurn }) {
  return (
    <div className="space-y-2" data-testid="answer">
      {turn.notice && <p className="text-xs font-medium text-warning">{turn.notice}</p>}
      <div
        className={`whitespace-pre-wrap text-sm leading-relaxed ${turn.failed ? "text-danger" : "text-ink"}`}
      >
        {turn.content || (turn.pending ? "…" : "")}
      </div>
      {turn.mode === "quoted" && (turn.sources?.length ?? 0) > 0 && (
        <p className="text-xs text-subtle">Quoted from the materials, not generated.</p>
      )}
      {(turn.sources?.length ?? 0) > 0 && (
        <ol className="space-y-1 text-xs" aria-label="Sources">
          {turn.sources!.map((source: AssistantSource, i) => (
            <li key={`${source.materialId}-${source.page ?? 0}-${String(i)}`}>
              <a href={sourceHref(source)} target="_blank" rel="noreferrer" className="text-primary-ink">
                [{i + 1}] {source.title}
                {sourcePlace(source)}
              </a>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
