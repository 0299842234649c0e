import { and, desc, eq, gt, ne, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import { DAY } from "../clock.js";
import { type Database, type Executor, rowsOf } from "../db/index.js";
import { currentRequest } from "../request-context.js";
import { sessions, users } from "../schema.js";
import type { User } from "../types.js";
import { SessionCache, type SessionCacheOptions, type SessionsToForget } from "./session-cache.js";
import { hashSecret, randomToken, sameHash } from "./tokens.js";

export const SESSION_LIFETIME_MS = 30 * DAY;
/** A session used in its second half is extended to a full lifetime again. */
const RENEW_WITHIN_MS = 15 * DAY;
/** "Last seen" is written at most this often, so reads do not each cost a write. */
const LAST_SEEN_PRECISION_MS = 60_000;

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** Told when sessions end, in the executor that ends them (so a rollback tells no one). */
export type SessionsEndedListener = (
  executor: Executor,
  ended: { userId: string; sessionIds?: string[] },
) => Promise<void>;

/** Sessions as in Lucia's guide: token `id.secret`, only SHA-256(secret) stored, sliding expiry. */
export class SessionStore {
  /** Built once: this query runs on every authenticated request. */
  readonly #lookup;
  readonly #endedListeners: SessionsEndedListener[] = [];
  /** Validated sessions kept briefly in memory; see `session-cache.ts`. */
  readonly cache: SessionCache;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** Sessions one user may hold; creating one more ends the oldest. */
    private readonly maxPerUser = 50,
    cache: SessionCacheOptions = {},
  ) {
    this.cache = new SessionCache(() => clock.now().getTime(), cache);
    this.#lookup = db
      .select({
        secretHash: sessions.secretHash,
        expiresAt: sessions.expiresAt,
        lastSeenAt: sessions.lastSeenAt,
        suspendedAt: users.suspendedAt,
        user: {
          id: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          createdAt: users.createdAt,
        },
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sql.placeholder("id")))
      .limit(1)
      .prepare("lectern_session_lookup");
  }

  async create(executor: Executor, userId: string): Promise<{ token: string; session: Session }> {
    const id = randomToken();
    const secret = randomToken();
    const now = this.clock.now();
    const session = { id, userId, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) };
    // Where and on what the user signed in, for their list of sessions.
    const request = currentRequest();
    await executor.insert(sessions).values({
      ...session,
      secretHash: hashSecret(secret),
      createdAt: now,
      lastSeenAt: now,
      userAgent: request?.userAgent?.slice(0, 512) ?? null,
      address: request?.address ?? null,
    });
    // A script signing in in a loop must not grow the table without bound. The new session is
    // never the one ended, even when several share its creation time.
    const ended = rowsOf<{ id: string }>(
      await executor.execute(sql`delete from ${sessions} where ${sessions.id} in (
      select ${sessions.id} from ${sessions} where ${sessions.userId} = ${userId} and ${sessions.id} <> ${id}
      order by ${sessions.createdAt} desc, ${sessions.id} desc offset ${this.maxPerUser - 1}) returning ${sessions.id}`),
    );
    if (ended.length > 0) await this.cache.forget(executor, { userId, sessionIds: ended.map((r) => r.id) });
    return { token: `${id}.${secret}`, session };
  }

  /** The session and its user, or null; one query on the hot path, a second only to renew. */
  async validate(token: string): Promise<{ session: Session; user: User } | null> {
    const [id, secret, extra] = token.split(".");
    if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
    const now = this.clock.now().getTime();
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt.getTime() > now) {
      if (!sameHash(cached.secretHash, hashSecret(secret))) return null;
      return { session: { id, userId: cached.user.id, expiresAt: cached.expiresAt }, user: cached.user };
    }
    const generation = this.cache.generation;
    const [row] = await this.#lookup.execute({ id });
    if (!row || !sameHash(row.secretHash, hashSecret(secret))) return null;
    // A suspended account's sessions are ended when it is suspended; this is the second lock.
    if (row.expiresAt.getTime() <= now || row.suspendedAt) {
      await this.db.delete(sessions).where(eq(sessions.id, id));
      return null;
    }
    let expiresAt = row.expiresAt;
    const renew = expiresAt.getTime() - now < RENEW_WITHIN_MS;
    if (renew) expiresAt = new Date(now + SESSION_LIFETIME_MS);
    if (renew || !row.lastSeenAt || now - row.lastSeenAt.getTime() >= LAST_SEEN_PRECISION_MS) {
      await this.db
        .update(sessions)
        .set({ expiresAt, lastSeenAt: new Date(now) })
        .where(eq(sessions.id, id));
    }
    this.cache.set(id, { secretHash: row.secretHash, expiresAt, user: row.user }, generation);
    return { session: { id, userId: row.user.id, expiresAt }, user: row.user };
  }

  /** Realtime closes the sockets of ended sessions through this. */
  onEnded(listener: SessionsEndedListener): void {
    this.#endedListeners.push(listener);
  }

  async invalidate(sessionId: string): Promise<void> {
    const ended = await this.db
      .delete(sessions)
      .where(eq(sessions.id, sessionId))
      .returning({ userId: sessions.userId });
    for (const { userId } of ended) {
      await this.cache.forget(this.db, { userId, sessionIds: [sessionId] });
      for (const listener of this.#endedListeners)
        await listener(this.db, { userId, sessionIds: [sessionId] });
    }
  }

  async invalidateAllFor(executor: Executor, userId: string): Promise<void> {
    await executor.delete(sessions).where(eq(sessions.userId, userId));
    await this.cache.forget(executor, { userId });
    for (const listener of this.#endedListeners) await listener(executor, { userId });
  }

  /** Ends every session of the user but `keep` (the one asking). */
  async invalidateOthers(executor: Executor, userId: string, keep: string): Promise<number> {
    const ended = await executor
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), ne(sessions.id, keep)))
      .returning({ id: sessions.id });
    if (ended.length > 0) {
      await this.cache.forget(executor, { userId, sessionIds: ended.map((e) => e.id) });
      for (const listener of this.#endedListeners)
        await listener(executor, { userId, sessionIds: ended.map((e) => e.id) });
    }
    return ended.length;
  }

  /** The user's live sessions, most recently used first. */
  async listFor(userId: string) {
    return this.db
      .select({
        id: sessions.id,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        userAgent: sessions.userAgent,
        address: sessions.address,
      })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, this.clock.now())))
      .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
  }

  /**
   * Makes every instance read the user's sessions from the database again, in `executor`'s
   * transaction: call it when what a session carries changes without the sessions ending (a
   * suspension that keeps them, a new role, name or email). Ending sessions (`invalidate`,
   * `invalidateAllFor`) already does this.
   */
  async forgetCached(executor: Executor, which: SessionsToForget): Promise<void> {
    await this.cache.forget(executor, which);
  }
}

/** The cookie a browser session travels in (HttpOnly; Bearer tokens work too). */
export const SESSION_COOKIE = "lectern_session";
