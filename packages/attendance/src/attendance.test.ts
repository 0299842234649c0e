import { rowsOf } from "@lectern/core";
import {
  authorizationMatrix,
  createTestLectern,
  type TestLectern,
  type TestUser,
} from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DailyAttendance } from "./daily.js";
import { attendance } from "./index.js";
import * as attendanceSchema from "./schema.js";

let t: TestLectern;
let instructor: TestUser;
let admin: TestUser;
let ann: TestUser;
let bob: TestUser;
let cy: TestUser;
let outsider: TestUser;
let courseId: string;
let first: string;
let second: string;

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [attendance(), liveClasses({ providers: [jitsi()] }), courses()],
    timeZone: "Europe/Berlin",
    now: "2026-03-02T08:00:00Z",
  });
  instructor = await t.createUser("instructor", { name: "Ines Instructor" });
  admin = await t.createUser("admin");
  ann = await t.createUser("student", { name: "Ann" });
  bob = await t.createUser("student", { name: "Bob" });
  cy = await t.createUser("student", { name: "Cy" });
  outsider = await t.createUser("student");
  const created = await t.as(instructor).post("/api/courses", {
    title: "Optics",
    summary: "Light.",
    description: "",
    tags: ["physics"],
    level: "beginner",
  });
  courseId = created.body.id;
  await t.as(instructor).post(`/api/courses/${courseId}/submit`);
  await t.as(admin).post(`/api/admin/courses/${courseId}/approve`);
  for (const s of [ann, bob, cy])
    expect((await t.as(s).post(`/api/courses/${courseId}/enroll`)).status).toBe(201);
  const schedule = (startsAt: string) =>
    t.as(instructor).post(`/api/courses/${courseId}/live-classes`, {
      title: "Lenses",
      startsAt,
      durationMinutes: 60,
      provider: "jitsi",
    });
  first = (await schedule("2026-03-02T09:00:00Z")).body.id;
  second = (await schedule("2026-03-09T09:00:00Z")).body.id;
});
afterAll(() => t?.close());

describe("daily attendance", () => {
  it("records a user's first request of each institution day once, whatever the user's own time zone", async () => {
    t.clock.set("2026-03-02T22:10:00Z"); // 23:10 in Berlin
    expect((await t.as(outsider).get("/api/auth/me")).status).toBe(200);
    expect((await t.as(outsider).get("/api/auth/me")).status).toBe(200);
    t.clock.set("2026-03-02T23:20:00Z"); // 00:20 on the 3rd in Berlin, still the 2nd in New York
    expect((await t.as(outsider).get("/api/auth/me")).status).toBe(200);
    const mine = await t.as(outsider).get("/api/me/attendance");
    expect(mine.body.days).toEqual(["2026-03-02", "2026-03-03"]);
    t.clock.set("2026-03-02T08:00:00Z");
  });

  it("writes a day once per process; a second process inserting the same day changes nothing", async () => {
    const db = t.lectern.db;
    const one = new DailyAttendance(db, "Europe/Berlin");
    const at = new Date("2026-04-01T10:00:00Z");
    expect(await one.record(outsider.id, at)).toBe(true);
    expect(await one.record(outsider.id, new Date("2026-04-01T15:00:00Z"))).toBe(false);
    const other = new DailyAttendance(db, "Europe/Berlin");
    expect(await other.record(outsider.id, new Date("2026-04-01T16:00:00Z"))).toBe(true);
    const rows = await db
      .select()
      .from(attendanceSchema.days)
      .where(and(eq(attendanceSchema.days.userId, outsider.id), eq(attendanceSchema.days.day, "2026-04-01")));
    expect(rows.map((r) => r.firstSeenAt.toISOString())).toEqual(["2026-04-01T10:00:00.000Z"]);
  });

  it("knows a recorded day without a query, and starts the next one at the zone's midnight", async () => {
    const daily = new DailyAttendance(t.lectern.db, "Europe/Berlin");
    // 23:59:59.9 in Berlin (summer time, UTC+2), then midnight: the same second's neighbours.
    const lastMoment = new Date("2026-04-02T21:59:59.900Z");
    const midnight = new Date("2026-04-02T22:00:00.000Z");
    expect(daily.isRecorded(outsider.id, lastMoment)).toBe(false);
    expect(await daily.record(outsider.id, lastMoment)).toBe(true);
    expect(daily.isRecorded(outsider.id, new Date("2026-04-02T21:59:59.950Z"))).toBe(true);
    expect(daily.isRecorded(outsider.id, midnight)).toBe(false);
    expect(await daily.record(outsider.id, midnight)).toBe(true);
    const rows = await t.lectern.db
      .select({ day: attendanceSchema.days.day })
      .from(attendanceSchema.days)
      .where(eq(attendanceSchema.days.userId, outsider.id));
    expect(rows.map((r) => r.day)).toEqual(expect.arrayContaining(["2026-04-02", "2026-04-03"]));
  });
});

