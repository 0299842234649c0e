import { type Executor, formatMoney, ProblemError, users } from "@lectern/core";
import { and, eq, sql } from "drizzle-orm";
import type { GatewayEvent } from "../gateway.js";
import { coupons, type PaymentStatus, payments, receivedEvents, redemptions } from "../schema.js";
import { type PaymentRow, type PaymentsDeps, UUID } from "./context.js";

/*
 * The one place a payment's status changes. Every change runs in the caller's transaction with
 * the payment's row locked, so webhooks, returns, reconciliation and admins racing each other
 * are applied one after the other, and a completion enrolls in the same commit as its status.
 *
 *   pending ──▶ completed ──▶ refunded        (partial refunds stay completed)
 *      │  ╲──▶ needs_review  (amount or currency differs, or access could not be given)
 *      ╰──▶ failed ──▶ completed              (the money did arrive after all)
 */

export type ApplyOutcome = "applied" | "duplicate" | "unknown-payment";

export class PaymentStateMachine {
  constructor(private readonly deps: PaymentsDeps) {}

  /** Applies one gateway event exactly once, whatever the number and order of deliveries. */
  async applyEvent(tx: Executor, gateway: string, event: GatewayEvent): Promise<ApplyOutcome> {
    const payment = await this.#find(tx, gateway, event);
    // The event's id is claimed after the payment's lock: a concurrent replay waits, then finds it.
    const [claimed] = await tx
      .insert(receivedEvents)
      .values({
        gateway,
        eventId: event.id,
        type: event.type,
        paymentId: payment?.id ?? null,
        receivedAt: this.deps.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ eventId: receivedEvents.eventId });
    if (!claimed) return "duplicate";
    if (!payment) {
      this.deps.logger.warn(
        { gateway, eventId: event.id, type: event.type },
        "payment webhook for an unknown payment ignored",
      );
      return "unknown-payment";
    }
    switch (event.type) {
      case "completed": {
        if (payment.status !== "pending" && payment.status !== "failed") break;
        if (event.amount.amount !== payment.amount || event.amount.currency !== payment.currency) {
          await this.needsReview(
            tx,
            payment,
            `The gateway reported ${formatMoney(event.amount)} but the payment is for ${formatMoney({ amount: payment.amount, currency: payment.currency })}.`,
          );
          break;
        }
        await this.complete(tx, payment, { gatewayRef: event.gatewayRef });
        break;
      }
      case "failed":
        if (payment.status === "pending") await this.fail(tx, payment, event.reason);
        break;
      case "refunded":
        if (event.amountRefunded.currency !== payment.currency) {
          await this.needsReview(tx, payment, "The gateway reported a refund in another currency.");
          break;
        }
        await this.recordRefunded(tx, payment, event.amountRefunded.amount);
        break;
    }
    return "applied";
  }

  /**
   * pending/failed/needs_review → completed, enrolling the student in this transaction. A refund
   * the gateway reported before the completion (events out of order) is applied right after.
   */
  async complete(
    tx: Executor,
    payment: PaymentRow,
    extra: { gatewayRef?: string | null; note?: string; markedBy?: string; decidedByAdmin?: boolean } = {},
  ): Promise<PaymentRow> {
    const now = this.deps.clock.now();
    const problem = await this.#enroll(tx, payment, !!extra.decidedByAdmin);
    if (problem) return this.needsReview(tx, payment, problem);
    const [row] = await tx
      .update(payments)
      .set({
        status: "completed",
        statusReason: null,
        completedAt: now,
        updatedAt: now,
        ...(extra.gatewayRef && !payment.gatewayRef ? { gatewayRef: extra.gatewayRef } : {}),
        ...(extra.markedBy ? { note: extra.note ?? null, markedBy: extra.markedBy, markedAt: now } : {}),
      })
      .where(eq(payments.id, payment.id))
      .returning();
    const completed = row!;
    const base = { paymentId: completed.id, courseId: completed.courseId, userId: completed.userId };
    const total = { amount: completed.amount, currency: completed.currency };
    await this.deps.events.emitAll(tx, [
      { name: "payment.completed", data: { ...base, gateway: completed.gateway, total } },
      { name: "payment.updated", data: { ...base, status: "completed" } },
    ]);
    await this.#mailReceipt(tx, completed);
    if (completed.amount > 0 && completed.amountRefunded >= completed.amount) {
      return this.recordRefunded(tx, completed, completed.amountRefunded, { force: true });
    }
    return completed;
  }

