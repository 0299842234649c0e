import { users } from "@lectern/core";
import { referencesCourse } from "@lectern/courses";
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Stored statuses; `ended` is not stored: a class has ended once its end time has passed. */
export const STORED_STATUSES = ["scheduled", "cancelled"] as const;
export const CLASS_STATUSES = ["scheduled", "cancelled", "ended"] as const;
export type ClassStatus = (typeof CLASS_STATUSES)[number];

export const PRESENCE_KINDS = ["joined", "left"] as const;
/** Where a presence event came from: Lectern's join redirect, a provider webhook, or its report. */
export const PRESENCE_SOURCES = ["lectern", "webhook", "report"] as const;

/** One class: a single one, or one occurrence of a weekly series (same `seriesId`), moved or cancelled on its own. */
export const classes = pgTable(
  "live_classes_classes",
  {
    id: uuid("id").primaryKey(),
    courseId: referencesCourse(uuid("course_id").notNull(), { onDelete: "cascade" }),
    seriesId: uuid("series_id"),
    title: text("title").notNull(),
    startsAt: timestamptz("starts_at").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    provider: text("provider").notNull(),
    status: text("status", { enum: STORED_STATUSES }).notNull(),
    /** The platform's meeting id, and what the provider keeps about it (links, passwords). */
    meetingId: text("meeting_id").notNull(),
    meetingData: jsonb("meeting_data").$type<Record<string, string>>().notNull(),
    /** Bumped on every change a calendar must show (iCalendar SEQUENCE). */
    sequence: integer("sequence").notNull().default(0),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
    cancelledAt: timestamptz("cancelled_at"),
  },
  (t) => [
    index("live_classes_course_idx").on(t.courseId, t.startsAt),
    index("live_classes_starts_idx").on(t.startsAt),
    uniqueIndex("live_classes_meeting_idx").on(t.provider, t.meetingId),
  ],
);

/**
 * Who joined or left a class and when, as each source saw it. Merged into one record per person
 * (see presence.ts); `dedupeKey` makes a repeated webhook or report count once.
 */
export const presence = pgTable(
  "live_classes_presence",
  {
    id: uuid("id").primaryKey(),
    classId: uuid("class_id")
      .notNull()
      .references(() => classes.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** The platform's participant id, for people the platform saw but Lectern could not match. */
    externalId: text("external_id"),
    name: text("name"),
    kind: text("kind", { enum: PRESENCE_KINDS }).notNull(),
    source: text("source", { enum: PRESENCE_SOURCES }).notNull(),
    role: text("role", { enum: ["host", "attendee"] }),
    at: timestamptz("at").notNull(),
    dedupeKey: text("dedupe_key"),
    receivedAt: timestamptz("received_at").notNull(),
  },
  (t) => [
    index("live_classes_presence_class_idx").on(t.classId, t.userId, t.at),
    index("live_classes_presence_user_idx").on(t.userId, t.at),
    uniqueIndex("live_classes_presence_dedupe_idx")
      .on(t.classId, t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
  ],
);

/** Each user's calendar feed token (only its SHA-256): a new one replaces the old at once. */
export const calendarTokens = pgTable("live_classes_calendar_tokens", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: timestamptz("created_at").notNull(),
});
