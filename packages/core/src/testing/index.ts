import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import postgres from "postgres";
import { ManualClock } from "../clock.js";
import { type DatabaseConfig, openDatabase } from "../db/index.js";
import { type MigrationSource, migrate } from "../db/migrate.js";
import { createLectern, type Lectern, type LecternConfig, migrationSources } from "../lectern.js";
import { createLogger } from "../logger.js";
import type { LecternPlugin } from "../plugin.js";
import type { Role, User } from "../types.js";

import { clonePglite, clonePostgres, copyPostgres, databaseUrl, testDatabasePrefix } from "./templates.js";

export { startTestSmtpServer, type TestSmtpServer } from "./smtp.js";

export interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments: { filename: string; contentType?: string; content: Buffer }[];
  /** The whole RFC 5322 message as it would go over the wire. */
  raw: string;
}

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string, FormData or Uint8Array. */
  body?: unknown;
}

export interface Client {
  get<T = any>(path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse<T>>;
  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse<T>>;
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse<T>>;
  delete<T = any>(path: string, options?: RequestOptions): Promise<TestResponse<T>>;
}

export interface TestUser extends User {
  token: string;
  password: string;
}

export interface TestLectern {
  lectern: Lectern;
  clock: ManualClock;
  /** Every message the mail jobs sent, in order. */
  mail: CapturedMail[];
  /** Requests with no session. */
  anonymous: Client;
  /** Requests made with this user's Bearer token. */
  as(user: { token: string }): Client;
  /** A new user of the role, with a session; emails are unique unless given. */
  createUser(
    role: Role,
    fields?: Partial<{ email: string; name: string; password: string }>,
  ): Promise<TestUser>;
  /** Runs the due jobs (event handlers, mail, …) until none is due. */
  drain(): Promise<void>;
  request(method: string, path: string, options?: RequestOptions & { token?: string }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestLecternOptions extends Omit<LecternConfig, "database" | "clock" | "worker"> {
  plugins?: LecternPlugin[];
  /** Start time of the movable clock. */
  now?: Date | string;
  /**
   * Prefix of the databases made on a PostgreSQL server (default `LECTERN_TEST_DATABASE_PREFIX`,
   * else `lectern_test_`), so runs sharing a server can tell theirs apart and drop them.
   */
  databasePrefix?: string;
  /** PGlite extension bundles to load (in-memory PGlite only; a server has its own). */
  pgliteExtensions?: Record<string, unknown>;
}

/**
 * A Lectern on a fresh database: in-memory PGlite, or a new database on the PostgreSQL server
 * named by `LECTERN_TEST_DATABASE_URL`. The database is a copy of a template migrated once per
 * set of plugins, so only the first start in a run pays for the migrations. Jobs run only when
 * `drain()` is called, so tests decide when handlers, mail and retries happen; the clock moves
 * only when told to.
 */
export async function createTestLectern(options: TestLecternOptions = {}): Promise<TestLectern> {
  const { now, databasePrefix, pgliteExtensions, ...config } = options;
  const clock = new ManualClock(now);
  const mail: CapturedMail[] = [];
  // Resolving the plugins first also reports a bad plugin list before any database work.
  const sources = config.migrate === false ? [] : migrationSources(config.plugins ?? []);
  const database = await createTestDatabase({
    migrations: sources,
    prefix: databasePrefix,
    pgliteExtensions,
  });
  const storageDir = await mkdtemp(join(tmpdir(), "lectern-files-"));
  let lectern: Lectern;
  try {
    lectern = await createLectern({
      logger: createLogger({ level: process.env.LECTERN_TEST_LOG_LEVEL ?? "silent" }),
      storage: storageDir,
      ...config,
      database: database.config,
      clock,
      worker: false,
      mail: {
        from: '"Lectern Test" <test@lectern.localhost>',
        ...config.mail,
        transport: config.mail?.transport ?? captureTransport(mail),
      },
    });
  } catch (error) {
    await database.drop();
    await rm(storageDir, { recursive: true, force: true });
    throw error;
  }

  const request = async (method: string, path: string, opts: RequestOptions & { token?: string } = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined;
    if (opts.body !== undefined) {
      if (typeof opts.body === "string" || opts.body instanceof FormData || opts.body instanceof Uint8Array) {
        body = opts.body as BodyInit;
      } else {
        body = JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
    }
    const response = await lectern.app.request(path, { method, headers, body });
    const type = response.headers.get("content-type") ?? "";
    const parsed = type.includes("json")
      ? await response.json()
      : type.startsWith("text/")
        ? await response.text()
        : Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body: parsed };
  };

  const client = (token?: string): Client => ({
    get: (path, o) => request("GET", path, { ...o, token }),
    delete: (path, o) => request("DELETE", path, { ...o, token }),
    post: (path, body, o) => request("POST", path, { ...o, body, token }),
    put: (path, body, o) => request("PUT", path, { ...o, body, token }),
    patch: (path, body, o) => request("PATCH", path, { ...o, body, token }),
  });

  return {
    lectern,
    clock,
    mail,
    anonymous: client(),
    as: (user) => client(user.token),
    async createUser(role, fields = {}) {
      const password = fields.password ?? "correct horse battery";
      const auth = lectern.context().auth;
      const user = await auth.createUser({
        role,
        email: fields.email ?? `${role}-${randomUUID().slice(0, 8)}@test.example`,
        name: fields.name ?? `Test ${role}`,
        password,
      });
      const { token } = await auth.sessions.create(lectern.db, user.id);
      return { ...user, token, password };
    },
    drain: () => lectern.jobs.drain(),
    request,
    async close() {
      await lectern.stop();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabaseOptions {
  /** Keep PGlite's data in a temporary folder (reopened by a later Lectern) instead of memory. */
  persistent?: boolean;
  /** Migrations already applied when the database is handed over (from a cached template). */
  migrations?: MigrationSource[];
  /** Name prefix on a PostgreSQL server; see `TestLecternOptions.databasePrefix`. */
  prefix?: string;
  /** See `TestLecternOptions.pgliteExtensions`. */
  pgliteExtensions?: Record<string, unknown>;
  /**
   * On a PostgreSQL server: a copy of this database (its URL, e.g. another test database's
   * `config.url`, with no one connected to it) instead of a migrations template — for a state
   * seeded once and copied for each test. Ignored on PGlite: copy its data folder instead.
   */
  copyOf?: string;
}

/**
 * A new database: a new database on the `LECTERN_TEST_DATABASE_URL` server, or else in-memory
 * PGlite (or, with `persistent`, PGlite in a temporary folder that outlives a process). Empty
 * unless `migrations` are given; either way it is copied from a cached template, not built.
 */
export async function createTestDatabase(
  options: TestDatabaseOptions = {},
): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  const serverUrl = process.env.LECTERN_TEST_DATABASE_URL;
  const migrations = options.migrations ?? [];
  if (!serverUrl) {
    if (!options.persistent) {
      const pglite = await clonePglite(migrations, options.pgliteExtensions);
      return { config: { pglite }, drop: () => pglite.close() };
    }
    const dataDir = await mkdtemp(join(tmpdir(), "lectern-db-"));
    if (migrations.length > 0) {
      const handle = await openDatabase({ dataDir });
      await migrate(handle.db, migrations).finally(() => handle.close());
    }
    return { config: { dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const prefix = testDatabasePrefix(options.prefix);
  const name = `${prefix}${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  if (options.copyOf) await copyPostgres(serverUrl, name, options.copyOf);
  else await clonePostgres(serverUrl, name, migrations, prefix);
  return {
    config: { url: databaseUrl(serverUrl, name), maxConnections: 5 },
    async drop() {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A real nodemailer transport that keeps each message instead of sending it. */
export function captureTransport(into: CapturedMail[]) {
  return nodemailer.createTransport({
    name: "lectern-capture",
    version: "1.0.0",
    send(mail, done) {
      const chunks: Buffer[] = [];
      const stream = mail.message.createReadStream();
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", done);
      stream.on("end", () => {
        const data = mail.data;
        const to = ([] as unknown[]).concat(data.to ?? []).map(String);
        into.push({
          to,
          subject: String(data.subject ?? ""),
          text: String(data.text ?? ""),
          html: data.html ? String(data.html) : undefined,
          attachments: (data.attachments ?? []).map((a) => ({
            filename: String(a.filename ?? ""),
            contentType: a.contentType,
            content: Buffer.isBuffer(a.content) ? a.content : Buffer.from(String(a.content ?? "")),
          })),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        done(null, { envelope: mail.message.getEnvelope(), messageId: mail.message.messageId() } as never);
      });
    },
  });
}

/** The link a mail carries, for tests that follow it (invitation, password reset). */
export function linkToken(message: CapturedMail): string {
  const token = message.text.match(/token=([a-z0-9]+)/)?.[1];
  if (!token) throw new Error(`No token link in mail "${message.subject}".`);
  return token;
}

export { authorizationMatrix, type MatrixResult } from "./matrix.js";
export { openTestSocket, type TestSocket } from "./realtime.js";
export { ManualClock };
