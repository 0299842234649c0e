import { z } from "@lectern/core";
import { defineGateway } from "@lectern/payments";
import { StripeGateway } from "./gateway.js";

export { StripeGateway } from "./gateway.js";

export const stripeOptions = z.object({
  /** `sk_live_…` or `sk_test_…`; never logged. */
  secretKey: z.string().min(1, "Set the Stripe secret key."),
  /** The signing secret of the webhook endpoint (`whsec_…`). */
  webhookSecret: z.string().min(1, "Set the webhook signing secret."),
  /** Where the Stripe API is: only for a local fake in tests and demos. */
  api: z
    .object({
      host: z.string(),
      port: z.number().int().min(1).max(65535),
      protocol: z.enum(["http", "https"]).default("https"),
    })
    .optional(),
  /** How long one call to Stripe may take. */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Seconds a webhook's signature stays valid (Stripe's default is 300). */
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
});

export type StripeOptions = z.input<typeof stripeOptions>;

/**
 * Stripe Checkout: the student pays on Stripe's hosted page; `checkout.session.completed`
 * (and the async and refund events) come back signed to `/api/payments/webhooks/stripe`.
 */
export const stripe = defineGateway({
  id: "stripe",
  name: "Card (Stripe)",
  options: stripeOptions,
  create: (ctx, options) => new StripeGateway(ctx, options),
});
