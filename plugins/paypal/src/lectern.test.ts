import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { payments } from "@lectern/payments";
import { createGateway } from "@lectern/payments/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paypal } from "./index.js";
import { FakePayPal, type SignedPayPalEvent } from "./testing/index.js";

const CREDENTIALS = {
  clientId: "AYfake-client",
  clientSecret: "EFfake-secret",
  webhookId: "8PT597110X687430LKGECATA",
};
/** Ports in this package's range (41050–41099 for this file). */
const nextPort = (() => {
  let port = 41_050 + Math.floor(Math.random() * 30);
  return () => port++;
})();

describe("PayPal in Lectern", () => {
  let t: TestLectern;
  let fake: FakePayPal;
  let admin: TestUser;
  let courseId: string;
  /** The same PayPal account, reached without Lectern: what happens at PayPal that Lectern has not heard of. */
  let outside: ReturnType<typeof createGateway>;

  beforeAll(async () => {
    let now = () => new Date();
    fake = await new FakePayPal({ ...CREDENTIALS, now: () => now(), port: nextPort() }).start();
    const options = { ...CREDENTIALS, apiUrl: fake.url, certOrigins: [fake.url], timeoutMs: 500 };
    t = await createTestLectern({
      publicUrl: "https://campus.example.org",
      now: "2026-03-02T09:00:00Z",
      plugins: [courses(), payments({ gateways: [paypal(options)], checkoutTimeoutMs: 2_000 })],
    });
    now = () => t.clock.now();
    outside = createGateway(paypal(options), { clock: t.clock });
    admin = await t.createUser("admin");
    const instructor = await t.createUser("instructor");
    const created = await t.as(instructor).post("/api/courses", {
      title: "Numerical Methods",
      summary: "Floating point, solvers, stability.",
      price: { amount: 6450, currency: "USD" },
    });
    courseId = created.body.id;
    await t.as(instructor).post(`/api/courses/${courseId}/submit`);
    await t.as(admin).post(`/api/admin/courses/${courseId}/approve`);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const buy = async (student: TestUser) =>
    t
      .as(student)
      .post(
        "/api/payments/checkout",
        { courseId, gateway: "paypal" },
        { headers: { "idempotency-key": randomUUID() } },
      );
  // Posts the webhook, then runs the inbox job that applies what it kept.
  const deliver = async (event: SignedPayPalEvent) => {
    const answer = await t.request("POST", "/api/payments/webhooks/paypal", {
      body: event.rawBody,
      headers: event.headers,
    });
    await t.drain();
    return answer;
  };
  const payment = async (id: string) => (await t.as(admin).get(`/api/payments/${id}`)).body;
  const enrollments = async (userId: string) =>
    rowsOf<{ status: string }>(
      await t.lectern.db.execute(
        sql`select status from courses_enrollments where user_id = ${userId} and course_id = ${courseId}`,
      ),
    ).map((r) => r.status);
  const receivedEvents = async () =>
    rowsOf<{ n: number }>(
      await t.lectern.db.execute(sql`select count(*)::int as n from payments_received_events`),
    )[0]!.n;
  /** A student with a pending PayPal payment: its Lectern id and PayPal order id. */
  const started = async () => {
    const student = await t.createUser("student");
    const answer = await buy(student);
    expect(answer.status).toBe(201);
    const { gatewayRef } = await payment(answer.body.paymentId);
    return { student, paymentId: answer.body.paymentId as string, orderId: gatewayRef as string };
  };
  /** The student pays at PayPal, but Lectern hears nothing yet. */
  const paidOutside = async (paymentId: string, orderId: string) => {
    fake.approve(orderId);
    await outside.captureOnReturn!({ paymentId, gatewayRef: orderId, query: {} });
  };

  it("creates an order at the server's price and captures when the student returns, once", async () => {
    const { student, paymentId, orderId } = await started();
    expect(fake.orders.get(orderId)!.unit).toMatchObject({
      custom_id: paymentId,
      amount: { currency_code: "USD", value: "64.50" },
    });
    fake.approve(orderId);
    const back = `/api/payments/return/paypal?paymentId=${paymentId}&token=${orderId}&PayerID=FAKEPAYER123`;
    const [first, second] = await Promise.all([t.request("GET", back), t.request("GET", back)]);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(await payment(paymentId)).toMatchObject({ status: "completed", gatewayRef: orderId });
    expect(await enrollments(student.id)).toEqual(["active"]);
    const captures = fake.calls.filter((c) => c === `POST /v2/checkout/orders/${orderId}/capture`);
    expect(captures.length).toBeGreaterThanOrEqual(1);
    expect(fake.orders.get(orderId)!.capture?.status).toBe("COMPLETED");
  });

  it("applies a replayed PAYMENT.CAPTURE.COMPLETED once", async () => {
    const { student, paymentId, orderId } = await started();
    await paidOutside(paymentId, orderId);
    const event = fake.captureEvent(orderId);
    const before = await receivedEvents();
    const answers = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await receivedEvents()).toBe(before + 1);
    expect((await payment(paymentId)).status).toBe("completed");
    expect(await enrollments(student.id)).toEqual(["active"]);
  });

  it("answers 400 to a bad, stale or foreign-certificate signature and records nothing", async () => {
    const { student, paymentId, orderId } = await started();
    await paidOutside(paymentId, orderId);
    const good = fake.captureEvent(orderId);
    const before = await receivedEvents();
    const certFetches = () => fake.calls.filter((c) => c.startsWith("GET /v1/notifications/certs/")).length;
    const fetched = certFetches();
    const bad: SignedPayPalEvent[] = [
      { ...good, rawBody: good.rawBody.replace('"64.50"', '"0.50"') },
      {
        ...good,
        headers: { ...good.headers, "paypal-transmission-sig": Buffer.from("forged").toString("base64") },
      },
      fake.captureEvent(orderId, { at: new Date(t.clock.now().getTime() - 10 * 60_000) }),
      {
        ...good,
        headers: { ...good.headers, "paypal-cert-url": "https://certs.attacker.example/paypal.pem" },
      },
      { rawBody: good.rawBody, headers: { "content-type": "application/json" } },
    ];
    for (const event of bad) {
      const answer = await deliver(event);
      expect(answer.status).toBe(400);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(await receivedEvents()).toBe(before);
    expect((await payment(paymentId)).status).toBe("pending");
    expect(await enrollments(student.id)).toEqual([]);
    expect(certFetches() - fetched).toBeLessThanOrEqual(1); // never the attacker's, at most PayPal's once
  });

  it("ends right whatever the order: a refund before the completion, a completion after a denial", async () => {
    // Refund reported before the completion.
    const refundedFirst = await started();
    await paidOutside(refundedFirst.paymentId, refundedFirst.orderId);
    await outside.refund({
      paymentId: refundedFirst.paymentId,
      gatewayRef: refundedFirst.orderId,
      amount: { amount: 6450, currency: "USD" },
      idempotencyKey: `r-${randomUUID()}`,
    });
    expect((await deliver(fake.refundEvent(refundedFirst.orderId))).status).toBe(200);
    expect((await deliver(fake.captureEvent(refundedFirst.orderId))).status).toBe(200);
    expect(await payment(refundedFirst.paymentId)).toMatchObject({
      status: "refunded",
      amountRefunded: { amount: 6450 },
    });
    expect(await enrollments(refundedFirst.student.id)).toHaveLength(1);

    // A denial reported, then the completion of the same money.
    const deniedFirst = await started();
    await paidOutside(deniedFirst.paymentId, deniedFirst.orderId);
    const completed = fake.captureEvent(deniedFirst.orderId);
    const resource = JSON.parse(completed.rawBody).resource;
    const denied = fake.event("PAYMENT.CAPTURE.DENIED", "capture", { ...resource, status: "DECLINED" });
    expect((await deliver(denied)).status).toBe(200);
    expect((await payment(deniedFirst.paymentId)).status).toBe("failed");
    expect((await deliver(completed)).status).toBe(200);
    expect((await payment(deniedFirst.paymentId)).status).toBe("completed");
    expect(await enrollments(deniedFirst.student.id)).toEqual(["active"]);
  });

  it("acknowledges an event for a payment Lectern does not know, and changes nothing", async () => {
    const event = fake.event("PAYMENT.CAPTURE.COMPLETED", "capture", {
      id: "3C679366HH908993F",
      status: "COMPLETED",
      amount: { currency_code: "USD", value: "64.50" },
      custom_id: randomUUID(),
      supplementary_data: { related_ids: { order_id: "5O190127TN364715T" } },
    });
    const answer = await deliver(event);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ received: 1, accepted: 1 });
    expect(await t.lectern.services.get("payments").inbox.webhooks.pendingCount()).toBe(0);
  });

  it("answers 502 when PayPal answers 500 or does not answer, leaving nothing pending", async () => {
    for (const fault of ["error", "timeout"] as const) {
      const student = await t.createUser("student");
      fake.breakNext(fault);
      const failed = await buy(student);
      expect(failed.status).toBe(502);
      expect(failed.body.title ?? failed.body.detail).not.toMatch(/paypal\.com|EFfake|Bearer/);
      const mine = (await t.as(student).get("/api/me/payments")).body.items;
      expect(mine.map((p: { status: string }) => p.status)).toEqual(["failed"]);
    }
  });

  it("refunds through PayPal; PayPal's own report of it changes nothing; twice is 409", async () => {
    const { student, paymentId, orderId } = await started();
    fake.approve(orderId);
    await t.request("GET", `/api/payments/return/paypal?paymentId=${paymentId}&token=${orderId}`);
    const refunded = await t.as(admin).post(`/api/admin/payments/${paymentId}/refund`, {});
    expect(refunded.status).toBe(200);
    expect(refunded.body).toMatchObject({ status: "refunded", amountRefunded: { amount: 6450 } });
    expect((await deliver(fake.refundEvent(orderId))).status).toBe(200);
    expect((await payment(paymentId)).amountRefunded.amount).toBe(6450);
    expect((await t.as(admin).post(`/api/admin/payments/${paymentId}/refund`, {})).status).toBe(409);
    expect(await enrollments(student.id)).toHaveLength(1);
  });

  it("finishes through reconciliation when the student never came back and no webhook arrived", async () => {
    const { student, paymentId, orderId } = await started();
    fake.approve(orderId); // approved at PayPal, nothing captured, nothing delivered
    t.clock.advance(31 * 60_000);
    await t.lectern.services.get("payments").inbox.reconcile();
    expect((await payment(paymentId)).status).toBe("completed");
    expect(await enrollments(student.id)).toEqual(["active"]);
  });

  it("serves an approval page whose Pay button approves, sends webhooks and returns the student", async () => {
    // Lectern's app on a real port, so the fake can post its webhooks to it.
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
      const listening = await new Promise<boolean>((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(nextPort(), "127.0.0.1", () => resolve(true));
      });
      if (listening) break;
    }
    const { port } = server.address() as AddressInfo;
    try {
      fake.setWebhookUrl(`http://127.0.0.1:${port}/api/payments/webhooks/paypal`);
      const student = await t.createUser("student");
      const answer = await buy(student);
      const page = await fetch(answer.body.redirectUrl);
      const html = await page.text();
      expect(html).toContain("Numerical Methods");
      expect(html).toContain("$64.50");
      const paid = await fetch(answer.body.redirectUrl, { method: "POST", redirect: "manual" });
      expect(paid.status).toBe(303);
      const back = new URL(paid.headers.get("location")!);
      expect(back.searchParams.get("paymentId")).toBe(answer.body.paymentId);
      // The browser follows the redirect back to Lectern, which captures (or finds it captured).
      await t.request("GET", `${back.pathname}${back.search}`);
      expect((await payment(answer.body.paymentId)).status).toBe("completed");
      expect(await enrollments(student.id)).toEqual(["active"]);
    } finally {
      fake.setWebhookUrl("");
      server.close();
    }
  });
});
