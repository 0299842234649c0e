import { randomUUID } from "node:crypto";
import { and, desc, eq, ilike, or, type SQL } from "drizzle-orm";
import type { AuditLog } from "../audit/service.js";
import { type Clock, DAY, HOUR } from "../clock.js";
import type { Database, Executor } from "../db/index.js";
import type { EventBus } from "../events.js";
import type { UserFilter } from "../extensions.js";
import { problems } from "../http/problem.js";
import type { JobQueue } from "../jobs.js";
import type { Logger } from "../logger.js";
import type { Mailer } from "../mail.js";
import { afterTimeAndId, decodeCursor, type Page, toPage } from "../pagination.js";
import type { RateLimiter } from "../rate-limit.js";
import { PluginError } from "../registry.js";
import { users } from "../schema.js";
import type { Role, User } from "../types.js";
import { ExternalAccounts } from "./external.js";
import { hashPassword, verifyDecoy, verifyPassword } from "./passwords.js";
import type { SessionCacheOptions } from "./session-cache.js";
import { type Session, SessionStore } from "./sessions.js";
import { LoginThrottle } from "./throttle.js";
import { UserTokens } from "./user-tokens.js";

export interface AuthOptions {
  /** Failed logins allowed per account in the window. Default 10 per 15 minutes. */
  accountLimit?: number;
  /** Failed logins allowed per client address in the window; high, for campuses behind one NAT. */
  addressLimit?: number;
  windowMs?: number;
  /** The longest delay repeated failures impose on an account. Default 15 minutes. */
  maxDelayMs?: number;
  /** How long a successful sign-in keeps its address and device recognised. Default 90 days. */
  rememberMs?: number;
  invitationLifetimeMs?: number;
  /** Registrations allowed per client address per hour. Default 20. */
  registrationLimit?: number;
  /** Password-reset requests allowed per client address per 15 minutes. Default 10. */
  passwordResetLimit?: number;
  /** Sessions a user may hold at once; signing in again ends the oldest. Default 50. */
  maxSessionsPerUser?: number;
  /** The in-memory cache of validated sessions (lifetime, size); `{ ttlMs: 0 }` turns it off. */
  sessionCache?: SessionCacheOptions;
  /**
   * Where the mailed links lead: the front-end's pages that read `?token=` and call
   * `POST /api/auth/invitations/accept` or `POST /api/auth/password-reset/confirm`. A path is joined to
   * `publicUrl`; a full URL is used as it is. Defaults `/accept-invitation`, `/reset-password`.
   */
  links?: { acceptInvitation?: string; resetPassword?: string; confirmEmail?: string };
  /** Wrong current passwords allowed per account per 15 minutes on a password or email change. Default 10. */
  reauthLimit?: number;
}

/** The link a mail carries: a page of the front-end with the token in its query. */
export function mailedLink(publicUrl: string, page: string, token: string): string {
  const url = /^https?:\/\//.test(page)
    ? new URL(page)
    : new URL(`${publicUrl}${page.startsWith("/") ? "" : "/"}${page}`);
  url.searchParams.set("token", token);
  return url.toString();
}

/** The job that looks up the account and mails a reset link, so the answer does no per-account work. */
export const PASSWORD_RESET_JOB = "core.password-reset";

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

const GENERIC_LOGIN_FAILURE = "The email, password or role is not correct.";
const PASSWORD_RESET_LIFETIME_MS = HOUR;

export const publicUser = (row: typeof users.$inferSelect): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt,
});

