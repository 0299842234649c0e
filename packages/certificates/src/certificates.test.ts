import { rowsOf } from "@lectern/core";
import {
  authorizationMatrix,
  createTestLectern,
  type TestLectern,
  type TestUser,
} from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificates } from "./index.js";
import {
  completeCourse,
  courseToComplete,
  pdfText,
  pendingRequest,
  type TestCourse,
} from "./test-helpers.js";

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;
let course: TestCourse;

beforeAll(async () => {
  t = await createTestLectern({
    publicUrl: "https://campus.example.org",
    plugins: [
      courses(),
      certificates({
        institution: { name: "Northfield Institute", primaryColor: "#1f3a5f" },
        signatories: [{ name: "Dr. Margaret Okafor", title: "Dean" }],
        verifyRateLimit: { limit: 5, windowMs: 60_000 },
      }),
    ],
  });
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
  course = await courseToComplete(t, instructor, admin);
});
afterAll(() => t.close());

async function emitted(name: string): Promise<Record<string, unknown>[]> {
  const result = await t.lectern.db.execute(
    sql`select payload from lectern_events where name = ${name} order by occurred_at`,
  );
  return rowsOf<{ payload: Record<string, unknown> }>(result).map((r) => r.payload);
}

describe("eligibility", () => {
  it("gives a student who completes a course one pending request, however often the event arrives", async () => {
    const student = await t.createUser("student", { name: "Henrik Lindqvist" });
    await completeCourse(t, student, course);
    expect((await t.as(student).get("/api/me/certificates")).body.items).toEqual([]);
    await t.drain();

    // At-least-once delivery: the same completion delivered again changes nothing.
    const [completion] = (await emitted("course.completed")).filter((p) => p.userId === student.id);
    await t.lectern.db.transaction((tx) =>
      t.lectern.events.emit(tx, "course.completed", completion as never),
    );
    await t.drain();

    const mine = await t.as(student).get("/api/me/certificates");
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      courseId: course.id,
      userId: student.id,
      status: "pending",
      code: null,
      verifyUrl: null,
      issuedAt: null,
      revokedAt: null,
      holderName: "Henrik Lindqvist",
      courseTitle: course.title,
    });
    expect(mine.body.nextCursor).toBeNull();
    expect((await emitted("certificate.requested")).filter((p) => p.userId === student.id)).toHaveLength(1);

    const queue = await t.as(admin).get(`/api/admin/certificates?status=pending&courseId=${course.id}`);
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(mine.body.items[0].id);
  });
});

describe("approval", () => {
  it("issues the certificate, emits certificate.issued and mails the PDF once; approving again is 409", async () => {
    const { student, certificate } = await pendingRequest(t, course, {
      name: "Zoë Ñúñez-Øberg",
      email: "zoe@example.org",
    });
    const mailBefore = t.mail.length;
    const approved = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      id: certificate.id,
      courseId: course.id,
      userId: student.id,
      status: "issued",
      issuedAt: t.clock.now().toISOString(),
      revokedAt: null,
      holderName: "Zoë Ñúñez-Øberg",
    });
    expect(approved.body.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(approved.body.verifyUrl).toBe(`https://campus.example.org/verify/${approved.body.code}`);
    expect(await emitted("certificate.issued")).toContainEqual(
      expect.objectContaining({
        certificateId: certificate.id,
        code: approved.body.code,
        issuedBy: admin.id,
      }),
    );

    await t.drain();
    const sent = t.mail.slice(mailBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toEqual(["zoe@example.org"]);
    expect(sent[0]!.text).toContain(approved.body.verifyUrl);
    expect(sent[0]!.attachments[0]!.contentType).toBe("application/pdf");
    expect(await pdfText(sent[0]!.attachments[0]!.content)).toContain("Zoë Ñúñez-Øberg");

    const again = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    const reject = await t
      .as(admin)
      .post(`/api/admin/certificates/${certificate.id}/reject`, { reason: "No." });
    expect(reject.status).toBe(409);
    expect(reject.body.detail).toMatch(/revoke/);
    await t.drain();
    expect(t.mail.length).toBe(mailBefore + 1);
  });

  it("rejects a pending request with a reason, which then can be neither approved nor revoked", async () => {
    const { student, certificate } = await pendingRequest(t, course);
    const noReason = await t
      .as(admin)
      .post(`/api/admin/certificates/${certificate.id}/reject`, { reason: "  " });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toContainEqual(expect.objectContaining({ path: "reason" }));
    const revokePending = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/revoke`, {
      reason: "x",
    });
    expect(revokePending.status).toBe(409);

    const rejected = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/reject`, {
      reason: "The final project was plagiarised.",
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: "rejected",
      reason: "The final project was plagiarised.",
      code: null,
    });
    expect((await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`)).status).toBe(409);
    expect((await t.as(student).get(`/api/certificates/${certificate.id}/pdf`)).status).toBe(404);
    expect((await t.as(admin).post(`/api/admin/certificates/${crypto.randomUUID()}/approve`)).status).toBe(
      404,
    );
  });

  it("refuses, with 422, a name no certificate font can draw, and keeps the request pending", async () => {
    const { certificate } = await pendingRequest(t, course, { name: "محمد عبد الله" });
    const approved = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);
    expect(approved.status).toBe(422);
    expect(approved.body.detail).toMatch(/No certificate font can draw/);
    expect((await t.as(admin).get(`/api/certificates/${certificate.id}`)).body.status).toBe("pending");
  });

  it("fits a 200-character name on the page", async () => {
    const name = `${"Maria Fernanda Guadalupe Concepción Rodríguez-Hernández ".repeat(4)}`
      .slice(0, 200)
      .trim();
    const { student, certificate } = await pendingRequest(t, course, { name });
    expect((await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`)).status).toBe(200);
    const pdf = await t.as(student).get(`/api/certificates/${certificate.id}/pdf`);
    expect(await pdfText(pdf.body)).toContain(name);
  });
});

