import { randomUUID } from "node:crypto";
import { and, desc, eq, ilike, isNull, lt, or, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { type Clock, DAY, HOUR } from "../clock.js";
import type { Database, Executor } from "../db/index.js";
import type { EventBus } from "../events.js";
import { problems } from "../http/problem.js";
import type { Logger } from "../logger.js";
import type { Mailer } from "../mail.js";
import { decodeCursor, type Page, toPage } from "../pagination.js";
import type { RateLimiter } from "../rate-limit.js";
import { users, userTokens } from "../schema.js";
import type { Role, User } from "../types.js";
import { hashPassword, verifyDecoy, verifyPassword } from "./passwords.js";
import { type Session, SessionStore } from "./sessions.js";
import { hashSecret, randomToken } from "./tokens.js";

export interface AuthOptions {
  /** Failed logins allowed per account in the window. Default 10 per 15 minutes. */
  accountLimit?: number;
  /** Failed logins allowed per client address in the window; high, for campuses behind one NAT. */
  addressLimit?: number;
  windowMs?: number;
  invitationLifetimeMs?: number;
}

/** A query parameter another plugin adds to the admin user list, e.g. `?course=`. */
export interface UserFilter {
  name: string;
  schema: z.ZodType;
  description?: string;
  /** The condition on `lectern_users` for a given value; a subquery on the plugin's own tables. */
  where: (value: never) => SQL;
}

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

const GENERIC_LOGIN_FAILURE = "The email, password or role is not correct.";
const PASSWORD_RESET_LIFETIME_MS = HOUR;

const publicUser = (row: typeof users.$inferSelect): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt,
});

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Accounts, sign-in and the links mailed to users. Routes only validate and call these. */
export class AuthService {
  readonly sessions: SessionStore;
  readonly userFilters: UserFilter[] = [];
  readonly #limits;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly mail: Mailer,
    private readonly rateLimiter: RateLimiter,
    private readonly logger: Logger,
    private readonly publicUrl: string,
    private readonly options: AuthOptions = {},
  ) {
    this.sessions = new SessionStore(db, clock);
    const windowMs = options.windowMs ?? 15 * 60_000;
    this.#limits = {
      account: { limit: options.accountLimit ?? 10, windowMs },
      address: { limit: options.addressLimit ?? 300, windowMs },
    };
  }

  /** Lets a plugin add a filter to `GET /api/admin/users`; call it from `services` or `onInit`. */
  addUserFilter(filter: UserFilter): void {
    if (
      ["role", "search", "limit", "cursor"].includes(filter.name) ||
      this.userFilters.some((f) => f.name === filter.name)
    ) {
      throw new Error(`The user filter "${filter.name}" already exists.`);
    }
    this.userFilters.push(filter);
  }

  async register(input: { email: string; password: string; name: string }): Promise<SignedIn> {
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
      if (!passwordHash) await this.#mailInvitation(tx, user);
      return user;
    });
  }

  async login(input: { email: string; password: string; role?: Role; address: string }): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    const accountKey = `login:account:${email}`;
    const addressKey = `login:address:${input.address}`;
    const wait = Math.max(
      await this.rateLimiter.retryAfter(accountKey, this.#limits.account),
      await this.rateLimiter.retryAfter(addressKey, this.#limits.address),
    );
    if (wait > 0) throw problems.tooManyRequests(wait, "Too many failed sign-in attempts. Try again later.");

    const [row] = await this.db.select().from(users).where(eq(users.email, email)).limit(1);
    const ok = row?.passwordHash
      ? await verifyPassword(row.passwordHash, input.password)
      : await verifyDecoy(input.password);
    if (!row || !ok || (input.role && input.role !== row.role)) {
      await this.rateLimiter.hit(accountKey, this.#limits.account);
      await this.rateLimiter.hit(addressKey, this.#limits.address);
      throw problems.unauthorized(GENERIC_LOGIN_FAILURE, {
        type: "https://lectern.dev/problems/login-failed",
      });
    }
    const { token, session } = await this.sessions.create(this.db, row.id);
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
  }): Promise<Page<User>> {
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = this.userFilters
      .filter((f) => query.filters?.[f.name] !== undefined)
      .map((f) => f.where(query.filters?.[f.name] as never));
    if (query.role) conditions.push(eq(users.role, query.role));
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.name, pattern)));
    }
    if (after) {
      const [createdAt, id] = after as [string, string];
      const at = new Date(createdAt);
      conditions.push(or(lt(users.createdAt, at), and(eq(users.createdAt, at), lt(users.id, id))));
    }
    const rows = await this.db
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id], publicUser);
  }

  /** Always succeeds for the caller, so the answer never tells whether an account exists. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.findUserByEmail(email);
    if (!user) return;
    await this.db.transaction(async (tx) => {
      const token = await this.#issueToken(tx, user.id, "password_reset", PASSWORD_RESET_LIFETIME_MS);
      await this.mail.send(tx, {
        to: user.email,
        subject: "Reset your password",
        text: `Hello ${user.name},\n\nSomeone asked to reset the password of your account. If it was you, choose a new password within one hour:\n\n${this.publicUrl}/reset-password?token=${token}\n\nIf it was not you, ignore this message; your password stays as it is.\n`,
      });
    });
  }

  async confirmPasswordReset(token: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      const user = await this.#useToken(tx, token, "password_reset");
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      await this.sessions.invalidateAllFor(tx, user.id);
      return user;
    });
  }

  async acceptInvitation(token: string, password: string): Promise<SignedIn> {
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      const user = await this.#useToken(tx, token, "invitation");
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      const { token: sessionToken, session } = await this.sessions.create(tx, user.id);
      return { user, token: sessionToken, expiresAt: session.expiresAt };
    });
  }

  async #insertUser(
    tx: Executor,
    input: { email: string; name: string; role: Role; passwordHash: string | null },
  ): Promise<User> {
    const email = normaliseEmail(input.email);
    const [row] = await tx
      .insert(users)
      .values({
        id: randomUUID(),
        email,
        name: input.name.trim(),
        role: input.role,
        passwordHash: input.passwordHash,
        createdAt: this.clock.now(),
      })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw problems.conflict("An account with this email already exists.", {
        type: "https://lectern.dev/problems/email-taken",
      });
    const user = publicUser(row);
    await this.events.emit(tx, "user.created", { userId: user.id, role: user.role });
    return user;
  }

  async #mailInvitation(tx: Executor, user: User): Promise<void> {
    const lifetime = this.options.invitationLifetimeMs ?? 7 * DAY;
    const token = await this.#issueToken(tx, user.id, "invitation", lifetime);
    const days = Math.round(lifetime / DAY);
    await this.mail.send(tx, {
      to: user.email,
      subject: "You are invited to Lectern",
      text: `Hello ${user.name},\n\nAn administrator created a ${user.role} account for you. Choose your password to sign in (this link works once, for ${days} days):\n\n${this.publicUrl}/accept-invitation?token=${token}\n`,
    });
  }

  async #issueToken(
    tx: Executor,
    userId: string,
    purpose: "invitation" | "password_reset",
    lifetimeMs: number,
  ) {
    const token = randomToken() + randomToken();
    const now = this.clock.now();
    await tx.insert(userTokens).values({
      id: randomUUID(),
      tokenHash: hashSecret(token),
      purpose,
      userId,
      expiresAt: new Date(now.getTime() + lifetimeMs),
      createdAt: now,
    });
    return token;
  }

  /** Marks a single-use token used; a used, expired or unknown token is gone (410). */
  async #useToken(tx: Executor, token: string, purpose: "invitation" | "password_reset"): Promise<User> {
    const now = this.clock.now();
    const [row] = await tx
      .update(userTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(userTokens.tokenHash, hashSecret(token)),
          eq(userTokens.purpose, purpose),
          isNull(userTokens.usedAt),
        ),
      )
      .returning();
    if (!row || row.expiresAt.getTime() <= now.getTime()) {
      throw problems.gone("This link was already used or has expired. Ask for a new one.", {
        type: "https://lectern.dev/problems/link-expired",
      });
    }
    const user = await tx.select().from(users).where(eq(users.id, row.userId)).limit(1);
    if (!user[0]) throw problems.gone("This account no longer exists.");
    this.logger.info({ userId: row.userId, purpose }, "single-use link redeemed");
    return publicUser(user[0]);
  }
}
