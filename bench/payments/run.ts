// A webhook storm: 5,000 Stripe-signed events for 2,000 payments (30 % duplicates, shuffled, 5 %
// with bad signatures) through Lectern's webhook route on PostgreSQL, then an audit of every
// payment's state and enrollment. Baseline, same run, same events: a bare Hono route that verifies
// the same signature and does one INSERT. The route keeps events in core's webhook inbox and the
// job worker (running in this process, as in production) applies them: the storm's rate is the
// route's, and the time until the inbox is empty is reported as the lag.
// Run: npx tsx bench/payments/run.ts [--payments 2000] [--events 5000] [--concurrency 8] [--worker inline|after] [--give-way ms] [--profile prefix]
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";
import { payments } from "@lectern/payments";
import { insertPayments, type PaymentSeed } from "@lectern/payments/testing";
import { stripe } from "@lectern/stripe";
import { Hono } from "hono";
import postgres from "postgres";
import Stripe from "stripe";
import { freshDatabase } from "../lib/harness.js";
import { profilePhase } from "../lib/profile.js";

const { values } = parseArgs({
  options: {
    payments: { type: "string", default: "2000" },
    events: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "8" },
    // inline: the receiving process also runs the job worker (one instance, the default setup);
    // after: it runs none (`worker: false`, as web instances of a fleet do) and the inbox is
    // applied once the storm is over, timed on its own.
    worker: { type: "string", default: "inline" },
    // How long an inline worker gives way to requests between claims (core's default if unset).
    "give-way": { type: "string" },
    // Writes CPU profiles of the storm and of the first baseline: <prefix>-storm.cpuprofile, <prefix>-baseline.cpuprofile.
    profile: { type: "string" },
  },
});
const PAYMENTS = Number(values.payments);
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const INLINE_WORKER = values.worker !== "after";
const GIVE_WAY_MS = values["give-way"] === undefined ? undefined : Number(values["give-way"]);
const SECRET = "whsec_bench";
const signer = new Stripe("sk_test_bench");

