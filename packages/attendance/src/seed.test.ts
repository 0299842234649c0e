import { DEMO_PASSWORD } from "@lectern/core";
import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attendance } from "./index.js";

let t: TestLectern;

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [attendance(), liveClasses({ providers: [jitsi()] }), courses()],
    demo: true,
    now: "2026-03-02T09:00:00Z",
  });
  await t.lectern.seedDemo();
  await t.lectern.seedDemo(); // a second run adds nothing
});
afterAll(() => t?.close());

describe("the demo seed", () => {
  it("gives the demo courses past classes the demo student joined, and a weekly series ahead", async () => {
    const login = await t.anonymous.post("/api/auth/login", {
      email: "student@example.com",
      password: DEMO_PASSWORD,
    });
    const student = { token: login.body.token as string };
    const upcoming = await t.as(student).get("/api/me/live-classes?limit=100");
    expect(upcoming.body.items).toHaveLength(16);
    const instructorLogin = await t.anonymous.post("/api/auth/login", {
      email: "instructor@example.com",
      password: DEMO_PASSWORD,
    });
    const instructor = { token: instructorLogin.body.token as string };
    const courseId = upcoming.body.items[0].courseId;
    const schedule = await t.as(instructor).get(`/api/courses/${courseId}/live-classes?limit=100`);
    const past = schedule.body.items.filter((c: { status: string }) => c.status === "ended");
    expect(past).toHaveLength(4);
    const first = await t.as(instructor).get(`/api/live-classes/${past[0].id}/attendance`);
    // The demo student joined; the seeded learners of the course did not.
    const roll = first.body.items.map((i: { user: { name: string }; status: string }) => [
      i.user.name,
      i.status,
    ]);
    expect(roll).toContainEqual(["Sofia Student", "present"]);
    for (const [name, status] of roll) if (name !== "Sofia Student") expect(status).toBe("absent");
    // Enrolled at the start of term, so the seeded classes count: 3 of 4 and 2 of 4.
    const mine = await t.as(student).get("/api/me/attendance");
    expect(mine.body.rate).toBe(5 / 8);
    // A month of days on campus, for the institution's chart; the seed's second run added none.
    expect(mine.body.days.length).toBeGreaterThan(12);
    expect(mine.body.days.length).toBeLessThanOrEqual(31);
    const held = mine.body.courses.filter((c: { held: number }) => c.held > 0);
    expect(held.map((c: { held: number; attended: number }) => [c.held, c.attended]).sort()).toEqual([
      [4, 2],
      [4, 3],
    ]);
  });
});
