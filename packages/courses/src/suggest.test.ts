import { rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { similarity } from "./service/suggest.js";
import { publishedCourse } from "./testing.js";

// PostgreSQL when LECTERN_TEST_DATABASE_URL names a server (pg_trgm), embedded PGlite otherwise
// (no pg_trgm: the fallback). The same answers are expected from both.
const onServer = Boolean(process.env.LECTERN_TEST_DATABASE_URL);

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses()], now: "2030-02-01T09:00:00Z" });
  const admin = await t.createUser("admin");
  const teacher = await t.createUser("instructor", { name: "Search Teacher" });
  await publishedCourse(t, teacher, admin, { title: "Python for Everyone", tags: ["python", "programming"] });
  await publishedCourse(t, teacher, admin, { title: "Statistics You Can Use", tags: ["data-science"] });
  const draft = await t.as(teacher).post("/api/courses", {
    title: "Xylophone Workshop",
    summary: "Unpublished.",
    tags: ["music"],
  });
  expect(draft.status).toBe(201);
});
afterAll(() => t.close());

const catalog = (search: string) => t.anonymous.get(`/api/courses?search=${encodeURIComponent(search)}`);

describe(`"did you mean" on ${onServer ? "PostgreSQL (pg_trgm)" : "PGlite (fallback)"}`, () => {
  it("uses pg_trgm where the database has it and the fallback otherwise", async () => {
    const service = t.lectern.services.get("courses");
    expect(await service.trigramAvailable()).toBe(onServer);
  });

  it("corrects a typo from the published titles' and tags' words, word by word", async () => {
    const typo = await catalog("pyhton");
    expect(typo.status).toBe(200);
    expect(typo.body.items).toEqual([]);
    expect(typo.body.suggestion).toBe("python");
    // Known words stay; only the misspelt one changes.
    expect((await catalog("statistcs for")).body.suggestion).toBe("statistics for");
    expect((await catalog("Pyhton Statistcs")).body.suggestion).toBe("python statistics");
  });

  it("suggests nothing when nothing is close, from drafts, or when the search found courses", async () => {
    expect((await catalog("qqqqzzzz")).body.suggestion).toBeNull();
    // The draft's words are not the catalog's.
    expect((await catalog("xylophon")).body.suggestion).toBeNull();
    const found = await catalog("python");
    expect(found.body.items.map((c: { title: string }) => c.title)).toEqual(["Python for Everyone"]);
    expect(found.body).not.toHaveProperty("suggestion");
  });

  it.runIf(onServer)("computes the same similarity as pg_trgm in its fallback", async () => {
    expect(await t.lectern.services.get("courses").trigramAvailable()).toBe(true);
    const pairs = [
      ["pyhton", "python"],
      ["statistcs", "statistics"],
      ["data", "database"],
      ["ab", "abc"],
      ["kurs", "course"],
    ];
    for (const [a, b] of pairs) {
      const [row] = rowsOf<{ s: number }>(
        await t.lectern.db.execute(sql`select similarity(${a}, ${b})::float8 as s`),
      );
      expect(similarity(a!, b!), `${a} ~ ${b}`).toBeCloseTo(Number(row!.s), 5);
    }
  });
});
