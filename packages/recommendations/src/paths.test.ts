import type { TestLectern, TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CourseFixture, complete, enroll, publishedCourse, recsLectern } from "./test-helpers.js";

describe("prerequisites and learning paths", () => {
  let t: TestLectern;
  let admin: TestUser;
  let owner: TestUser;
  let other: TestUser;
  let a1: CourseFixture;
  let a2: CourseFixture;
  let a3: CourseFixture;
  let geo: CourseFixture;
  let foreign: CourseFixture;

  beforeAll(async () => {
    t = await recsLectern();
    admin = await t.createUser("admin");
    owner = await t.createUser("instructor");
    other = await t.createUser("instructor");
    a1 = await publishedCourse(t, owner, admin, { title: "Algebra I", tags: ["algebra"] });
    a2 = await publishedCourse(t, owner, admin, {
      title: "Algebra II",
      tags: ["algebra"],
      level: "intermediate",
    });
    a3 = await publishedCourse(t, owner, admin, {
      title: "Abstract Algebra",
      tags: ["algebra"],
      level: "advanced",
    });
    geo = await publishedCourse(t, owner, admin, { title: "Geometry", tags: ["geometry"] });
    foreign = await publishedCourse(t, other, admin, { title: "Other's Course", tags: ["misc"] });
  });
  afterAll(() => t?.close());

  it("lets the owner set prerequisites that anyone can read", async () => {
    const put = await t.as(owner).put(`/api/courses/${a2.id}/prerequisites`, { courseIds: [a1.id] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ courseIds: [a1.id] });
    expect(
      (await t.as(owner).put(`/api/courses/${a3.id}/prerequisites`, { courseIds: [a2.id, geo.id] })).status,
    ).toBe(200);
    expect((await t.anonymous.get(`/api/courses/${a3.id}/prerequisites`)).body).toEqual({
      courseIds: [a2.id, geo.id],
    });
  });

  it("refuses a cycle with 422 naming it, and keeps the prerequisites as they were", async () => {
    const res = await t.as(owner).put(`/api/courses/${a1.id}/prerequisites`, { courseIds: [a3.id] });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.detail).toBe(
      "These prerequisites would make a cycle: Algebra I → Abstract Algebra → Algebra II → Algebra I.",
    );
    expect((await t.anonymous.get(`/api/courses/${a1.id}/prerequisites`)).body).toEqual({ courseIds: [] });
    const self = await t.as(owner).put(`/api/courses/${a1.id}/prerequisites`, { courseIds: [a1.id] });
    expect(self.status).toBe(422);
  });

  it("answers 404 to another instructor, 403 to a student, 422 to unknown or malformed ids", async () => {
    expect((await t.as(other).put(`/api/courses/${a1.id}/prerequisites`, { courseIds: [] })).status).toBe(
      404,
    );
    const student = await t.createUser("student");
    expect((await t.as(student).put(`/api/courses/${a1.id}/prerequisites`, { courseIds: [] })).status).toBe(
      403,
    );
    const unknown = await t.as(owner).put(`/api/courses/${a1.id}/prerequisites`, {
      courseIds: ["00000000-0000-4000-8000-000000000000"],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe("courseIds.0");
    expect(
      (await t.as(owner).put(`/api/courses/${a1.id}/prerequisites`, { courseIds: ["nope"] })).status,
    ).toBe(422);
    expect(
      (await t.as(admin).put(`/api/courses/${foreign.id}/prerequisites`, { courseIds: [a1.id] })).status,
    ).toBe(200);
    expect(
      (await t.as(admin).put(`/api/courses/${foreign.id}/prerequisites`, { courseIds: [] })).status,
    ).toBe(200);
  });

  it("orders a path to a course by prerequisites then level, skipping what the student completed", async () => {
    const student = await t.createUser("student");
    const path = await t.as(student).get(`/api/me/learning-path?goal=${a3.id}`);
    expect(path.status).toBe(200);
    expect(path.body.steps.map((s: { course: { title: string } }) => s.course.title)).toEqual([
      "Algebra I",
      "Geometry",
      "Algebra II",
      "Abstract Algebra",
    ]);
    expect(path.body.steps.map((s: { reason: string }) => s.reason)).toEqual([
      "Needed before Algebra II",
      "Needed before Abstract Algebra",
      "Needed before Abstract Algebra",
      "Your goal",
    ]);
    await complete(t, student, a1);
    await enroll(t, student, a2);
    const after = await t.as(student).get(`/api/me/learning-path?goal=${a3.id}`);
    expect(
      after.body.steps.map((s: { course: { title: string }; reason: string }) => [s.course.title, s.reason]),
    ).toEqual([
      ["Geometry", "Needed before Abstract Algebra"],
      ["Algebra II", "You are taking this now; it comes before Abstract Algebra"],
      ["Abstract Algebra", "Your goal"],
    ]);
  });

  it("builds a path to a tag, and answers 404 to an unknown goal", async () => {
    const student = await t.createUser("student");
    const path = await t.as(student).get("/api/me/learning-path?goal=Algebra");
    expect(path.status).toBe(200);
    expect(path.body.steps.map((s: { course: { title: string } }) => s.course.title)).toEqual([
      "Algebra I",
      "Geometry",
      "Algebra II",
      "Abstract Algebra",
    ]);
    expect(path.body.steps[0].reason).toBe("Covers algebra at beginner level");
    for (const goal of ["knitting", "00000000-0000-4000-8000-000000000000"]) {
      const res = await t.as(student).get(`/api/me/learning-path?goal=${goal}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await t.as(student).get("/api/me/learning-path")).status).toBe(422);
    expect((await t.as(student).get("/api/me/learning-path?goal=%01x")).status).toBe(422);
  });
});