/** A user as admins see them: with whether the account is suspended. */
export type AdminUser = User & { suspendedAt: Date | null };
export const adminUser = (row: typeof users.$inferSelect): AdminUser => ({
  ...publicUser(row),
  suspendedAt: row.suspendedAt,
});

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Accounts, sign-in and the links mailed to users. Routes only validate and call these. */
export class AuthService {
  readonly sessions: SessionStore;
  /** Sign-in vouched for by another system (single sign-on plugins). */
  readonly external: ExternalAccounts;
  readonly tokens: UserTokens;
  #userFilters: UserFilter[] = [];
  readonly #throttle: LoginThrottle;
  readonly #rateLimiter: RateLimiter;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly mail: Mailer,
    private readonly jobs: JobQueue,
    rateLimiter: RateLimiter,
    logger: Logger,
    readonly audit: AuditLog,
    readonly publicUrl: string,
    readonly options: AuthOptions = {},
  ) {
    this.sessions = new SessionStore(db, clock, options.maxSessionsPerUser ?? 50, options.sessionCache);
    this.external = new ExternalAccounts(clock, events, this.sessions);
    this.tokens = new UserTokens(clock, logger);
    this.#rateLimiter = rateLimiter;
    this.#throttle = new LoginThrottle(rateLimiter, {
      accountLimit: options.accountLimit ?? 10,
      addressLimit: options.addressLimit ?? 300,
      windowMs: options.windowMs ?? 15 * 60_000,
      maxDelayMs: options.maxDelayMs ?? 15 * 60_000,
      rememberMs: options.rememberMs ?? 90 * DAY,
    });
  }

  /** The filters of `GET /api/admin/users` besides role and search, from plugins' `core.userFilters` contributions. */
  get userFilters(): readonly UserFilter[] {
    return this.#userFilters;
  }

  /** Set once at boot by the core from the `core.userFilters` contributions; a name may be taken once. */
  useFilters(contributions: readonly { pluginId: string; value: UserFilter }[]): void {
    const owners = new Map<string, string>(
      ["role", "search", "limit", "cursor", "format"].map((n) => [n, "core"]),
    );
    for (const { pluginId, value } of contributions) {
      const owner = owners.get(value.name);
      if (owner) {
        throw new PluginError(
          `Plugin "${pluginId}" adds the user filter "${value.name}", which "${owner}" already defines. Choose another name.`,
        );
      }
      owners.set(value.name, pluginId);
    }
    this.#userFilters = contributions.map((c) => c.value);
  }

  async register(input: {
    email: string;
    password: string;
    name: string;
    address?: string;
  }): Promise<SignedIn> {
    if (input.address !== undefined) {
      await this.#limit(`register:${input.address}`, this.options.registrationLimit ?? 20, HOUR);
    }
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      const user = await this.#insertUser(tx, {
        email: input.email,
        name: input.name,
        role: "student",
        passwordHash,
      });
      const { token, session } = await this.sessions.create(tx, user.id);
      return { user, token, expiresAt: session.expiresAt };
    });
  }

  /** Creates an account of any role; with no password, the user is mailed an invitation to set one. */
  async createUser(input: { email: string; name: string; role: Role; password?: string }): Promise<User> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.db.transaction(async (tx) => {
      const user = await this.#insertUser(tx, { ...input, passwordHash });
      if (!passwordHash) await this.mailInvitation(tx, user);
      return user;
    });
  }

  async login(input: {
    email: string;
    password: string;
    role?: Role;
    address: string;
    /** The browser's device cookie, when it has one. */
    device?: string;
  }): Promise<SignedIn> {
    const origin = { email: normaliseEmail(input.email), address: input.address, device: input.device };
    const { known } = await this.#throttle.admit(origin);

    const [row] = await this.db.select().from(users).where(eq(users.email, origin.email)).limit(1);
    const ok = row?.passwordHash
      ? await verifyPassword(row.passwordHash, input.password)
      : await verifyDecoy(input.password);
    // A suspended account answers exactly as a wrong password does.
    if (!row || !ok || (input.role && input.role !== row.role) || row.suspendedAt) {
      await this.#throttle.failed(origin, known);
      throw problems.unauthorized(GENERIC_LOGIN_FAILURE, {
        type: "login-failed",
      });
    }
    await this.#throttle.succeeded(origin);
    const { token, session } = await this.db.transaction(async (tx) => {
      const created = await this.sessions.create(tx, row.id);
      await this.audit.record(tx, { action: "auth.login", actorId: row.id, targetUserId: row.id });
      return created;
    });
    return { user: publicUser(row), token, expiresAt: session.expiresAt };
  }

  logout(session: Session): Promise<void> {
    return this.sessions.invalidate(session.id);
  }

  async getUser(id: string): Promise<User | null> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row ? publicUser(row) : null;
  }

  async findUserByEmail(email: string): Promise<User | null> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(eq(users.email, normaliseEmail(email)))
      .limit(1);
    return row ? publicUser(row) : null;
  }

  async listUsers(query: {
    role?: Role;
    search?: string;
    limit: number;
    cursor?: string;
    /** Values for the filters other plugins added (e.g. `course`). */
    filters?: Record<string, unknown>;
  }): Promise<Page<AdminUser>> {
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = this.userFilters
      .filter((f) => query.filters?.[f.name] !== undefined)
      .map((f) => f.where(query.filters?.[f.name] as never));
    if (query.role) conditions.push(eq(users.role, query.role));
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.name, pattern)));
    }
    conditions.push(afterTimeAndId(after, users.createdAt, users.id, "desc"));
    const rows = await this.db
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id], adminUser);
  }

  /**
   * Always succeeds for the caller, so the answer never tells whether an account exists: it only
   * queues a job (the same work either way); the job looks the account up and mails the link.
   * Requests are limited per address; more than three an hour for one email are dropped silently.
   */
  async requestPasswordReset(email: string, address = "unknown"): Promise<void> {
    await this.#limit(`reset:address:${address}`, this.options.passwordResetLimit ?? 10, 15 * 60_000);
    const normalised = normaliseEmail(email);
    const perEmail = { limit: 3, windowMs: HOUR };
    const key = `reset:email:${normalised}`;
    if ((await this.#rateLimiter.retryAfter(key, perEmail)) > 0) return;
    await this.#rateLimiter.hit(key, perEmail);
    await this.jobs.enqueue(this.db, PASSWORD_RESET_JOB, { email: normalised });
  }

  /** The password-reset job: mails the link when the account exists, and does nothing otherwise. */
  async sendPasswordReset(email: string): Promise<void> {
    const user = await this.findUserByEmail(email);
    if (!user) return;
    await this.db.transaction(async (tx) => {
      const token = await this.tokens.issue(tx, {
        userId: user.id,
        purpose: "password_reset",
        lifetimeMs: PASSWORD_RESET_LIFETIME_MS,
      });
      await this.mail.send(tx, {
        to: user.email,
        subject: "Reset your password",
        text: `Hello ${user.name},\n\nSomeone asked to reset the password of your account. If it was you, choose a new password within one hour:\n\n${mailedLink(this.publicUrl, this.options.links?.resetPassword ?? "/reset-password", token)}\n\nIf it was not you, ignore this message; your password stays as it is.\n`,
      });
    });
  }

  /** Counts one attempt against `key`; 429 once over `limit` in the window. */
  async limit(key: string, limit: number, windowMs: number): Promise<void> {
    return this.#limit(key, limit, windowMs);
  }

  async #limit(key: string, limit: number, windowMs: number): Promise<void> {
    const rule = { limit, windowMs };
    const wait = await this.#rateLimiter.retryAfter(key, rule);
    if (wait > 0) throw problems.tooManyRequests(wait);
    await this.#rateLimiter.hit(key, rule);
  }

  async confirmPasswordReset(token: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      const { user } = await this.tokens.use(tx, token, "password_reset");
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      await this.sessions.invalidateAllFor(tx, user.id);
      // A pending email change was asked for with the old password: it no longer counts.
      await this.tokens.revoke(tx, user.id, "email_change");
      return publicUser(user);
    });
  }

  async acceptInvitation(token: string, password: string): Promise<SignedIn> {
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      const { user } = await this.tokens.use(tx, token, "invitation");
      if (user.suspendedAt) throw problems.gone("This account is suspended. Ask an administrator.");
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      const { token: sessionToken, session } = await this.sessions.create(tx, user.id);
      return { user: publicUser(user), token: sessionToken, expiresAt: session.expiresAt };
    });
  }

  async #insertUser(
    tx: Executor,
    input: { email: string; name: string; role: Role; passwordHash: string | null },
  ): Promise<User> {
    const user = await this.insertUserIfNew(tx, input);
    if (!user)
      throw problems.conflict("An account with this email already exists.", {
        type: "email-taken",
      });
    return user;
  }

  /** Inserts the account, or returns null when the (normalised) email already has one. */
  async insertUserIfNew(
    tx: Executor,
    input: { email: string; name: string; role: Role; passwordHash: string | null },
  ): Promise<User | null> {
    const [row] = await tx
      .insert(users)
      .values({
        id: randomUUID(),
        email: normaliseEmail(input.email),
        name: input.name.trim(),
        role: input.role,
        passwordHash: input.passwordHash,
        createdAt: this.clock.now(),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return null;
    const user = publicUser(row);
    await this.events.emit(tx, "user.created", { userId: user.id, role: user.role });
    return user;
  }

  /** Mails a link to choose a password (to a user created without one). */
  async mailInvitation(tx: Executor, user: User): Promise<void> {
    await this.mailInvitations(tx, [user]);
  }

  /** Invitations for several new users, written in two statements whatever their number. */
  async mailInvitations(tx: Executor, invited: readonly User[]): Promise<void> {
    const lifetime = this.options.invitationLifetimeMs ?? 7 * DAY;
    const days = Math.round(lifetime / DAY);
    const tokens = await this.tokens.issueMany(
      tx,
      invited.map((u) => ({ userId: u.id, purpose: "invitation" as const, lifetimeMs: lifetime })),
    );
    const page = this.options.links?.acceptInvitation ?? "/accept-invitation";
    await this.mail.sendMany(
      tx,
      invited.map((user, i) => ({
        to: user.email,
        subject: "You are invited to Lectern",
        text: `Hello ${user.name},\n\nAn administrator created a ${user.role} account for you. Choose your password to sign in (this link works once, for ${days} days):\n\n${mailedLink(this.publicUrl, page, tokens[i]!)}\n`,
      })),
    );
  }

  /** Inserts accounts without passwords, skipping emails that have one; answers those created. */
  async insertUsersIfNew(
    tx: Executor,
    inputs: readonly { email: string; name: string; role: Role }[],
  ): Promise<User[]> {
    if (inputs.length === 0) return [];
    const now = this.clock.now();
    const rows = await tx
      .insert(users)
      .values(
        inputs.map((input) => ({
          id: randomUUID(),
          email: normaliseEmail(input.email),
          name: input.name.trim(),
          role: input.role,
          passwordHash: null,
          createdAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning();
    const created = rows.map(publicUser);
    await this.events.emitAll(
      tx,
      created.map((u) => ({ name: "user.created", data: { userId: u.id, role: u.role } }) as never),
    );
    return created;
  }
}
