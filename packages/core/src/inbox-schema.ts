import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Webhook events kept as they arrive, before they are applied: the webhook route's only write, so
 * the provider is answered after one INSERT, and a job applies the events right after. The
 * provider's event id is unique per inbox and source, so a redelivery is not stored twice.
 */
export const webhookInbox = pgTable(
  "lectern_webhook_inbox",
  {
    /** Arrival order: events are applied oldest first. */
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    /** The plugin whose inbox it is, e.g. `payments`. */
    inbox: text("inbox").notNull(),
    /** Who sent it within that plugin, e.g. the gateway `stripe`. */
    source: text("source").notNull(),
    eventId: text("event_id").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["pending", "applied", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** A worker applying it holds it until then; a worker that died lets it go at that time. */
    lockedUntil: timestamptz("locked_until"),
    lastError: text("last_error"),
    receivedAt: timestamptz("received_at").notNull(),
    appliedAt: timestamptz("applied_at"),
  },
  (t) => [
    uniqueIndex("lectern_webhook_inbox_event_key").on(t.inbox, t.source, t.eventId),
    index("lectern_webhook_inbox_pending_idx").on(t.inbox, t.seq).where(sql`status = 'pending'`),
  ],
);
