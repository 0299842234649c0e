import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveClasses } from "./index.js";
import { courseWithStudents, StudioPlatform } from "./test-helpers.js";

let t: TestLectern;
let instructor: TestUser;
let student: TestUser;
let outsider: TestUser;
let course: { id: string; title: string };

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [liveClasses({ providers: [new StudioPlatform().plugin()] }), exams(), courses()],
    timeZone: "Europe/Berlin",
    now: "2026-03-02T09:00:00Z",
  });
  instructor = await t.createUser("instructor");
  const admin = await t.createUser("admin");
  student = await t.createUser("student", { name: "Cal Endar" });
  outsider = await t.createUser("student");
  course = await courseWithStudents(t, instructor, admin, [student]);
});
afterAll(() => t?.close());

function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
    };
  });
}

describe("calendar feed", () => {
  it("lists my classes and exam windows with stable UIDs, bumps SEQUENCE and keeps cancelled classes", async () => {
    const schedule = (title: string, startsAt: string) =>
      t.as(instructor).post(`/api/courses/${course.id}/live-classes`, {
        title,
        startsAt,
        durationMinutes: 50,
        provider: "studio",
      });
    const kept = (await schedule("Kept; with, commas", "2026-03-05T10:00:00Z")).body;
    const moved = (await schedule("Moved", "2026-03-06T10:00:00Z")).body;
    const dropped = (await schedule("Dropped", "2026-03-07T10:00:00Z")).body;
    const exam = await t.as(instructor).post(`/api/courses/${course.id}/exams`, {
      title: "Midterm",
      opensAt: "2026-03-10T08:00:00Z",
      closesAt: "2026-03-10T10:00:00Z",
      questions: [
        {
          type: "true_false",
          prompt: "Light is a wave.",
          marks: 1,
          options: [
            { text: "True", correct: true },
            { text: "False", correct: false },
          ],
        },
      ],
    });
    expect(exam.status).toBe(201);
    expect((await t.as(instructor).post(`/api/exams/${exam.body.id}/publish`)).status).toBe(200);

    const link = await t.as(student).post("/api/me/calendar-token");
    expect(link.status).toBe(200);
    const url = new URL(link.body.url);
    expect(url.pathname).toBe("/api/me/calendar.ics");
    const feedPath = `${url.pathname}${url.search}`;
    const first = await t.anonymous.get(feedPath);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("text/calendar");
    expect(first.body).toContain("\r\n");
    const before = eventsOf(first.body);
    expect(before.map((e) => e.summary)).toEqual([
      `Kept; with, commas — ${course.title}`,
      `Moved — ${course.title}`,
      `Dropped — ${course.title}`,
      `Exam: Midterm — ${course.title}`,
    ]);
    expect(before[3]).toMatchObject({ start: "2026-03-10T08:00:00.000Z", end: "2026-03-10T10:00:00.000Z" });

    await t.as(instructor).patch(`/api/live-classes/${moved.id}`, { startsAt: "2026-03-06T12:00:00Z" });
    await t.as(instructor).delete(`/api/live-classes/${dropped.id}`);
    const after = eventsOf((await t.anonymous.get(feedPath)).body);
    const byUid = new Map(after.map((e) => [e.uid, e]));
    const uidOf = (id: string) => before.find((e) => e.uid.includes(id))!.uid;
    expect(byUid.get(uidOf(kept.id))).toMatchObject({
      sequence: 0,
      status: "CONFIRMED",
      start: "2026-03-05T10:00:00.000Z",
    });
    expect(byUid.get(uidOf(moved.id))).toMatchObject({
      sequence: 1,
      start: "2026-03-06T12:00:00.000Z",
      end: "2026-03-06T12:50:00.000Z",
    });
    expect(byUid.get(uidOf(dropped.id))).toMatchObject({ sequence: 1, status: "CANCELLED" });

    const outsiders = await t.as(outsider).post("/api/me/calendar-token");
    const theirs = new URL(outsiders.body.url);
    expect(eventsOf((await t.anonymous.get(`${theirs.pathname}${theirs.search}`)).body)).toEqual([]);
  });

  it("stops answering an old link once the user asks for a new one", async () => {
    const old = new URL((await t.as(student).post("/api/me/calendar-token")).body.url);
    expect((await t.anonymous.get(`${old.pathname}${old.search}`)).status).toBe(200);
    await t.as(student).post("/api/me/calendar-token");
    const answer = await t.anonymous.get(`${old.pathname}${old.search}`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    expect((await t.anonymous.get("/api/me/calendar.ics?token=not-a-real-token-at-all")).status).toBe(404);
    expect((await t.anonymous.post("/api/me/calendar-token")).status).toBe(401);
  });
});

describe("reminders", () => {
  it("mails the students and emits live-class.starting 15 minutes before, only for the class's current time", async () => {
    const created = await t.as(instructor).post(`/api/courses/${course.id}/live-classes`, {
      title: "Reminded",
      startsAt: "2026-03-20T10:00:00Z",
      durationMinutes: 30,
      provider: "studio",
    });
    await t
      .as(instructor)
      .patch(`/api/live-classes/${created.body.id}`, { startsAt: "2026-03-20T11:00:00Z" });
    const reminders = () => t.mail.filter((m) => m.subject.startsWith("Starting soon: Reminded"));

    t.clock.set("2026-03-20T09:45:00Z");
    await t.drain();
    expect(reminders()).toHaveLength(0);
    t.clock.set("2026-03-20T10:45:00Z");
    await t.drain();
    expect(reminders().map((m) => m.to[0])).toEqual([student.email]);
    expect(reminders()[0]!.text).toContain(`/api/live-classes/${created.body.id}/join`);
    t.clock.set("2026-03-20T10:50:00Z");
    await t.drain();
    expect(reminders()).toHaveLength(1);
    t.clock.set("2026-03-02T09:00:00Z");
  });
});
