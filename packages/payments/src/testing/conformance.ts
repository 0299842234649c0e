import { randomUUID } from "node:crypto";
import type { Money } from "@lectern/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CheckoutInput,
  type GatewayEvent,
  type PaymentGateway,
  WebhookSignatureError,
} from "../gateway.js";
import { ProviderError } from "../providers.js";
import type { SignedWebhook } from "./fake-gateway.js";

/** What a gateway's test gives the conformance kit: the gateway, wired to its fake, and the fake's controls. */
export interface ConformanceHarness {
  gateway: PaymentGateway;
  /**
   * The student completes the payment at the gateway (approving and, if needed, capturing) and
   * the service's signed webhook about it. Offline gateways (`offline: true`) leave it out.
   */
  pay?(checkout: { paymentId: string; gatewayRef: string; redirectUrl: string }): Promise<SignedWebhook>;
  /** The gateway declines the payment. */
  decline?(checkout: { paymentId: string; gatewayRef: string }): Promise<SignedWebhook>;
  /** A valid webhook signed longer ago than the gateway tolerates. */
  stale?(checkout: { paymentId: string; gatewayRef: string }): Promise<SignedWebhook>;
  /**
   * For gateways with `captureOnReturn`: the student approves at the gateway and comes back with
   * this query string, but nothing is captured yet.
   */
  approve?(checkout: { paymentId: string; gatewayRef: string }): Promise<Record<string, string>>;
  /** The next call to the gateway's service fails like an HTTP 500. */
  breakNext?(): void;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Currency and amount of the test payments. */
  total?: Money;
  /**
   * A gateway with no service behind it (bank transfer, cash): no webhooks, nothing to break,
   * lookups stay pending for an admin to decide. The rest of the contract still holds.
   */
  offline?: boolean;
}

const required = <T>(value: T | undefined, name: string): T => {
  if (!value) throw new Error(`The conformance harness needs \`${name}\` for an online gateway.`);
  return value;
};

/**
 * The contract every Lectern payment gateway keeps, as vitest tests. Call it from the
 * gateway's test file with a harness on its fake service:
 *
 *   gatewayConformance("stripe", async () => ({ gateway, pay, decline, stale, breakNext, close }));
 */
