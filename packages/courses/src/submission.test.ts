import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courseBody, form } from "./test-helpers.js";

let t: TestLectern;
let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses({ submitChecklist: true })] });
  owner = await t.createUser("instructor");
  admin = await t.createUser("admin");
});
afterAll(() => t.close());

const paths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path).sort();

describe("the pre-submission checklist", () => {
  it("refuses a course without a description or a section holding a material, naming each gap", async () => {
    const created = await t.as(owner).post("/api/courses", courseBody({ description: "  " }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const submit = (body?: unknown) => t.as(owner).post(`/api/courses/${id}/submit`, body);

    let res = await submit();
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(paths(res.body)).toEqual(["description", "sections"]);

    // A material outside every section, and an empty section, are not yet an outline.
    expect(
      (
        await t
          .as(owner)
          .post(
            `/api/courses/${id}/materials`,
            form({ title: "Loose link", kind: "link", url: "https://example.com/loose" }),
          )
      ).status,
    ).toBe(201);
    const section = await t.as(owner).post(`/api/courses/${id}/sections`, { title: "Week 1" });
    expect(section.status).toBe(201);
    expect(
      (await t.as(owner).patch(`/api/courses/${id}`, { description: "What you will learn." })).status,
    ).toBe(200);
    res = await submit({});
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(["sections"]);
    expect((await t.as(owner).get(`/api/courses/${id}`)).body.status).toBe("draft");

    const material = await t.as(owner).post(
      `/api/courses/${id}/materials`,
      form({
        title: "Week 1 link",
        kind: "link",
        url: "https://example.com/w1",
        sectionId: section.body.id,
      }),
    );
    expect(material.status).toBe(201);
    res = await submit();
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("pending");
    expect((await t.as(admin).post(`/api/admin/courses/${id}/approve`)).status).toBe(200);
  });

  it("checks the owner first: someone else's course is not found, ready or not", async () => {
    const created = await t.as(owner).post("/api/courses", courseBody());
    const other = await t.createUser("instructor");
    expect((await t.as(other).post(`/api/courses/${created.body.id}/submit`)).status).toBe(404);
    const student = await t.createUser("student");
    expect((await t.as(student).post(`/api/courses/${created.body.id}/submit`)).status).toBe(403);
  });

  it("refuses an exclusion list that is not a list of ids", async () => {
    const created = await t.as(owner).post("/api/courses", courseBody());
    const res = await t.as(owner).post(`/api/courses/${created.body.id}/submit`, { exclude: ["x"] });
    expect(res.status).toBe(422);
    expect(paths(res.body)[0]).toMatch(/^exclude/);
  });
});

describe("without the checklist option", () => {
  it("submits a bare draft as before", async () => {
    const plain = await createTestLectern({ plugins: [courses()] });
    try {
      const instructor = await plain.createUser("instructor");
      const created = await plain.as(instructor).post("/api/courses", courseBody({ description: "" }));
      const res = await plain.as(instructor).post(`/api/courses/${created.body.id}/submit`);
      expect(res.status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
