import type { TestLectern, TestUser } from "@lectern/core/testing";
import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { expect } from "vitest";
import { type RecommendationsOptions, recommendations } from "./index.js";

/** Test helpers shared by this package's test files (not exported from the package). */

export async function recsLectern(options: RecommendationsOptions = {}) {
  return createTestLectern({
    plugins: [recommendations(options), exams(), courses()],
    now: "2026-03-02T09:00:00Z",
  });
}

export interface CourseFixture {
  id: string;
  title: string;
  materialId: string;
}

/** A published course with one required link material (so completing it completes the course). */
export async function publishedCourse(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  fields: {
    title: string;
    tags?: string[];
    level?: string;
    summary?: string;
    price?: { amount: number; currency: string };
  },
): Promise<CourseFixture> {
  const created = await t.as(instructor).post("/api/courses", {
    summary: `About ${fields.title}.`,
    description: "",
    tags: [],
    level: "beginner",
    ...fields,
  });
  expect(created.status).toBe(201);
  const material = await t.as(instructor).post(`/api/courses/${created.body.id}/materials`, {
    title: "Reading",
    kind: "link",
    url: "https://example.com/reading",
  });
  expect(material.status).toBe(201);
  expect((await t.as(instructor).post(`/api/courses/${created.body.id}/submit`)).status).toBe(200);
  expect((await t.as(admin).post(`/api/admin/courses/${created.body.id}/approve`)).status).toBe(200);
  return { id: created.body.id, title: created.body.title, materialId: material.body.id };
}

export async function enroll(t: TestLectern, student: TestUser, course: CourseFixture) {
  const res = await t.as(student).post(`/api/courses/${course.id}/enroll`);
  expect(res.status).toBe(201);
}

export async function complete(t: TestLectern, student: TestUser, course: CourseFixture) {
  await enroll(t, student, course);
  const res = await t.as(student).post(`/api/materials/${course.materialId}/complete`);
  expect(res.status).toBe(200);
  expect(res.body.status).toBe("completed");
}

export function recommendations$(t: TestLectern) {
  return t.lectern.services.get("recommendations");
}
