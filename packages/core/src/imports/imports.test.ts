import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Transaction } from "../db/index.js";
import { problems } from "../http/problem.js";
import { definePlugin } from "../plugin.js";
import { userImports } from "../schema.js";
import { createTestLectern, linkToken, type TestLectern } from "../testing/index.js";

/** Stands in for courses: enrolls into known course ids, refuses others as courses would. */
const enrolled: { userId: string; courseId: string }[] = [];
const OPEN_COURSE = "11111111-1111-4111-8111-111111111111";
const fakeCourses = definePlugin({
  id: "fake-courses",
  version: "0.0.0",
  coreRange: "*",
  contributes: () => ({
    "core.userImportEnrollment": {
      async enroll(_tx: Transaction, input: { userId: string; courseIds: string[] }) {
        for (const courseId of input.courseIds) {
          if (courseId !== OPEN_COURSE) throw problems.notFound(`There is no course ${courseId}.`);
          if (!enrolled.some((e) => e.userId === input.userId && e.courseId === courseId))
            enrolled.push({ userId: input.userId, courseId });
        }
      },
    },
  }),
});

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [fakeCourses()], imports: { maxBytes: 4096 } });
});
afterAll(() => t.close());

function upload(csv: string, name = "people.csv") {
  const form = new FormData();
  form.set("file", new Blob([csv], { type: "text/csv" }), name);
  return form;
}

const FILE = [
  "email,name,role,courseIds",
  "new.one@example.com,New One,student,",
  "EXISTING@example.com,Someone Else,student,",
  "not-an-email,Bad Email,student,",
  'new.two@example.com,=HYPERLINK("http://evil.example"),instructor,',
  "new.one@EXAMPLE.com,Duplicate In File,student,",
  '"ctl@example.com","Line\nBreak",student,',
  `enrol@example.com,Enrolled Person,student,${OPEN_COURSE}`,
  "nocourse@example.com,No Course,student,22222222-2222-4222-8222-222222222222",
  "role@example.com,Wrong Role,dean,",
].join("\n");

describe("POST /api/admin/users/import", () => {
  it("imports as a job with progress, mails invitations, reports skipped and failed lines", async () => {
    const admin = await t.createUser("admin");
    const existing = await t.createUser("student", { email: "existing@example.com", name: "Kept Name" });
    const res = await t.as(admin).post("/api/admin/users/import", upload(FILE));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "queued", total: 9, created: 0 });
    // Line numbers are the file's own: the quoted line break makes the last row line 11.
    expect(
      res.body.failed.map((f: { line: number }) => f.line).sort((a: number, b: number) => a - b),
    ).toEqual([4, 7, 11]);
    expect(res.body.skipped).toEqual([
      expect.objectContaining({ line: 6, reason: expect.stringMatching(/line 2/) }),
    ]);
    expect(res.body.done).toBe(4);

    await t.drain();
    const done = await t.as(admin).get(`/api/admin/users/imports/${res.body.id}`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "done", total: 9, done: 9, created: 3 });
    expect(done.body.failed).toContainEqual(
      expect.objectContaining({ line: 10, reason: expect.stringMatching(/no course/i) }),
    );
    expect(done.body.skipped).toContainEqual(
      expect.objectContaining({ line: 3, reason: expect.stringMatching(/already exists/) }),
    );
    expect(done.body.failed.find((f: { line: number }) => f.line === 11).reason).toMatch(/role/);

    // The same account, whatever the case; its name is not overwritten.
    const list = await t.as(admin).get("/api/admin/users?search=existing");
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: existing.id, name: "Kept Name" });
    // The failed enrolment left no account behind.
    expect((await t.as(admin).get("/api/admin/users?search=nocourse")).body.items).toHaveLength(0);
    expect(enrolled).toHaveLength(1);

    const invitation = t.mail.find((m) => m.to.includes("new.one@example.com"))!;
    expect(invitation.subject).toMatch(/invited/i);
    const accepted = await t.anonymous.post("/api/auth/invitations/accept", {
      token: linkToken(invitation),
      password: "my own password",
    });
    expect(accepted.status).toBe(200);
  });

  it("is idempotent: the same file again creates no one and mails no one", async () => {
    const admin = await t.createUser("admin");
    const before = t.mail.length;
    const res = await t.as(admin).post("/api/admin/users/import", upload(FILE));
    await t.drain();
    const done = await t.as(admin).get(`/api/admin/users/imports/${res.body.id}`);
    expect(done.body).toMatchObject({ status: "done", created: 0, done: 9 });
    expect(t.mail.length).toBe(before);
  });

  it("stores a formula as text and exports it defused", async () => {
    const admin = await t.createUser("admin");
    const row = (await t.as(admin).get("/api/admin/users?search=new.two")).body.items[0];
    expect(row.name).toBe('=HYPERLINK("http://evil.example")');
    const csv = await t.as(admin).get("/api/admin/users?search=new.two&format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it("refuses a wrong header (422 naming the columns), a large file (413) and no file, storing nothing", async () => {
    const admin = await t.createUser("admin");
    const count = async () => (await t.lectern.db.select().from(userImports)).length;
    const before = await count();
    const users = (await t.as(admin).get("/api/admin/users?limit=100")).body.items.length;

    const wrong = await t
      .as(admin)
      .post("/api/admin/users/import", upload("mail,fullname\na@example.com,A\n"));
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0]).toMatchObject({ path: "file" });
    expect(wrong.body.errors[0].message).toMatch(/email, name, role.*courseIds/);
    const extra = await t.as(admin).post("/api/admin/users/import", upload("email,name,role,password\n"));
    expect(extra.status).toBe(422);
    const empty = await t.as(admin).post("/api/admin/users/import", upload("email,name,role\n"));
    expect(empty.status).toBe(422);

    const big = `email,name,role\n${"x@example.com,A Name,student\n".repeat(200)}`;
    const large = await t.as(admin).post("/api/admin/users/import", upload(big));
    expect(large.status).toBe(413);
    expect(large.headers.get("content-type")).toContain("application/problem+json");

    const noFile = new FormData();
    noFile.set("other", "x");
    expect((await t.as(admin).post("/api/admin/users/import", noFile)).status).toBe(422);
    const json = await t.as(admin).post("/api/admin/users/import", { csv: "email,name,role" });
    expect(json.status).toBe(415);

    expect(await count()).toBe(before);
    expect((await t.as(admin).get("/api/admin/users?limit=100")).body.items.length).toBe(users);
  });

  it("answers 404 for an unknown import and 422 for a malformed id", async () => {
    const admin = await t.createUser("admin");
    expect((await t.as(admin).get(`/api/admin/users/imports/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await t.as(admin).get("/api/admin/users/imports/nope")).status).toBe(422);
  });
});
