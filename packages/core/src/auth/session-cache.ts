import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "../db/index.js";
import type { User } from "../types.js";

/** What a validated session needs again within the cache's lifetime. */
export interface CachedSession {
  secretHash: string;
  expiresAt: Date;
  user: User;
}

/** Sessions to forget: all of a user's, or only `sessionIds`. */
export interface SessionsToForget {
  userId: string;
  sessionIds?: string[];
}

export interface SessionCacheOptions {
  /**
   * How long a validated session is trusted without asking the database. Every instance forgets a
   * session at once when it ends or its user changes (through NOTIFY); the lifetime only bounds
   * how stale an entry can get if that message is lost. Default 30 s; 0 turns the cache off.
   */
  ttlMs?: number;
  /** Sessions kept at most; the oldest go first. Default 20,000 (a few MB). */
  maxEntries?: number;
}

/** The NOTIFY channel instances tell each other which sessions to forget on. */
export const SESSION_CACHE_CHANNEL = "lectern_session_cache";

interface Entry extends CachedSession {
  storedAt: number;
}

/**
 * A bounded in-memory cache of validated sessions, so an authenticated request does not cost a
 * database round trip. Invalidation is immediate and crosses instances: `forget` drops the entries
 * here at once and sends a NOTIFY in the caller's executor (it leaves on commit, so a rollback
 * tells no one), which every instance — this one too — applies when it arrives. Until `connect`
 * has subscribed to that channel the cache stays off, so an instance that cannot hear the others
 * never serves a stale session.
 */
export class SessionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  #connected = false;
  /** Bumped by every invalidation: a lookup that began before one must not store what it read. */
  #generation = 0;

  constructor(
    private readonly now: () => number,
    options: SessionCacheOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 20_000;
  }

  get enabled(): boolean {
    return this.#connected && this.#ttlMs > 0 && this.#maxEntries > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Subscribes to the other instances' invalidations; the cache serves entries from then on. */
  async connect(listen: DatabaseHandle["listen"]): Promise<() => Promise<void>> {
    if (!(this.#ttlMs > 0)) return async () => {};
    const unlisten = await listen(SESSION_CACHE_CHANNEL, (payload) => {
      try {
        this.#drop(JSON.parse(payload) as SessionsToForget);
      } catch {
        this.clear(); // not ours, or garbled: forgetting everything is always safe
      }
    });
    this.#connected = true;
    return async () => {
      this.#connected = false;
      this.clear();
      await unlisten();
    };
  }

  /** The generation to hand back to `set`, taken before reading the database. */
  get generation(): number {
    return this.#generation;
  }

  get(sessionId: string): CachedSession | undefined {
    if (!this.enabled) return undefined;
    const entry = this.#entries.get(sessionId);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt >= this.#ttlMs) {
      this.#entries.delete(sessionId);
      return undefined;
    }
    return entry;
  }

  /** Stores what a lookup read, unless an invalidation happened since it began (`generation`). */
  set(sessionId: string, value: CachedSession, generation: number): void {
    if (!this.enabled || generation !== this.#generation) return;
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, { ...value, storedAt: this.now() });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /**
   * Forgets sessions on every instance: here at once, elsewhere when `executor` commits. Call it
   * whenever a user's sessions end or what a session carries changes (role, name, email,
   * suspension), in the transaction that makes the change.
   */
  async forget(executor: Executor, which: SessionsToForget): Promise<void> {
    this.#drop(which);
    if (!this.enabled) return;
    let payload = JSON.stringify(which);
    // NOTIFY payloads stay under 8000 bytes: a long list becomes "all of the user's".
    if (payload.length > 7_500) payload = JSON.stringify({ userId: which.userId });
    await executor.execute(sql`select pg_notify(${SESSION_CACHE_CHANNEL}, ${payload})`);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #drop(which: SessionsToForget): void {
    this.#generation++;
    if (which.sessionIds) {
      for (const id of which.sessionIds) this.#entries.delete(id);
      return;
    }
    for (const [id, entry] of this.#entries) if (entry.user.id === which.userId) this.#entries.delete(id);
  }
}
