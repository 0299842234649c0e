import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { AuditLog } from "../audit/service.js";
import type { AuthService } from "../auth/service.js";
import type { Clock } from "../clock.js";
import type { Database, Executor, Transaction } from "../db/index.js";
import { ProblemError, problems } from "../http/problem.js";
import type { JobQueue } from "../jobs.js";
import type { Logger } from "../logger.js";
import { userImports, users } from "../schema.js";
import type { User } from "../types.js";
import { type ImportIssue, type ImportRow, parseImport } from "./parse.js";

export const USER_IMPORT_JOB = "core.users.import";
/** Rows per transaction: large enough to be quick, small enough that progress moves. */
const CHUNK = 500;

/** Enrolls an imported user in courses; the courses plugin contributes it (`core.userImportEnrollment`). */
export interface ImportEnrollment {
  /** Throws a ProblemError whose detail says why, in words, when a course cannot take the user. */
  enroll(tx: Transaction, input: { userId: string; courseIds: string[] }): Promise<void>;
}

export interface UserImport {
  id: string;
  status: "queued" | "running" | "done" | "failed";
  total: number;
  done: number;
  created: number;
  skipped: ImportIssue[];
  failed: ImportIssue[];
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImportOptions {
  /** Files larger than this answer 413. Default 5 MiB (about 80,000 rows). */
  maxBytes?: number;
}

/** Bulk import of users from CSV: checked when received, then created by a job in chunks. */
export class UserImports {
  #enrollment: ImportEnrollment | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    readonly options: ImportOptions = {},
  ) {
    jobs.define<{ importId: string }>({
      name: USER_IMPORT_JOB,
      retry: { attempts: 5, backoffMs: 5_000 },
      run: ({ importId }) => this.run(importId),
    });
  }

  get maxBytes(): number {
    return this.options.maxBytes ?? 5 * 1024 * 1024;
  }

  /** Set once at boot from the `core.userImportEnrollment` contribution, when a plugin gives one. */
  useEnrollment(enrollment: ImportEnrollment | null): void {
    this.#enrollment = enrollment;
  }

  /** Checks the file and queues the import; the answer is the import to follow. */
  async start(actor: User | null, text: string): Promise<UserImport> {
    if (Buffer.byteLength(text) > this.maxBytes) {
      throw problems.tooLarge(
        `The file is larger than the limit of ${Math.round(this.maxBytes / 1024)} KiB.`,
      );
    }
    const parsed = parseImport(text);
    if (parsed.total === 0) {
      throw problems.validation([{ path: "file", message: "The file has a header but no users." }]);
    }
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.insert(userImports).values({
        id,
        createdBy: actor?.id ?? null,
        status: "queued",
        total: parsed.total,
        done: parsed.failed.length + parsed.skipped.length,
        position: 0,
        created: 0,
        skipped: parsed.skipped,
        failed: parsed.failed,
        rows: parsed.rows,
        createdAt: this.clock.now(),
      });
      await this.audit.record(tx, {
        action: "auth.users.imported",
        actorId: actor?.id ?? null,
        subject: `import:${id}`,
        detail: { rows: parsed.total },
      });
      await this.jobs.enqueue(tx, USER_IMPORT_JOB, { importId: id });
    });
    return (await this.get(id))!;
  }

  async get(id: string, executor: Executor = this.db): Promise<UserImport | null> {
    const [row] = await executor.select().from(userImports).where(eq(userImports.id, id)).limit(1);
    if (!row) return null;
    const { rows: _rows, position: _position, createdBy: _by, ...rest } = row;
    return { ...rest, skipped: row.skipped as ImportIssue[], failed: row.failed as ImportIssue[] };
  }

  /** The job: works through the rows a chunk at a time, recording progress after each. */
  async run(importId: string, onProgress?: (done: number, total: number) => void): Promise<void> {
    const [row] = await this.db.select().from(userImports).where(eq(userImports.id, importId)).limit(1);
    if (!row || row.status === "done") return;
    const rows = row.rows as ImportRow[];
    await this.db.update(userImports).set({ status: "running" }).where(eq(userImports.id, importId));
    for (let start = row.position; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      await this.db.transaction(async (tx) => {
        const outcome = { created: 0, skipped: [] as ImportIssue[], failed: [] as ImportIssue[] };
        await this.#importPlain(
          tx,
          chunk.filter((item) => item.courseIds.length === 0),
          outcome,
        );
        for (const item of chunk) if (item.courseIds.length > 0) await this.#importRow(tx, item, outcome);
        await tx
          .update(userImports)
          .set({
            position: start + chunk.length,
            done: sql`${userImports.done} + ${chunk.length}`,
            created: sql`${userImports.created} + ${outcome.created}`,
            skipped: sql`${userImports.skipped} || ${JSON.stringify(outcome.skipped)}::jsonb`,
            failed: sql`${userImports.failed} || ${JSON.stringify(outcome.failed)}::jsonb`,
          })
          .where(eq(userImports.id, importId));
      });
      onProgress?.(Math.min(start + CHUNK, rows.length), rows.length);
    }
    await this.db
      .update(userImports)
      .set({ status: "done", rows: [], finishedAt: this.clock.now() })
      .where(eq(userImports.id, importId));
    this.logger.info({ importId, rows: rows.length }, "user import finished");
  }

  /** Rows that only create an account: a few statements for the whole chunk. */
  async #importPlain(
    tx: Transaction,
    items: ImportRow[],
    outcome: { created: number; skipped: ImportIssue[]; failed: ImportIssue[] },
  ): Promise<void> {
    const created = await this.auth.insertUsersIfNew(tx, items);
    await this.auth.mailInvitations(tx, created);
    outcome.created += created.length;
    const made = new Set(created.map((u) => u.email));
    for (const item of items) {
      if (!made.has(item.email))
        outcome.skipped.push({
          line: item.line,
          email: item.email,
          reason: "An account with this email already exists.",
        });
    }
  }

  async #importRow(
    tx: Transaction,
    item: ImportRow,
    outcome: { created: number; skipped: ImportIssue[]; failed: ImportIssue[] },
  ): Promise<void> {
    const work = async (executor: Transaction) => {
      const user = await this.auth.insertUserIfNew(executor, { ...item, passwordHash: null });
      if (user) await this.auth.mailInvitation(executor, user);
      const userId =
        user?.id ??
        (await executor.select({ id: users.id }).from(users).where(eq(users.email, item.email)).limit(1))[0]!
          .id;
      if (item.courseIds.length > 0) {
        if (!this.#enrollment)
          throw problems.conflict("Courses are not installed, so no one can be enrolled.");
        await this.#enrollment.enroll(executor, { userId, courseIds: item.courseIds });
      }
      return Boolean(user);
    };
    try {
      // Only a row that enrolls can fail halfway; it gets a savepoint so the failure undoes it alone.
      const created = item.courseIds.length > 0 ? await tx.transaction(work) : await work(tx);
      if (created) outcome.created++;
      else
        outcome.skipped.push({
          line: item.line,
          email: item.email,
          reason:
            item.courseIds.length > 0
              ? "An account with this email already exists; it was enrolled in the listed courses."
              : "An account with this email already exists.",
        });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      outcome.failed.push({
        line: item.line,
        email: item.email,
        reason: error.problem.detail ?? error.message,
      });
    }
  }
}
