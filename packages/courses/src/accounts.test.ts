import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courseBody, publishedCourse } from "./test-helpers.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses()] });
});
afterAll(() => t.close());

const csvForm = (csv: string) => {
  const form = new FormData();
  form.set("file", new Blob([csv], { type: "text/csv" }), "people.csv");
  return form;
};

describe("courses and the core's accounts", () => {
  it("records approvals and rejections in the audit log", async () => {
    const admin = await t.createUser("admin");
    const instructor = await t.createUser("instructor");
    const course = await publishedCourse(t, instructor, admin);
    const draft = await t.as(instructor).post("/api/courses", courseBody({ title: "Rejected one" }));
    await t.as(instructor).post(`/api/courses/${draft.body.id}/submit`);
    expect(
      (await t.as(admin).post(`/api/admin/courses/${draft.body.id}/reject`, { reason: "Too short." })).status,
    ).toBe(200);
    const approved = await t.as(admin).get("/api/admin/audit?action=courses.course.approved");
    expect(approved.body.items[0]).toMatchObject({
      actorId: admin.id,
      targetUserId: instructor.id,
      subject: `course:${course.id}`,
    });
    const rejected = await t.as(admin).get("/api/admin/audit?action=courses.course.rejected");
    expect(rejected.body.items[0].subject).toBe(`course:${draft.body.id}`);
  });

  it("enrolls imported users through its own service; a course that takes no one fails that line only", async () => {
    const admin = await t.createUser("admin");
    const instructor = await t.createUser("instructor");
    const open = await publishedCourse(t, instructor, admin, { title: "Open course" });
    const draft = await t.as(instructor).post("/api/courses", courseBody({ title: "Draft course" }));
    const existing = await t.createUser("student", { email: "already@example.com" });
    const csv = [
      "email,name,role,courseIds",
      `fresh@example.com,Fresh Student,student,${open.id}`,
      `ALREADY@example.com,Already Here,student,${open.id}`,
      `drafty@example.com,Draft Student,student,${draft.body.id}`,
    ].join("\n");
    const started = await t.as(admin).post("/api/admin/users/import", csvForm(csv));
    expect(started.status).toBe(202);
    await t.drain();
    const done = (await t.as(admin).get(`/api/admin/users/imports/${started.body.id}`)).body;
    expect(done).toMatchObject({ status: "done", created: 1, done: 3 });
    expect(done.failed).toEqual([
      expect.objectContaining({ line: 4, reason: expect.stringMatching(/published/) }),
    ]);
    const students = await t.as(admin).get(`/api/admin/users?course=${open.id}`);
    const emails = students.body.items.map((u: { email: string }) => u.email).sort();
    expect(emails).toEqual(["already@example.com", "fresh@example.com"]);
    expect(students.body.items.find((u: { id: string }) => u.id === existing.id)).toBeDefined();
    expect((await t.as(admin).get("/api/admin/users?search=drafty")).body.items).toHaveLength(0);
  });
});
