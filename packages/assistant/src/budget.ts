import { type Clock, type Database, problems } from "@lectern/core";
import { and, eq, sql } from "drizzle-orm";
import { usage } from "./schema.js";

export interface BudgetLimits {
  /** Questions a user may ask per day. */
  requestsPerDay: number;
  /** Model tokens (prompt and answer) a user may spend per day; only counted when a model answers. */
  tokensPerDay: number;
}

/** Each user's daily allowance, counted in PostgreSQL so every instance shares it. A day is the institution's. */
export class Budget {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly limits: BudgetLimits,
  ) {}

  /** Counts one request; 429 with Retry-After (the seconds to the institution's midnight) past the allowance. */
  async spendRequest(userId: string, { withModel }: { withModel: boolean }): Promise<void> {
    const day = this.#today();
    // A counter may lose its last increments in a crash; not worth a disk flush on every question.
    const [row] = await this.db.transaction(async (tx) => {
      await tx.execute(sql`set local synchronous_commit = off`);
      return tx
        .insert(usage)
        .values({ userId, day, requests: 1, tokens: 0 })
        .onConflictDoUpdate({
          target: [usage.userId, usage.day],
          set: { requests: sql`${usage.requests} + 1` },
        })
        .returning({ requests: usage.requests, tokens: usage.tokens });
    });
    if (row!.requests > this.limits.requestsPerDay)
      throw problems.tooManyRequests(
        this.#secondsToMidnight(),
        `You have asked ${this.limits.requestsPerDay} questions today, the daily limit. Ask again tomorrow.`,
      );
    if (withModel && row!.tokens >= this.limits.tokensPerDay)
      throw problems.tooManyRequests(
        this.#secondsToMidnight(),
        "You have used today's allowance of generated answers. Ask again tomorrow.",
      );
  }

  async spendTokens(userId: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    await this.db
      .update(usage)
      .set({ tokens: sql`${usage.tokens} + ${Math.ceil(tokens)}` })
      .where(and(eq(usage.userId, userId), eq(usage.day, this.#today())));
  }

  #parts() {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: this.timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).formatToParts(this.clock.now());
    return Object.fromEntries(parts.map((p) => [p.type, p.value])) as Record<string, string>;
  }

  #today(): string {
    const p = this.#parts();
    return `${p.year}-${p.month}-${p.day}`;
  }

  #secondsToMidnight(): number {
    const p = this.#parts();
    const elapsed = Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second);
    return Math.max(1, 86_400 - elapsed);
  }
}
