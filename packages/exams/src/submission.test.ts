import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exams } from "./index.js";
import { examBody } from "./test-helpers.js";

let t: TestLectern;
let owner: TestUser;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [exams(), courses({ submitChecklist: true })] });
  owner = await t.createUser("instructor");
});
afterAll(() => t.close());

/** A draft course with a description and a section holding a link: ready, exams aside. */
async function readyCourse() {
  const course = await t.as(owner).post("/api/courses", {
    title: `Checklist ${Math.random().toString(36).slice(2, 8)}`,
    summary: "A course to submit.",
    description: "What you will learn.",
    tags: [],
    level: "beginner",
  });
  const section = await t.as(owner).post(`/api/courses/${course.body.id}/sections`, { title: "Week 1" });
  const data = new FormData();
  for (const [k, v] of Object.entries({
    title: "Reading",
    kind: "link",
    url: "https://example.com/r",
    sectionId: section.body.id,
  }))
    data.append(k, v);
  expect((await t.as(owner).post(`/api/courses/${course.body.id}/materials`, data)).status).toBe(201);
  return course.body.id as string;
}

describe("exams in the pre-submission checklist", () => {
  it("names each draft exam until it is published or explicitly left out", async () => {
    const id = await readyCourse();
    const quiz = await t.as(owner).post(`/api/courses/${id}/exams`, examBody({ title: "Quiz 1" }));
    const final = await t.as(owner).post(`/api/courses/${id}/exams`, examBody({ title: "Final" }));
    expect([quiz.status, final.status]).toEqual([201, 201]);

    let res = await t.as(owner).post(`/api/courses/${id}/submit`);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      [`exams.${quiz.body.id}`, `exams.${final.body.id}`].sort(),
    );
    expect(res.body.errors.map((e: { message: string }) => e.message).join(" ")).toContain("“Quiz 1”");

    expect((await t.as(owner).post(`/api/exams/${final.body.id}/publish`)).status).toBe(200);
    res = await t.as(owner).post(`/api/courses/${id}/submit`, { exclude: [] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].path).toBe(`exams.${quiz.body.id}`);

    res = await t.as(owner).post(`/api/courses/${id}/submit`, { exclude: [quiz.body.id] });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("pending");
  });

  it("lets a course with no exam at all through", async () => {
    const id = await readyCourse();
    expect((await t.as(owner).post(`/api/courses/${id}/submit`)).status).toBe(200);
  });
});
