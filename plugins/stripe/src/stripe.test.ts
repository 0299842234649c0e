import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ManualClock } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { payments } from "@lectern/payments";
import { createGateway, gatewayConformance } from "@lectern/payments/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeStripe } from "./fake-stripe.js";
import { stripe } from "./index.js";

const WEBHOOK_SECRET = "whsec_test_lectern";
/** A port in this package's range (45000–45999), different for each server of the run. */
const nextPort = (() => {
  let port = 45_100 + Math.floor(Math.random() * 800);
  return () => port++;
})();

// The gateway on its own, against the fake, through the conformance kit.
gatewayConformance("stripe", async () => {
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  const fake = await new FakeStripe({
    webhookSecret: WEBHOOK_SECRET,
    now: () => clock.now(),
    port: nextPort(),
  }).start();
  const gateway = createGateway(
    stripe({ secretKey: "sk_test_123", webhookSecret: WEBHOOK_SECRET, api: fake.api }),
    {
      clock,
    },
  );
  return {
    gateway,
    pay: async ({ gatewayRef }) => fake.pay(gatewayRef),
    decline: async ({ gatewayRef }) => fake.decline(gatewayRef),
    stale: async ({ gatewayRef }) => {
      fake.pay(gatewayRef);
      return fake.event("checkout.session.completed", fake.sessions.get(gatewayRef) as never, {
        at: new Date(clock.now().getTime() - 301_000),
      });
    },
    breakNext: () => fake.breakNext("error"),
    close: () => fake.close(),
  };
});

