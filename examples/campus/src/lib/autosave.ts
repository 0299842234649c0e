import type { Answer } from "./types";

/**
 * Keeps an attempt's answers on this device and sends them to the server: every change is stored
 * locally at once (so a reload or a lost connection loses nothing), then sent; failures retry with
 * back-off and again when the browser comes back online.
 */
export type SaveStatus =
  | { state: "idle" }
  | { state: "saving" }
  | { state: "saved"; at: number }
  | { state: "offline"; retryAt: number; pending: number; busy?: boolean }
  | { state: "closed"; message: string };

export interface AutosaveOptions {
  attemptId: string;
  send(answers: Answer[]): Promise<void>;
  onStatus(status: SaveStatus): void;
  /** A 409 (deadline passed): stop retrying. */
  isFinal(error: unknown): string | null;
  /**
   * How long the server asked us to wait before trying again (a 503's Retry-After), in ms, or
   * null. Honoured instead of the back-off: a crowded server says when there will be room.
   */
  retryAfterMs?(error: unknown): number | null;
  debounceMs?: number;
}

const key = (attemptId: string) => `lectern.attempt.${attemptId}.answers`;
const pendingKey = (attemptId: string) => `lectern.attempt.${attemptId}.pending`;

export function loadLocalAnswers(attemptId: string): { answers: Record<string, Answer>; pending: string[] } {
  try {
    return {
      answers: JSON.parse(localStorage.getItem(key(attemptId)) ?? "{}"),
      pending: JSON.parse(localStorage.getItem(pendingKey(attemptId)) ?? "[]"),
    };
  } catch {
    return { answers: {}, pending: [] };
  }
}

export function clearLocalAnswers(attemptId: string): void {
  localStorage.removeItem(key(attemptId));
  localStorage.removeItem(pendingKey(attemptId));
}

export class Autosave {
  private answers: Record<string, Answer>;
  private pending: Set<string>;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  private readonly onOnline = () => this.flushSoon(0);

  constructor(
    private readonly options: AutosaveOptions,
    initial: Record<string, Answer>,
  ) {
    const local = loadLocalAnswers(options.attemptId);
    this.answers = { ...initial, ...local.answers };
    this.pending = new Set(local.pending);
    window.addEventListener("online", this.onOnline);
    if (this.pending.size > 0) this.flushSoon(0);
  }

  get all(): Record<string, Answer> {
    return this.answers;
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  set(answer: Answer): void {
    this.answers = { ...this.answers, [answer.questionId]: answer };
    this.pending.add(answer.questionId);
    this.persist();
    this.flushSoon(this.options.debounceMs ?? 500);
  }

  /** Sends what is pending now; resolves when the server has it (or rejects if it could not). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.pending.size === 0 || this.stopped) return;
    const sending = [...this.pending];
    const body = sending.map((id) => this.answers[id]!).filter(Boolean);
    this.options.onStatus({ state: "saving" });
    this.inFlight = this.options.send(body);
    try {
      await this.inFlight;
      for (const id of sending)
        if (this.answers[id] === body.find((a) => a.questionId === id)) this.pending.delete(id);
      this.persist();
      this.failures = 0;
      this.options.onStatus({ state: "saved", at: Date.now() });
      if (this.pending.size > 0) this.flushSoon(0);
    } catch (error) {
      const final = this.options.isFinal(error);
      if (final) {
        this.stopped = true;
        this.options.onStatus({ state: "closed", message: final });
        throw error;
      }
      this.failures++;
      const asked = this.options.retryAfterMs?.(error) ?? null;
      // A few seconds' spread, so a room of students told the same Retry-After do not all come back at once.
      const delay =
        asked !== null
          ? Math.min(300_000, asked) + Math.random() * 1000
          : Math.min(30_000, 1000 * 2 ** Math.min(this.failures, 5));
      this.options.onStatus({
        state: "offline",
        retryAt: Date.now() + delay,
        pending: this.pending.size,
        busy: asked !== null,
      });
      this.flushSoon(delay);
      throw error;
    } finally {
      this.inFlight = null;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    window.removeEventListener("online", this.onOnline);
  }

  private flushSoon(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), ms);
  }

  private persist(): void {
    try {
      localStorage.setItem(key(this.options.attemptId), JSON.stringify(this.answers));
      localStorage.setItem(pendingKey(this.options.attemptId), JSON.stringify([...this.pending]));
    } catch {
      // Private mode or a full quota: the server copy still works.
    }
  }
}
