import { bigserial, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./db/helpers.js";

/**
 * The audit log: who did what, when and from where. Append-only: a trigger in the migration
 * refuses UPDATE and DELETE. Rows hold ids and short facts, never names or email addresses, so
 * the log can outlive an erased account without keeping the person's data.
 */
export const auditLog = pgTable(
  "lectern_audit_log",
  {
    id: uuid("id").primaryKey(),
    /** Orders entries made in the same instant (one transaction often records several). */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    at: timestamptz("at").notNull(),
    /** The user who acted; null for the system (a job, the CLI without an admin). */
    actorId: uuid("actor_id"),
    /** `<owner>.<verb>`, e.g. `core.user.suspended`, `courses.course.approved`. */
    action: text("action").notNull(),
    /** The user the action concerns, when it concerns one. */
    targetUserId: uuid("target_user_id"),
    /** What else it concerns: `course:<id>`, `certificate:<id>`, `payment:<id>`. */
    subject: text("subject"),
    /** The client address the request came from; null outside a request. */
    address: text("address"),
    detail: jsonb("detail").notNull(),
  },
  (t) => [
    index("lectern_audit_at_idx").on(t.at, t.seq),
    index("lectern_audit_actor_idx").on(t.actorId, t.at),
    index("lectern_audit_target_idx").on(t.targetUserId, t.at),
    index("lectern_audit_action_idx").on(t.action, t.at),
  ],
);

/** A bulk import of users from CSV, run by a job; progress is read while it runs. */
export const userImports = pgTable("lectern_user_imports", {
  id: uuid("id").primaryKey(),
  createdBy: uuid("created_by"),
  status: text("status", { enum: ["queued", "running", "done", "failed"] }).notNull(),
  total: integer("total").notNull(),
  done: integer("done").notNull(),
  /** How many of `rows` the job has worked through; a retried job starts here. */
  position: integer("position").notNull(),
  created: integer("created").notNull(),
  /** `{ line, email, reason }` for rows left as they were (the account exists). */
  skipped: jsonb("skipped").notNull(),
  /** `{ line, reason }` for rows that could not be imported. */
  failed: jsonb("failed").notNull(),
  /** The rows still to import, checked when the file was received; emptied when done. */
  rows: jsonb("rows").notNull(),
  createdAt: timestamptz("created_at").notNull(),
  finishedAt: timestamptz("finished_at"),
});