export function gatewayConformance(
  name: string,
  setup: () => Promise<ConformanceHarness>,
  options: ConformanceOptions = {},
) {
  const total = options.total ?? { amount: 4900, currency: "USD" };
  const online = !options.offline;
  describe(`${name} keeps the payment gateway contract`, () => {
    let h: ConformanceHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    const checkoutInput = (paymentId = randomUUID()): CheckoutInput => ({
      paymentId,
      total,
      description: "Conformance course",
      courseId: randomUUID(),
      customer: { id: randomUUID(), email: "student@example.com", name: "Sofia Student" },
      returnUrl: `http://127.0.0.1/api/payments/return/${name}?paymentId=${paymentId}`,
      cancelUrl: `http://127.0.0.1/api/payments/return/${name}?paymentId=${paymentId}&cancelled=1`,
      idempotencyKey: `lectern-checkout-${paymentId}`,
    });
    const open = async () => {
      const input = checkoutInput();
      const output = await h.gateway.createCheckout(input);
      return { ...output, paymentId: input.paymentId };
    };
    const only = (events: GatewayEvent[], type: GatewayEvent["type"]) => {
      const matching = events.filter((e) => e.type === type);
      expect(matching).toHaveLength(1);
      return matching[0]!;
    };

    it("creates a checkout: a page to send the student to and the gateway's reference", async () => {
      const checkout = await open();
      expect(checkout.redirectUrl).toMatch(/^https?:\/\//);
      expect(checkout.gatewayRef).toEqual(expect.any(String));
      expect(checkout.gatewayRef.length).toBeGreaterThan(0);
    });

    it("creates nothing twice for a retried checkout (same idempotency key)", async () => {
      const input = checkoutInput();
      const first = await h.gateway.createCheckout(input);
      const again = await h.gateway.createCheckout(input);
      expect(again.gatewayRef).toBe(first.gatewayRef);
    });

    it.runIf(online)(
      "turns a paid checkout's signed webhook into one completed event for the exact amount",
      async () => {
        const checkout = await open();
        const { events } = await h.gateway.parseWebhook(await required(h.pay, "pay")(checkout));
        const event = only(events, "completed");
        expect(event.id).toEqual(expect.any(String));
        expect(event.paymentId === checkout.paymentId || event.gatewayRef === checkout.gatewayRef).toBe(true);
        if (event.type === "completed") expect(event.amount).toEqual(total);
      },
    );

    it.runIf(online)("reports a declined payment as failed", async () => {
      const checkout = await open();
      const { events } = await h.gateway.parseWebhook(await required(h.decline, "decline")(checkout));
      const event = only(events, "failed");
      expect(event.paymentId === checkout.paymentId || event.gatewayRef === checkout.gatewayRef).toBe(true);
    });

    it.runIf(online)("refuses a webhook whose body was changed after signing", async () => {
      const checkout = await open();
      const webhook = await required(h.pay, "pay")(checkout);
      // The amount as the service writes it: minor units (4900) or a decimal string ("49.00").
      const written = [String(total.amount), (total.amount / 100).toFixed(2)].find((a) =>
        webhook.rawBody.includes(a),
      );
      expect(written, "the webhook's body carries the amount").toBeDefined();
      const tampered = webhook.rawBody.replace(
        written!,
        written === String(total.amount) ? String(total.amount - 1) : (total.amount / 100 - 0.01).toFixed(2),
      );
      expect(tampered).not.toBe(webhook.rawBody);
      await expect(h.gateway.parseWebhook({ ...webhook, rawBody: tampered })).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );
    });

    it("refuses a webhook without its signature headers", async () => {
      const checkout = await open();
      const webhook = online
        ? await required(h.pay, "pay")(checkout)
        : { rawBody: JSON.stringify({ id: "evt_1", paymentId: checkout.paymentId }), headers: {} };
      await expect(h.gateway.parseWebhook({ rawBody: webhook.rawBody, headers: {} })).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );
    });

    it.runIf(online)("refuses a stale webhook", async () => {
      const checkout = await open();
      await expect(h.gateway.parseWebhook(await required(h.stale, "stale")(checkout))).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );
    });

    it("answers a lookup: pending before paying (and, offline, until an admin decides)", async () => {
      const checkout = await open();
      const before = await h.gateway.lookup({
        paymentId: checkout.paymentId,
        gatewayRef: checkout.gatewayRef,
      });
      expect(before.status).toBe("pending");
      expect(before.events.filter((e) => e.type === "completed")).toEqual([]);
    });

    it.runIf(online)("answers a lookup: completed with the amount after paying", async () => {
      const checkout = await open();
      await required(h.pay, "pay")(checkout);
      const after = await h.gateway.lookup({
        paymentId: checkout.paymentId,
        gatewayRef: checkout.gatewayRef,
      });
      expect(after.status).toBe("completed");
      const event = only(after.events, "completed");
      if (event.type === "completed") expect(event.amount).toEqual(total);
    });

    it("refunds part and then the rest of a paid payment", async () => {
      const checkout = await open();
      if (online) await required(h.pay, "pay")(checkout);
      const part = Math.floor(total.amount / 3);
      const first = await h.gateway.refund({
        paymentId: checkout.paymentId,
        gatewayRef: checkout.gatewayRef,
        amount: { amount: part, currency: total.currency },
        idempotencyKey: `lectern-refund-${randomUUID()}`,
      });
      const rest = await h.gateway.refund({
        paymentId: checkout.paymentId,
        gatewayRef: checkout.gatewayRef,
        amount: { amount: total.amount - part, currency: total.currency },
        idempotencyKey: `lectern-refund-${randomUUID()}`,
      });
      expect(first.refundRef).toEqual(expect.any(String));
      expect(rest.refundRef).not.toBe(first.refundRef);
    });

    it.runIf(online)("captures once when the student returns, however often they do", async (test) => {
      if (!h.gateway.captureOnReturn) return test.skip(); // captures at the gateway by itself
      const checkout = await open();
      const query = await required(h.approve, "approve")(checkout);
      const input = { paymentId: checkout.paymentId, gatewayRef: checkout.gatewayRef, query };
      const first = await h.gateway.captureOnReturn(input);
      const again = await h.gateway.captureOnReturn(input);
      expect(first.status).toBe("completed");
      const event = only(first.events, "completed");
      if (event.type === "completed") expect(event.amount).toEqual(total);
      expect(again.status).toBe("completed");
      // The same capture: the same event id, so applying both changes the payment once.
      expect(only(again.events, "completed").id).toBe(event.id);
    });

    it.runIf(online)("fails a checkout with a ProviderError when its service answers 500", async () => {
      required(h.breakNext, "breakNext")();
      const error = await h.gateway.createCheckout(checkoutInput()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).retryable).toBe(true);
    });
  });
}
