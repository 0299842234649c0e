import { authorizationMatrix } from "@lectern/core/testing";
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

async function completedPayment() {
  const student = await w.t.createUser("student");
  const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
  const ref = await paymentRef(w.t, started.body.paymentId);
  await deliver(w.t, w.server.pay(ref));
  return { student, id: started.body.paymentId as string, ref };
}

describe("refunds", () => {
  it("refunds part (still completed), then the rest: refunded, access ended, the student told", async () => {
    const { student, id, ref } = await completedPayment();
    const part = await w.t.as(w.admin).post(`/api/admin/payments/${id}/refund`, {
      amount: { amount: 900, currency: "USD" },
    });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({
      status: "completed",
      amountRefunded: { amount: 900, currency: "USD" },
    });
    expect(w.server.payments.get(ref)?.refunded).toBe(900);
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);

    const rest = await w.t.as(w.admin).post(`/api/admin/payments/${id}/refund`, {});
    expect(rest.body).toMatchObject({ status: "refunded", amountRefunded: { amount: 4900 } });
    expect(w.server.payments.get(ref)?.refunded).toBe(4900);
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["cancelled"]);
    await w.t.drain();
    const mail = w.t.mail.find((m) => m.to.includes(student.email) && m.subject.startsWith("Refund"));
    expect(mail?.text).toContain("refunded in full ($49.00)");
    expect(mail?.text).toContain("enrollment in the course has ended");
    const refunded = (await emitted(w.t, "payment.refunded")).filter((e) => e.paymentId === id);
    expect(refunded.map((e) => e.full)).toEqual([false, true]);

    const audit = await w.t.as(w.admin).get("/api/admin/audit?action=payments.payment.refunded");
    const mine = audit.body.items.filter((e: { subject: string }) => e.subject === `payment:${id}`);
    expect(mine.map((e: { detail: { amount: number } }) => e.detail.amount)).toEqual([4000, 900]);
    expect(mine[0]).toMatchObject({ actorId: w.admin.id, targetUserId: student.id });

    const twice = await w.t.as(w.admin).post(`/api/admin/payments/${id}/refund`, {});
    expect(twice.status).toBe(409);
    expect(twice.headers.get("content-type")).toContain("application/problem+json");
    expect(w.server.payments.get(ref)?.refunded).toBe(4900);
  });

  it("refuses to refund past the total (409) and changes nothing", async () => {
    const { id, ref } = await completedPayment();
    const over = await w.t.as(w.admin).post(`/api/admin/payments/${id}/refund`, {
      amount: { amount: 5000, currency: "USD" },
    });
    expect(over.status).toBe(409);
    expect(w.server.payments.get(ref)?.refunded).toBe(0);
    expect((await w.t.as(w.admin).get(`/api/payments/${id}`)).body.amountRefunded.amount).toBe(0);
  });

  it("keeps access after a full refund when revokeAccessOnRefund is false", async () => {
    const keep = await createWorld({ revokeAccessOnRefund: false });
    try {
      const paid = await publishedCourse(keep);
      const student = await keep.t.createUser("student");
      const started = await checkout(keep.t, student, { courseId: paid.id, gateway: "fake" });
      await deliver(keep.t, keep.server.pay(await paymentRef(keep.t, started.body.paymentId)));
      const refunded = await keep.t
        .as(keep.admin)
        .post(`/api/admin/payments/${started.body.paymentId}/refund`, {});
      expect(refunded.body.status).toBe("refunded");
      expect(await enrollmentsOf(keep.t, student.id, paid.id)).toEqual(["active"]);
    } finally {
      await keep.t.close();
    }
  });

  it("answers 502 and refunds nothing when the gateway fails", async () => {
    const { id } = await completedPayment();
    w.server.breakNext("error");
    const failed = await w.t.as(w.admin).post(`/api/admin/payments/${id}/refund`, {});
    expect(failed.status).toBe(502);
    expect((await w.t.as(w.admin).get(`/api/payments/${id}`)).body).toMatchObject({
      status: "completed",
      amountRefunded: { amount: 0 },
    });
  });
});

