import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, or, type SQL } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database, Executor } from "../db/index.js";
import { afterTimeAndId, decodeCursor, type Page, toPage } from "../pagination.js";
import { PluginError } from "../registry.js";
import { currentRequest } from "../request-context.js";
import { auditLog, users } from "../schema.js";

/** One thing that happened, as a caller records it. Ids and short facts only: never names or addresses. */
export interface AuditInput {
  /** `<owner>.<what happened>`: `courses.course.approved`, `payments.payment.refunded`. */
  action: string;
  /** The acting user; defaults to the signed-in user of the current request. */
  actorId?: string | null;
  /** The user the action concerns, if any. */
  targetUserId?: string | null;
  /** What else it concerns: `course:<id>`, `certificate:<id>`, `payment:<id>`. */
  subject?: string | null;
  /** Small JSON facts (`{ from: "student", to: "instructor" }`). */
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  at: Date;
  actorId: string | null;
  action: string;
  targetUserId: string | null;
  subject: string | null;
  address: string | null;
  detail: Record<string, unknown>;
}

/** What plugins receive as `ctx.audit`: recording only; reading is the admin's route. */
export interface AuditRecorder {
  /** Appends an entry in the caller's transaction, so it commits (or not) with what it records. */
  record(executor: Executor, entry: AuditInput): Promise<void>;
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** The append-only audit log: who did what, when and from where. */
export class AuditLog implements AuditRecorder {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async record(executor: Executor, entry: AuditInput): Promise<void> {
    if (!ACTION.test(entry.action)) {
      throw new Error(`Audit action "${entry.action}" must look like "<owner>.<what-happened>".`);
    }
    const request = currentRequest();
    await executor.insert(auditLog).values({
      id: randomUUID(),
      at: this.clock.now(),
      actorId: entry.actorId === undefined ? (request?.userId ?? null) : entry.actorId,
      action: entry.action,
      targetUserId: entry.targetUserId ?? null,
      subject: entry.subject ?? null,
      address: request?.address ?? null,
      detail: entry.detail ?? {},
    });
  }

  /** The recorder a plugin gets: its actions must start with its own id. */
  forPlugin(pluginId: string): AuditRecorder {
    return {
      record: async (executor, entry) => {
        if (!entry.action.startsWith(`${pluginId}.`)) {
          throw new PluginError(
            `Plugin "${pluginId}" records the audit action "${entry.action}"; its actions start with "${pluginId}.".`,
          );
        }
        return this.record(executor, entry);
      },
    };
  }

  /** Entries about a user (as actor or target) and/or of an action, newest first. */
  async list(query: {
    userId?: string;
    action?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditEntry>> {
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = [afterTimeAndId(after, auditLog.at, auditLog.seq, "desc")];
    if (query.userId)
      conditions.push(or(eq(auditLog.actorId, query.userId), eq(auditLog.targetUserId, query.userId)));
    if (query.action) conditions.push(eq(auditLog.action, query.action));
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.at), desc(auditLog.seq))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.at.toISOString(), r.seq], toEntry);
  }

  /**
   * The current names of the users a page of entries mentions, read when the log is shown: the
   * log itself keeps ids only, so an erased user's entries show the anonymised name.
   */
  async namesOf(entries: readonly AuditEntry[]): Promise<Map<string, string>> {
    const ids = [
      ...new Set(entries.flatMap((e) => [e.actorId, e.targetUserId]).filter((id): id is string => !!id)),
    ];
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(inArray(users.id, ids));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Every matching entry, newest first, for the CSV export (read in pages, so memory stays flat). */
  async *all(query: { userId?: string; action?: string }): AsyncGenerator<AuditEntry[]> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, limit: 100, cursor });
      yield page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

const toEntry = ({ seq: _seq, ...row }: typeof auditLog.$inferSelect): AuditEntry => ({
  ...row,
  detail: (row.detail ?? {}) as Record<string, unknown>,
});
