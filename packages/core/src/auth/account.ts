import { createHash } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import { HOUR, MINUTE } from "../clock.js";
import type { Database } from "../db/index.js";
import { problems } from "../http/problem.js";
import type { Mailer } from "../mail.js";
import { users } from "../schema.js";
import type { User } from "../types.js";
import { describeDevice } from "./device.js";
import { hashPassword, verifyPassword } from "./passwords.js";
import { type AuthService, mailedLink, normaliseEmail, publicUser } from "./service.js";
import type { Session } from "./sessions.js";

const EMAIL_CHANGE_LIFETIME_MS = 24 * HOUR;

export interface SessionInfo {
  /** A public handle of the session (not its token): what "sign out this one" names. */
  id: string;
  device: string;
  userAgent: string | null;
  address: string | null;
  createdAt: Date;
  lastSeenAt: Date | null;
  current: boolean;
}

/** The session's public handle: a hash of its id, so the list never shows part of a token. */
const handleOf = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex").slice(0, 32);

/** What a signed-in user does to their own account: name, password, email, sessions. */
export class AccountService {
  constructor(
    private readonly db: Database,
    private readonly auth: AuthService,
    private readonly mail: Mailer,
  ) {}

  async rename(user: User, name: string): Promise<User> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ name: name.trim() })
        .where(eq(users.id, user.id))
        .returning();
      if (!row) throw problems.notFound("This account no longer exists.");
      await this.auth.sessions.forgetCached(tx, { userId: user.id });
      await this.auth.audit.record(tx, { action: "auth.profile.renamed", targetUserId: user.id });
      return publicUser(row);
    });
  }

  /** Checks the password a signed-in user typed again; wrong answers are limited like logins. */
  async #reauthenticate(user: User, password: string): Promise<void> {
    const limit = this.auth.options.reauthLimit ?? 10;
    const [row] = await this.db.select().from(users).where(eq(users.id, user.id)).limit(1);
    if (row?.passwordHash && (await verifyPassword(row.passwordHash, password))) return;
    await this.auth.limit(`reauth:${user.id}`, limit, 15 * MINUTE);
    throw problems.forbidden("The current password is not correct.", {
      type: "wrong-password",
      errors: [{ path: "currentPassword", message: "The current password is not correct." }],
    });
  }

  /** Sets a new password; every other session ends, pending email changes lapse, the user is told. */
  async changePassword(
    user: User,
    session: Session,
    input: { currentPassword: string; newPassword: string },
  ): Promise<{ endedSessions: number }> {
    await this.#reauthenticate(user, input.currentPassword);
    const passwordHash = await hashPassword(input.newPassword);
    return this.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      const ended = await this.auth.sessions.invalidateOthers(tx, user.id, session.id);
      await this.auth.tokens.revoke(tx, user.id, "email_change");
      await this.auth.audit.record(tx, { action: "auth.password.changed", targetUserId: user.id });
      await this.mail.send(tx, {
        to: user.email,
        subject: "Your password was changed",
        text: `Hello ${user.name},\n\nThe password of your account was changed just now, and every other device was signed out.\n\nIf it was not you, reset your password at once and tell an administrator.\n`,
      });
      return { endedSessions: ended };
    });
  }

  /**
   * Mails a confirmation link to the new address and a notice to the old one. Whether the new
   * address already has an account is not told here (only when the link is used), so this
   * request cannot be used to learn who has an account.
   */
  async requestEmailChange(user: User, input: { newEmail: string; password: string }): Promise<void> {
    await this.#reauthenticate(user, input.password);
    const newEmail = normaliseEmail(input.newEmail);
    if (newEmail === user.email) {
      throw problems.validation([{ path: "newEmail", message: "This is already your email address." }]);
    }
    await this.db.transaction(async (tx) => {
      // One pending change at a time: asking again replaces the earlier link.
      await this.auth.tokens.revoke(tx, user.id, "email_change");
      const token = await this.auth.tokens.issue(tx, {
        userId: user.id,
        purpose: "email_change",
        lifetimeMs: EMAIL_CHANGE_LIFETIME_MS,
        newEmail,
      });
      const link = mailedLink(
        this.auth.publicUrl,
        this.auth.options.links?.confirmEmail ?? "/confirm-email",
        token,
      );
      await this.mail.send(tx, {
        to: newEmail,
        subject: "Confirm your new email address",
        text: `Hello ${user.name},\n\nConfirm that this is your new address for signing in (the link works once, for 24 hours):\n\n${link}\n\nIf you did not ask for this, ignore this message.\n`,
      });
      await this.mail.send(tx, {
        to: user.email,
        subject: "Someone asked to change your email address",
        text: `Hello ${user.name},\n\nA change of the email address of your account was asked for. Nothing changes until the link sent to the new address is used.\n\nIf it was not you, change your password now: that also cancels the change.\n`,
      });
      await this.auth.audit.record(tx, { action: "auth.email.change-requested", targetUserId: user.id });
    });
  }

  /** Uses the link: the account's address becomes the new one, unless another account has it (409). */
  async confirmEmailChange(token: string): Promise<User> {
    return this.db.transaction(async (tx) => {
      const { user, newEmail } = await this.auth.tokens.use(tx, token, "email_change");
      if (!newEmail) throw problems.gone("This link was already used or has expired. Ask for a new one.");
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, newEmail), ne(users.id, user.id)))
        .limit(1);
      if (taken) {
        throw problems.conflict("Another account already uses this email address.", { type: "email-taken" });
      }
      const [row] = await tx.update(users).set({ email: newEmail }).where(eq(users.id, user.id)).returning();
      await this.auth.sessions.forgetCached(tx, { userId: user.id });
      await this.auth.audit.record(tx, {
        action: "auth.email.changed",
        actorId: user.id,
        targetUserId: user.id,
      });
      return publicUser(row!);
    });
  }

  async listSessions(user: User, current: Session | null): Promise<SessionInfo[]> {
    const rows = await this.auth.sessions.listFor(user.id);
    return rows.map((row) => ({
      id: handleOf(row.id),
      device: describeDevice(row.userAgent),
      userAgent: row.userAgent,
      address: row.address,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      current: row.id === current?.id,
    }));
  }

  /** Signs out one of the user's own sessions, by its public handle; someone else's is "not found". */
  async endSession(user: User, handle: string): Promise<void> {
    const rows = await this.auth.sessions.listFor(user.id);
    const match = rows.find((row) => handleOf(row.id) === handle);
    if (!match) throw problems.notFound("There is no such session.");
    await this.auth.sessions.invalidate(match.id);
  }

  async endOtherSessions(user: User, current: Session): Promise<number> {
    return this.db.transaction(async (tx) => {
      const ended = await this.auth.sessions.invalidateOthers(tx, user.id, current.id);
      await this.auth.audit.record(tx, {
        action: "auth.sessions.ended",
        targetUserId: user.id,
        detail: { ended },
      });
      return ended;
    });
  }
}
