import type { Schema } from "@lectern/client";
import { api } from "./api";
import type { Money } from "./types";

/**
 * A payment as the API answers it (the generated schema); its amounts are always present, though
 * the shared `Money` schema admits null elsewhere.
 */
export type Payment = Schema<"Payment"> & { total: Money; amountRefunded: Money; listPrice: Money };
export type PaymentStatus = Payment["status"];

export interface Gateway {
  id: string;
  name: string;
}

export interface Gateways {
  items: Gateway[];
  /** The institution's locale: prices are written the way its students read them. */
  locale: string;
}

export type Coupon = Schema<"Coupon">;

export const GATEWAYS_PATH = "/api/payments/gateways";

export function loadGateways(): Promise<Gateways> {
  return api().get<Gateways>(GATEWAYS_PATH);
}

/** A status in words a student reads, not the stored name. */
export const STATUS_LABEL: Record<PaymentStatus, string> = {
  pending: "Waiting for confirmation",
  completed: "Paid",
  failed: "Not completed",
  refunded: "Refunded",
  needs_review: "Being checked",
};

export const STATUS_TONE: Record<PaymentStatus, "warning" | "success" | "danger" | "neutral"> = {
  pending: "warning",
  completed: "success",
  failed: "danger",
  refunded: "neutral",
  needs_review: "warning",
};

/** What the student reads on the payment page while it is in each state. */
export function outcomeOf(payment: Payment, gatewayName: string): { title: string; body: string } {
  const course = payment.course?.title ?? "the course";
  switch (payment.status) {
    case "completed":
      return {
        title: "Payment received: you are enrolled",
        body: `Thank you. "${course}" is in your courses now, and a receipt is on its way to your inbox.`,
      };
    case "failed":
      return {
        title: "The payment did not go through",
        body: `${payment.statusReason ?? "The payment was not completed."} No money was taken for it. You can try again from the course page.`,
      };
    case "refunded":
      return {
        title: "This payment was refunded",
        body: "The money is on its way back to you; your bank may take a few days to show it.",
      };
    case "needs_review":
      return {
        title: "Your payment is being checked",
        body: "Something about it needs a person to look. The payment office will sort it out and tell you; there is nothing you need to do.",
      };
    default:
      return payment.instructions
        ? {
            title: "Waiting for your payment",
            body: "Follow the instructions below. Your enrollment starts as soon as the payment office confirms it; this page updates by itself.",
          }
        : {
            title: `Waiting for ${gatewayName} to confirm`,
            body: "This usually takes a few seconds. Keep this page open: it updates by itself, and you will not be charged twice.",
          };
  }
}

/** The same Idempotency-Key for the same purchase attempt, a new one when anything in it changes. */
export function idempotencyKeys(): (body: unknown) => string {
  const keys = new Map<string, string>();
  return (body) => {
    const id = JSON.stringify(body);
    let key = keys.get(id);
    if (!key) {
      key = crypto.randomUUID();
      keys.set(id, key);
    }
    return key;
  };
}

/** How many decimals a currency's minor unit has (2 for USD, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/**
 * An amount typed by a person ("12.50", "12,50") in minor units, or a sentence saying what is
 * wrong with it.
 */
export function parseAmount(text: string, currency: string): { minor: number } | { error: string } {
  const digits = minorDigits(currency);
  const cleaned = text.trim().replace(",", ".");
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(cleaned))
    return {
      error:
        digits === 0
          ? "Write a whole amount, such as 500."
          : `Write an amount such as 12.50 (at most ${digits} decimals).`,
    };
  const minor = Math.round(Number(cleaned) * 10 ** digits);
  if (minor <= 0) return { error: "The amount must be more than zero." };
  return { minor };
}
