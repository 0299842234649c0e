/** The assistant's chat API as the browser speaks it: a streamed answer read event by event. */

export interface AssistantSource {
  materialId: string | null;
  courseId: string;
  title: string;
  excerpt: string;
  page?: number;
  /** Captions: seconds into the video. */
  at?: number;
}

export interface AssistantTurn {
  role: "user" | "assistant";
  content: string;
  mode?: "generated" | "quoted" | null;
  sources?: AssistantSource[];
  notice?: string;
  /** The answer is still arriving. */
  pending?: boolean;
  failed?: boolean;
}

export interface StreamHandlers {
  onToken(text: string): void;
  onSources(mode: "generated" | "quoted", sources: AssistantSource[]): void;
  onDone(conversationId: string | null): void;
  /** A problem: before the answer (e.g. over the daily limit) or when the model failed mid-way. */
  onProblem(
    detail: string,
    fallback?: { answer: string; sources: AssistantSource[]; conversationId: string | null },
  ): void;
}

const FALLBACK_DETAIL = "The assistant could not answer just now. Try again in a moment.";

export async function askStreaming(
  body: { message: string; courseId?: string; conversationId?: string },
  handlers: StreamHandlers,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch("/api/assistant/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
    });
  } catch {
    handlers.onProblem("The server could not be reached. Check your connection and try again.");
    return;
  }
  if (!response.ok || !response.body) {
    const problem = await response.json().catch(() => null);
    const detail = problem?.errors?.[0]?.message ?? problem?.detail ?? problem?.title ?? FALLBACK_DETAIL;
    handlers.onProblem(detail);
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      dispatch(buffer.slice(0, end), handlers);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
  }
  if (buffer.trim()) dispatch(buffer, handlers);
}

function dispatch(block: string, handlers: StreamHandlers) {
  const event = block.match(/^event: ?(.*)$/m)?.[1] ?? "message";
  const data = block
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.replace(/^data: ?/, ""))
    .join("\n");
  if (!data) return;
  const payload = JSON.parse(data);
  if (event === "token") handlers.onToken(payload.text);
  else if (event === "sources") handlers.onSources(payload.mode, payload.sources);
  else if (event === "done") handlers.onDone(payload.conversationId);
  else if (event === "error") handlers.onProblem(payload.detail ?? FALLBACK_DETAIL, payload.fallback);
}

/** Where a source opens: the material's file at its page or moment, or the course page for its description. */
export function sourceHref(source: AssistantSource): string {
  if (!source.materialId) return `/courses/${source.courseId}`;
  const at = source.page ? `#page=${source.page}` : source.at !== undefined ? `#t=${source.at}` : "";
  return `/api/materials/${source.materialId}/content${at}`;
}

/** ", page 3" or ", at 12:05" after a source's title. */
export function sourcePlace(source: AssistantSource): string {
  if (source.page) return `, page ${source.page}`;
  if (source.at === undefined) return "";
  const s = Math.max(0, Math.floor(source.at));
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const clock = `${h > 0 ? `${h}:${two(Math.floor((s % 3600) / 60))}` : two(Math.floor(s / 60))}:${two(s % 60)}`;
  return `, at ${clock}`;
}
