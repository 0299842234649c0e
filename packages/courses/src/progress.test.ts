import { definePlugin, rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf } from "./demo-files.js";
import { courses } from "./index.js";
import { form, publishedCourse } from "./test-helpers.js";

/** Stands in for the exams plugin: per course, how many exams there are; per student, how many passed. */
const examsIn = new Map<string, number>();
const passedBy = new Map<string, number>();
const fakeExams = definePlugin({
  id: "fake-exams",
  version: "0.0.0",
  coreRange: "*",
  dependsOn: ["courses"],
  contributes: () => {
    const tally = async (_tx: unknown, { userId, courseId }: { userId: string; courseId: string }) => ({
      required: examsIn.get(courseId) ?? 0,
      met: passedBy.get(`${userId}:${courseId}`) ?? 0,
    });
    return {
      "courses.completionRules": {
        name: "fake-exams.passed",
        evaluate: async (tx, input) => {
          const { required, met } = await tally(tx, input);
          return required === 0 ? "none" : met === required ? "met" : "unmet";
        },
        tally,
      },
    };
  },
});

let t: TestLectern;
let admin: TestUser;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [fakeExams(), courses()], now: "2030-02-01T09:00:00Z" });
  admin = await t.createUser("admin");
  owner = await t.createUser("instructor");
});
afterAll(() => t.close());

async function addPdf(courseId: string, title: string, required = true) {
  const res = await t
    .as(owner)
    .post(
      `/api/courses/${courseId}/materials`,
      form({ title, kind: "pdf", required: String(required) }, { bytes: makePdf(title), name: "r.pdf" }),
    );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** What every reader of an enrollment sees: the student's own list, the roster, and the view. */
async function seen(student: TestUser, courseId: string) {
  const mine = (await t.as(student).get("/api/me/enrollments")).body.items.find(
    (e: { courseId: string }) => e.courseId === courseId,
  );
  const roster = (await t.as(owner).get(`/api/courses/${courseId}/students`)).body.items.find(
    (s: { user: { id: string } }) => s.user.id === student.id,
  ).enrollment;
  const [view] = rowsOf<{ status: string; progress: number }>(
    await t.lectern.db.execute(
      sql`select status, progress from courses_enrollments_v where course_id = ${courseId} and user_id = ${student.id}`,
    ),
  );
  const detail = (await t.as(student).get(`/api/courses/${courseId}`)).body.enrollment;
  for (const other of [roster, view, detail]) {
    expect({ status: other.status, progress: other.progress }).toEqual({
      status: mine.status,
      progress: mine.progress,
    });
  }
  return { status: mine.status as string, progress: mine.progress as number };
}

/** The invariant: 100% exactly when completed. */
function agrees(e: { status: string; progress: number }) {
  if (e.status === "completed") expect(e.progress).toBe(1);
  else expect(e.progress).toBeLessThan(1);
}

describe("progress counts exactly what completion counts", () => {
  it("counts required materials only, and each exam as an item; 100% only once completed", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Counted Course" });
    examsIn.set(course.id, 2);
    const [first, second] = [await addPdf(course.id, "One"), await addPdf(course.id, "Two")];
    const optional = await addPdf(course.id, "Extra", false);
    const student = await t.createUser("student");
    await t.as(student).post(`/api/courses/${course.id}/enroll`);

    // An optional material is not a requirement: ticking it moves nothing.
    await t.as(student).post(`/api/materials/${optional}/complete`);
    expect(await seen(student, course.id)).toEqual({ status: "active", progress: 0 });
    await t.as(student).post(`/api/materials/${first}/complete`);
    await t.as(student).post(`/api/materials/${second}/complete`);
    // Both materials of four requirements (two materials, two exams): half, not "100%".
    expect(await seen(student, course.id)).toEqual({ status: "active", progress: 0.5 });

    const service = t.lectern.services.get("courses");
    passedBy.set(`${student.id}:${course.id}`, 1);
    expect(await service.recheckCompletion(student.id, course.id)).toMatchObject({ progress: 0.75 });
    expect(await seen(student, course.id)).toEqual({ status: "active", progress: 0.75 });
    passedBy.set(`${student.id}:${course.id}`, 2);
    expect(await service.recheckCompletion(student.id, course.id)).toMatchObject({
      status: "completed",
      progress: 1,
    });
    expect(await seen(student, course.id)).toEqual({ status: "completed", progress: 1 });
  });

  it("follows the course's requirements as they change: added, made optional, removed", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Changing Course" });
    const [first, second] = [await addPdf(course.id, "One"), await addPdf(course.id, "Two")];
    const finisher = await t.createUser("student");
    const halfway = await t.createUser("student");
    for (const s of [finisher, halfway]) await t.as(s).post(`/api/courses/${course.id}/enroll`);
    for (const m of [first, second]) await t.as(finisher).post(`/api/materials/${m}/complete`);
    await t.as(halfway).post(`/api/materials/${first}/complete`);
    expect(await seen(finisher, course.id)).toEqual({ status: "completed", progress: 1 });
    expect(await seen(halfway, course.id)).toEqual({ status: "active", progress: 0.5 });

    // A new required material: the finished one keeps the course; the other has more to do.
    const third = await addPdf(course.id, "Three");
    expect(await seen(finisher, course.id)).toEqual({ status: "completed", progress: 1 });
    expect((await seen(halfway, course.id)).progress).toBeCloseTo(1 / 3, 3);

    // Made optional: it no longer counts.
    const patched = await t.as(owner).patch(`/api/materials/${third}`, { required: false });
    expect(patched.status).toBe(200);
    expect(await seen(halfway, course.id)).toEqual({ status: "active", progress: 0.5 });

    // The one left undone goes: nothing required remains undone, so the course is completed.
    expect((await t.as(owner).delete(`/api/materials/${second}`)).status).toBe(204);
    expect(await seen(halfway, course.id)).toEqual({ status: "completed", progress: 1 });
  });

  it("a student who comes back finds what they did still counted", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Return Course" });
    examsIn.set(course.id, 1);
    const material = await addPdf(course.id, "Only reading");
    const student = await t.createUser("student");
    await t.as(student).post(`/api/courses/${course.id}/enroll`);
    await t.as(student).post(`/api/materials/${material}/complete`);
    expect((await t.as(student).delete(`/api/courses/${course.id}/enroll`)).status).toBe(200);
    passedBy.set(`${student.id}:${course.id}`, 0);
    await t.as(student).post(`/api/courses/${course.id}/enroll`);
    const back = await seen(student, course.id);
    expect(back).toEqual({ status: "active", progress: 0.5 });
    agrees(back);
  });

  it("never shows 100% while active, however many requirements a course has", async () => {
    const course = await publishedCourse(t, owner, admin, { title: "Long Course" });
    examsIn.set(course.id, 1);
    const student = await t.createUser("student");
    await t.as(student).post(`/api/courses/${course.id}/enroll`);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await addPdf(course.id, `Part ${i + 1}`));
    for (const id of ids) {
      await t.as(student).post(`/api/materials/${id}/complete`);
      agrees(await seen(student, course.id));
    }
    expect(await seen(student, course.id)).toEqual({ status: "active", progress: 0.75 });
  });
});