describe("holders", () => {
  it("list their certificates and download the PDF, a PNG preview and the credential; others see 404", async () => {
    const { student, certificate } = await pendingRequest(t, course, { name: "Анна Каренина" });
    const other = await t.createUser("student");
    expect((await t.as(student).get(`/api/certificates/${certificate.id}/pdf`)).status).toBe(404);
    await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);

    const mine = await t.as(student).get("/api/me/certificates?status=issued");
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        id: certificate.id,
        status: "issued",
        pdfUrl: `/api/certificates/${certificate.id}/pdf`,
      }),
    ]);

    const pdf = await t.as(student).get(`/api/certificates/${certificate.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe("%PDF-");
    expect(await pdfText(pdf.body)).toContain("Анна Каренина");

    const png = await t.as(student).get(`/api/certificates/${certificate.id}/png`);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe("PNG");
    expect((await t.as(student).get(`/api/certificates/${certificate.id}/png`)).body).toEqual(png.body);

    const credential = await t.as(student).get(`/api/certificates/${certificate.id}/credential`);
    expect(credential.status).toBe(200);
    expect(credential.headers.get("content-type")).toBe("application/vc+jwt");
    const jwt = Buffer.from(credential.body).toString();
    expect(jwt.split(".")).toHaveLength(3);
    const json = await t.as(admin).get(`/api/certificates/${certificate.id}/credential?format=json`);
    expect(json.body.jwt).toBe(jwt);
    expect(json.body.credential).toMatchObject({
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      credentialSubject: { name: "Анна Каренина", achievement: { name: course.title } },
    });

    for (const path of ["", "/pdf", "/png", "/credential"]) {
      expect((await t.as(other).get(`/api/certificates/${certificate.id}${path}`)).status).toBe(404);
    }
    expect((await t.as(other).get("/api/me/certificates")).body.items).toEqual([]);
    expect((await t.as(instructor).get("/api/me/certificates")).status).toBe(403);
    expect((await t.as(student).get("/api/admin/certificates")).status).toBe(403);
  });

  it("pages through the admin list with a cursor", async () => {
    const first = await t.as(admin).get("/api/admin/certificates?limit=2");
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.as(admin).get(`/api/admin/certificates?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(2);
    const ids = [...first.body.items, ...second.body.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(4);
    expect((await t.as(admin).get("/api/admin/certificates?cursor=garbage")).status).toBe(422);
    expect((await t.as(admin).get("/api/admin/certificates?status=lost")).status).toBe(422);
  });
});

