import { attendance } from "@lectern/attendance";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recommendations } from "./index.js";
import { type CourseFixture, enroll, publishedCourse, recommendations$ } from "./test-helpers.js";

interface RiskItem {
  student: { id: string; name: string };
  risk: number;
  factors: { name: string; value: number | null; contribution: number }[];
}

/** The attendance factor, read through attendance's published service when it is installed. */
describe("students at risk, with attendance installed", () => {
  let t: TestLectern;
  let owner: TestUser;
  let present: TestUser;
  let away: TestUser;
  let course: CourseFixture;

  beforeAll(async () => {
    t = await createTestLectern({
      plugins: [recommendations(), exams(), courses(), attendance(), liveClasses({ providers: [jitsi()] })],
      now: "2026-03-02T08:00:00Z",
    });
    const admin = await t.createUser("admin");
    owner = await t.createUser("instructor");
    course = await publishedCourse(t, owner, admin, { title: "Optics", tags: ["physics"] });
    present = await t.createUser("student", { name: "Pat Present" });
    away = await t.createUser("student", { name: "Al Away" });
    for (const s of [present, away]) await enroll(t, s, course);
    for (const day of ["2026-03-03", "2026-03-05"]) {
      const scheduled = await t.as(owner).post(`/api/courses/${course.id}/live-classes`, {
        title: "Lenses",
        startsAt: `${day}T09:00:00Z`,
        durationMinutes: 60,
        provider: "jitsi",
      });
      expect(scheduled.status).toBe(201);
      t.clock.set(`${day}T08:58:00Z`);
      expect((await t.as(present).get(`/api/live-classes/${scheduled.body.id}/join`)).status).toBe(302);
    }
    t.clock.set("2026-03-06T12:00:00Z");
  });
  afterAll(() => t?.close());

  const attendanceOf = (item: RiskItem) => item.factors.find((f) => f.name === "attendance")!;

  it("shows each student's share of live classes attended, and the rule it triggers", async () => {
    const res = await t.as(owner).get(`/api/courses/${course.id}/at-risk`);
    expect(res.status).toBe(200);
    const items = res.body.items as RiskItem[];
    const pat = items.find((i) => i.student.id === present.id)!;
    const al = items.find((i) => i.student.id === away.id)!;
    expect(attendanceOf(pat)).toMatchObject({ value: 1, contribution: 0 });
    // Under half the classes: the transparent rule adds 0.15, and it is all that separates them.
    expect(attendanceOf(al)).toMatchObject({ value: 0, contribution: 0.15 });
    expect(al.risk - pat.risk).toBeCloseTo(0.15);
    expect(items[0]!.student.id).toBe(away.id);
  });

  it("scores and stores the factor on schedule too", async () => {
    await recommendations$(t).atRisk.scoreCourse(course.id);
    t.clock.advance(60_000);
    const items = (await t.as(owner).get(`/api/courses/${course.id}/at-risk`)).body.items as RiskItem[];
    expect(attendanceOf(items.find((i) => i.student.id === away.id)!).value).toBe(0);
  });

  it("trains on attendance as it stood on each snapshot day, not as it ended", async () => {
    const signIn = async (user: TestUser) => {
      const login = await t.anonymous.post("/api/auth/login", { email: user.email, password: user.password });
      return { token: login.body.token as string };
    };
    // A third class, a month in: only Al comes. By then Pat had attended all, Al none.
    t.clock.set("2026-04-06T08:00:00Z");
    const scheduled = await t.as(await signIn(owner)).post(`/api/courses/${course.id}/live-classes`, {
      title: "Mirrors",
      startsAt: "2026-04-07T09:00:00Z",
      durationMinutes: 60,
      provider: "jitsi",
    });
    expect(scheduled.status).toBe(201);
    t.clock.set("2026-04-07T08:58:00Z");
    expect((await t.as(await signIn(away)).get(`/api/live-classes/${scheduled.body.id}/join`)).status).toBe(
      302,
    );
    t.clock.set("2026-04-10T12:00:00Z");
    expect(
      (await t.as(await signIn(present)).post(`/api/materials/${course.materialId}/complete`)).status,
    ).toBe(200);
    expect((await t.as(await signIn(away)).delete(`/api/courses/${course.id}/enroll`)).status).toBe(200);

    const { rows, failed, outcomes } = await recommendations$(t).atRisk.trainingSet(t.clock.now());
    expect(outcomes).toHaveLength(2);
    // Per student: the end, then day 30 (the enrollments lasted 39 days).
    const attendance = rows.map((r) => r[4]);
    expect(rows).toHaveLength(4);
    const pairs = rows.map((_, i) => [failed[i], attendance[i]]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        [false, 2 / 3], // Pat at the end
        [true, 1 / 3], // Al at the end
        [false, 1], // Pat on day 30
        [true, 0], // Al on day 30
      ]),
    );
  });
});
