import { randomUUID } from "node:crypto";
import { authorizationMatrix, type TestLectern, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CourseFixture,
  complete,
  enroll,
  publishedCourse,
  recommendations$,
  recsLectern,
} from "./test-helpers.js";

interface Item {
  course: { id: string; title: string };
  score: number;
  reasons: string[];
}

describe("recommendations", () => {
  let t: TestLectern;
  let admin: TestUser;
  let teacher: TestUser;
  let c: Record<string, CourseFixture>;
  let veterans: TestUser[];

  beforeAll(async () => {
    t = await recsLectern();
    admin = await t.createUser("admin");
    teacher = await t.createUser("instructor", { name: "Ada Teacher" });
    c = {
      py1: await publishedCourse(t, teacher, admin, { title: "Intro to Python", tags: ["python"] }),
      py2: await publishedCourse(t, teacher, admin, {
        title: "Python Data Analysis",
        tags: ["python", "statistics"],
        level: "intermediate",
      }),
      stats: await publishedCourse(t, teacher, admin, { title: "Statistics I", tags: ["statistics"] }),
      art: await publishedCourse(t, teacher, admin, { title: "Watercolour Basics", tags: ["art"] }),
      paid: await publishedCourse(t, teacher, admin, {
        title: "Python Masterclass",
        tags: ["python"],
        level: "advanced",
        price: { amount: 4900, currency: "USD" },
      }),
    };
    // Students who finished Python I went on to Python Data Analysis.
    veterans = [];
    for (let i = 0; i < 4; i++) {
      const s = await t.createUser("student");
      await complete(t, s, c.py1 as CourseFixture);
      t.clock.advance(60_000);
      await enroll(t, s, c.py2 as CourseFixture);
      veterans.push(s);
    }
    const artist = await t.createUser("student");
    await enroll(t, artist, c.art as CourseFixture);
    await t.drain();
    await recommendations$(t).engine.rebuild();
  });
  afterAll(() => t?.close());

  it("recommends what students who finished the same course took next, never an enrolled course", async () => {
    const student = await t.createUser("student");
    await complete(t, student, c.py1 as CourseFixture);
    await t.drain();
    const res = await t.as(student).get("/api/me/recommendations?limit=5");
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items[0]?.course.id).toBe(c.py2?.id);
    expect(items[0]?.reasons[0]).toBe("Students who finished Intro to Python often take this");
    expect(items.map((i) => i.course.id)).not.toContain(c.py1?.id);
    expect(items.every((i) => i.score > 0 && i.score <= 1 && i.reasons.length > 0)).toBe(true);
  });

  it("never offers a paid course when the institution has no way to take payment", async () => {
    const student = await t.createUser("student");
    await complete(t, student, c.py1 as CourseFixture);
    await t.drain();
    const items = (await t.as(student).get("/api/me/recommendations?limit=20")).body.items as Item[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.course.id)).not.toContain(c.paid?.id);
  });

  it("drops a course at once when the student enrols, and refreshes the list by a job", async () => {
    const student = await t.createUser("student");
    await complete(t, student, c.py1 as CourseFixture);
    await t.drain();
    await enroll(t, student, c.py2 as CourseFixture);
    // Before the job runs, the stored list still holds it: the read filters it out.
    const before = (await t.as(student).get("/api/me/recommendations")).body.items as Item[];
    expect(before.map((i) => i.course.id)).not.toContain(c.py2?.id);
    await t.drain();
    const after = (await t.as(student).get("/api/me/recommendations")).body.items as Item[];
    expect(after.map((i) => i.course.id)).not.toContain(c.py2?.id);
  });

  it("starts a student with no history from their interests, else from what is popular and completed", async () => {
    const fresh = await t.createUser("student");
    const popular = (await t.as(fresh).get("/api/me/recommendations")).body.items as Item[];
    expect(popular[0]?.course.id).toBe(c.py1?.id);
    expect(popular[0]?.reasons).toEqual(["Popular with students, and most who start it finish"]);

    const put = await t.as(fresh).put("/api/me/interests", { tags: [" Art "] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ tags: ["art"] });
    expect((await t.as(fresh).get("/api/me/interests")).body).toEqual({ tags: ["art"] });
    await t.drain();
    const items = (await t.as(fresh).get("/api/me/recommendations")).body.items as Item[];
    expect(items[0]?.course.id).toBe(c.art?.id);
    expect(items[0]?.reasons).toContain("Matches your interest in art");
  });

  it("refuses a limit outside 1–20 and bad interests with problem+json, storing nothing", async () => {
    const student = await t.createUser("student");
    for (const limit of ["0", "21", "abc", "2.5"]) {
      const res = await t.as(student).get(`/api/me/recommendations?limit=${limit}`);
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await t.as(student).get("/api/me/recommendations?limit=20")).status).toBe(200);
    expect((await t.as(student).put("/api/me/interests", { tags: ["ok"] })).status).toBe(200);
    expect((await t.as(student).put("/api/me/interests", { tags: ["bad\u0000tag"] })).status).toBe(422);
    expect((await t.as(student).put("/api/me/interests", { tags: "art" })).status).toBe(422);
    expect((await t.as(student).get("/api/me/interests")).body).toEqual({ tags: ["ok"] });
  });

  it("keeps serving the previous lists when a rebuild fails half-way", async () => {
    const student = veterans[0] as TestUser;
    const before = (await t.as(student).get("/api/me/recommendations")).body.items as Item[];
    const service = t.lectern.services.get("courses");
    const courses = service as { listCatalog: typeof service.listCatalog };
    const original = courses.listCatalog;
    // A course that vanished between the catalogue read and the write: the write fails half-way,
    // after the old neighbours were deleted inside the transaction.
    courses.listCatalog = async (query: Parameters<typeof original>[0]) => {
      const page = await original(query);
      const ghost = { ...(page.items[0] as (typeof page.items)[number]), id: randomUUID() };
      return { ...page, items: [...page.items, ghost] };
    };
    try {
      await expect(recommendations$(t).engine.rebuild()).rejects.toThrow();
    } finally {
      courses.listCatalog = original;
    }
    const after = (await t.as(student).get("/api/me/recommendations")).body.items as Item[];
    expect(after).toEqual(before);
    expect(after.length).toBeGreaterThan(0);
  });

  it("answers only students; every route declares and enforces its access", async () => {
    expect((await t.as(teacher).get("/api/me/recommendations")).status).toBe(403);
    expect((await t.anonymous.get("/api/me/recommendations")).status).toBe(401);
    const { failures } = await authorizationMatrix(t);
    expect(failures).toEqual([]);
  });
});
