import { assistant } from "@lectern/assistant";
import { attendance } from "@lectern/attendance";
import { certificates } from "@lectern/certificates";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { publishedCourse } from "@lectern/courses/testing";
import { exams } from "@lectern/exams";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";
import { manual, payments } from "@lectern/payments";
import { recommendations } from "@lectern/recommendations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Every first-party plugin installed, one student's data put into each through its routes, then
 * that student erased: no table may still hold their name or address, except the columns
 * docs/privacy.md says are kept.
 */
const NAME = "Quentin Erasmus-Vale";
const EMAIL = "quentin.vale@privacy.example";

/** `table.column` kept on purpose (docs/privacy.md): an issued certificate names its holder. */
const KEPT = new Set(["certificates_certificates.holder_name"]);

// biome-ignore lint/suspicious/noExplicitAny: answers and archive sections are free-form JSON here
type Json = any;

let t: TestLectern;
let student: TestUser;
let instructor: TestUser;
let admin: TestUser;

const ok = async <T = Json>(
  what: string,
  answer: Promise<{ status: number; body: T }>,
  expected = [200, 201],
) => {
  const res = await answer;
  if (!expected.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Every text, varchar, json and array column of every table, and the rows mentioning the person. */
async function mentions(needles: string[]): Promise<string[]> {
  const columns = (await t.lectern.db.execute(`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'uuid')
    order by 1, 2`)) as unknown as { rows?: Row[] } | Row[];
  const found: string[] = [];
  for (const { table_name, column_name } of rowsOf(columns)) {
    for (const needle of needles) {
      const hits = rowsOf(
        // The needles are this file's constants (no quotes); the names come from the catalogue.
        (await t.lectern.db.execute(
          `select count(*)::int as n from "${table_name}" where strpos("${column_name}"::text, '${needle}') > 0`,
        )) as never,
      ) as unknown as { n: number }[];
      if (hits[0]!.n > 0) found.push(`${table_name}.${column_name}`);
    }
  }
  return [...new Set(found)];
}
type Row = { table_name: string; column_name: string };
const rowsOf = <T>(result: { rows?: T[] } | T[]): T[] =>
  Array.isArray(result) ? result : (result.rows ?? []);

beforeAll(async () => {
  t = await createTestLectern({
    now: "2026-03-02T09:00:00Z",
    plugins: [
      courses(),
      exams(),
      certificates({ institution: { name: "Northfield Institute" } }),
      liveClasses({ providers: [jitsi()] }),
      attendance(),
      recommendations(),
      payments({ gateways: [manual({ instructions: "Pay {amount} quoting {reference}." })] }),
      assistant(),
    ],
  });
  admin = await t.createUser("admin", { name: "Alma Admin" });
  instructor = await t.createUser("instructor", { name: "Iris Instructor" });
  student = await t.createUser("student", { name: NAME, email: EMAIL });
  await fill();
}, 600_000);
afterAll(() => t?.close());

/** The student's data in every plugin, made the way people make it. */
async function fill() {
  const as = t.as(student);
  // courses: a free course with a required reading, enrolled and completed.
  const course = await publishedCourse(t, instructor, admin, { title: "Privacy by Design" }, [
    { title: "Reading one", url: "https://example.org/one" },
  ]);
  // exams: a published exam the student passes with a typed answer.
  const exam = await ok(
    "exam",
    t.as(instructor).post(`/api/courses/${course.id}/exams`, {
      title: "Data minimisation quiz",
      questions: [{ type: "short_answer", prompt: "Keep only what you ____.", marks: 2, accepted: ["need"] }],
    }),
  );
  await ok("publish", t.as(instructor).post(`/api/exams/${exam.id}/publish`));
  await ok("enroll", as.post(`/api/courses/${course.id}/enroll`));
  const attempt = await ok("attempt", as.post(`/api/exams/${exam.id}/attempts`));
  await ok(
    "answers",
    as.put(`/api/attempts/${attempt.id}/answers`, {
      answers: [{ questionId: attempt.questions[0].id, text: "need" }],
    }),
  );
  await ok("submit", as.post(`/api/attempts/${attempt.id}/submit`));
  await ok("complete", as.post(`/api/materials/${course.materials[0]!.id}/complete`));
  await t.drain();

  // certificates: the completion's request, approved by an admin (rendered and mailed).
  const pending = await ok("certificates", t.as(admin).get("/api/admin/certificates?status=pending"));
  const request = pending.items.find((c: { userId: string }) => c.userId === student.id);
  expect(request).toBeTruthy();
  await ok("approve", t.as(admin).post(`/api/admin/certificates/${request.id}/approve`));
  await t.drain();

  // payments: a paid course bought by bank transfer, marked paid by an admin with a note.
  const paid = await publishedCourse(t, instructor, admin, {
    title: "Paid privacy seminar",
    price: { amount: 4900, currency: "EUR" },
  });
  const checkout = await ok(
    "checkout",
    as.post(
      "/api/payments/checkout",
      { courseId: paid.id, gateway: "manual" },
      { headers: { "Idempotency-Key": "privacy-test-checkout-1" } },
    ),
  );
  await ok(
    "mark",
    t.as(admin).post(`/api/admin/payments/${checkout.paymentId}/mark`, {
      status: "completed",
      note: `Transfer from ${NAME} <${EMAIL}> received.`,
    }),
  );

  // live classes and attendance: a class joined, then the instructor's roll call.
  const live = await ok(
    "schedule",
    t.as(instructor).post(`/api/courses/${course.id}/live-classes`, {
      title: "Office hour",
      startsAt: new Date(t.clock.now().getTime() + 5 * 60_000).toISOString(),
      durationMinutes: 30,
      provider: "jitsi",
    }),
  );
  await ok("join", as.get(`/api/live-classes/${live.id}/join`), [302]);
  await ok("calendar", as.post("/api/me/calendar-token"));
  await ok(
    "roll call",
    t.as(instructor).post(`/api/live-classes/${live.id}/roll-call`, {
      entries: [{ userId: student.id, status: "late" }],
    }),
  );

  // recommendations and the assistant.
  await ok("interests", as.put("/api/me/interests", { tags: ["privacy", "law"] }));
  await ok(
    "chat",
    as.post("/api/assistant/chat", {
      message: "What does the reading say about consent?",
      courseId: course.id,
    }),
  );
  await t.drain();
}

describe("the whole campus", () => {
  it("the student's data is really in every plugin before erasure", async () => {
    const found = await mentions([EMAIL, NAME]);
    expect(found).toEqual(expect.arrayContaining(["lectern_users.email", "lectern_users.name", ...KEPT]));
    expect(found).toContain("payments_payments.note");
  });

  it("the export has every installed plugin's section, each with the student's data", async () => {
    const archive = await t.lectern.privacy.collect(student.id);
    const keys = ["core.account", ...t.lectern.contributions("core.privacy").map((c) => c.value.key)];
    expect(Object.keys(archive.sections).sort()).toEqual([...keys].sort());
    for (const key of [
      "core.account",
      "courses.enrollments",
      "exams.attempts",
      "certificates.certificates",
      "payments.payments",
      "live-classes.presence",
      "attendance.attendance",
      "recommendations.profile",
      "assistant.conversations",
    ])
      expect(keys, key).toContain(key);
    const s = archive.sections as Record<string, Json>;
    expect(s["core.account"].profile).toMatchObject({ email: EMAIL, name: NAME });
    expect(s["core.account"].notifications.length).toBeGreaterThan(0);
    expect(s["courses.enrollments"].enrollments).toHaveLength(2);
    expect(s["courses.enrollments"].completedMaterials).toHaveLength(1);
    expect(s["exams.attempts"].attempts[0]).toMatchObject({ answers: expect.any(Object), passed: true });
    expect(s["certificates.certificates"][0]).toMatchObject({ status: "issued", holderName: NAME });
    expect(s["payments.payments"][0]).toMatchObject({
      amount: { amount: 4900, currency: "EUR" },
      status: "completed",
    });
    expect(s["live-classes.presence"].presence.length).toBeGreaterThan(0);
    expect(s["live-classes.presence"].calendarFeedSince).not.toBeNull();
    expect(s["attendance.attendance"].days.length).toBeGreaterThan(0);
    expect(s["attendance.attendance"].rollCalls[0]).toMatchObject({ status: "late" });
    expect(s["recommendations.profile"].interests).toEqual(["privacy", "law"]);
    expect(s["assistant.conversations"].conversations).toHaveLength(1);
  });

  it("after erasure, no table holds the name or address but the kept certificate name", async () => {
    const erased = await t.as(student).delete("/api/me", { body: { password: student.password } });
    expect(erased.status).toBe(204);
    await t.drain();
    const found = await mentions([EMAIL, NAME]);
    expect(found.filter((c) => !KEPT.has(c))).toEqual([]);
    // Nor by the account's id, outside the rows docs/privacy.md keeps (the anonymised account,
    // issued certificates, payments, the append-only audit log): no event, job or message of
    // theirs is left behind.
    expect((await mentions([student.id])).sort()).toEqual([
      "certificates_certificates.user_id",
      "lectern_audit_log.target_user_id",
      "lectern_users.email",
      "lectern_users.id",
      "payments_payments.user_id",
    ]);
    const archive = await t.lectern.privacy.collect(student.id);
    const s = archive.sections as Record<string, Json>;
    expect(s["courses.enrollments"].enrollments).toEqual([]);
    expect(s["exams.attempts"].attempts).toEqual([]);
    expect(s["attendance.attendance"].days).toEqual([]);
    expect(s["live-classes.presence"].presence).toEqual([]);
    expect(s["assistant.conversations"].conversations).toEqual([]);
    expect(s["recommendations.profile"].interests).toEqual([]);
    expect(s["core.account"].notifications).toEqual([]);
    expect(s["core.account"].profile).toMatchObject({ name: "Former user" });
  });

  it("what is kept stays usable: the certificate verifies with its name, the payment keeps its amount", async () => {
    const mine = await ok("certificates", t.as(admin).get("/api/admin/certificates?status=issued"));
    const certificate = mine.items.find((c: { userId: string }) => c.userId === student.id);
    const verified = await ok("verify", t.anonymous.get(`/api/verify/${certificate.code}`));
    expect(JSON.stringify(verified)).toContain(NAME);
    const payments = await ok("payments", t.as(admin).get("/api/admin/payments"));
    const payment = payments.items.find((p: { userId: string }) => p.userId === student.id);
    expect(payment).toMatchObject({ total: { amount: 4900, currency: "EUR" }, status: "completed" });
    expect(payment.note).toBe("Transfer from [erased] <[erased]> received.");
  });
});
