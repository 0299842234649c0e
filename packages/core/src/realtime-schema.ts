import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** The last sequence number given out on each realtime channel. */
export const realtimeChannels = pgTable("lectern_realtime_channels", {
  channel: text("channel").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
});

/**
 * Realtime messages kept for the resume window: a reconnecting client asks for what came after
 * the last `seq` it saw, on whichever instance it lands.
 */
export const realtimeMessages = pgTable(
  "lectern_realtime_messages",
  {
    channel: text("channel").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    /** The outbox event it came from; an event reaches a channel once however often it is delivered. */
    eventId: uuid("event_id").notNull(),
    event: text("event").notNull(),
    data: jsonb("data").notNull(),
    at: timestamptz("at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.seq] }),
    uniqueIndex("lectern_realtime_messages_event_key").on(t.eventId, t.channel),
    index("lectern_realtime_messages_at_idx").on(t.at),
  ],
);

/** In-app notifications: one row per user an event concerns. */
export const notifications = pgTable(
  "lectern_notifications",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id").notNull(),
    kind: text("kind").notNull(),
    eventId: uuid("event_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    readAt: timestamptz("read_at"),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("lectern_notifications_event_key").on(t.eventId, t.kind, t.userId),
    index("lectern_notifications_user_idx").on(t.userId, t.createdAt, t.id),
    index("lectern_notifications_unread_idx").on(t.userId).where(sql`read_at is null`),
  ],
);

/** A user's choices per notification kind; no row means the kind's defaults. */
export const notificationPreferences = pgTable(
  "lectern_notification_preferences",
  {
    userId: uuid("user_id").notNull(),
    kind: text("kind").notNull(),
    inApp: boolean("in_app").notNull(),
    email: boolean("email").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** Outbound webhook endpoints registered by admins. */
export const webhookEndpoints = pgTable("lectern_webhook_endpoints", {
  id: uuid("id").primaryKey(),
  url: text("url").notNull(),
  events: text("events").array().notNull(),
  description: text("description"),
  secret: text("secret").notNull(),
  /** After a rotation, the previous secret also signs until `previousSecretExpiresAt`. */
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: timestamptz("previous_secret_expires_at"),
  enabled: boolean("enabled").notNull(),
  disabledReason: text("disabled_reason"),
  /** Set at the first failed delivery after a success; cleared by the next success. */
  failingSince: timestamptz("failing_since"),
  createdBy: uuid("created_by").notNull(),
  createdAt: timestamptz("created_at").notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
});

/** One row per event sent to an endpoint, updated at every attempt. */
export const webhookDeliveries = pgTable(
  "lectern_webhook_deliveries",
  {
    id: uuid("id").primaryKey(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid("event_id").notNull(),
    event: text("event").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    attempts: integer("attempts").notNull(),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms"),
    lastError: text("last_error"),
    createdAt: timestamptz("created_at").notNull(),
    at: timestamptz("at").notNull(),
  },
  (t) => [
    uniqueIndex("lectern_webhook_deliveries_event_key").on(t.endpointId, t.eventId),
    index("lectern_webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt, t.id),
  ],
);