describe("manual gateway", () => {
  it("shows instructions and a reference, and enrolls when an admin marks it paid", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "manual" });
    expect(started.status).toBe(201);
    const returned = await w.t.anonymous.get(
      new URL(started.body.redirectUrl).pathname + new URL(started.body.redirectUrl).search,
    );
    expect(returned.status).toBe(302);
    expect(returned.headers.get("location")).toBe(
      `https://campus.example.org/payments/${started.body.paymentId}`,
    );

    const payment = (await w.t.as(student).get(`/api/payments/${started.body.paymentId}`)).body;
    expect(payment.reference).toMatch(/^LEC-[0-9A-F]{5}-[0-9A-F]{5}$/);
    expect(payment.instructions).toBe(`Pay $49.00 quoting ${payment.reference}.`);

    const noNote = await w.t
      .as(w.admin)
      .post(`/api/admin/payments/${payment.id}/mark`, { status: "completed", note: " " });
    expect(noNote.status).toBe(422);
    const control = await w.t.as(w.admin).post(`/api/admin/payments/${payment.id}/mark`, {
      status: "completed",
      note: "ok\u0007",
    });
    expect(control.status).toBe(422);

    const marked = await w.t.as(w.admin).post(`/api/admin/payments/${payment.id}/mark`, {
      status: "completed",
      note: "Transfer seen on the March statement.",
    });
    expect(marked.status).toBe(200);
    const audit = await w.t.as(w.admin).get("/api/admin/audit?action=payments.payment.marked");
    expect(audit.body.items[0]).toMatchObject({
      actorId: w.admin.id,
      subject: `payment:${payment.id}`,
      detail: { status: "completed" },
    });
    expect(marked.body).toMatchObject({
      status: "completed",
      note: "Transfer seen on the March statement.",
      markedBy: w.admin.id,
      markedAt: expect.any(String),
    });
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    const again = await w.t
      .as(w.admin)
      .post(`/api/admin/payments/${payment.id}/mark`, { status: "failed", note: "x" });
    expect(again.status).toBe(409);
  });

  it("marks a transfer that never came as failed, enrolling nobody", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "manual" });
    const marked = await w.t.as(w.admin).post(`/api/admin/payments/${started.body.paymentId}/mark`, {
      status: "failed",
      note: "No transfer after 30 days.",
    });
    expect(marked.body.status).toBe("failed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual([]);
  });

  it("does not let an admin mark a card payment that is waiting for its gateway", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    const marked = await w.t.as(w.admin).post(`/api/admin/payments/${started.body.paymentId}/mark`, {
      status: "completed",
      note: "trust me",
    });
    expect(marked.status).toBe(409);
  });
});