describe("class attendance", () => {
  it("marks a join before the grace period present, a later one late, and no join absent", async () => {
    t.clock.set("2026-03-02T08:50:00Z");
    expect((await t.as(ann).get(`/api/live-classes/${first}/join`)).status).toBe(302);
    t.clock.set("2026-03-02T09:20:00Z");
    expect((await t.as(bob).get(`/api/live-classes/${first}/join`)).status).toBe(302);
    expect((await t.as(ann).get(`/api/live-classes/${first}/join`)).status).toBe(302);
    t.clock.set("2026-03-02T10:30:00Z");

    const report = await t.as(instructor).get(`/api/live-classes/${first}/attendance`);
    expect(report.status).toBe(200);
    const byName = Object.fromEntries(
      report.body.items.map((i: { user: { name: string } }) => [i.user.name, i]),
    );
    expect(byName.Ann).toMatchObject({
      status: "present",
      joinedAt: "2026-03-02T08:50:00.000Z",
      rollCall: null,
    });
    expect(byName.Bob).toMatchObject({ status: "late", joinedAt: "2026-03-02T09:20:00.000Z" });
    expect(byName.Cy).toMatchObject({ status: "absent", joinedAt: null });
  });

  it("takes the roll over the automatic record, keeping who changed it, and refuses bad rolls unchanged", async () => {
    const roll = (entries: unknown) =>
      t.as(instructor).post(`/api/live-classes/${first}/roll-call`, { entries });
    const bad: [unknown, number][] = [
      [[{ userId: cy.id, status: "sleeping" }], 422],
      [[{ userId: outsider.id, status: "present" }], 422],
      [
        [
          { userId: cy.id, status: "excused" },
          { userId: cy.id, status: "absent" },
        ],
        422,
      ],
      [[], 422],
    ];
    for (const [entries, status] of bad) {
      const answer = await roll(entries);
      expect(answer.status, JSON.stringify(entries)).toBe(status);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await t.as(ann).post(`/api/live-classes/${first}/roll-call`, { entries: [] })).status).toBe(403);
    const untouched = await t.as(instructor).get(`/api/live-classes/${first}/attendance`);
    expect(untouched.body.items.every((i: { rollCall: unknown }) => i.rollCall === null)).toBe(true);

    const taken = await roll([
      { userId: cy.id, status: "excused" },
      { userId: bob.id, status: "present" },
    ]);
    expect(taken.status).toBe(200);
    const byName = Object.fromEntries(
      taken.body.items.map((i: { user: { name: string } }) => [i.user.name, i]),
    );
    expect(byName.Cy).toMatchObject({
      status: "excused",
      automatic: "absent",
      rollCall: { status: "excused", changedBy: instructor.id },
    });
    expect(byName.Bob).toMatchObject({ status: "present", automatic: "late" });
    const changes = await t.lectern.db.select().from(attendanceSchema.rollCallChanges);
    expect(changes.map((c) => [c.userId, c.from, c.to, c.changedBy])).toEqual(
      expect.arrayContaining([
        [cy.id, null, "excused", instructor.id],
        [bob.id, null, "present", instructor.id],
      ]),
    );
    expect(
      (
        await t
          .as(instructor)
          .post(`/api/live-classes/${second}/roll-call`, { entries: [{ userId: cy.id, status: "present" }] })
      ).status,
    ).toBe(409);
  });

  it("rates each student over the classes held since enrolling, with per-course, low and CSV reports", async () => {
    t.clock.set("2026-03-09T08:55:00Z");
    await t.as(ann).get(`/api/live-classes/${second}/join`);
    t.clock.set("2026-03-09T11:00:00Z");

    const report = await t.as(instructor).get(`/api/courses/${courseId}/attendance`);
    const rates = Object.fromEntries(
      report.body.students.map((s: { name: string; held: number; rate: number | null }) => [
        s.name,
        [s.held, s.rate],
      ]),
    );
    expect(rates).toEqual({ Ann: [2, 1], Bob: [2, 0.5], Cy: [2, 0] });

    const low = await t.as(instructor).get(`/api/courses/${courseId}/attendance/low`);
    expect(low.body.threshold).toBe(0.75);
    expect(
      low.body.items.map((i: { student: { name: string }; rate: number }) => [i.student.name, i.rate]),
    ).toEqual([
      ["Cy", 0],
      ["Bob", 0.5],
    ]);

    const csv = await t.as(instructor).get(`/api/courses/${courseId}/attendance?format=csv`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe(
      "Student,Email,Classes held,Attended,Excused,Rate %,Lenses 2026-03-02 09:00,Lenses 2026-03-09 09:00",
    );
    expect(lines[1]).toBe(`Ann,${ann.email},2,2,0,100,present,present`);
    expect(lines[3]).toBe(`Cy,${cy.email},2,0,1,0,excused,absent`);

    const mine = await t.as(bob).get("/api/me/attendance");
    expect(mine.body.rate).toBe(0.5);
    expect(mine.body.liveClasses).toEqual([{ liveClassId: first, joinedAt: "2026-03-02T09:20:00.000Z" }]);

    const institution = await t.as(admin).get("/api/admin/attendance?from=2026-03-01&to=2026-03-10");
    expect(institution.body.courses).toEqual([
      { courseId, title: "Optics", classesHeld: 2, students: 3, rate: 3 / 5 },
    ]);
    const institutionCsv = await t
      .as(admin)
      .get("/api/admin/attendance?from=2026-03-01&to=2026-03-10&format=csv");
    expect(institutionCsv.body).toBe("Course,Classes held,Students,Rate %\r\nOptics,2,3,60\r\n");
    expect((await t.as(admin).get("/api/admin/attendance?from=2026-02-30")).status).toBe(422);
    expect((await t.as(outsider).get(`/api/courses/${courseId}/attendance`)).status).toBe(403);
  });

  it("publishes each student's rate to other plugins, as of now or of an earlier day", async () => {
    t.clock.set("2026-03-09T11:00:00Z");
    const service = t.lectern.services.get("attendance");
    const enrolled = new Date("2026-03-01T00:00:00Z");
    const students = [ann, bob, cy].map((s) => ({ userId: s.id, enrolledAt: enrolled }));
    const named = (rates: Map<string, number | null>) => [
      rates.get(ann.id),
      rates.get(bob.id),
      rates.get(cy.id),
    ];
    expect(named(await service.attendanceRates(courseId, students))).toEqual([1, 0.5, 0]);
    // Before the second class, only the first counts; Cy was excused from it, so has no rate.
    const early = await service.attendanceRates(courseId, students, new Date("2026-03-05T00:00:00Z"));
    expect(named(early)).toEqual([1, 1, null]);
    // A class that ended before a student enrolled is not theirs.
    const late = [{ userId: bob.id, enrolledAt: new Date("2026-03-03T00:00:00Z") }];
    expect((await service.attendanceRates(courseId, late)).get(bob.id)).toBe(0);
    expect((await service.attendanceRates(courseId, [])).size).toBe(0);
    // Each student's own day: Cy as of the 5th (excused from the only class by then), Bob as of now.
    const own = await service.attendanceRates(courseId, [
      { userId: bob.id, enrolledAt: enrolled },
      { userId: cy.id, enrolledAt: enrolled, asOf: new Date("2026-03-05T00:00:00Z") },
    ]);
    expect([own.get(bob.id), own.get(cy.id)]).toEqual([0.5, null]);
  });

  it("alerts each student under the threshold once per week, by mail and attendance.low", async () => {
    const service = t.lectern.services.get("attendance");
    const mailsBefore = t.mail.length;
    expect(await service.sendLowAttendanceAlerts()).toBe(2);
    expect(await service.sendLowAttendanceAlerts()).toBe(0);
    await t.drain();
    const alerts = t.mail.slice(mailsBefore).filter((m) => m.subject.startsWith("Your attendance"));
    expect(alerts.map((m) => m.to[0]).sort()).toEqual([bob.email, cy.email].sort());
    expect(alerts.find((m) => m.to[0] === bob.email)!.subject).toBe("Your attendance in Optics is 50%");
    const events = rowsOf<{ payload: { userId: string; instructorId: string } }>(
      await t.lectern.db.execute(sql`select payload from lectern_events where name = 'attendance.low'`),
    );
    expect(events.map((e) => e.payload.userId).sort()).toEqual([bob.id, cy.id].sort());
    expect(events.every((e) => e.payload.instructorId === instructor.id)).toBe(true);

    t.clock.set("2026-03-16T11:00:00Z"); // next week: a new period
    expect(await service.sendLowAttendanceAlerts()).toBe(2);
    t.clock.set("2026-03-09T11:00:00Z");
  });
});

describe("one student's report", () => {
  it("assembles progress and attendance with each class from the installed plugins, for the owner only", async () => {
    const report = await t.as(instructor).get(`/api/courses/${courseId}/students/${bob.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.student).toMatchObject({ id: bob.id, name: "Bob" });
    const sections = Object.fromEntries(
      report.body.sections.map((s: { key: string; data: unknown }) => [s.key, s.data]),
    );
    expect(sections["courses.progress"]).toMatchObject({ status: "active" });
    expect(sections["attendance.classes"]).toMatchObject({ held: 2, attended: 1, rate: 0.5 });
    expect(sections["attendance.classes"].classes.map((c: { status: string }) => c.status)).toEqual([
      "present",
      "absent",
    ]);
    expect(
      (await t.as(instructor).get(`/api/courses/${courseId}/students/${outsider.id}/report`)).status,
    ).toBe(404);
    expect((await t.as(bob).get(`/api/courses/${courseId}/students/${bob.id}/report`)).status).toBe(403);
    const stranger = await t.createUser("instructor");
    expect((await t.as(stranger).get(`/api/courses/${courseId}/students/${bob.id}/report`)).status).toBe(404);
  });
});

describe("authorization", () => {
  it("answers every route as its access rule says", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
  });
});
