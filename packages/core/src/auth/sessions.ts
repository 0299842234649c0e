import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import { DAY } from "../clock.js";
import type { Database, Executor } from "../db/index.js";
import { sessions, users } from "../schema.js";
import type { User } from "../types.js";
import { hashSecret, randomToken, sameHash } from "./tokens.js";

export const SESSION_LIFETIME_MS = 30 * DAY;
/** A session used in its second half is extended to a full lifetime again. */
const RENEW_WITHIN_MS = 15 * DAY;

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** Sessions as in Lucia's guide: token `id.secret`, only SHA-256(secret) stored, sliding expiry. */
export class SessionStore {
  /** Built once: this query runs on every authenticated request. */
  readonly #lookup;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.#lookup = db
      .select({
        secretHash: sessions.secretHash,
        expiresAt: sessions.expiresAt,
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
    await executor.insert(sessions).values({ ...session, secretHash: hashSecret(secret), createdAt: now });
    return { token: `${id}.${secret}`, session };
  }

  /** The session and its user, or null; one query on the hot path, a second only to renew. */
  async validate(token: string): Promise<{ session: Session; user: User } | null> {
    const [id, secret, extra] = token.split(".");
    if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
    const [row] = await this.#lookup.execute({ id });
    if (!row || !sameHash(row.secretHash, hashSecret(secret))) return null;
    const now = this.clock.now().getTime();
    if (row.expiresAt.getTime() <= now) {
      await this.db.delete(sessions).where(eq(sessions.id, id));
      return null;
    }
    let expiresAt = row.expiresAt;
    if (expiresAt.getTime() - now < RENEW_WITHIN_MS) {
      expiresAt = new Date(now + SESSION_LIFETIME_MS);
      await this.db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
    }
    return { session: { id, userId: row.user.id, expiresAt }, user: row.user };
  }

  async invalidate(sessionId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  async invalidateAllFor(executor: Executor, userId: string): Promise<void> {
    await executor.delete(sessions).where(eq(sessions.userId, userId));
  }
}
