import { randomUUID } from "node:crypto";
import { ManualClock } from "@lectern/core";
import { ProviderError, WebhookSignatureError } from "@lectern/payments";
import { createGateway, gatewayConformance } from "@lectern/payments/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPayPalValue, paypal, toPayPalValue } from "./index.js";
import { FakePayPal } from "./testing/index.js";

const CREDENTIALS = {
  clientId: "AYfake-client",
  clientSecret: "EFfake-secret",
  webhookId: "8PT597110X687430LKGECATA",
};
/** A port in this package's range, different for each server of the run. */
const nextPort = (() => {
  let port = 41_000 + Math.floor(Math.random() * 40);
  return () => port++;
})();

async function startFake(clock: ManualClock, extra: { tokenSeconds?: number } = {}) {
  return new FakePayPal({ ...CREDENTIALS, now: () => clock.now(), port: nextPort(), ...extra }).start();
}
const gatewayOn = (fake: FakePayPal, clock: ManualClock, options: Record<string, unknown> = {}) =>
  createGateway(
    paypal({ ...CREDENTIALS, apiUrl: fake.url, certOrigins: [fake.url], timeoutMs: 1_000, ...options }),
    { clock },
  );

// The gateway on its own, against the fake, through the conformance kit.
gatewayConformance("paypal", async () => {
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  const fake = await startFake(clock);
  const gateway = gatewayOn(fake, clock);
  const capture = (paymentId: string, gatewayRef: string) =>
    gateway.captureOnReturn!({
      paymentId,
      gatewayRef,
      query: { token: gatewayRef, PayerID: "FAKEPAYER123" },
    });
  return {
    gateway,
    pay: async ({ paymentId, gatewayRef }) => {
      fake.approve(gatewayRef);
      await capture(paymentId, gatewayRef);
      return fake.captureEvent(gatewayRef);
    },
    decline: async ({ paymentId, gatewayRef }) => {
      fake.approve(gatewayRef);
      fake.declineNextCapture();
      await capture(paymentId, gatewayRef);
      return fake.captureEvent(gatewayRef);
    },
    stale: async ({ paymentId, gatewayRef }) => {
      fake.approve(gatewayRef);
      await capture(paymentId, gatewayRef);
      return fake.captureEvent(gatewayRef, { at: new Date(clock.now().getTime() - 301_000) });
    },
    approve: async ({ gatewayRef }) => {
      fake.approve(gatewayRef);
      return { token: gatewayRef, PayerID: "FAKEPAYER123" };
    },
    breakNext: () => fake.breakNext("error"),
    close: () => fake.close(),
  };
});

