import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkout,
  count,
  createWorld,
  deliver,
  emitted,
  enrollmentsOf,
  paymentRef,
  publishedCourse,
  type World,
} from "./test-helpers.js";

let w: World;
let course: { id: string; title: string };

beforeAll(async () => {
  w = await createWorld();
  course = await publishedCourse(w);
});
afterAll(() => w.t.close());

describe("checkout", () => {
  it("lists the installed gateways for anyone", async () => {
    const answer = await w.t.anonymous.get("/api/payments/gateways");
    expect(answer.body.items).toEqual([
      { id: "fake", name: "Test card" },
      { id: "manual", name: "Bank transfer" },
    ]);
  });

  it("starts a payment at the server's price and enrolls once the gateway confirms", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    expect(started.status).toBe(201);
    expect(started.body.redirectUrl).toMatch(/^https:\/\/pay\.fake\.test\/checkout\//);
    const payment = (await w.t.as(student).get(`/api/payments/${started.body.paymentId}`)).body;
    expect(payment).toMatchObject({
      status: "pending",
      total: { amount: 4900, currency: "USD" },
      amountRefunded: { amount: 0, currency: "USD" },
      gateway: "fake",
    });
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual([]);

    const delivered = await deliver(w.t, w.server.pay(payment.gatewayRef));
    expect(delivered.status).toBe(200);
    expect((await w.t.as(student).get(`/api/payments/${payment.id}`)).body.status).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    expect((await emitted(w.t, "payment.completed")).filter((e) => e.paymentId === payment.id)).toHaveLength(
      1,
    );

    await w.t.drain();
    const receipt = w.t.mail.find((m) => m.to.includes(student.email) && m.subject.startsWith("Receipt"));
    expect(receipt?.text).toContain(course.title);
    expect(receipt?.text).toContain("$49.00");
    expect(receipt?.text).toContain(payment.gatewayRef);
    expect(receipt?.text).toContain("Northfield Institute");
  });

  it("ignores any amount the client sends: the price is the server's", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake", amount: 1 });
    expect(started.status).toBe(201);
    const ref = await paymentRef(w.t, started.body.paymentId);
    expect(w.server.payments.get(ref)?.total).toEqual({ amount: 4900, currency: "USD" });
  });

  it("answers the same payment for the same Idempotency-Key and body, 422 for another body, 400 without a key", async () => {
    const student = await w.t.createUser("student");
    const other = await publishedCourse(w);
    const key = randomUUID();
    const first = await checkout(w.t, student, { courseId: course.id, gateway: "fake" }, key);
    const again = await checkout(w.t, student, { courseId: course.id, gateway: "fake" }, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);

    const before = await count(w.t, "payments_payments");
    const changed = await checkout(w.t, student, { courseId: other.id, gateway: "fake" }, key);
    expect(changed.status).toBe(422);
    expect(changed.headers.get("content-type")).toContain("application/problem+json");
    const missing = await checkout(w.t, student, { courseId: course.id, gateway: "fake" }, null);
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain("Idempotency-Key");
    expect(await count(w.t, "payments_payments")).toBe(before);
  });

  it("refuses an unknown gateway (422), a free course (409), an enrolled student (409) and an unpublished course (404)", async () => {
    const student = await w.t.createUser("student");
    const free = await publishedCourse(w, null);
    const draft = await w.t.as(w.instructor).post("/api/courses", {
      title: "Unpublished Topology",
      summary: "Not yet.",
      price: { amount: 1000, currency: "EUR" },
    });
    const before = await count(w.t, "payments_payments");

    const unknown = await checkout(w.t, student, { courseId: course.id, gateway: "bitcoin" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: "gateway" })]);

    const freeAnswer = await checkout(w.t, student, { courseId: free.id, gateway: "fake" });
    expect(freeAnswer.status).toBe(409);
    expect(freeAnswer.body.detail).toContain("enroll directly");

    const hidden = await checkout(w.t, student, { courseId: draft.body.id, gateway: "fake" });
    expect(hidden.status).toBe(404);
    const nowhere = await checkout(w.t, student, { courseId: randomUUID(), gateway: "fake" });
    expect(nowhere.status).toBe(404);

    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    await deliver(w.t, w.server.pay(await paymentRef(w.t, started.body.paymentId)));
    const enrolled = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    expect(enrolled.status).toBe(409);
    expect(enrolled.body.detail).toContain("already enrolled");
    expect(await count(w.t, "payments_payments")).toBe(before + 1);
  });
});

