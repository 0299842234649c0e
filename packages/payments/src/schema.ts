import { users } from "@lectern/core";
import { referencesCourse } from "@lectern/courses";
import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const PAYMENT_STATUSES = ["pending", "completed", "failed", "refunded", "needs_review"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** One checkout attempt: the server's price (after a coupon) in the course's currency. */
export const payments = pgTable(
  "payments_payments",
  {
    id: uuid("id").primaryKey(),
    courseId: referencesCourse(uuid("course_id").notNull()),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    gateway: text("gateway").notNull(),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    /** Integer minor units. */
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    /** The course's price before the coupon. */
    listAmount: integer("list_amount").notNull(),
    amountRefunded: integer("amount_refunded").notNull().default(0),
    couponId: uuid("coupon_id"),
    couponCode: text("coupon_code"),
    /** The gateway's own id (Checkout Session, PayPal order, manual reference). */
    gatewayRef: text("gateway_ref"),
    redirectUrl: text("redirect_url"),
    /** The student's `Idempotency-Key`; null once a failed checkout released it for a retry. */
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash").notNull(),
    /** Why it failed or needs review, in words for an admin. */
    statusReason: text("status_reason"),
    /** An admin's note when marking a payment by hand, and who/when. */
    note: text("note"),
    markedBy: uuid("marked_by").references(() => users.id),
    markedAt: timestamptz("marked_at"),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
    completedAt: timestamptz("completed_at"),
  },
  (t) => [
    uniqueIndex("payments_payments_user_idempotency_key").on(t.userId, t.idempotencyKey),
    uniqueIndex("payments_payments_gateway_ref_key").on(t.gateway, t.gatewayRef),
    index("payments_payments_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("payments_payments_status_created_idx").on(t.status, t.createdAt, t.id),
    index("payments_payments_created_idx").on(t.createdAt, t.id),
  ],
);

/** Every gateway event applied, by the gateway's event id: a replay finds its row and changes nothing. */
export const receivedEvents = pgTable(
  "payments_received_events",
  {
    gateway: text("gateway").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    paymentId: uuid("payment_id"),
    receivedAt: timestamptz("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.gateway, t.eventId] })],
);

export const coupons = pgTable(
  "payments_coupons",
  {
    id: uuid("id").primaryKey(),
    /** Stored in capitals; codes are matched without regard to case. */
    code: text("code").notNull(),
    percentOff: integer("percent_off"),
    amountOff: integer("amount_off"),
    /** The currency of `amountOff`. */
    currency: text("currency"),
    /** Null: every course. */
    courseId: referencesCourse(uuid("course_id")),
    expiresAt: timestamptz("expires_at"),
    maxRedemptions: integer("max_redemptions"),
    /** Kept equal to the number of redemption rows by the same statements that add or remove them. */
    redemptions: integer("redemptions").notNull().default(0),
    active: boolean("active").notNull().default(true),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamptz("created_at").notNull(),
    deactivatedAt: timestamptz("deactivated_at"),
  },
  (t) => [uniqueIndex("payments_coupons_code_key").on(t.code)],
);

/** A coupon used by a payment; released when that payment fails. */
export const redemptions = pgTable(
  "payments_redemptions",
  {
    couponId: uuid("coupon_id")
      .notNull()
      .references(() => coupons.id),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    userId: uuid("user_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.paymentId] }), index("payments_redemptions_coupon_idx").on(t.couponId)],
);

export const refunds = pgTable(
  "payments_refunds",
  {
    id: uuid("id").primaryKey(),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    amount: integer("amount").notNull(),
    /** The gateway's refund id. */
    gatewayRef: text("gateway_ref"),
    /** The admin who asked; null when the gateway reported a refund made elsewhere. */
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("payments_refunds_payment_idx").on(t.paymentId, t.createdAt)],
);
