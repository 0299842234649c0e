import { randomUUID } from "node:crypto";
import { rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { manual, type PaymentsOptions, payments } from "./index.js";
import { FakeGatewayServer, fakeGateway } from "./testing/index.js";

/** Test helpers shared by this package's test files (not exported from the package). */

export interface World {
  t: TestLectern;
  server: FakeGatewayServer;
  admin: TestUser;
  instructor: TestUser;
}

export async function createWorld(options: Partial<PaymentsOptions> = {}): Promise<World> {
  let t: TestLectern | undefined;
  const server = new FakeGatewayServer("whsec_test", () => t?.clock.now() ?? new Date());
  t = await createTestLectern({
    publicUrl: "https://campus.example.org",
    now: "2026-03-02T09:00:00Z",
    plugins: [
      courses(),
      payments({
        gateways: [
          fakeGateway({ server }),
          manual({ instructions: "Pay {amount} quoting {reference}.", locale: "en-US" }),
        ],
        checkoutTimeoutMs: 300,
        locale: "en-US",
        institution: { name: "Northfield Institute", details: "1 College Road, Northfield" },
        ...options,
      }),
    ],
  });
  const admin = await t.createUser("admin");
  const instructor = await t.createUser("instructor");
  return { t, server, admin, instructor };
}

/** A published course; `price` null makes it free. */
export async function publishedCourse(
  { t, admin, instructor }: World,
  price: { amount: number; currency: string } | null = { amount: 4900, currency: "USD" },
  title = `Applied Statistics ${randomUUID().slice(0, 4)}`,
): Promise<{ id: string; title: string }> {
  const created = await t.as(instructor).post("/api/courses", {
    title,
    summary: "Regression, inference and experiments.",
    ...(price ? { price } : {}),
  });
  expect(created.status).toBe(201);
  expect((await t.as(instructor).post(`/api/courses/${created.body.id}/submit`)).status).toBe(200);
  expect((await t.as(admin).post(`/api/admin/courses/${created.body.id}/approve`)).status).toBe(200);
  return { id: created.body.id, title };
}

export function checkout(
  t: TestLectern,
  student: TestUser,
  body: Record<string, unknown>,
  key: string | null = randomUUID(),
) {
  return t
    .as(student)
    .post("/api/payments/checkout", body, { headers: key ? { "idempotency-key": key } : {} });
}

/** Posts a signed webhook as the gateway would, without applying it (the inbox job has not run). */
export function post(
  t: TestLectern,
  webhook: { rawBody: string; headers: Record<string, string> },
  gateway = "fake",
) {
  return t.request("POST", `/api/payments/webhooks/${gateway}`, {
    body: webhook.rawBody,
    headers: { "content-type": "application/json", ...webhook.headers },
  });
}

/** Posts a signed webhook, then runs the jobs it queued (the inbox applying it, and what follows). */
export async function deliver(
  t: TestLectern,
  webhook: { rawBody: string; headers: Record<string, string> },
  gateway = "fake",
) {
  const answer = await post(t, webhook, gateway);
  await t.drain();
  return answer;
}

export async function enrollmentsOf(t: TestLectern, userId: string, courseId: string) {
  const result = await t.lectern.db.execute(
    sql`select status from courses_enrollments where user_id = ${userId} and course_id = ${courseId}`,
  );
  return rowsOf<{ status: string }>(result).map((r) => r.status);
}

export async function count(t: TestLectern, table: string): Promise<number> {
  const result = await t.lectern.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return rowsOf<{ n: number }>(result)[0]!.n;
}

export async function paymentRef(t: TestLectern, paymentId: string): Promise<string> {
  const result = await t.lectern.db.execute(
    sql`select gateway_ref from payments_payments where id = ${paymentId}`,
  );
  return rowsOf<{ gateway_ref: string }>(result)[0]!.gateway_ref;
}

export async function emitted(t: TestLectern, name: string): Promise<Record<string, unknown>[]> {
  const result = await t.lectern.db.execute(
    sql`select payload from lectern_events where name = ${name} order by occurred_at`,
  );
  return rowsOf<{ payload: Record<string, unknown> }>(result).map((r) => r.payload);
}