  async fail(
    tx: Executor,
    payment: PaymentRow,
    reason: string,
    extra: { note?: string; markedBy?: string; releaseKey?: boolean } = {},
  ): Promise<PaymentRow> {
    const now = this.deps.clock.now();
    const [row] = await tx
      .update(payments)
      .set({
        status: "failed",
        statusReason: reason,
        updatedAt: now,
        ...(extra.releaseKey ? { idempotencyKey: null } : {}),
        ...(extra.markedBy ? { note: extra.note ?? null, markedBy: extra.markedBy, markedAt: now } : {}),
      })
      .where(eq(payments.id, payment.id))
      .returning();
    await this.releaseCoupon(tx, payment.id);
    const base = { paymentId: payment.id, courseId: payment.courseId, userId: payment.userId };
    await this.deps.events.emitAll(tx, [
      { name: "payment.failed", data: { ...base, gateway: payment.gateway, reason } },
      { name: "payment.updated", data: { ...base, status: "failed" } },
    ]);
    return row!;
  }

  async needsReview(tx: Executor, payment: PaymentRow, reason: string): Promise<PaymentRow> {
    this.deps.logger.warn({ paymentId: payment.id, reason }, "payment needs review");
    const [row] = await tx
      .update(payments)
      .set({ status: "needs_review", statusReason: reason, updatedAt: this.deps.clock.now() })
      .where(eq(payments.id, payment.id))
      .returning();
    await this.deps.events.emit(tx, "payment.updated", {
      paymentId: payment.id,
      courseId: payment.courseId,
      userId: payment.userId,
      status: "needs_review",
    });
    return row!;
  }

  /**
   * Raises what was refunded to `total` (never lowers it: gateways report running totals, so an
   * old or repeated report changes nothing). A completed payment refunded in full becomes
   * `refunded` and, by default, ends the student's access.
   */
  async recordRefunded(
    tx: Executor,
    payment: PaymentRow,
    total: number,
    options: { force?: boolean } = {},
  ): Promise<PaymentRow> {
    const refunded = Math.min(Math.max(total, payment.amountRefunded), payment.amount);
    if (refunded === payment.amountRefunded && !options.force) return payment;
    const full = payment.status === "completed" && refunded >= payment.amount;
    const status: PaymentStatus = full ? "refunded" : payment.status;
    const [row] = await tx
      .update(payments)
      .set({ amountRefunded: refunded, status, updatedAt: this.deps.clock.now() })
      .where(eq(payments.id, payment.id))
      .returning();
    // Before completion (events out of order) only the amount is kept; completion applies it.
    if (payment.status !== "completed") return row!;
    const base = { paymentId: payment.id, courseId: payment.courseId, userId: payment.userId };
    const money = (amount: number) => ({ amount, currency: payment.currency });
    await this.deps.events.emitAll(tx, [
      {
        name: "payment.refunded",
        data: {
          ...base,
          amount: money(refunded - (options.force ? 0 : payment.amountRefunded)),
          amountRefunded: money(refunded),
          full,
        },
      },
      ...(full ? [{ name: "payment.updated" as const, data: { ...base, status: "refunded" as const } }] : []),
    ]);
    if (full) {
      if (this.deps.options.revokeAccessOnRefund) {
        await this.deps.courses.cancelEnrollment(tx, {
          courseId: payment.courseId,
          userId: payment.userId,
          reason: "refunded",
        });
      }
      await this.#mailRefund(tx, row!);
    }
    return row!;
  }