describe("PayPal's API as the gateway uses it", () => {
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  let fake: FakePayPal;
  beforeAll(async () => {
    fake = await startFake(clock, { tokenSeconds: 3600 });
  });
  afterAll(() => fake?.close());

  const input = (paymentId = randomUUID()) => ({
    paymentId,
    total: { amount: 12_345, currency: "EUR" },
    description: "Linear Algebra",
    courseId: randomUUID(),
    customer: { id: randomUUID(), email: "s@example.com", name: "S" },
    returnUrl: `https://campus.example.org/api/payments/return/paypal?paymentId=${paymentId}`,
    cancelUrl: `https://campus.example.org/api/payments/return/paypal?paymentId=${paymentId}&cancelled=1`,
    idempotencyKey: `lectern-checkout-${paymentId}-1`,
  });

  it("creates an order for the exact amount and sends the student to the approval link", async () => {
    const gateway = gatewayOn(fake, clock);
    const { redirectUrl, gatewayRef } = await gateway.createCheckout(input());
    const order = fake.orders.get(gatewayRef)!;
    expect(order.unit.amount).toEqual({ currency_code: "EUR", value: "123.45" });
    expect(redirectUrl).toBe(`${fake.url}/checkoutnow?token=${gatewayRef}`);
  });

  it("asks for a token once and keeps it until it expires", async () => {
    const gateway = gatewayOn(fake, clock);
    const tokens = () => fake.calls.filter((c) => c === "POST /v1/oauth2/token").length;
    const before = tokens();
    await Promise.all([gateway.createCheckout(input()), gateway.createCheckout(input())]);
    await gateway.createCheckout(input());
    expect(tokens() - before).toBe(1);
    clock.advance(3600_000);
    await gateway.createCheckout(input());
    expect(tokens() - before).toBe(2);
  });

  it("refuses wrong credentials with a ProviderError that names no secret", async () => {
    const gateway = gatewayOn(fake, clock, { clientSecret: "EFwrong-secret" });
    const error = (await gateway.createCheckout(input()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain("EFwrong-secret");
  });

  it("answers a ProviderError when PayPal does not answer in time", async () => {
    const gateway = gatewayOn(fake, clock, { timeoutMs: 200 });
    await gateway.createCheckout(input()); // the token first
    fake.breakNext("timeout");
    const error = (await gateway.createCheckout(input()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
  });

  it("reconciles an approved order the student never came back from by capturing it", async () => {
    const gateway = gatewayOn(fake, clock);
    const checkout = input();
    const { gatewayRef } = await gateway.createCheckout(checkout);
    fake.approve(gatewayRef);
    const result = await gateway.lookup({ paymentId: checkout.paymentId, gatewayRef });
    expect(result.status).toBe("completed");
    expect(fake.orders.get(gatewayRef)!.capture?.status).toBe("COMPLETED");
  });

  it("captures the order named by CHECKOUT.ORDER.APPROVED (the student closed the tab)", async () => {
    const gateway = gatewayOn(fake, clock);
    const checkout = input();
    const { gatewayRef } = await gateway.createCheckout(checkout);
    const { events } = await gateway.parseWebhook(fake.approve(gatewayRef));
    expect(events).toMatchObject([
      {
        type: "completed",
        paymentId: checkout.paymentId,
        gatewayRef,
        amount: { amount: 12_345, currency: "EUR" },
      },
    ]);
  });

  it("reports refunds as PayPal's running total, wherever the refund was made", async () => {
    const gateway = gatewayOn(fake, clock);
    const checkout = input();
    const { gatewayRef } = await gateway.createCheckout(checkout);
    fake.approve(gatewayRef);
    await gateway.captureOnReturn!({ paymentId: checkout.paymentId, gatewayRef, query: {} });
    const refund = { paymentId: checkout.paymentId, gatewayRef };
    await gateway.refund({ ...refund, amount: { amount: 2_345, currency: "EUR" }, idempotencyKey: "r-1" });
    // The same key again is the same refund at PayPal, not a second one.
    await gateway.refund({ ...refund, amount: { amount: 2_345, currency: "EUR" }, idempotencyKey: "r-1" });
    await gateway.refund({ ...refund, amount: { amount: 1_000, currency: "EUR" }, idempotencyKey: "r-2" });
    const { events } = await gateway.parseWebhook(fake.refundEvent(gatewayRef));
    expect(events).toMatchObject([
      { type: "refunded", paymentId: checkout.paymentId, amountRefunded: { amount: 3_345, currency: "EUR" } },
    ]);
    const looked = await gateway.lookup(refund);
    expect(looked.events.map((e) => e.type)).toEqual(["completed", "refunded"]);
  });
});

describe("PayPal webhook verification, offline", () => {
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  let fake: FakePayPal;
  let orderId: string;
  let paymentId: string;
  beforeAll(async () => {
    fake = await startFake(clock);
    const gateway = gatewayOn(fake, clock);
    paymentId = randomUUID();
    orderId = (
      await gateway.createCheckout({
        paymentId,
        total: { amount: 4900, currency: "USD" },
        description: "Statistics",
        courseId: randomUUID(),
        customer: { id: randomUUID(), email: "s@example.com", name: "S" },
        returnUrl: "https://campus.example.org/r",
        cancelUrl: "https://campus.example.org/c",
        idempotencyKey: `k-${paymentId}`,
      })
    ).gatewayRef;
    fake.approve(orderId);
    await gateway.captureOnReturn!({ paymentId, gatewayRef: orderId, query: {} });
  });
  afterAll(() => fake?.close());

  const certFetches = () => fake.calls.filter((c) => c.startsWith("GET /v1/notifications/certs/")).length;

  it("fetches the certificate once and verifies every later event without calling PayPal", async () => {
    const gateway = gatewayOn(fake, clock);
    const before = fake.calls.length;
    for (let i = 0; i < 3; i++) {
      const { events } = await gateway.parseWebhook(fake.captureEvent(orderId));
      expect(events).toMatchObject([{ type: "completed", paymentId, gatewayRef: orderId }]);
    }
    expect(fake.calls.slice(before)).toEqual([`GET ${new URL(fake.certUrl).pathname}`]);
  });

  it("never fetches a certificate from a host that is not allow-listed", async () => {
    const gateway = gatewayOn(fake, clock, { certOrigins: ["https://*.paypal.com"] });
    const before = certFetches();
    const forged = [
      fake.certUrl, // the fake's own host, not allow-listed in this gateway
      "https://api.paypal.com.attacker.example/cert.pem",
      "http://api.paypal.com/cert.pem", // not https
      "https://paypal.com@attacker.example/cert.pem",
      "https://user:pw@api.paypal.com/cert.pem",
    ];
    for (const certUrl of forged) {
      const event = fake.event("PAYMENT.CAPTURE.COMPLETED", "capture", {}, { certUrl });
      await expect(gateway.parseWebhook(event)).rejects.toBeInstanceOf(WebhookSignatureError);
    }
    expect(certFetches()).toBe(before);
  });

  it("refuses a signature made with another key, an unknown algorithm and another webhook id", async () => {
    const gateway = gatewayOn(fake, clock);
    const good = fake.captureEvent(orderId);
    const other = await startFake(clock);
    try {
      // Signed by another PayPal look-alike whose certificate sits at the allow-listed URL's place.
      const foreign = other.event("PAYMENT.CAPTURE.COMPLETED", "capture", JSON.parse(good.rawBody).resource);
      await expect(
        gateway.parseWebhook({
          ...foreign,
          headers: { ...foreign.headers, "paypal-cert-url": fake.certUrl },
        }),
      ).rejects.toBeInstanceOf(WebhookSignatureError);
    } finally {
      await other.close();
    }
    await expect(
      gateway.parseWebhook({ ...good, headers: { ...good.headers, "paypal-auth-algo": "SHA1withRSA" } }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
    const elsewhere = gatewayOn(fake, clock, { webhookId: "5GP028458E2496506" });
    await expect(elsewhere.parseWebhook(good)).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(gateway.parseWebhook(good)).resolves.toBeDefined();
  });

  it("refuses an event sent from the future or long ago", async () => {
    const gateway = gatewayOn(fake, clock);
    const future = fake.captureEvent(orderId, { at: new Date(clock.now().getTime() + 600_000) });
    await expect(gateway.parseWebhook(future)).rejects.toBeInstanceOf(WebhookSignatureError);
  });
});

describe("PayPal amounts", () => {
  it("writes and reads minor units in each currency's decimals without floating point", () => {
    expect(toPayPalValue({ amount: 4900, currency: "USD" })).toEqual({
      currency_code: "USD",
      value: "49.00",
    });
    expect(toPayPalValue({ amount: 5, currency: "EUR" }).value).toBe("0.05");
    expect(toPayPalValue({ amount: 500, currency: "JPY" }).value).toBe("500");
    // Lectern's minor units follow Intl's decimals (HUF has none); PayPal takes TWD only whole.
    expect(toPayPalValue({ amount: 1500, currency: "HUF" }).value).toBe("1500");
    expect(toPayPalValue({ amount: 150_000, currency: "TWD" }).value).toBe("1500");
    expect(() => toPayPalValue({ amount: 150_050, currency: "TWD" })).toThrow(ProviderError);
    expect(fromPayPalValue({ currency_code: "USD", value: "0.29" })).toEqual({ amount: 29, currency: "USD" });
    expect(fromPayPalValue({ currency_code: "JPY", value: "500" })).toEqual({ amount: 500, currency: "JPY" });
    expect(fromPayPalValue({ currency_code: "USD", value: "1.005" }).amount).toBe(-1);
  });
});