const database = await freshDatabase(process.env.BENCH_DATABASE_PREFIX ?? "lectern_p_bench");
const files = await mkdtemp(join(tmpdir(), "lectern-bench-"));
const lectern = await createLectern({
  database: { url: database.url },
  storage: files,
  worker: INLINE_WORKER && { giveWayMs: GIVE_WAY_MS },
  logger: createLogger({ level: "error" }),
  mail: { outboxDir: join(files, "mail") },
  plugins: [
    courses(),
    payments({ gateways: [stripe({ secretKey: "sk_test_bench", webhookSecret: SECRET })] }),
  ],
});
try {
  // Setup (not measured): a course, students and their pending payments.
  const auth = lectern.context().auth;
  const admin = await auth.createUser({ email: "admin@bench.example", name: "Admin", role: "admin" });
  const instructor = await auth.createUser({
    email: "i@bench.example",
    name: "Instructor",
    role: "instructor",
  });
  const catalog = lectern.services.get("courses");
  const course = await catalog.createCourse(instructor, {
    title: "Storm Course",
    summary: "Benchmarks.",
    description: "",
    tags: [],
    level: "beginner",
    price: { amount: 4900, currency: "EUR" },
  } as never);
  await catalog.submitCourse(instructor, course.id);
  await catalog.approveCourse(admin, course.id);
  const rows: PaymentSeed[] = [];
  for (let i = 0; i < PAYMENTS; i++) {
    const user = await auth.createUser({
      email: `s${i}@bench.example`,
      name: `Student ${i}`,
      role: "student",
    });
    const now = new Date();
    rows.push({
      id: randomUUID(),
      courseId: course.id,
      userId: user.id,
      gateway: "stripe",
      status: "pending",
      amount: 4900,
      listAmount: 4900,
      currency: "EUR",
      gatewayRef: `cs_bench_${i}`,
      requestHash: "bench",
      createdAt: now,
      updatedAt: now,
    });
  }
  await insertPayments(lectern.db, rows);

  // The events: every payment completes; a quarter of them refunded in full, some declines on the way.
  const sign = (event: Record<string, unknown>, valid = true) => {
    const rawBody = JSON.stringify({ object: "event", api_version: "2026-10-28.endive", ...event });
    const header = signer.webhooks.generateTestHeaderString({
      payload: rawBody,
      secret: valid ? SECRET : "whsec_wrong",
    });
    return { rawBody, header };
  };
  const unique: { rawBody: string; header: string }[] = [];
  const refundedCount = Math.floor(PAYMENTS / 4);
  const duplicates = Math.round(EVENTS * 0.3);
  const bad = Math.round(EVENTS * 0.05);
  const declines = Math.max(0, EVENTS - duplicates - bad - PAYMENTS - refundedCount);
  rows.forEach((p, i) => {
    unique.push(
      sign({
        id: `evt_c_${i}`,
        type: "checkout.session.completed",
        data: {
          object: {
            id: p.gatewayRef,
            object: "checkout.session",
            client_reference_id: p.id,
            payment_status: "paid",
            status: "complete",
            amount_total: 4900,
            currency: "eur",
          },
        },
      }),
    );
    if (i < refundedCount) {
      unique.push(
        sign({
          id: `evt_r_${i}`,
          type: "charge.refunded",
          data: {
            object: {
              id: `ch_${i}`,
              object: "charge",
              amount_refunded: 4900,
              currency: "eur",
              metadata: { paymentId: p.id },
            },
          },
        }),
      );
    }
    if (i >= refundedCount && i < refundedCount + declines) {
      unique.push(
        sign({
          id: `evt_f_${i}`,
          type: "payment_intent.payment_failed",
          data: { object: { id: `pi_${i}`, object: "payment_intent", metadata: { paymentId: p.id } } },
        }),
      );
    }
  });
  const storm = [...unique];
  for (let i = 0; i < duplicates; i++) storm.push(unique[Math.floor(Math.random() * unique.length)]!);
  for (let i = 0; i < bad; i++)
    storm.push(sign({ id: `evt_bad_${i}`, type: "checkout.session.completed", data: { object: {} } }, false));
  for (let i = storm.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [storm[i], storm[j]] = [storm[j]!, storm[i]!];
  }

  const run = async (app: { request: Hono["request"] }, path: string) => {
    const statuses = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < storm.length) {
          const event = storm[next++]!;
          const answer = await app.request(path, {
            method: "POST",
            // As a gateway's delivery arrives over HTTP: with its length (Stripe sends it).
            headers: {
              "content-type": "application/json",
              "content-length": String(Buffer.byteLength(event.rawBody)),
              "stripe-signature": event.header,
            },
            body: event.rawBody,
          });
          await answer.arrayBuffer();
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: storm.length / seconds, seconds, statuses: Object.fromEntries(statuses) };
  };

  // Baseline: verify the same signature, one INSERT. Measured before and after the storm (each
  // time into an empty table, with no job due), so a machine that drifts during the run moves both.
  const sql = postgres(database.url, { max: 10, onnotice: () => {} });
  const bare = (table: string) =>
    new Hono().post("/bare", async (c) => {
      const rawBody = await c.req.text();
      let event: Stripe.Event;
      try {
        event = signer.webhooks.constructEvent(rawBody, c.req.header("stripe-signature") ?? "", SECRET);
      } catch {
        return c.json({ error: "bad signature" }, 400);
      }
      await sql`insert into ${sql(table)} ${sql({ id: event.id, body: sql.json(JSON.parse(rawBody)) })} on conflict do nothing`;
      return c.json({ ok: true });
    });
  // With the worker inline, the setup's own jobs (the mail its new accounts queue) must be done first.
  const jobsSettled = async () => {
    for (;;) {
      const [due] = await sql<{ n: number }[]>`select count(*)::int as n from lectern_jobs
        where status = 'running' or (status = 'queued' and run_at <= now())`;
      if (due!.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const measureBaseline = async (table: string, profile?: string) => {
    if (INLINE_WORKER) await jobsSettled();
    await sql`create table ${sql(table)} (id text primary key, body jsonb not null)`;
    return profilePhase(profile, () => run(bare(table), "/bare"));
  };

  const baselineBefore = await measureBaseline(
    "bench_events_before",
    values.profile && `${values.profile}-baseline.cpuprofile`,
  );
  const inbox = lectern.services.get("payments").inbox.webhooks;
  const stormStarted = performance.now();
  const plugin = await profilePhase(values.profile && `${values.profile}-storm.cpuprofile`, () =>
    run(lectern.app, "/api/payments/webhooks/stripe"),
  );
  const pendingAtEnd = await inbox.pendingCount();
  // Without a worker in this process, five appliers (a worker's concurrency) take the inbox now,
  // as a separate worker instance would; the jobs that follow (notifications, mail) are not run.
  const draining = INLINE_WORKER
    ? Promise.resolve()
    : Promise.all(
        Array.from({ length: 5 }, async () => {
          while ((await inbox.applyPending(1)) > 0);
        }),
      );
  // Applied: no event left in the inbox (the inbox jobs still queued then find theirs applied).
  for (;;) {
    const waiting = await sql<
      { n: number }[]
    >`select count(*)::int as n from lectern_webhook_inbox where status = 'pending'`;
    if (waiting[0]!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const appliedSeconds = (performance.now() - stormStarted) / 1000;
  await draining;
  const baselineAfter = await measureBaseline("bench_events_after");
  const baseline = {
    perSecond: (baselineBefore.perSecond + baselineAfter.perSecond) / 2,
    statuses: baselineBefore.statuses,
  };
  const failedInbox = await sql<
    { n: number }[]
  >`select count(*)::int as n from lectern_webhook_inbox where status = 'failed'`;

  // Audit: the first quarter refunded with the enrollment cancelled, the rest completed and enrolled.
  const audit = await sql<
    { id: string; status: string; amount_refunded: number; enrollment: string | null; events: number }[]
  >`
    select p.id, p.status, p.amount_refunded,
      (select status from courses_enrollments e where e.user_id = p.user_id and e.course_id = p.course_id) as enrollment,
      (select count(*)::int from lectern_events ev where ev.name = 'payment.completed' and ev.payload->>'paymentId' = p.id::text) as events
    from payments_payments p`;
  const expected = new Map(rows.map((p, i) => [p.id, i < refundedCount ? "refunded" : "completed"]));
  let wrong = 0;
  for (const row of audit) {
    const want = expected.get(row.id);
    const enrollmentWant = want === "refunded" ? "cancelled" : "active";
    if (row.status !== want || row.enrollment !== enrollmentWant || row.events !== 1) wrong++;
  }
  const enrollments = await sql<
    { n: number }[]
  >`select count(*)::int as n from courses_enrollments where course_id = ${course.id}`;
  await sql.end();

  console.log(
    JSON.stringify(
      {
        events: storm.length,
        unique: unique.length,
        duplicates,
        badSignatures: bad,
        concurrency: CONCURRENCY,
        baseline: {
          perSecond: Math.round(baseline.perSecond),
          before: Math.round(baselineBefore.perSecond),
          after: Math.round(baselineAfter.perSecond),
          statuses: baseline.statuses,
        },
        plugin: { perSecond: Math.round(plugin.perSecond), statuses: plugin.statuses },
        ratio: `${Math.round((plugin.perSecond / baseline.perSecond) * 100)} %`,
        inbox: {
          worker: INLINE_WORKER ? "inline" : "after the storm",
          pendingWhenStormEnded: pendingAtEnd,
          lagAfterStormSeconds: Number((appliedSeconds - plugin.seconds).toFixed(1)),
          allAppliedSeconds: Number(appliedSeconds.toFixed(1)),
          appliedPerSecond: Math.round(unique.length / appliedSeconds),
          failed: failedInbox[0]!.n,
        },
        audit: { payments: audit.length, enrollmentRows: enrollments[0]!.n, wrong },
      },
      null,
      2,
    ),
  );
} finally {
  await lectern.stop();
  await database.drop();
  await rm(files, { recursive: true, force: true });
}
