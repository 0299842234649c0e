import type { PrivacyHandler } from "@lectern/core";
import { asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { payments, refunds } from "./schema.js";

/** The column with every occurrence of the person's name and address blanked, the rest of the words kept. */
function redact(
  column: typeof payments.note | typeof payments.statusReason,
  needles: (string | undefined)[],
) {
  let text: SQL = sql`${column}`;
  for (const needle of needles) if (needle) text = sql`replace(${text}, ${needle}, '[erased]')`;
  return text;
}

/**
 * What payments keeps about a person: their payments, refunds and the coupons they used. Payments
 * are accounting records an institution must keep, so on erasure they stay with their amounts,
 * currency, course, status, dates and gateway reference (needed to reconcile and refund); what
 * ties them to the person in words is removed: the checkout's redirect and idempotency key are
 * cleared, and the person's name and address are blanked out of admins' notes and status reasons.
 * The row (and a coupon redemption) still points at the erased account, which no longer says who it was.
 */
export const paymentsPrivacy: PrivacyHandler = {
  key: "payments.payments",
  async export(executor, { userId }) {
    const rows = await executor
      .select()
      .from(payments)
      .where(eq(payments.userId, userId))
      .orderBy(asc(payments.createdAt));
    const given =
      rows.length === 0
        ? []
        : await executor
            .select()
            .from(refunds)
            .where(
              inArray(
                refunds.paymentId,
                rows.map((r) => r.id),
              ),
            );
    return rows.map((p) => ({
      id: p.id,
      courseId: p.courseId,
      gateway: p.gateway,
      status: p.status,
      amount: { amount: p.amount, currency: p.currency },
      listAmount: { amount: p.listAmount, currency: p.currency },
      amountRefunded: { amount: p.amountRefunded, currency: p.currency },
      couponCode: p.couponCode,
      gatewayRef: p.gatewayRef,
      createdAt: p.createdAt,
      completedAt: p.completedAt,
      refunds: given
        .filter((r) => r.paymentId === p.id)
        .map((r) => ({ amount: { amount: r.amount, currency: p.currency }, createdAt: r.createdAt })),
    }));
  },
  async erase(tx, { userId, email, name }) {
    await tx
      .update(payments)
      .set({
        redirectUrl: null,
        idempotencyKey: null,
        note: redact(payments.note, [email, name]),
        statusReason: redact(payments.statusReason, [email, name]),
      })
      .where(eq(payments.userId, userId));
  },
};
