import { DEMO_PASSWORD } from "@lectern/core";
import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courses as coursesTable } from "./schema.js";
import { DEMO_COURSES } from "./seed.js";

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

    await t.lectern.seedDemo();
    expect(await t.lectern.db.$count(coursesTable)).toBe(12);
    expect((await t.as(student).get("/api/me/enrollments")).body.items).toHaveLength(mine.body.items.length);
  });
});
