import { DEMO_PASSWORD, rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courses as coursesTable, enrollments } from "./schema.js";
import { DEMO_COURSES } from "./seed.js";
import { DEMO_WEEKS } from "./seed-learners.js";

let t: TestLectern;
const progress: [string, number, number][] = [];

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses()], demo: true });
  await t.lectern.seedDemo((plugin, done, total) => progress.push([plugin, done, total]));
});
afterAll(() => t.close());

async function signIn(email: string) {
  const res = await t.anonymous.post("/api/auth/login", { email, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  return res.body as { token: string };
}

describe("the demo seed", () => {
  it("publishes 12 courses in 4 subjects from the demo instructor, free and paid, with progress reported", async () => {
    const catalog = await t.anonymous.get("/api/courses?limit=100");
    expect(catalog.body.items).toHaveLength(12);
    expect(new Set(DEMO_COURSES.map((c) => c.subject)).size).toBe(4);
    expect(
      new Set(catalog.body.items.map((c: { instructor: { name: string } }) => c.instructor.name)),
    ).toEqual(new Set(["Ivan Instructor"]));
    const prices = catalog.body.items.map((c: { price: unknown }) => c.price);
    expect(prices.some((p: unknown) => p === null)).toBe(true);
    expect(prices.some((p: unknown) => p !== null)).toBe(true);
    expect(progress.filter(([plugin]) => plugin === "courses").at(-1)).toEqual(["courses", 12, 12]);
    expect((await t.anonymous.get("/api/courses?search=python")).body.items.length).toBeGreaterThanOrEqual(2);
  });

  it("gives each course sections with a real PDF and a playable WAV", async () => {
    const instructor = await signIn("instructor@example.com");
    const [first] = (await t.anonymous.get("/api/courses?search=python%20beginners")).body.items;
    const detail = await t.as(instructor).get(`/api/courses/${first.id}`);
    expect(detail.body.outline).toHaveLength(2);
    const files = detail.body.outline.flatMap(
      (s: { materials: { kind: string; url: string }[] }) => s.materials,
    );
    const pdf = await t.as(instructor).get(files.find((m: { kind: string }) => m.kind === "pdf").url);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.body.toString("latin1")).toMatch(/startxref\n\d+\n%%EOF\n$/);
    const wav = await t.as(instructor).get(files.find((m: { kind: string }) => m.kind === "video").url);
    expect(wav.headers.get("content-type")).toBe("audio/wav");
    expect(wav.body.subarray(8, 12).toString()).toBe("WAVE");
  });

  it("enrolls the demo student, with some progress, and is safe to run twice", async () => {
    const student = await signIn("student@example.com");
    const mine = await t.as(student).get("/api/me/enrollments");
    expect(mine.body.items.length).toBeGreaterThanOrEqual(3);
    expect(mine.body.items.some((e: { course: { price: unknown } }) => e.course.price !== null)).toBe(true);
    expect(mine.body.items.every((e: { progress: number }) => e.progress > 0 && e.progress < 1)).toBe(true);

    const before = await t.lectern.db.$count(enrollments);
    await t.lectern.seedDemo();
    expect(await t.lectern.db.$count(coursesTable)).toBe(12);
    expect(await t.lectern.db.$count(enrollments)).toBe(before);
    expect((await t.as(student).get("/api/me/enrollments")).body.items).toHaveLength(mine.body.items.length);
  });

  it("spreads enrollments over the last twelve weeks, more of them recent, with some completed", async () => {
    const now = t.clock.now().getTime();
    const rows = rowsOf<{
      enrolled_at: string | Date;
      status: string;
      progress: number;
      completed_at: string | Date | null;
    }>(
      await t.lectern.db.execute(
        sql`select enrolled_at, status, progress, completed_at from courses_enrollments_v`,
      ),
    );
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const weeksAgo = rows.map((r) =>
      Math.floor((now - new Date(r.enrolled_at).getTime()) / (7 * 86_400_000)),
    );
    expect(Math.max(...weeksAgo)).toBeLessThan(DEMO_WEEKS);
    expect(Math.min(...weeksAgo)).toBeGreaterThanOrEqual(0);
    // A shape, not one bar: most of the twelve weeks have enrollments, and the last month has the most.
    expect(new Set(weeksAgo).size).toBeGreaterThanOrEqual(8);
    const recent = weeksAgo.filter((w) => w < 4).length;
    const early = weeksAgo.filter((w) => w >= 8).length;
    expect(recent).toBeGreaterThan(early);
    // The learners' accounts date from their first enrollment: new students spread over the weeks too.
    const joined = rowsOf<{ created_at: string | Date }>(
      await t.lectern.db.execute(sql`select created_at from lectern_users where email like 'learner%'`),
    ).map((r) => Math.floor((now - new Date(r.created_at).getTime()) / (7 * 86_400_000)));
    expect(joined.length).toBe(16);
    expect(Math.max(...joined)).toBeLessThan(DEMO_WEEKS);
    expect(new Set(joined).size).toBeGreaterThanOrEqual(5);
    const completed = rows.filter((r) => r.status === "completed");
    expect(completed.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      // Progress and completion agree on every seeded enrollment.
      expect(r.progress === 1).toBe(r.status === "completed");
      if (r.completed_at)
        expect(new Date(r.completed_at).getTime()).toBeGreaterThan(new Date(r.enrolled_at).getTime());
    }
  });
});
