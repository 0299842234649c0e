import { eq, sql } from "drizzle-orm";
import type { Clock } from "./clock.js";
import type { Database } from "./db/index.js";
import { rateLimits } from "./schema.js";

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Fixed-window counters in PostgreSQL, so every instance behind a load balancer shares them. */
export class RateLimiter {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is under its limit. */
  async retryAfter(key: string, rule: RateLimitRule): Promise<number> {
    const [row] = await this.db.select().from(rateLimits).where(eq(rateLimits.key, key)).limit(1);
    const now = this.clock.now().getTime();
    if (!row || row.resetAt.getTime() <= now || row.count < rule.limit) return 0;
    return Math.max(1, Math.ceil((row.resetAt.getTime() - now) / 1000));
  }

  /** Counts one more hit against `key`; returns the count in the current window. */
  async hit(key: string, rule: RateLimitRule): Promise<number> {
    const now = this.clock.now();
    const resetAt = new Date(now.getTime() + rule.windowMs);
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key, count: 1, resetAt })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${rateLimits.resetAt} <= ${now.toISOString()}::timestamptz then 1 else ${rateLimits.count} + 1 end`,
          resetAt: sql`case when ${rateLimits.resetAt} <= ${now.toISOString()}::timestamptz then ${resetAt.toISOString()}::timestamptz else ${rateLimits.resetAt} end`,
        },
      })
      .returning({ count: rateLimits.count });
    return row?.count ?? 1;
  }

  /** Makes `key` wait `ms` from now (with `retryAfter(key, { limit: 1, … })`), or marks it for that long. */
  async hold(key: string, ms: number): Promise<void> {
    const resetAt = new Date(this.clock.now().getTime() + ms);
    await this.db
      .insert(rateLimits)
      .values({ key, count: 1, resetAt })
      .onConflictDoUpdate({ target: rateLimits.key, set: { count: 1, resetAt } });
  }

  /** Whether `key` was marked (`hold`) and the mark has not expired. */
  async isHeld(key: string): Promise<boolean> {
    return (await this.retryAfter(key, { limit: 1, windowMs: 0 })) > 0;
  }

  async reset(key: string): Promise<void> {
    await this.db.delete(rateLimits).where(eq(rateLimits.key, key));
  }
}