describe("files left by a crash", () => {
  it("deciding a request removes PDFs an interrupted approval left behind", async () => {
    const { Readable } = await import("node:stream");
    const storage = t.lectern.context("certificates").storage;
    const first = (await pendingRequest(t, course, { name: "Ada Crash" })).certificate;
    const second = (await pendingRequest(t, course, { name: "Bob Crash" })).certificate;
    // What a process killed between rendering and committing leaves: a PDF nobody references.
    for (const id of [first.id, second.id]) {
      await storage.put(`certificates/${id}/CRASHED0CODE.pdf`, Readable.from([Buffer.from("%PDF-1.4")]));
    }
    const issued = await t.as(admin).post(`/api/admin/certificates/${first.id}/approve`);
    expect(issued.status).toBe(200);
    expect(await storage.stat(`certificates/${first.id}/CRASHED0CODE.pdf`)).toBeNull();
    expect((await t.as(admin).get(`/api/certificates/${first.id}/pdf`)).status).toBe(200);
    const rejected = await t
      .as(admin)
      .post(`/api/admin/certificates/${second.id}/reject`, { reason: "Not yet." });
    expect(rejected.status).toBe(200);
    expect(await storage.stat(`certificates/${second.id}/CRASHED0CODE.pdf`)).toBeNull();
  });
});

describe("verification", () => {
  it("answers anyone, tolerates how people type codes, and reports revocation", async () => {
    const { certificate } = await pendingRequest(t, course, { name: "Αλέξανδρος Παπαδόπουλος" });
    const issued = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);
    const code: string = issued.body.code;

    const typed = code.toLowerCase().replaceAll("-", " ").replaceAll("0", "o");
    const ok = await t.anonymous.get(`/api/verify/${encodeURIComponent(typed)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      valid: true,
      status: "issued",
      code,
      holderName: "Αλέξανδρος Παπαδόπουλος",
      courseTitle: course.title,
      issuedAt: issued.body.issuedAt,
      revokedAt: null,
      issuer: { name: "Northfield Institute", url: "https://campus.example.org" },
    });

    const revoked = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/revoke`, {
      reason: "Issued to the wrong person.",
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: "revoked", revokedAt: t.clock.now().toISOString() });
    expect(
      (await t.as(admin).post(`/api/admin/certificates/${certificate.id}/revoke`, { reason: "x" })).status,
    ).toBe(409);
    const after = await t.anonymous.get(`/api/verify/${code}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ valid: false, status: "revoked", revokedAt: revoked.body.revokedAt });
    expect(await emitted("certificate.revoked")).toContainEqual(
      expect.objectContaining({ certificateId: certificate.id, reason: "Issued to the wrong person." }),
    );
    // Both decisions are in the audit log, with who made them.
    const audit = await t.as(admin).get(`/api/admin/audit?userId=${admin.id}`);
    const actions = audit.body.items
      .filter((e: { subject: string }) => e.subject === `certificate:${certificate.id}`)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(["certificates.certificate.revoked", "certificates.certificate.issued"]);
  });

  it("answers 404 with valid: false for an unknown code, and 429 to whoever keeps guessing", async () => {
    const unknown = await t.anonymous.get("/api/verify/AAAA-BBBB-CCCC");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ valid: false, status: 404 });
    expect((await t.anonymous.get("/api/verify/not-a-code")).body.valid).toBe(false);
    for (let i = 0; i < 3; i++) await t.anonymous.get(`/api/verify/ZZZZ-ZZZZ-ZZZ${i}`);
    const limited = await t.anonymous.get("/api/verify/ZZZZ-ZZZZ-ZZZZ");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    t.clock.advance(61_000);
    expect((await t.anonymous.get("/api/verify/ZZZZ-ZZZZ-ZZZZ")).status).toBe(404);
  });

  it("limits failures, not successes: a real code answers while guessing from the same address is limited", async () => {
    const { certificate } = await pendingRequest(t, course, { name: "Grace Hopper" });
    const issued = await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`);
    for (let i = 0; i < 8; i++) await t.anonymous.get(`/api/verify/YYYY-YYYY-YYY${i}`);
    expect((await t.anonymous.get("/api/verify/YYYY-YYYY-YYYY")).status).toBe(429);
    const real = await t.anonymous.get(`/api/verify/${issued.body.code}`);
    expect(real.status).toBe(200);
    expect(real.body.valid).toBe(true);
  });
});

describe("access", () => {
  it("every route answers as its declared access rule says", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThan(50);
  });
});