  /** Gives a failed payment's coupon use back, so the coupon's limit counts only real sales. */
  async releaseCoupon(tx: Executor, paymentId: string): Promise<void> {
    const [released] = await tx
      .delete(redemptions)
      .where(eq(redemptions.paymentId, paymentId))
      .returning({ couponId: redemptions.couponId });
    if (released) {
      await tx
        .update(coupons)
        .set({ redemptions: sql`${coupons.redemptions} - 1` })
        .where(eq(coupons.id, released.couponId));
    }
  }

  async #find(tx: Executor, gateway: string, event: GatewayEvent): Promise<PaymentRow | null> {
    if (event.paymentId && UUID.test(event.paymentId)) {
      const [row] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.id, event.paymentId), eq(payments.gateway, gateway)))
        .for("update");
      if (row) return row;
    }
    if (event.gatewayRef) {
      const [row] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.gateway, gateway), eq(payments.gatewayRef, event.gatewayRef)))
        .for("update");
      if (row) return row;
    }
    return null;
  }

  /** Enrolls in a savepoint; answers why not when access cannot be given (the money still arrived). */
  async #enroll(tx: Executor, payment: PaymentRow, decidedByAdmin: boolean): Promise<string | null> {
    try {
      // `created` is false exactly when the student already has the course (active or completed):
      // enroll then changes nothing, and a second purchase is kept for an admin to refund.
      const { created } = await tx.transaction((inner) =>
        this.deps.courses.enroll(inner, { courseId: payment.courseId, userId: payment.userId }),
      );
      if (!created && !decidedByAdmin) {
        return "The student was already enrolled when this payment completed: refund it or keep it.";
      }
      return null;
    } catch (error) {
      if (error instanceof ProblemError) return `The student could not be enrolled: ${error.message}`;
      throw error;
    }
  }

  /** Read in the caller's transaction: one connection (PGlite) must not wait for itself. */
  async #user(tx: Executor, id: string) {
    const [user] = await tx
      .select({ email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, id));
    return user ?? null;
  }

  async #mailReceipt(tx: Executor, payment: PaymentRow): Promise<void> {
    const user = await this.#user(tx, payment.userId);
    const course = await this.deps.courses.course(tx, payment.courseId);
    if (!user || !course) return;
    const { institution, locale } = this.deps.options;
    const money = (amount: number) => formatMoney({ amount, currency: payment.currency }, locale);
    await this.deps.mail.send(tx, {
      to: user.email,
      subject: `Receipt: ${course.title}`,
      text: [
        `Dear ${user.name},`,
        "",
        payment.amount > 0
          ? `Thank you for your payment. You are now enrolled in "${course.title}".`
          : `Your coupon covered the whole price. You are now enrolled in "${course.title}".`,
        "",
        `Course: ${course.title}`,
        payment.listAmount !== payment.amount ? `Price: ${money(payment.listAmount)}` : null,
        payment.couponCode ? `Coupon: ${payment.couponCode}` : null,
        `Paid: ${money(payment.amount)}`,
        `Payment: ${payment.id}`,
        payment.gatewayRef ? `Reference (${payment.gateway}): ${payment.gatewayRef}` : null,
        `Date: ${(payment.completedAt ?? this.deps.clock.now()).toISOString().slice(0, 10)}`,
        "",
        institution.name,
        institution.details || null,
      ]
        .filter((line) => line !== null)
        .join("\n"),
    });
  }

  async #mailRefund(tx: Executor, payment: PaymentRow): Promise<void> {
    const user = await this.#user(tx, payment.userId);
    const course = await this.deps.courses.course(tx, payment.courseId);
    if (!user || !course) return;
    const amount = formatMoney(
      { amount: payment.amountRefunded, currency: payment.currency },
      this.deps.options.locale,
    );
    await this.deps.mail.send(tx, {
      to: user.email,
      subject: `Refund: ${course.title}`,
      text: [
        `Dear ${user.name},`,
        "",
        `Your payment for "${course.title}" has been refunded in full (${amount}).`,
        this.deps.options.revokeAccessOnRefund
          ? "Your enrollment in the course has ended with the refund."
          : "You keep your access to the course.",
        "",
        this.deps.options.institution.name,
      ].join("\n"),
    });
  }
}
