import { randomUUID } from "node:crypto";
import { formatMoney, type Money, ProblemError, problems, type User } from "@lectern/core";
import { refunds } from "../schema.js";
import { lockPayment, type Payment, type PaymentsDeps, toPayment } from "./context.js";
import type { PaymentStateMachine } from "./state.js";

/** What admins do to a payment by hand: refund it, or settle it (offline gateways, reviews). */
export class AdminActions {
  constructor(
    private readonly deps: PaymentsDeps,
    private readonly state: PaymentStateMachine,
  ) {}

  /**
   * Refunds through the gateway; `amount` defaults to what is left. The payment's row stays
   * locked while the gateway answers, so two admins can never refund the same money twice.
   */
  async refund(admin: User, paymentId: string, requested?: Money): Promise<Payment> {
    return this.deps.db.transaction(async (tx) => {
      const payment = await lockPayment(tx, paymentId);
      if (payment.status === "refunded") {
        throw problems.conflict("This payment has been refunded already.", {
          type: "already-refunded",
        });
      }
      if (payment.status !== "completed")
        throw problems.conflict("Only a completed payment can be refunded.");
      const left = payment.amount - payment.amountRefunded;
      if (requested && requested.currency !== payment.currency) {
        throw problems.validation([
          { path: "amount.currency", message: `The payment is in ${payment.currency}.` },
        ]);
      }
      const amount = requested?.amount ?? left;
      if (amount <= 0 && left > 0)
        throw problems.validation([{ path: "amount.amount", message: "Refund more than zero." }]);
      if (amount > left || left <= 0) {
        throw problems.conflict(
          `Only ${formatMoney({ amount: left, currency: payment.currency })} of this payment is left to refund.`,
        );
      }
      const refundId = randomUUID();
      let gatewayRef: string | null = null;
      const installed = this.deps.gateways.get(payment.gateway);
      if (payment.amount > 0 && payment.gatewayRef && installed) {
        try {
          ({ refundRef: gatewayRef } = await installed.gateway.refund({
            paymentId: payment.id,
            gatewayRef: payment.gatewayRef,
            amount: { amount, currency: payment.currency },
            idempotencyKey: `lectern-refund-${refundId}`,
          }));
        } catch (error) {
          this.deps.logger.warn({ err: error, paymentId }, "refund failed at the gateway");
          throw new ProblemError({
            status: 502,
            type: "provider-failed",
            title: "Payment service unavailable",
            detail: `${installed.name} did not carry out the refund. Nothing was refunded; try again later.`,
          });
        }
      }
      await tx.insert(refunds).values({
        id: refundId,
        paymentId,
        amount,
        gatewayRef,
        createdBy: admin.id,
        createdAt: this.deps.clock.now(),
      });
      await this.deps.audit.record(tx, {
        action: "payments.payment.refunded",
        actorId: admin.id,
        targetUserId: payment.userId,
        subject: `payment:${payment.id}`,
        detail: { amount, currency: payment.currency },
      });
      return toPayment(await this.state.recordRefunded(tx, payment, payment.amountRefunded + amount));
    });
  }

  /**
   * Settles a payment by hand with a note: an offline payment (bank transfer, cash) that
   * arrived or never will, or one a gateway left for review.
   */
  async mark(
    admin: User,
    paymentId: string,
    input: { status: "completed" | "failed"; note: string },
  ): Promise<Payment> {
    return this.deps.db.transaction(async (tx) => {
      const payment = await lockPayment(tx, paymentId);
      const offline = !!this.deps.gateways.get(payment.gateway)?.gateway.instructions;
      const markable = payment.status === "needs_review" || (offline && payment.status === "pending");
      if (!markable) {
        throw problems.conflict(
          payment.status === "pending"
            ? "This payment is waiting for its payment service; it cannot be marked by hand."
            : `This payment is ${payment.status.replace("_", " ")} already.`,
        );
      }
      const marked = { note: input.note, markedBy: admin.id };
      const row =
        input.status === "completed"
          ? await this.state.complete(tx, payment, { ...marked, decidedByAdmin: true })
          : await this.state.fail(tx, payment, "Marked as failed by an administrator.", marked);
      await this.deps.audit.record(tx, {
        action: "payments.payment.marked",
        actorId: admin.id,
        targetUserId: payment.userId,
        subject: `payment:${payment.id}`,
        detail: { status: input.status },
      });
      return toPayment(row);
    });
  }
}
