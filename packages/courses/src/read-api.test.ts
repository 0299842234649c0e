import { definePlugin, type InferOptions, rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courseWithStudent, enrollStudent } from "./testing.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses()], now: "2030-02-01T09:00:00Z" });
});
afterAll(() => t.close());

describe("the read API other plugins use", () => {
  it("answers enrollment questions with one definition of enrolled", async () => {
    const { course, instructor, admin, student } = await courseWithStudent(t, { title: "Read API" });
    const other = await t.createUser("instructor");
    const stranger = await t.createUser("student");
    const api = t.lectern.services.get("courses");
    const db = t.lectern.db;

    expect(await api.isEnrolled(db, { courseId: course.id, userId: student.id })).toBe(true);
    expect(await api.isEnrolled(db, { courseId: course.id, userId: stranger.id })).toBe(false);
    expect(await api.enrollmentOf(db, { courseId: course.id, userId: stranger.id })).toBeNull();
    expect(await api.enrollmentOf(db, { courseId: course.id, userId: student.id })).toMatchObject({
      courseId: course.id,
      userId: student.id,
      status: "active",
    });

    expect(await api.canManage(db, { courseId: course.id, user: instructor })).toBe(true);
    expect(await api.canManage(db, { courseId: course.id, user: admin })).toBe(true);
    expect(await api.canManage(db, { courseId: course.id, user: other })).toBe(false);
    expect(await api.canManage(db, { courseId: crypto.randomUUID(), user: admin })).toBe(false);

    t.clock.advance(60_000);
    const second = await enrollStudent(t, course.id);
    expect((await api.activeStudents(db, course.id)).map((s) => s.userId)).toEqual([student.id, second.id]);

    const summaries = await api.courseSummaries(db, [course.id, crypto.randomUUID(), "not-a-uuid"]);
    expect([...summaries.values()]).toEqual([
      {
        id: course.id,
        slug: course.slug,
        title: "Read API",
        status: "published",
        instructorId: instructor.id,
        price: null,
      },
    ]);

    // Cancelling ends access, emits the event once, and a second call changes nothing.
    const cancelled = await db.transaction((tx) =>
      api.cancelEnrollment(tx, { courseId: course.id, userId: second.id, reason: "refunded" }),
    );
    expect(cancelled?.status).toBe("cancelled");
    await db.transaction((tx) =>
      api.cancelEnrollment(tx, { courseId: course.id, userId: second.id, reason: "refunded" }),
    );
    expect(await api.isEnrolled(db, { courseId: course.id, userId: second.id })).toBe(false);
    expect((await api.activeStudents(db, course.id)).map((s) => s.userId)).toEqual([student.id]);
    const events = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from lectern_events where name = 'enrollment.cancelled' and payload->>'userId' = ${second.id}`,
      ),
    );
    expect(events[0]?.n).toBe(1);
    expect(
      await db.transaction((tx) =>
        api.cancelEnrollment(tx, { courseId: course.id, userId: stranger.id, reason: "none" }),
      ),
    ).toBeNull();

    // The view reports join on says the same.
    const view = rowsOf<{ user_id: string; status: string; progress: number }>(
      await db.execute(
        sql`select user_id, status, progress from courses_enrollments_v where course_id = ${course.id} order by enrolled_at`,
      ),
    );
    expect(view).toEqual([
      { user_id: student.id, status: "active", progress: 0 },
      { user_id: second.id, status: "cancelled", progress: 0 },
    ]);
  });
});

describe("the plugin's types", () => {
  it("check the service against LecternServices and infer the options", () => {
    const wrong = () =>
      definePlugin({
        id: "courses",
        version: "0.0.0",
        coreRange: "*",
        // @ts-expect-error services must return what LecternServices declares for "courses"
        services: () => ({ nothing: true }),
      });
    const limits: InferOptions<typeof courses>["limits"] = {
      video: 1,
      pdf: 1,
      document: 1,
      cover: 1,
      captions: 1,
    };
    expect(typeof wrong).toBe("function");
    expect(limits.video).toBe(1);
  });
});
