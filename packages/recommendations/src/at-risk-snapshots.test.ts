import { DAY } from "@lectern/core";
import { describe, expect, it } from "vitest";
import { snapshotOf } from "./service/at-risk.js";
import type { StudentActivity } from "./sources.js";
import { enroll, publishedCourse, recommendations$, recsLectern } from "./test-helpers.js";

const start = new Date("2026-01-01T00:00:00Z");
const day = (n: number) => new Date(start.getTime() + n * DAY);

function student(overrides: Partial<StudentActivity> = {}): StudentActivity {
  return {
    user: { id: "u", name: "Una" },
    status: "cancelled",
    progress: 0.4,
    enrolledAt: start,
    lastActiveAt: day(70),
    marks: [80, 20],
    missed: 1,
    examsOver: true,
    attendance: 0.5,
    completedAt: null,
    graded: [
      { at: day(10), mark: 80 },
      { at: day(70), mark: 20 },
    ],
    closingExams: [
      { closesAt: day(50), attempted: false },
      { closesAt: day(100), attempted: true },
    ],
    ...overrides,
  };
}

describe("mid-course snapshots of a finished enrollment", () => {
  it("keep only what was on record by each day", () => {
    const now = day(200);
    const at = (n: number) => snapshotOf(student(), n, now);
    expect(at(30)).toEqual({
      paceAgainstCohort: null,
      daysInactive: 20,
      marksSoFar: 80,
      missedAssessments: 0,
      attendance: null,
    });
    expect(at(60)).toMatchObject({ daysInactive: 50, marksSoFar: 80, missedAssessments: 1 });
    expect(at(90)).toMatchObject({ daysInactive: 20, marksSoFar: 50, missedAssessments: 1 });
    // The exam closing on day 100 was attempted: not missed.
    expect(at(120)).toMatchObject({ daysInactive: 50, marksSoFar: 50, missedAssessments: 1 });
  });

  it("stop at the end of the enrollment, and never reach past today", () => {
    expect(snapshotOf(student({ completedAt: day(80), status: "completed" }), 90, day(200))).toBeNull();
    expect(snapshotOf(student({ completedAt: day(80), status: "completed" }), 60, day(200))).not.toBeNull();
    expect(snapshotOf(student(), 120, day(100))).toBeNull();
  });

  it("the training job adds a row per snapshot, but counts history in enrollments, not rows", async () => {
    const t = await recsLectern();
    try {
      const admin = await t.createUser("admin");
      const owner = await t.createUser("instructor");
      const course = await publishedCourse(t, owner, admin, { title: "Statistics I", tags: ["statistics"] });
      const students = [];
      for (let i = 0; i < 44; i++) {
        const s = await t.createUser("student");
        await enroll(t, s, course);
        students.push(s);
      }
      // Four months later, half finish the course and half leave it: 44 finished enrollments,
      // each with snapshots at days 30, 60, 90 and 120 — 220 rows, from too little history.
      t.clock.advance(125 * DAY);
      for (const [i, s] of students.entries()) {
        // Their sessions have long expired: each signs in again.
        const login = await t.anonymous.post("/api/auth/login", { email: s.email, password: s.password });
        const again = { token: login.body.token as string };
        const res =
          i % 2 === 0
            ? await t.as(again).post(`/api/materials/${course.materialId}/complete`)
            : await t.as(again).delete(`/api/courses/${course.id}/enroll`);
        expect(res.status).toBe(200);
      }
      await t.drain();
      const trained = await recommendations$(t).atRisk.train();
      expect(trained.enrollments).toBe(44);
      expect(trained.rows).toBe(44 * 5);
      expect(trained.kind).toBe("rules");
    } finally {
      await t.close();
    }
  }, 240_000);
});
