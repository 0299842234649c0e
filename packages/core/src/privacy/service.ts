import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { verifyDecoy, verifyPassword } from "../auth/passwords.js";
import type { AuthService } from "../auth/service.js";
import { sameHash } from "../auth/tokens.js";
import { type Clock, DAY, HOUR } from "../clock.js";
import { withAdvisoryLock } from "../db/helpers.js";
import type { Database } from "../db/index.js";
import type { Contribution, PrivacyHandler } from "../extensions.js";
import { problems } from "../http/problem.js";
import type { JobQueue } from "../jobs.js";
import type { Logger } from "../logger.js";
import type { Mailer } from "../mail.js";
import type { RateLimiter } from "../rate-limit.js";
import { PluginError } from "../registry.js";
import { users } from "../schema.js";
import type { Settings } from "../settings.js";
import type { Storage } from "../storage.js";
import type { User } from "../types.js";
import { accountPrivacy, ERASED_DOMAIN } from "./account.js";

export const PRIVACY_EXPORT_JOB = "core.privacy.export";
export const PRIVACY_SWEEP_JOB = "core.privacy.sweep";
/** The archive's format, so a reader knows which shape it holds. */
export const EXPORT_FORMAT = "lectern.export/1";
const EXPORT_FOLDER = "privacy/exports/";

export interface PrivacyOptions {
  /** How long a mailed download link works. Default 7 days. */
  exportLifetimeMs?: number;
  /** Export requests one person may make per hour. Default 3. */
  exportsPerHour?: number;
}

export interface ExportArchive {
  format: string;
  exportedAt: string;
  userId: string;
  /** One entry per installed plugin's `core.privacy` contribution, by its key (`core.account` first). */
  sections: Record<string, unknown>;
}

interface Deps {
  db: Database;
  clock: Clock;
  auth: AuthService;
  jobs: JobQueue;
  mail: Mailer;
  storage: Storage;
  rateLimiter: RateLimiter;
  logger: Logger;
  settings: Settings;
  publicUrl: string;
  /** The plugins' handlers, in dependency order. */
  handlers: () => Contribution<PrivacyHandler>[];
}

/** A person's data export and erasure, across the core and every installed plugin. */
export class Privacy {
  readonly #lifetimeMs: number;
  readonly #perHour: number;

  constructor(
    private readonly deps: Deps,
    options: PrivacyOptions = {},
  ) {
    // Sections are keyed: two plugins with one key would overwrite each other's part of the archive.
    const owners = new Map<string, string>([[accountPrivacy.key, "core"]]);
    for (const { pluginId, value } of deps.handlers()) {
      const owner = owners.get(value.key);
      if (owner) {
        throw new PluginError(
          `Plugin "${pluginId}" contributes the privacy section "${value.key}", which "${owner}" already contributes. Name it after the plugin ("${pluginId}.<what>").`,
        );
      }
      owners.set(value.key, pluginId);
    }
    this.#lifetimeMs = options.exportLifetimeMs ?? 7 * DAY;
    this.#perHour = options.exportsPerHour ?? 3;
    deps.jobs.define<{ exportId: string; userId: string }>({
      name: PRIVACY_EXPORT_JOB,
      retry: { attempts: 5, backoffMs: 30_000 },
      run: (payload) => this.produceExport(payload),
    });
    deps.jobs.define<null>({
      name: PRIVACY_SWEEP_JOB,
      schedule: "17 3 * * *",
      run: async () => {
        await this.sweepExpired();
      },
    });
  }

  /** Where archives are kept; the download route serves them from here. */
  get storage(): Storage {
    return this.deps.storage;
  }

