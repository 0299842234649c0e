import { z } from "@lectern/core";
import { defineGateway } from "@lectern/payments";
import { PayPalGateway } from "./gateway.js";

export { PayPalGateway } from "./gateway.js";
export { fromPayPalValue, toPayPalValue } from "./money.js";

const API = { live: "https://api-m.paypal.com", sandbox: "https://api-m.sandbox.paypal.com" } as const;

export const paypalOptions = z
  .object({
    /** The REST app's client id. */
    clientId: z.string().min(1, "Set the PayPal client id."),
    /** The REST app's secret; never logged. */
    clientSecret: z.string().min(1, "Set the PayPal client secret."),
    /** The id PayPal gave the webhook endpoint (it is part of every signature). */
    webhookId: z.string().min(1, "Set the PayPal webhook id."),
    environment: z.enum(["live", "sandbox"]).default("sandbox"),
    /** Another API address: only for a local fake in tests and demos. */
    apiUrl: z.string().url().optional(),
    /**
     * Origins `PAYPAL-CERT-URL` may point at. PayPal's own by default; a local fake's origin
     * (`http://127.0.0.1:41234`) only when given here explicitly.
     */
    certOrigins: z
      .array(
        z.string().regex(/^https?:\/\/(\*\.)?[^/*:]+(:\d+)?$/, "An origin such as https://*.paypal.com."),
      )
      .min(1)
      .default(["https://*.paypal.com"]),
    /** The shop name on PayPal's pages. */
    brandName: z.string().max(127).optional(),
    /** How long one call to PayPal may take. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /** Seconds a webhook's transmission time may differ from Lectern's clock. */
    toleranceSeconds: z.number().int().min(1).max(86_400).default(300),
  })
  .transform(({ apiUrl, ...rest }) => ({
    ...rest,
    apiUrl: (apiUrl ?? API[rest.environment]).replace(/\/$/, ""),
  }));

export type PayPalOptions = z.input<typeof paypalOptions>;

/**
 * PayPal Checkout: the student approves on PayPal's page, Lectern captures when they return
 * (or when `CHECKOUT.ORDER.APPROVED` arrives); signed events come to `/api/payments/webhooks/paypal`.
 */
export const paypal = defineGateway({
  id: "paypal",
  name: "PayPal",
  options: paypalOptions,
  create: (ctx, options) => new PayPalGateway(ctx, options),
});