describe("coupons", () => {
  it("takes percent or fixed coupons off the server's price; a 100% coupon enrolls without a gateway", async () => {
    const percent = await w.t.as(w.admin).post("/api/admin/coupons", { code: "spring25", percentOff: 25 });
    expect(percent.status).toBe(201);
    expect(percent.body.code).toBe("SPRING25");
    const fixed = await w.t.as(w.admin).post("/api/admin/coupons", {
      code: "TENOFF",
      amountOff: { amount: 1000, currency: "USD" },
      courseId: course.id,
    });
    expect(fixed.status).toBe(201);
    await w.t.as(w.admin).post("/api/admin/coupons", { code: "FREEBIE", percentOff: 100 });

    const a = await w.t.createUser("student");
    const withPercent = await checkout(w.t, a, {
      courseId: course.id,
      gateway: "fake",
      couponCode: "Spring25",
    });
    expect((await w.t.as(a).get(`/api/payments/${withPercent.body.paymentId}`)).body).toMatchObject({
      total: { amount: 3675 },
      listPrice: { amount: 4900 },
      couponCode: "SPRING25",
    });
    const b = await w.t.createUser("student");
    const withFixed = await checkout(w.t, b, { courseId: course.id, gateway: "fake", couponCode: "TENOFF" });
    expect((await w.t.as(b).get(`/api/payments/${withFixed.body.paymentId}`)).body.total.amount).toBe(3900);

    const c = await w.t.createUser("student");
    const free = await checkout(w.t, c, { courseId: course.id, gateway: "fake", couponCode: "FREEBIE" });
    expect(free.status).toBe(201);
    expect(free.body.redirectUrl).toBeNull();
    expect(await enrollmentsOf(w.t, c.id, course.id)).toEqual(["active"]);
    expect((await w.t.as(c).get(`/api/payments/${free.body.paymentId}`)).body).toMatchObject({
      status: "completed",
      total: { amount: 0 },
    });
  });

  it("refuses unknown, expired, other-course and other-currency coupons with 422, storing nothing", async () => {
    const other = await publishedCourse(w, { amount: 3000, currency: "EUR" });
    await w.t.as(w.admin).post("/api/admin/coupons", {
      code: "SOON-GONE",
      percentOff: 10,
      expiresAt: new Date(w.t.clock.now().getTime() + 60_000).toISOString(),
    });
    await w.t
      .as(w.admin)
      .post("/api/admin/coupons", { code: "ONLYTHIS", percentOff: 10, courseId: course.id });
    await w.t
      .as(w.admin)
      .post("/api/admin/coupons", { code: "DOLLARS5", amountOff: { amount: 500, currency: "USD" } });
    w.t.clock.advance(120_000);
    const student = await w.t.createUser("student");
    const before = await count(w.t, "payments_payments");
    for (const [courseId, code] of [
      [course.id, "NOPE123"],
      [course.id, "SOON-GONE"],
      [other.id, "ONLYTHIS"],
      [other.id, "DOLLARS5"],
    ]) {
      const answer = await checkout(w.t, student, { courseId, gateway: "fake", couponCode: code });
      expect(answer.status, code).toBe(422);
      expect(answer.body.errors[0].path).toBe("couponCode");
    }
    expect(await count(w.t, "payments_payments")).toBe(before);
  });

  it("counts redemptions exactly once under 20 concurrent checkouts", async () => {
    await w.t.as(w.admin).post("/api/admin/coupons", { code: "FIRST5", percentOff: 50, maxRedemptions: 5 });
    const students = await Promise.all(Array.from({ length: 20 }, () => w.t.createUser("student")));
    const answers = await Promise.all(
      students.map((s) => checkout(w.t, s, { courseId: course.id, gateway: "fake", couponCode: "FIRST5" })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(15);
    const listed = (await w.t.as(w.admin).get("/api/admin/coupons")).body.items;
    expect(listed.find((c: { code: string }) => c.code === "FIRST5").redemptions).toBe(5);

    // A failed payment gives its use back.
    const winner = answers.find((a) => a.status === 201)!;
    await deliver(w.t, w.server.decline(await paymentRef(w.t, winner.body.paymentId)));
    const after = (await w.t.as(w.admin).get("/api/admin/coupons")).body.items;
    expect(after.find((c: { code: string }) => c.code === "FIRST5").redemptions).toBe(4);
  });

  it("deactivates a coupon but keeps it; duplicates answer 409", async () => {
    const created = await w.t.as(w.admin).post("/api/admin/coupons", { code: "RETIRE", percentOff: 5 });
    expect((await w.t.as(w.admin).post("/api/admin/coupons", { code: "retire", percentOff: 5 })).status).toBe(
      409,
    );
    const gone = await w.t.as(w.admin).delete(`/api/admin/coupons/${created.body.id}`);
    expect(gone.body.active).toBe(false);
    const student = await w.t.createUser("student");
    expect(
      (await checkout(w.t, student, { courseId: course.id, gateway: "fake", couponCode: "RETIRE" })).status,
    ).toBe(422);
  });
});

describe("reports", () => {
  it("lists a student's own payments and an admin's filtered list, as JSON or CSV", async () => {
    const { student, id } = await completedPayment();
    const mine = await w.t.as(student).get("/api/me/payments");
    expect(mine.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    expect(mine.body.items[0].course.title).toBe(course.title);
    const other = await w.t.createUser("student");
    expect((await w.t.as(other).get(`/api/payments/${id}`)).status).toBe(404);

    const completed = await w.t
      .as(w.admin)
      .get("/api/admin/payments?status=completed&gateway=fake&limit=100");
    expect(completed.body.items.every((p: { status: string }) => p.status === "completed")).toBe(true);
    expect(completed.body.items.map((p: { id: string }) => p.id)).toContain(id);
    const future = await w.t.as(w.admin).get("/api/admin/payments?from=2099-01-01");
    expect(future.body.items).toEqual([]);

    const csv = await w.t.as(w.admin).get("/api/admin/payments?status=completed&format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe(
      "Payment,Created,Completed,Status,Course,Student,Gateway,Gateway reference,Currency,Total,Refunded,Coupon,Note",
    );
    expect(lines.find((l) => l.startsWith(id))).toContain(",USD,49.00,0.00,");
  });

  it("adds revenue per week and currency to the admin analytics", async () => {
    const analytics = await w.t.as(w.admin).get("/api/admin/analytics");
    expect(analytics.status).toBe(200);
    const revenue = analytics.body.series.revenueUSD as { week: string; value: number }[];
    expect(revenue.reduce((sum, p) => sum + p.value, 0)).toBeGreaterThan(0);
    expect(analytics.body.totals.paymentsCompleted).toBeGreaterThan(0);
  });
});

describe("authorization", () => {
  it("answers every route by its declared access", async () => {
    const result = await authorizationMatrix(w.t);
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThan(20);
  });

  it("keeps students and instructors off admin routes and payments off non-students", async () => {
    const student = await w.t.createUser("student");
    expect((await w.t.as(student).get("/api/admin/payments")).status).toBe(403);
    expect((await w.t.as(w.instructor).post("/api/payments/checkout", {})).status).toBe(403);
    expect((await w.t.anonymous.get("/api/me/payments")).status).toBe(401);
  });
});