describe("webhooks", () => {
  async function pending() {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    return {
      student,
      id: started.body.paymentId as string,
      ref: await paymentRef(w.t, started.body.paymentId),
    };
  }
  const statusOf = async (id: string) =>
    (await w.t.as(w.admin).get(`/api/payments/${id}`)).body as {
      status: string;
      amountRefunded: { amount: number };
    };

  it("answers 400 for a bad or stale signature and records nothing", async () => {
    const { id, ref, student } = await pending();
    const events = await count(w.t, "payments_received_events");
    const kept = await count(w.t, "lectern_webhook_inbox");
    const webhook = w.server.pay(ref);
    const forged = await deliver(w.t, { ...webhook, rawBody: webhook.rawBody.replace("4900", "4901") });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("content-type")).toContain("application/problem+json");
    const stale = await deliver(
      w.t,
      w.server.webhook(
        { type: "payment.succeeded", ref, paymentId: id, amount: { amount: 4900, currency: "USD" } },
        { at: new Date(w.t.clock.now().getTime() - 10 * 60_000) },
      ),
    );
    expect(stale.status).toBe(400);
    const unsigned = await deliver(w.t, { rawBody: webhook.rawBody, headers: {} });
    expect(unsigned.status).toBe(400);
    expect(await count(w.t, "payments_received_events")).toBe(events);
    expect(await count(w.t, "lectern_webhook_inbox")).toBe(kept);
    expect((await statusOf(id)).status).toBe("pending");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual([]);
  });

  it("applies a replayed event once: one enrollment, one payment.completed", async () => {
    const { id, ref, student } = await pending();
    const webhook = w.server.pay(ref);
    const answers = await Promise.all([deliver(w.t, webhook), deliver(w.t, webhook), deliver(w.t, webhook)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.accepted).sort()).toEqual([0, 0, 1]);
    // A second, different event saying the same thing changes nothing either.
    await deliver(w.t, w.server.pay(ref));
    expect((await statusOf(id)).status).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    expect((await emitted(w.t, "payment.completed")).filter((e) => e.paymentId === id)).toHaveLength(1);
    expect((await emitted(w.t, "enrollment.created")).filter((e) => e.userId === student.id)).toHaveLength(1);
  });

  it("ends right whatever the order: completion after a failure completes", async () => {
    const { id, ref, student } = await pending();
    const failed = w.server.decline(ref);
    const paid = w.server.pay(ref);
    await deliver(w.t, failed);
    expect((await statusOf(id)).status).toBe("failed");
    await deliver(w.t, paid);
    expect((await statusOf(id)).status).toBe("completed");
    await deliver(w.t, failed);
    expect((await statusOf(id)).status).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
  });

  it("ends right whatever the order: a refund reported before the completion", async () => {
    const { id, ref, student } = await pending();
    const paid = w.server.pay(ref);
    const refunded = w.server.refund(ref, 4900).webhook;
    await deliver(w.t, refunded);
    expect((await statusOf(id)).status).toBe("pending");
    await deliver(w.t, paid);
    const final = await statusOf(id);
    expect(final.status).toBe("refunded");
    expect(final.amountRefunded.amount).toBe(4900);
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["cancelled"]);
    await deliver(w.t, paid);
    await deliver(w.t, refunded);
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["cancelled"]);
  });

  it("marks a payment needs_review and enrolls nobody when the amount or currency differs", async () => {
    const { id, ref, student } = await pending();
    await deliver(w.t, w.server.pay(ref, { amount: { amount: 490, currency: "USD" } }));
    const payment = (await w.t.as(w.admin).get(`/api/payments/${id}`)).body;
    expect(payment.status).toBe("needs_review");
    expect(payment.statusReason).toContain("$4.90");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual([]);

    const other = await pending();
    await deliver(w.t, w.server.pay(other.ref, { amount: { amount: 4900, currency: "EUR" } }));
    expect((await statusOf(other.id)).status).toBe("needs_review");
  });

  it("answers 200 and ignores a webhook for an unknown payment", async () => {
    const before = await count(w.t, "payments_payments");
    const answer = await deliver(
      w.t,
      w.server.webhook({
        type: "payment.succeeded",
        ref: "fake_nobody",
        paymentId: randomUUID(),
        amount: { amount: 4900, currency: "USD" },
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 1, accepted: 1 });
    expect(await count(w.t, "lectern_webhook_inbox where status = 'applied'")).toBeGreaterThan(0);
    expect(await count(w.t, "payments_payments")).toBe(before);
  });

  it("answers 404 for a gateway that is not installed", async () => {
    const answer = await deliver(w.t, w.server.pay((await pending()).ref), "paypal");
    expect(answer.status).toBe(404);
  });
});
