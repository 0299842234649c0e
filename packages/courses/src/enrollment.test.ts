import { definePlugin, rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf } from "./demo-files.js";
import { courses } from "./index.js";
import { form, publishedCourse } from "./test-helpers.js";

/** Stands in for the exams plugin: a completion requirement per course, met when a test says so. */
const passed = new Set<string>();
const gatedCourses = new Set<string>();
const fakeExams = definePlugin({
  id: "fake-exams",
  version: "0.0.0",
  coreRange: "*",
  dependsOn: ["courses"],
  contributes: () => ({
    "courses.completionRules": {
      name: "fake-exams.passed",
      evaluate: async (_tx, { userId, courseId }) =>
        gatedCourses.has(courseId) ? (passed.has(`${userId}:${courseId}`) ? "met" : "unmet") : "none",
    },
  }),
});

let t: TestLectern;
let admin: TestUser;
let owner: TestUser;
let otherInstructor: TestUser;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [fakeExams(), courses()], now: "2030-01-10T09:00:00Z" });
  admin = await t.createUser("admin");
  owner = await t.createUser("instructor");
  otherInstructor = await t.createUser("instructor");
});
afterAll(() => t.close());

async function events(name: string) {
  const rows = rowsOf<{ payload: Record<string, string> }>(
    await t.lectern.db.execute(
      sql`select payload from lectern_events where name = ${name} order by occurred_at`,
    ),
  );
  return rows.map((r) => r.payload);
}

async function addPdf(courseId: string, title: string, required = true) {
  const res = await t
    .as(owner)
    .post(
      `/api/courses/${courseId}/materials`,
      form(
        { title, kind: "pdf", required: String(required) },
        { bytes: makePdf(title), name: `${title}.pdf` },
      ),
    );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe("enrolling", () => {
  it("a student enrolls in a free course (201), and again gets the same enrollment (200)", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Free Course" });
    const student = await t.createUser("student");
    const first = await t.as(student).post(`/api/courses/${course.id}/enroll`);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      courseId: course.id,
      userId: student.id,
      status: "active",
      progress: 0,
    });
    expect(Object.keys(first.body)).toEqual(
      expect.arrayContaining(["id", "courseId", "userId", "status", "progress", "enrolledAt"]),
    );
    const again = await t.as(student).post(`/api/courses/${course.slug}/enroll`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    expect((await t.anonymous.get(`/api/courses/${course.id}`)).body.enrolledCount).toBe(1);
    expect(await events("enrollment.created")).toContainEqual({
      enrollmentId: first.body.id,
      courseId: course.id,
      userId: student.id,
    });
  });

  it("a paid course answers 402 until a payment completes, then the payments plugin enrolls in its own transaction", async () => {
    const course = await publishedCourse(t, owner, admin, {
      title: "Paid Course",
      price: { amount: 4900, currency: "EUR" },
    });
    const student = await t.createUser("student");
    const refused = await t.as(student).post(`/api/courses/${course.id}/enroll`);
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ status: 402, price: { amount: 4900, currency: "EUR" } });
    expect(refused.body.detail).toContain("€49.00");

    const service = t.lectern.services.get("courses");
    // A payment whose transaction fails enrolls no one.
    await expect(
      t.lectern.db.transaction(async (tx) => {
        await service.enroll(tx, { userId: student.id, courseId: course.id });
        throw new Error("the payment write failed");
      }),
    ).rejects.toThrow("the payment write failed");
    expect((await t.as(student).get("/api/me/enrollments")).body.items).toHaveLength(0);

    const result = await t.lectern.db.transaction((tx) =>
      service.enroll(tx, { userId: student.id, courseId: course.id }),
    );
    expect(result.created).toBe(true);
    const twice = await t.lectern.db.transaction((tx) =>
      service.enroll(tx, { userId: student.id, courseId: course.id }),
    );
    expect(twice).toEqual({ enrollment: result.enrollment, created: false });
    const again = await t.as(student).post(`/api/courses/${course.id}/enroll`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(result.enrollment.id);
    expect((await t.as(student).delete(`/api/courses/${course.id}/enroll`)).status).toBe(409);
  });

  it("simultaneous enroll requests make one enrollment", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Rush Course" });
    const student = await t.createUser("student");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => t.as(student).post(`/api/courses/${course.id}/enroll`)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await t.anonymous.get(`/api/courses/${course.id}`)).body.enrolledCount).toBe(1);
  });

  it("unpublished courses take no enrollments", async () => {
    const draft = await t.as(owner).post("/api/courses", { title: "Not Yet", level: "beginner" });
    const student = await t.createUser("student");
    expect((await t.as(student).post(`/api/courses/${draft.body.id}/enroll`)).status).toBe(404);
    await expect(
      t.lectern.db.transaction((tx) =>
        t.lectern.services.get("courses").enroll(tx, { userId: student.id, courseId: draft.body.id }),
      ),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("a student leaves a free course and may come back to the same enrollment", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Leave And Return" });
    const student = await t.createUser("student");
    const enrolled = await t.as(student).post(`/api/courses/${course.id}/enroll`);
    const left = await t.as(student).delete(`/api/courses/${course.id}/enroll`);
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ id: enrolled.body.id, status: "cancelled" });
    expect((await t.anonymous.get(`/api/courses/${course.id}`)).body.enrolledCount).toBe(0);
    expect(await events("enrollment.cancelled")).toContainEqual({
      enrollmentId: enrolled.body.id,
      courseId: course.id,
      userId: student.id,
    });

    const back = await t.as(student).post(`/api/courses/${course.id}/enroll`);
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ id: enrolled.body.id, status: "active" });
    expect((await t.anonymous.get(`/api/courses/${course.id}`)).body.enrolledCount).toBe(1);
    const stranger = await t.createUser("student");
    expect((await t.as(stranger).delete(`/api/courses/${course.id}/enroll`)).status).toBe(404);
  });
});

