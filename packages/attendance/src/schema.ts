import { users } from "@lectern/core";
import { date, index, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const ROLL_CALL_STATUSES = ["present", "late", "absent", "excused"] as const;
export type RollCallStatus = (typeof ROLL_CALL_STATUSES)[number];

/** The days a user was signed in, by the institution's calendar; one row per user and day. */
export const days = pgTable(
  "attendance_days",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    firstSeenAt: timestamptz("first_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index("attendance_days_day_idx").on(t.day)],
);

/** An instructor's roll call for one student in one class; it overrides the automatic record. */
export const rollCalls = pgTable(
  "attendance_roll_calls",
  {
    liveClassId: uuid("live_class_id").notNull(),
    courseId: uuid("course_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ROLL_CALL_STATUSES }).notNull(),
    changedBy: uuid("changed_by")
      .notNull()
      .references(() => users.id),
    changedAt: timestamptz("changed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.liveClassId, t.userId] }),
    index("attendance_roll_calls_course_idx").on(t.courseId),
  ],
);

/** Every roll-call change, in order: who changed whose status, from what to what. */
export const rollCallChanges = pgTable(
  "attendance_roll_call_changes",
  {
    id: uuid("id").primaryKey(),
    liveClassId: uuid("live_class_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    from: text("from_status", { enum: ROLL_CALL_STATUSES }),
    to: text("to_status", { enum: ROLL_CALL_STATUSES }).notNull(),
    changedBy: uuid("changed_by")
      .notNull()
      .references(() => users.id),
    changedAt: timestamptz("changed_at").notNull(),
  },
  (t) => [index("attendance_roll_call_changes_class_idx").on(t.liveClassId, t.changedAt)],
);

/** One low-attendance alert per student, course and period: the primary key makes it once. */
export const alerts = pgTable(
  "attendance_alerts",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: uuid("course_id").notNull(),
    period: text("period").notNull(),
    rate: numeric("rate", { precision: 5, scale: 4, mode: "number" }).notNull(),
    sentAt: timestamptz("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.courseId, t.period] })],
);