  /** Every handler: the core's account first on export; on erasure it goes last (see `erase`). */
  #handlers(): PrivacyHandler[] {
    return [accountPrivacy, ...this.deps.handlers().map((c) => c.value)];
  }

  /** Queues the archive; the job mails the link. Limited per person, so a loop cannot fill the disk. */
  async requestExport(user: User): Promise<{ id: string }> {
    const key = `privacy:export:${user.id}`;
    const rule = { limit: this.#perHour, windowMs: HOUR };
    const wait = await this.deps.rateLimiter.retryAfter(key, rule);
    if (wait > 0)
      throw problems.tooManyRequests(wait, "You asked for your data a moment ago. Check your mail.");
    await this.deps.rateLimiter.hit(key, rule);
    const id = randomUUID();
    await this.deps.jobs.enqueue(this.deps.db, PRIVACY_EXPORT_JOB, { exportId: id, userId: user.id });
    return { id };
  }

  /** Everything stored about the person, from one consistent snapshot. */
  async collect(userId: string): Promise<ExportArchive> {
    const sections: Record<string, unknown> = {};
    await this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      for (const handler of this.#handlers()) sections[handler.key] = await handler.export(tx, { userId });
    });
    return { format: EXPORT_FORMAT, exportedAt: this.deps.clock.now().toISOString(), userId, sections };
  }

  /** The export job: writes the archive to storage and mails a link that works until it expires. */
  async produceExport({ exportId, userId }: { exportId: string; userId: string }): Promise<void> {
    const user = await this.deps.auth.getUser(userId);
    if (!user || isErased(user)) return;
    const archive = await this.collect(userId);
    const expires = this.deps.clock.now().getTime() + this.#lifetimeMs;
    const key = archiveKey(userId, exportId, expires);
    await this.deps.storage.put(key, Readable.from([Buffer.from(JSON.stringify(archive, null, 2))]));
    const token = `${expires}.${await this.#sign(exportId, userId, expires)}`;
    const link = `${this.deps.publicUrl}/api/me/exports/${exportId}?token=${token}`;
    const until = new Date(expires).toUTCString();
    await this.deps.mail.send(this.deps.db, {
      to: user.email,
      subject: "Your data is ready to download",
      text: `Hello ${user.name},\n\nThe copy of everything we keep about you is ready. Sign in, then open this link to download it (it works until ${until}):\n\n${link}\n\nIf you did not ask for it, change your password.\n`,
    });
    this.deps.logger.info({ userId, exportId }, "data export ready");
  }

  /** The stored archive behind a mailed link; only for the person it was made for, until it expires. */
  async archiveFor(user: User, exportId: string, token: string): Promise<string> {
    const [expiresText, signature, extra] = token.split(".");
    const expires = Number(expiresText);
    const valid =
      extra === undefined &&
      Number.isSafeInteger(expires) &&
      signature !== undefined &&
      sameHash(signature, await this.#sign(exportId, user.id, expires));
    // Another person's link tells its holder nothing: the same answer as a link never made.
    if (!valid) throw problems.notFound("There is no such download.");
    if (expires <= this.deps.clock.now().getTime()) {
      throw problems.gone("This download link has expired. Ask for your data again.", {
        type: "link-expired",
      });
    }
    const key = archiveKey(user.id, exportId, expires);
    if (!(await this.deps.storage.stat(key))) throw problems.notFound("There is no such download.");
    return key;
  }

  /** Deletes archives whose links expired; daily. */
  async sweepExpired(): Promise<number> {
    const keys = (await this.deps.storage.list?.(EXPORT_FOLDER)) ?? [];
    const now = this.deps.clock.now().getTime();
    let removed = 0;
    for (const key of keys) {
      const expires = Number(/\/(\d+)-[0-9a-f-]+\.json$/.exec(key)?.[1]);
      if (Number.isFinite(expires) && expires <= now) {
        await this.deps.storage.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** `DELETE /api/me`: the person confirms with their password. */
  async eraseSelf(user: User, password: string): Promise<void> {
    const [row] = await this.deps.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, user.id));
    const ok = row?.passwordHash
      ? await verifyPassword(row.passwordHash, password)
      : await verifyDecoy(password);
    if (!ok) throw problems.forbidden("The password is not correct.", { type: "wrong-password" });
    await this.erase(user.id, { by: user.id });
  }

  /**
   * Erases a person through every installed plugin's hook in one transaction, the core's account
   * last (plugins may still read it); their sessions end in the same transaction. The last admin
   * cannot be erased: someone must be left to run the institution.
   */
  async erase(userId: string, { by }: { by: string }): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const [target] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
      if (!target) throw problems.notFound("There is no such user.");
      if (target.role === "admin" && !target.suspendedAt) {
        // Locks every active admin row, so two admins erasing each other cannot both succeed.
        const others = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.role, "admin"), ne(users.id, userId), isNull(users.suspendedAt)))
          .for("update");
        if (others.length === 0) {
          throw problems.conflict(
            "This is the last administrator; make someone else an administrator first.",
            {
              type: "last-admin",
            },
          );
        }
      }
      const person = { userId, email: target.email, name: target.name };
      // Dependents before what they depend on (certificates before courses), the account last.
      for (const { value } of [...this.deps.handlers()].reverse()) await value.erase(tx, person);
      await this.deps.auth.sessions.invalidateAllFor(tx, userId);
      await accountPrivacy.erase(tx, person);
    });
    for (const key of (await this.deps.storage.list?.(`${EXPORT_FOLDER}${userId}/`)) ?? [])
      await this.deps.storage.delete(key);
    this.deps.logger.info({ userId, by }, "account erased");
  }

  async #sign(exportId: string, userId: string, expires: number): Promise<string> {
    return createHmac("sha256", await this.#key())
      .update(`${exportId}:${userId}:${expires}`)
      .digest("base64url");
  }

  /** The signing key: made once, under a lock, so every instance reads the same. */
  async #key(): Promise<string> {
    const name = "privacy.exportSigningKey";
    const stored = await this.deps.settings.get<string>(name);
    if (stored) return stored;
    return withAdvisoryLock(this.deps.db, `core.${name}`, async (tx) => {
      const again = await this.deps.settings.get<string>(name, tx);
      if (again) return again;
      const fresh = randomBytes(32).toString("base64url");
      await this.deps.settings.set(name, fresh, tx);
      return fresh;
    });
  }
}

/** The archive's storage key: the expiry in the name lets the sweep work without a table. */
const archiveKey = (userId: string, exportId: string, expires: number) =>
  `${EXPORT_FOLDER}${userId}/${expires}-${exportId}.json`;

export const isErased = (user: Pick<User, "email">) => user.email.endsWith(`@${ERASED_DOMAIN}`);
