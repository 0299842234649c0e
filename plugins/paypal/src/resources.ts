import type { GatewayEvent, GatewayResult } from "@lectern/payments";
import { fromPayPalValue } from "./money.js";

/* PayPal's resources as far as Lectern reads them, and their translation to Lectern's events. */

export interface PayPalAmount {
  currency_code: string;
  value: string;
}

export interface PayPalLink {
  href: string;
  rel: string;
  method?: string;
}

export interface PayPalCapture {
  id: string;
  status: "COMPLETED" | "DECLINED" | "PENDING" | "PARTIALLY_REFUNDED" | "REFUNDED" | "FAILED" | string;
  amount: PayPalAmount;
  custom_id?: string;
  invoice_id?: string;
  supplementary_data?: { related_ids?: { order_id?: string } };
  links?: PayPalLink[];
}

export interface PayPalRefund {
  id: string;
  status: string;
  amount: PayPalAmount;
  custom_id?: string;
  invoice_id?: string;
  seller_payable_breakdown?: { total_refunded_amount?: PayPalAmount };
  links?: PayPalLink[];
}

export interface PayPalOrder {
  id: string;
  status: "CREATED" | "SAVED" | "APPROVED" | "VOIDED" | "COMPLETED" | "PAYER_ACTION_REQUIRED" | string;
  purchase_units?: Array<{
    reference_id?: string;
    custom_id?: string;
    amount?: PayPalAmount;
    payments?: { captures?: PayPalCapture[]; refunds?: PayPalRefund[] };
  }>;
  links?: PayPalLink[];
}

export interface PayPalEvent {
  id: string;
  event_type: string;
  resource_type?: string;
  resource: Record<string, unknown>;
}

const DECLINED = new Set(["DECLINED", "FAILED"]);
const TAKEN = new Set(["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);

/** A capture's outcome as an event; `id` is the caller's (the webhook's, or one derived from the capture). */
export function captureEvent(
  id: string,
  capture: PayPalCapture,
  fallback: { paymentId?: string | null; orderId?: string | null } = {},
): GatewayEvent | null {
  const paymentId = capture.custom_id ?? fallback.paymentId ?? null;
  const gatewayRef = capture.supplementary_data?.related_ids?.order_id ?? fallback.orderId ?? null;
  if (TAKEN.has(capture.status)) {
    return { id, type: "completed", paymentId, gatewayRef, amount: fromPayPalValue(capture.amount) };
  }
  if (DECLINED.has(capture.status)) {
    return { id, type: "failed", paymentId, gatewayRef, reason: "PayPal declined the payment." };
  }
  return null; // PENDING: PayPal sends COMPLETED or DENIED later.
}

/** What an order (as GET or capture answers it) says about the payment, with ids stable per capture. */
export function orderResult(order: PayPalOrder, paymentId: string | null): GatewayResult {
  const unit = order.purchase_units?.[0];
  const capture = unit?.payments?.captures?.[0];
  const fallback = { paymentId: unit?.custom_id ?? paymentId, orderId: order.id };
  if (capture) {
    const outcome = TAKEN.has(capture.status) ? "completed" : capture.status.toLowerCase();
    const event = captureEvent(`capture:${capture.id}:${outcome}`, capture, fallback);
    if (!event) return { status: "pending", events: [] };
    const events = [event];
    const refunded = refundedTotal(unit?.payments?.refunds ?? []);
    if (event.type === "completed" && refunded && refunded.amount > 0) {
      events.push({
        id: `capture:${capture.id}:refunded:${refunded.amount}`,
        type: "refunded",
        paymentId: fallback.paymentId,
        gatewayRef: order.id,
        amountRefunded: refunded,
      });
    }
    return { status: event.type === "completed" ? "completed" : "failed", events };
  }
  if (order.status === "VOIDED") {
    return {
      status: "failed",
      events: [
        {
          id: `order:${order.id}:voided`,
          type: "failed",
          paymentId: fallback.paymentId,
          gatewayRef: order.id,
          reason: "The PayPal order was cancelled.",
        },
      ],
    };
  }
  return { status: "pending", events: [] };
}

function refundedTotal(refunds: PayPalRefund[]) {
  const done = refunds.filter((r) => r.status === "COMPLETED").map((r) => fromPayPalValue(r.amount));
  if (done.length === 0) return null;
  return { amount: done.reduce((sum, r) => sum + r.amount, 0), currency: done[0]!.currency };
}

/** The capture a refund belongs to, from its `up` link. */
export function captureIdOf(refund: PayPalRefund): string | null {
  const up = refund.links?.find((l) => l.rel === "up")?.href;
  return up ? (/\/captures\/([^/?]+)/.exec(up)?.[1] ?? null) : null;
}

export function approvalUrl(order: PayPalOrder): string | null {
  return order.links?.find((l) => l.rel === "payer-action" || l.rel === "approve")?.href ?? null;
}
