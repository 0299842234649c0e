import { openTestSocket, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, createWorld, deliver, paymentRef, publishedCourse, type World } from "./test-helpers.js";

let w: World;
let base: string;
let course: { id: string; title: string };

beforeAll(async () => {
  w = await createWorld();
  base = (await w.t.lectern.start({ port: 0, hostname: "127.0.0.1" })).url.replace("localhost", "127.0.0.1");
  course = await publishedCourse(w, { amount: 4900, currency: "USD" }, "Live Payments");
});
afterAll(() => w?.t.close());

const buyAndPay = async (student: TestUser) => {
  const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
  expect(started.status).toBe(201);
  await deliver(w.t, w.server.pay(await paymentRef(w.t, started.body.paymentId)));
  await w.t.drain();
  return started.body.paymentId as string;
};

describe("payments live and in the notification centre", () => {
  it("tells the student and admins live when a payment completes, and stores the student's notification", async () => {
    const student = await w.t.createUser("student");
    const other = await w.t.createUser("student");
    const mine = await openTestSocket(base, { token: student.token });
    const theirs = await openTestSocket(base, { token: other.token });
    const admins = await openTestSocket(base, { token: w.admin.token });
    admins.send({ type: "subscribe", channel: "role:admin" });
    await admins.next((m) => m.type === "subscribed");
    for (const socket of [mine, theirs]) {
      socket.send({ type: "ping" });
      await socket.next((m) => m.type === "pong");
    }

    const paymentId = await buyAndPay(student);
    const live = await mine.next((m) => m.event === "payment.updated");
    expect(live).toMatchObject({
      channel: `user:${student.id}`,
      data: { paymentId, courseId: course.id, status: "completed" },
    });
    // Courses says "You are enrolled" too; payments' own kind says the money arrived.
    const note = await mine.next(
      (m) => m.event === "notification.created" && m.data.kind === "payment.updated",
    );
    expect(note.data).toMatchObject({
      kind: "payment.updated",
      title: 'Payment received: "Live Payments"',
      link: `/student/courses/${course.id}`,
    });
    expect((await admins.next((m) => m.event === "payment.updated")).data.paymentId).toBe(paymentId);

    const list = await w.t.as(student).get("/api/me/notifications");
    const kinds = list.body.items.map((n: { kind: string }) => n.kind).sort();
    expect(kinds).toEqual(["courses.enrolled", "payment.updated"]);
    expect(list.body.unreadCount).toBe(2);
    // Nobody else hears of it.
    theirs.send({ type: "ping" });
    await theirs.next((m) => m.type === "pong");
    expect(theirs.messages.filter((m) => m.type === "event")).toEqual([]);
    expect((await w.t.as(other).get("/api/me/notifications")).body.unreadCount).toBe(0);
    for (const socket of [mine, theirs, admins]) socket.close();
  });

  it("says a refund in words, linking to the payment, and mails nothing by default (the receipt does)", async () => {
    const student = await w.t.createUser("student");
    const paymentId = await buyAndPay(student);
    expect((await w.t.as(w.admin).post(`/api/admin/payments/${paymentId}/refund`, {})).status).toBe(200);
    await w.t.drain();
    const list = await w.t.as(student).get("/api/me/notifications");
    const mine = list.body.items
      .filter((n: { kind: string }) => n.kind === "payment.updated")
      .map((n: { title: string; link: string }) => [n.title, n.link])
      .sort();
    expect(mine).toEqual([
      ['Payment received: "Live Payments"', `/student/courses/${course.id}`],
      ['Your payment for "Live Payments" was refunded', `/payments/${paymentId}`],
    ]);
    const preferences = await w.t.as(student).get("/api/me/notification-preferences");
    expect(preferences.body.kinds["payment.updated"]).toMatchObject({ inApp: true, email: false });
  });

  it("gives the campus the gateways and the locale to write prices in, to anyone", async () => {
    const gateways = await w.t.request("GET", "/api/payments/gateways");
    expect(gateways.status).toBe(200);
    expect(gateways.body).toEqual({
      items: [
        { id: "fake", name: expect.any(String) },
        { id: "manual", name: "Bank transfer" },
      ],
      locale: "en-US",
    });
  });
});
