import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { timestamptz } from "./db/helpers.js";

export const users = pgTable(
  "lectern_users",
  {
    id: uuid("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["student", "instructor", "admin"] }).notNull(),
    passwordHash: text("password_hash"),
    createdAt: timestamptz("created_at").notNull(),
    /** Set while an admin has suspended the account: no session, no sign-in. */
    suspendedAt: timestamptz("suspended_at"),
  },
  (t) => [
    uniqueIndex("lectern_users_email_key").on(t.email),
    index("lectern_users_role_created_idx").on(t.role, t.createdAt),
  ],
);

export const sessions = pgTable(
  "lectern_sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    /** What the user sees in their sessions list: where and on what they signed in, and when last used. */
    userAgent: text("user_agent"),
    address: text("address"),
    lastSeenAt: timestamptz("last_seen_at"),
  },
  (t) => [index("lectern_sessions_user_idx").on(t.userId)],
);

/** Single-use links mailed to users: invitations, password resets, email changes. Only a hash is stored. */
export const userTokens = pgTable(
  "lectern_user_tokens",
  {
    id: uuid("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    purpose: text("purpose", { enum: ["invitation", "password_reset", "email_change"] }).notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
    createdAt: timestamptz("created_at").notNull(),
    /** The address an email-change link moves the account to. */
    newEmail: text("new_email"),
  },
  (t) => [
    uniqueIndex("lectern_user_tokens_hash_key").on(t.tokenHash),
    index("lectern_user_tokens_user_idx").on(t.userId, t.purpose),
  ],
);

/** Fixed-window counters shared by every instance (login throttling, code guessing). */
export const rateLimits = pgTable("lectern_rate_limits", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  resetAt: timestamptz("reset_at").notNull(),
});

/** The transactional outbox: every event emitted, written in the emitter's transaction. */
export const events = pgTable(
  "lectern_events",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    payload: jsonb("payload").notNull(),
    occurredAt: timestamptz("occurred_at").notNull(),
  },
  (t) => [index("lectern_events_name_idx").on(t.name, t.occurredAt)],
);

/** Durable jobs: event deliveries, mail, scheduled and plugin jobs. */
export const jobs = pgTable(
  "lectern_jobs",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["queued", "running", "done", "failed"] }).notNull(),
    dedupeKey: text("dedupe_key"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    runAt: timestamptz("run_at").notNull(),
    lockedUntil: timestamptz("locked_until"),
    lastError: text("last_error"),
    createdAt: timestamptz("created_at").notNull(),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [
    uniqueIndex("lectern_jobs_dedupe_key").on(t.dedupeKey),
    index("lectern_jobs_due_idx").on(t.runAt).where(sql`status = 'queued'`),
    index("lectern_jobs_running_idx").on(t.lockedUntil).where(sql`status = 'running'`),
  ],
);

/** Small key/value settings a plugin keeps across restarts (e.g. generated keys). */
export const settings = pgTable(
  "lectern_settings",
  {
    plugin: text("plugin").notNull(),
    key: text("key").notNull(),
    value: jsonb("value").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.plugin, t.key] })],
);

// So do the audit log and user imports.
export * from "./accounts-schema.js";
// And the inbox of received webhooks.
export * from "./inbox-schema.js";
// Realtime, notifications and webhooks keep their tables in their own file.
export * from "./realtime-schema.js";
