import { formatMoney, z } from "@lectern/core";
import { type PaymentGateway, WebhookSignatureError } from "./gateway.js";
import { defineGateway } from "./providers.js";

const manualOptions = z.object({
  /** What students see in the list of payment methods. */
  name: z.string().min(1).max(80).default("Bank transfer"),
  /**
   * What to do, shown on the payment page; `{reference}` and `{amount}` are filled in.
   * Put the institution's bank details or cash desk here.
   */
  instructions: z
    .string()
    .min(1)
    .max(4000)
    .default(
      "Transfer {amount} to the institution's account and quote the reference {reference}. Your enrollment starts as soon as the payment office confirms it.",
    ),
  /** The locale amounts in the instructions are written for. */
  locale: z.string().default("en-GB"),
});

/** A reference people can read aloud and type: from the payment's id, so it never changes. */
export function manualReference(paymentId: string): string {
  const hex = paymentId.replaceAll("-", "").slice(0, 10).toUpperCase();
  return `LEC-${hex.slice(0, 5)}-${hex.slice(5)}`;
}

/**
 * Bank transfer or cash: no service to call. The student reads the instructions and a
 * reference; an admin marks the payment completed or failed (`POST /api/admin/payments/:id/mark`).
 */
export const manual = defineGateway({
  id: "manual",
  name: "Bank transfer",
  options: manualOptions,
  displayName: (options) => options.name,
  create: (_ctx, options): PaymentGateway => ({
    async createCheckout(input) {
      // The "gateway page" is Lectern's own payment page, reached through the return route.
      return { redirectUrl: input.returnUrl, gatewayRef: manualReference(input.paymentId) };
    },
    async parseWebhook() {
      throw new WebhookSignatureError("Manual payments have no webhooks.");
    },
    async refund(input) {
      // The money goes back the way it came, by hand; the record is what Lectern keeps.
      return { refundRef: `${input.gatewayRef}-R-${input.idempotencyKey.slice(-6).toUpperCase()}` };
    },
    async lookup() {
      return { status: "pending", events: [] };
    },
    instructions: ({ reference, total }) =>
      options.instructions
        .replaceAll("{reference}", reference)
        .replaceAll("{amount}", formatMoney(total, options.locale)),
  }),
});