describe("progress and completion", () => {
  it("progress is completed over required materials; course.completed is emitted once", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Progress Course" });
    const [m1, m2] = [await addPdf(course.id, "One"), await addPdf(course.id, "Two")];
    const optional = await addPdf(course.id, "Extra", false);
    const student = await t.createUser("student");
    await t.as(student).post(`/api/courses/${course.id}/enroll`);

    const first = await t.as(student).post(`/api/materials/${m1}/complete`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ progress: 0.5, status: "active" });
    expect((await t.as(student).post(`/api/materials/${optional}/complete`)).body.progress).toBe(0.5);
    expect((await t.as(student).post(`/api/materials/${m1}/complete`)).body.progress).toBe(0.5);

    t.clock.advance(60_000);
    const done = await t.as(student).post(`/api/materials/${m2}/complete`);
    expect(done.body).toMatchObject({
      progress: 1,
      status: "completed",
      completedAt: t.clock.now().toISOString(),
    });
    await t.as(student).post(`/api/materials/${m2}/complete`);
    const completed = (await events("course.completed")).filter((e) => e.courseId === course.id);
    expect(completed).toEqual([
      {
        enrollmentId: done.body.id,
        courseId: course.id,
        userId: student.id,
        completedAt: t.clock.now().toISOString(),
      },
    ]);

    const mine = await t.as(student).get("/api/me/enrollments");
    expect(mine.status).toBe(200);
    expect(mine.body.items[0]).toMatchObject({
      courseId: course.id,
      status: "completed",
      progress: 1,
      course: { id: course.id, title: "Progress Course", status: "published", instructor: { id: owner.id } },
    });
    const detail = await t.as(student).get(`/api/courses/${course.id}`);
    expect(detail.body.enrollment).toMatchObject({ status: "completed" });
    expect(detail.body.outline[0].materials.map((m: { completed: boolean }) => m.completed)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("only enrolled students mark progress", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Closed Progress" });
    const material = await addPdf(course.id, "Only");
    const stranger = await t.createUser("student");
    const res = await t.as(stranger).post(`/api/materials/${material}/complete`);
    expect(res.status).toBe(403);
    expect(res.body.type).toBe("https://lectern.dev/problems/not-enrolled");
    expect((await t.as(owner).post(`/api/materials/${material}/complete`)).status).toBe(403);
    expect(
      (await t.as(stranger).post("/api/materials/00000000-0000-4000-8000-000000000000/complete")).status,
    ).toBe(404);
  });

  it("a course that requires nothing is never completed on its own", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Nothing Required" });
    const optional = await addPdf(course.id, "Optional", false);
    const student = await t.createUser("student");
    await t.as(student).post(`/api/courses/${course.id}/enroll`);
    const res = await t.as(student).post(`/api/materials/${optional}/complete`);
    expect(res.body).toMatchObject({ status: "active", progress: 0 });
    expect(await t.lectern.services.get("courses").recheckCompletion(student.id, course.id)).toMatchObject({
      status: "active",
    });
  });

  it("other plugins add requirements; recheckCompletion completes the course once they are met", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Exam Gated" });
    gatedCourses.add(course.id);
    const material = await addPdf(course.id, "Reading");
    const student = await t.createUser("student");
    await t.as(student).post(`/api/courses/${course.id}/enroll`);
    const read = await t.as(student).post(`/api/materials/${material}/complete`);
    // The exam is the other half of what completion asks: never "100%" while it is unmet.
    expect(read.body).toMatchObject({ progress: 0.5, status: "active" });

    passed.add(`${student.id}:${course.id}`);
    const service = t.lectern.services.get("courses");
    expect(await service.recheckCompletion(student.id, course.id)).toMatchObject({
      status: "completed",
      progress: 1,
    });
    await service.recheckCompletion(student.id, course.id);
    expect((await events("course.completed")).filter((e) => e.courseId === course.id)).toHaveLength(1);

    // A course with only an exam (no required material) completes on the exam alone.
    const examOnly = await publishedCourse(t, owner, admin, { title: "Exam Only" });
    gatedCourses.add(examOnly.id);
    await t.as(student).post(`/api/courses/${examOnly.id}/enroll`);
    expect(await service.recheckCompletion(student.id, examOnly.id)).toMatchObject({ status: "active" });
    passed.add(`${student.id}:${examOnly.id}`);
    expect(await service.recheckCompletion(student.id, examOnly.id)).toMatchObject({ status: "completed" });
  });
});

