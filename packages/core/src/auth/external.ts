import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import type { Clock } from "../clock.js";
import type { Executor } from "../db/index.js";
import type { EventBus } from "../events.js";
import type { LecternEnv } from "../http/env.js";
import { problems } from "../http/problem.js";
import { users } from "../schema.js";
import type { Role, User } from "../types.js";
import { SESSION_COOKIE, type SessionStore } from "./sessions.js";

/** A signed-in user, their session token and when it expires (as `AuthService.login` answers). */
export interface ExternalSignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

/**
 * Accounts whose identity another system vouches for (single sign-on): they are found by email or
 * created without a password (and without an invitation mail), then signed in with a session like
 * any other. Everything runs in the caller's transaction, so a refused sign-in stores nothing.
 */
export class ExternalAccounts {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly sessions: SessionStore,
  ) {}

  /** The account with this (normalised) email, or a new one of `role` with no password. */
  async findOrCreate(
    tx: Executor,
    input: { email: string; name: string; role: Role },
  ): Promise<{ user: User; created: boolean }> {
    const email = input.email.trim().toLowerCase();
    const [inserted] = await tx
      .insert(users)
      .values({
        id: randomUUID(),
        email,
        name: input.name.trim(),
        role: input.role,
        passwordHash: null,
        createdAt: this.clock.now(),
      })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await this.events.emit(tx, "user.created", { userId: inserted.id, role: inserted.role });
      return { user: toUser(inserted), created: true };
    }
    const [existing] = await tx.select().from(users).where(eq(users.email, email)).limit(1);
    if (!existing) throw new Error("The account with this email vanished while signing in.");
    return { user: toUser(existing), created: false };
  }

  async findById(executor: Executor, userId: string): Promise<User | null> {
    const [row] = await executor.select().from(users).where(eq(users.id, userId)).limit(1);
    return row ? toUser(row) : null;
  }

  /** A new session for the user, as a password sign-in makes; never for a suspended account. */
  async signIn(executor: Executor, user: User): Promise<ExternalSignedIn> {
    const [row] = await executor
      .select({ suspendedAt: users.suspendedAt })
      .from(users)
      .where(eq(users.id, user.id))
      .limit(1);
    // As a password sign-in answers a suspended account: the generic refusal, nothing more.
    if (!row || row.suspendedAt) throw problems.unauthorized("The account could not be signed in.");
    const { token, session } = await this.sessions.create(executor, user.id);
    return { user, token, expiresAt: session.expiresAt };
  }
}

/** Sets the session cookie exactly as `POST /api/auth/login` does, for routes that sign in by redirect. */
export function setSessionCookie(c: Context<LecternEnv>, signedIn: { token: string; expiresAt: Date }): void {
  setCookie(c, SESSION_COOKIE, signedIn.token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: c.get("secure") ?? false,
    expires: signedIn.expiresAt,
  });
}

const toUser = (row: typeof users.$inferSelect): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt,
});