describe("Stripe in Lectern", () => {
  let t: TestLectern;
  let fake: FakeStripe;
  let admin: TestUser;
  let courseId: string;

  beforeAll(async () => {
    let clock: ManualClock | undefined;
    fake = await new FakeStripe({
      webhookSecret: WEBHOOK_SECRET,
      now: () => clock?.now() ?? new Date(),
      port: nextPort(),
    }).start();
    t = await createTestLectern({
      publicUrl: "https://campus.example.org",
      now: "2026-03-02T09:00:00Z",
      plugins: [
        courses(),
        payments({
          gateways: [
            stripe({
              secretKey: "sk_test_123",
              webhookSecret: WEBHOOK_SECRET,
              api: fake.api,
              timeoutMs: 500,
            }),
          ],
          checkoutTimeoutMs: 2_000,
        }),
      ],
    });
    clock = t.clock;
    admin = await t.createUser("admin");
    const instructor = await t.createUser("instructor");
    const created = await t.as(instructor).post("/api/courses", {
      title: "Bayesian Data Analysis",
      summary: "Priors, posteriors, models.",
      price: { amount: 7900, currency: "EUR" },
    });
    courseId = created.body.id;
    await t.as(instructor).post(`/api/courses/${courseId}/submit`);
    await t.as(admin).post(`/api/admin/courses/${courseId}/approve`);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const buy = async (student: TestUser, key = randomUUID()) =>
    t
      .as(student)
      .post(
        "/api/payments/checkout",
        { courseId, gateway: "stripe" },
        { headers: { "idempotency-key": key } },
      );
  // Posts the webhook, then runs the inbox job that applies what it kept.
  const deliver = async (event: { rawBody: string; headers: Record<string, string> }) => {
    const answer = await t.request("POST", "/api/payments/webhooks/stripe", {
      body: event.rawBody,
      headers: event.headers,
    });
    await t.drain();
    return answer;
  };
  const payment = async (id: string) => (await t.as(admin).get(`/api/payments/${id}`)).body;

  it("opens a Checkout Session for the server's price, with a deterministic idempotency key", async () => {
    const student = await t.createUser("student");
    const started = await buy(student);
    expect(started.status).toBe(201);
    const { gatewayRef } = await payment(started.body.paymentId);
    const session = fake.sessions.get(gatewayRef)!;
    expect(started.body.redirectUrl).toBe(session.url);
    expect(session).toMatchObject({
      amount_total: 7900,
      currency: "eur",
      client_reference_id: started.body.paymentId,
      metadata: { paymentId: started.body.paymentId, courseId },
      success_url: `https://campus.example.org/api/payments/return/stripe?paymentId=${started.body.paymentId}`,
    });
    expect(session.intentMetadata).toEqual({ paymentId: started.body.paymentId, courseId });
  });

  it("completes and enrolls once from checkout.session.completed, however often it is delivered", async () => {
    const student = await t.createUser("student");
    const started = await buy(student);
    const event = fake.pay((await payment(started.body.paymentId)).gatewayRef);
    const answers = await Promise.all([deliver(event), deliver(event)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect((await payment(started.body.paymentId)).status).toBe("completed");
    const enrollments = (await t.as(student).get("/api/me/enrollments")).body.items;
    expect(enrollments.map((e: { courseId: string }) => e.courseId)).toEqual([courseId]);
  });

  it("answers 400 to a forged or stale Stripe-Signature and records nothing", async () => {
    const student = await t.createUser("student");
    const started = await buy(student);
    const event = fake.pay((await payment(started.body.paymentId)).gatewayRef);
    const forged = await deliver({ ...event, rawBody: event.rawBody.replace("7900", "790") });
    expect(forged.status).toBe(400);
    const stale = fake.event("checkout.session.completed", JSON.parse(event.rawBody).data.object, {
      at: new Date(t.clock.now().getTime() - 10 * 60_000),
    });
    expect((await deliver(stale)).status).toBe(400);
    expect((await payment(started.body.paymentId)).status).toBe("pending");
  });

  it("refunds through Stripe and takes charge.refunded without counting twice", async () => {
    const student = await t.createUser("student");
    const started = await buy(student);
    const { gatewayRef } = await payment(started.body.paymentId);
    await deliver(fake.pay(gatewayRef));
    const refunded = await t.as(admin).post(`/api/admin/payments/${started.body.paymentId}/refund`, {
      amount: { amount: 2900, currency: "EUR" },
    });
    expect(refunded.body).toMatchObject({ status: "completed", amountRefunded: { amount: 2900 } });
    expect(fake.calls.filter((c) => c === "POST /v1/refunds")).toHaveLength(1);
    // Stripe's own report of the same refund (a running total) changes nothing.
    expect((await deliver(fake.refundedEvent(gatewayRef))).status).toBe(200);
    expect((await payment(started.body.paymentId)).amountRefunded.amount).toBe(2900);
    await t.as(admin).post(`/api/admin/payments/${started.body.paymentId}/refund`, {});
    expect((await deliver(fake.refundedEvent(gatewayRef))).status).toBe(200);
    expect(await payment(started.body.paymentId)).toMatchObject({
      status: "refunded",
      amountRefunded: { amount: 7900 },
    });
  });

  it("answers 502 when Stripe answers 500 or does not answer, leaving nothing pending", async () => {
    for (const fault of ["error", "timeout"] as const) {
      const student = await t.createUser("student");
      fake.breakNext(fault);
      const failed = await buy(student);
      expect(failed.status).toBe(502);
      const mine = (await t.as(student).get("/api/me/payments")).body.items;
      expect(mine.map((p: { status: string }) => p.status)).toEqual(["failed"]);
    }
  });

  it("finishes a payment whose webhook was lost through reconciliation", async () => {
    const student = await t.createUser("student");
    const started = await buy(student);
    fake.pay((await payment(started.body.paymentId)).gatewayRef); // the webhook never arrives
    t.clock.advance(31 * 60_000);
    await t.lectern.services.get("payments").inbox.reconcile();
    expect((await payment(started.body.paymentId)).status).toBe("completed");
  });

  it("serves a hosted page whose Pay button sends the signed webhook and returns the student", async () => {
    // Lectern's app on a real port, so the fake's hosted page can post its webhook to it.
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await t.lectern.app.request(req.url ?? "/", {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    for (;;) {
      const port = nextPort();
      const listening = await new Promise<boolean>((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => resolve(true));
      });
      if (listening) break;
    }
    const { port } = server.address() as AddressInfo;
    try {
      fake.setWebhookUrl(`http://127.0.0.1:${port}/api/payments/webhooks/stripe`);
      const student = await t.createUser("student");
      const started = await buy(student);
      const page = await fetch(started.body.redirectUrl);
      expect(await page.text()).toContain("Bayesian Data Analysis");
      const paid = await fetch(started.body.redirectUrl, { method: "POST", redirect: "manual" });
      expect(paid.status).toBe(303);
      expect(paid.headers.get("location")).toContain(`paymentId=${started.body.paymentId}`);
      // The webhook was kept when it arrived; the inbox job applies it.
      await t.drain();
      expect((await payment(started.body.paymentId)).status).toBe("completed");

      // A late webhook: the student is back while the payment is still pending, then it lands.
      fake.holdWebhooks();
      const late = await buy(await t.createUser("student"));
      const back = await fetch(late.body.redirectUrl, { method: "POST", redirect: "manual" });
      expect(back.status).toBe(303);
      expect((await payment(late.body.paymentId)).status).toBe("pending");
      await fake.releaseWebhooks();
      await t.drain();
      expect((await payment(late.body.paymentId)).status).toBe("completed");
    } finally {
      server.close();
    }
  });
});
