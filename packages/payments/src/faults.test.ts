import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECONCILE_JOB } from "./index.js";
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
import { createGateway, FakeGatewayServer, fakeGateway, gatewayConformance } from "./testing/index.js";

let w: World;
let course: { id: string; title: string };

beforeAll(async () => {
  w = await createWorld({ reconcileAfterMinutes: 30 });
  course = await publishedCourse(w);
});
afterAll(() => w.t.close());

const statusOf = async (id: string) =>
  (await w.t.as(w.admin).get(`/api/payments/${id}`)).body.status as string;
const reconcile = async () => {
  await w.t.lectern.jobs.enqueue(w.t.lectern.db, RECONCILE_JOB, {});
  await w.t.drain();
};

/** Makes the next enrollment insert fail, as if the server died between payment and enrollment. */
async function crashNextEnrollment() {
  // A sequence, not a table: nextval survives the rollback the crash causes, so it fires once.
  const statements = [
    "drop sequence if exists test_crash_seq",
    "create sequence test_crash_seq",
    `create or replace function test_crash_enrollment() returns trigger as $$
    begin
      if nextval('test_crash_seq') = 1 then
        raise exception 'simulated crash';
      end if;
      return new;
    end $$ language plpgsql`,
    "drop trigger if exists test_crash_enrollment on courses_enrollments",
    `create trigger test_crash_enrollment before insert on courses_enrollments
      for each row execute function test_crash_enrollment()`,
  ];
  for (const statement of statements) await w.t.lectern.db.execute(sql.raw(statement));
}

describe("gateway faults at checkout", () => {
  for (const fault of ["error", "timeout"] as const) {
    it(`answers 502 when the gateway ${fault === "error" ? "answers 500" : "times out"}, leaving nothing pending`, async () => {
      await w.t
        .as(w.admin)
        .post("/api/admin/coupons", { code: `FAULT-${fault}`, percentOff: 10, maxRedemptions: 1 });
      const student = await w.t.createUser("student");
      const key = randomUUID();
      const body = { courseId: course.id, gateway: "fake", couponCode: `FAULT-${fault}` };
      w.server.breakNext(fault);
      const failed = await checkout(w.t, student, body, key);
      expect(failed.status).toBe(502);
      expect(failed.headers.get("content-type")).toContain("application/problem+json");
      expect(failed.body.detail).toContain("Nothing was charged");
      const mine = (await w.t.as(student).get("/api/me/payments")).body.items;
      expect(mine.map((p: { status: string }) => p.status)).toEqual(["failed"]);

      // The coupon use and the key were given back: the student simply tries again.
      const retried = await checkout(w.t, student, body, key);
      expect(retried.status).toBe(201);
      expect(await statusOf(retried.body.paymentId)).toBe("pending");
    });
  }
});

describe("a server that stops between the gateway's confirmation and the enrollment", () => {
  it("rolls the whole change back; the inbox tries the kept event again and enrolls once", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    const webhook = w.server.pay(await paymentRef(w.t, started.body.paymentId));
    await crashNextEnrollment();
    const events = await count(w.t, "payments_received_events");
    // The gateway was answered once the event was kept; applying it crashed afterwards.
    const crashed = await deliver(w.t, webhook);
    expect(crashed.status).toBe(200);
    expect(crashed.body).toEqual({ received: 1, accepted: 1 });
    expect(await statusOf(started.body.paymentId)).toBe("pending");
    expect(await count(w.t, "payments_received_events")).toBe(events);
    expect(await w.t.lectern.services.get("payments").inbox.webhooks.pendingCount()).toBe(1);

    // The gateway's retry is not kept twice; the kept event is tried again after its backoff.
    expect((await deliver(w.t, webhook)).body).toEqual({ received: 1, accepted: 0 });
    expect(await statusOf(started.body.paymentId)).toBe("pending");
    w.t.clock.advance(5_000);
    await w.t.drain();
    expect(await statusOf(started.body.paymentId)).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    expect(await w.t.lectern.services.get("payments").inbox.webhooks.pendingCount()).toBe(0);
  });

  it("or reconciliation asks the gateway and enrolls once when the webhook never comes", async () => {
    const student = await w.t.createUser("student");
    const started = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    w.server.pay(await paymentRef(w.t, started.body.paymentId)); // webhook lost
    await crashNextEnrollment();
    w.t.clock.advance(31 * 60_000);
    // Reconciliation is called directly: a scheduled run due at the same time would otherwise race
    // this one for the one crash, and either could win.
    const reconcileOnce = () => w.t.lectern.services.get("payments").inbox.reconcile();
    await reconcileOnce(); // the first run hits the crash
    expect(await statusOf(started.body.paymentId)).toBe("pending");
    await reconcileOnce();
    await reconcile();
    expect(await statusOf(started.body.paymentId)).toBe("completed");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    expect(
      (await emitted(w.t, "payment.completed")).filter((e) => e.paymentId === started.body.paymentId),
    ).toHaveLength(1);
  });
});

describe("reconciliation", () => {
  it("leaves young payments alone, completes paid ones, fails declined ones and checkouts that never reached the gateway", async () => {
    const student = await w.t.createUser("student");
    const paid = await checkout(w.t, student, { courseId: course.id, gateway: "fake" });
    const declinedStudent = await w.t.createUser("student");
    const declined = await checkout(w.t, declinedStudent, { courseId: course.id, gateway: "fake" });
    const manualStudent = await w.t.createUser("student");
    const transfer = await checkout(w.t, manualStudent, { courseId: course.id, gateway: "manual" });
    w.server.pay(await paymentRef(w.t, paid.body.paymentId));
    w.server.decline(await paymentRef(w.t, declined.body.paymentId));
    // A checkout whose server stopped before the gateway was asked: no reference.
    const orphanStudent = await w.t.createUser("student");
    const orphan = await checkout(w.t, orphanStudent, { courseId: course.id, gateway: "fake" });
    await w.t.lectern.db.execute(
      sql`update payments_payments set gateway_ref = null, redirect_url = null where id = ${orphan.body.paymentId}`,
    );

    await reconcile();
    expect(await statusOf(paid.body.paymentId)).toBe("pending");

    w.t.clock.advance(31 * 60_000);
    await reconcile();
    expect(await statusOf(paid.body.paymentId)).toBe("completed");
    expect(await statusOf(declined.body.paymentId)).toBe("failed");
    expect(await statusOf(orphan.body.paymentId)).toBe("failed");
    expect(await statusOf(transfer.body.paymentId)).toBe("pending");
    expect(await enrollmentsOf(w.t, student.id, course.id)).toEqual(["active"]);
    expect(await enrollmentsOf(w.t, declinedStudent.id, course.id)).toEqual([]);
  });
});

let clock = () => new Date();
const server = new FakeGatewayServer("whsec_conformance", () => clock());
gatewayConformance("fake", async () => {
  const gateway = createGateway(fakeGateway({ server }), { clock: w.t.clock });
  clock = () => w.t.clock.now();
  return {
    gateway,
    pay: async ({ gatewayRef }) => server.pay(gatewayRef),
    decline: async ({ gatewayRef }) => server.decline(gatewayRef),
    stale: async ({ gatewayRef }) =>
      server.webhook(
        { type: "payment.succeeded", ref: gatewayRef, paymentId: server.payments.get(gatewayRef)!.paymentId },
        { at: new Date(w.t.clock.now().getTime() - 3600_000) },
      ),
    breakNext: () => server.breakNext("error"),
    close: async () => {},
  };
});