describe("the instructor's students and the admin's student database", () => {
  let courseId: string;
  let early: TestUser;
  let late: TestUser;
  beforeAll(async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Roster Course" });
    courseId = course.id;
    const material = await addPdf(courseId, "Roster reading");
    await addPdf(courseId, "Roster reading 2");
    early = await t.createUser("student", { name: "Early Bird", email: "early@example.com" });
    late = await t.createUser("student", { name: "Late Comer", email: "late@example.com" });
    await t.as(early).post(`/api/courses/${courseId}/enroll`);
    await t.as(early).post(`/api/materials/${material}/complete`);
    t.clock.advance(3 * 86_400_000);
    await t.as(late).post(`/api/courses/${courseId}/enroll`);
  });

  it("the owner and admins see each student with progress; others cannot", async () => {
    const res = await t.as(owner).get(`/api/courses/${courseId}/students`);
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((s: { user: { name: string }; enrollment: { progress: number } }) => [
        s.user.name,
        s.enrollment.progress,
      ]),
    ).toEqual([
      ["Early Bird", 0.5],
      ["Late Comer", 0],
    ]);
    expect((await t.as(admin).get(`/api/courses/${courseId}/students`)).status).toBe(200);
    expect((await t.as(otherInstructor).get(`/api/courses/${courseId}/students`)).status).toBe(404);
    expect((await t.as(early).get(`/api/courses/${courseId}/students`)).status).toBe(403);
    const paged = await t.as(owner).get(`/api/courses/${courseId}/students?limit=1`);
    const next = await t
      .as(owner)
      .get(`/api/courses/${courseId}/students?limit=1&cursor=${paged.body.nextCursor}`);
    expect([paged.body.items[0].user.name, next.body.items[0].user.name]).toEqual([
      "Early Bird",
      "Late Comer",
    ]);
  });

  it("admins filter users by course and by when they enrolled", async () => {
    const byCourse = await t.as(admin).get(`/api/admin/users?role=student&course=${courseId}`);
    expect(byCourse.status).toBe(200);
    expect(byCourse.body.items.map((u: { email: string }) => u.email).sort()).toEqual([
      "early@example.com",
      "late@example.com",
    ]);
    const cutoff = new Date(t.clock.now().getTime() - 86_400_000).toISOString();
    const after = await t.as(admin).get(`/api/admin/users?course=${courseId}&enrolledAfter=${cutoff}`);
    expect(after.body.items.map((u: { email: string }) => u.email)).toEqual(["late@example.com"]);
    const before = await t
      .as(admin)
      .get(`/api/admin/users?course=${courseId}&enrolledBefore=${cutoff}&search=early`);
    expect(before.body.items.map((u: { email: string }) => u.email)).toEqual(["early@example.com"]);
    expect((await t.as(admin).get("/api/admin/users?course=not-a-uuid")).status).toBe(422);
  });
});
