import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkout,
  count,
  createWorld,
  emitted,
  enrollmentsOf,
  paymentRef,
  post,
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
  ((await w.t.as(w.admin).get(`/api/payments/${id}`)).body as { status: string }).status;
const inbox = () => w.t.lectern.services.get("payments").inbox.webhooks;

describe("the webhook inbox", () => {
  it("answers the gateway once the event is kept, and the inbox job applies it afterwards", async () => {
    const { id, ref, student } = await pending();
    const answer = await post(w.t, w.server.pay(ref));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 1, accepted: 1 });
    // Nothing applied yet: the student's page keeps waiting, no enrollment, no event.
    expect(await statusOf(id)).toBe("pending");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual([]);
    expect((await emitted(w.t, "payment.completed")).filter((e) => e.paymentId === id)).toHaveLength(0);
    expect(await inbox().pendingCount()).toBe(1);

    await w.t.drain();
    expect(await statusOf(id)).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    expect((await emitted(w.t, "payment.completed")).filter((e) => e.paymentId === id)).toHaveLength(1);
    expect(await inbox().pendingCount()).toBe(0);
  });

  it("keeps a redelivery once, even before the first delivery was applied", async () => {
    const { id, ref, student } = await pending();
    const webhook = w.server.pay(ref);
    const kept = await count(w.t, "lectern_webhook_inbox");
    const answers = await Promise.all([post(w.t, webhook), post(w.t, webhook), post(w.t, webhook)]);
    expect(answers.map((a) => a.body.accepted).sort()).toEqual([0, 0, 1]);
    expect(await count(w.t, "lectern_webhook_inbox")).toBe(kept + 1);
    await w.t.drain();
    expect(await statusOf(id)).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
  });

  it("applies events that arrived out of order in one batch to the right final state", async () => {
    const refundedFirst = await pending();
    const failedFirst = await pending();
    // Both wait in the inbox before the job runs: a refund ahead of its completion, a decline
    // ahead of a completion (the money arrived after all).
    await post(w.t, w.server.refund(refundedFirst.ref, 4900).webhook);
    await post(w.t, w.server.pay(refundedFirst.ref));
    await post(w.t, w.server.decline(failedFirst.ref));
    await post(w.t, w.server.pay(failedFirst.ref));
    expect(await inbox().pendingCount()).toBe(4);
    await w.t.drain();
    expect(await statusOf(refundedFirst.id)).toBe("refunded");
    expect(await enrollmentsOf(w.t, refundedFirst.student.id, course.id)).toEqual(["cancelled"]);
    expect(await statusOf(failedFirst.id)).toBe("completed");
    expect(await enrollmentsOf(w.t, failedFirst.student.id, course.id)).toEqual(["active"]);
  });

  it("takes a kept event again when the worker that held it stopped", async () => {
    const { id, ref } = await pending();
    await post(w.t, w.server.pay(ref));
    // A worker took the event and died before applying it: its hold runs out, then the job applies it.
    // (Five minutes: well inside reconciliation's 30, which would otherwise find the payment itself.)
    const until = new Date(w.t.clock.now().getTime() + 5 * 60_000).toISOString();
    await w.t.lectern.db.execute(
      sql`update lectern_webhook_inbox set locked_until = ${until}::timestamptz where status = 'pending'`,
    );
    await w.t.drain();
    expect(await statusOf(id)).toBe("pending");
    w.t.clock.advance(6 * 60_000);
    await w.t.drain();
    expect(await statusOf(id)).toBe("completed");
    expect(await inbox().pendingCount()).toBe(0);
  });
});
