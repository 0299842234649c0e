import { authorizationMatrix, type TestLectern, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courseWithStudents, liveLectern, type StudioPlatform, signStudio } from "./test-helpers.js";

let t: TestLectern;
let studio: StudioPlatform;
let instructor: TestUser;
let otherInstructor: TestUser;
let admin: TestUser;
let student: TestUser;
let outsider: TestUser;
let course: { id: string };

beforeAll(async () => {
  ({ t, studio } = await liveLectern());
  instructor = await t.createUser("instructor", { name: "Ines Instructor" });
  otherInstructor = await t.createUser("instructor");
  admin = await t.createUser("admin");
  student = await t.createUser("student", { name: "Sam Student" });
  outsider = await t.createUser("student");
  course = await courseWithStudents(t, instructor, admin, [student]);
});
afterAll(() => t?.close());

const schedule = (body: Record<string, unknown>, as = instructor, courseId = course.id) =>
  t.as(as).post(`/api/courses/${courseId}/live-classes`, {
    title: "Waves",
    startsAt: "2026-03-04T14:00:00Z",
    durationMinutes: 60,
    provider: "studio",
    ...body,
  });

async function scheduleCount() {
  const list = await t.as(instructor).get(`/api/courses/${course.id}/live-classes?limit=100`);
  expect(list.status).toBe(200);
  return list.body.items.length as number;
}

describe("scheduling", () => {
  it("schedules a class its students see, with Lectern's join route and the owner's host link", async () => {
    const created = await schedule({ title: "Standing waves" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      courseId: course.id,
      seriesId: null,
      title: "Standing waves",
      startsAt: "2026-03-04T14:00:00.000Z",
      durationMinutes: 60,
      provider: "studio",
      status: "scheduled",
      occurrences: 1,
      joinUrl: `http://localhost:4321/api/live-classes/${created.body.id}/join`,
    });
    expect(created.body.hostUrl).toContain("role=host");
    expect(created.body.hostUrl).toContain(instructor.id);

    const seen = await t.as(student).get(`/api/courses/${course.id}/live-classes`);
    expect(seen.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
    expect(JSON.stringify(seen.body)).not.toContain("studio.example");
    const mine = await t.as(student).get("/api/me/live-classes");
    expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
    expect((await t.as(outsider).get(`/api/courses/${course.id}/live-classes`)).status).toBe(404);
    expect((await t.as(outsider).get(`/api/live-classes/${created.body.id}`)).status).toBe(404);
    expect((await t.as(otherInstructor).post(`/api/courses/${course.id}/live-classes`, {})).status).toBe(422);
    expect((await schedule({}, otherInstructor)).status).toBe(404);
    expect((await schedule({}, student)).status).toBe(403);
  });

  it("refuses bad input with a problem and stores nothing", async () => {
    const before = await scheduleCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ startsAt: "2026-03-01T14:00:00Z" }, "startsAt"],
      [{ durationMinutes: 12 * 60 + 1 }, "durationMinutes"],
      [{ provider: "teams" }, "provider"],
      [{ title: "Waves\u0000" }, "title"],
      [{ startsAt: "next tuesday" }, "startsAt"],
      [{ recurrence: { weekly: true, count: 201 } }, "recurrence"],
      [{ recurrence: { weekly: true, until: "2030-03-04T14:00:00Z" } }, "recurrence"],
      [{ recurrence: { weekly: true } }, "recurrence"],
    ];
    for (const [body, path] of cases) {
      const answer = await schedule(body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.body.errors.map((e: { path: string }) => e.path).join()).toContain(path);
    }
    expect(await scheduleCount()).toBe(before);
  });

  it("answers 502 when the platform fails, cancelling the meetings it made and storing no class", async () => {
    const before = await scheduleCount();
    const made = studio.created;
    studio.failCreateAfter = made + 2;
    try {
      const answer = await schedule({ recurrence: { weekly: true, count: 4 } });
      expect(answer.status).toBe(502);
      expect(answer.body.type).toContain("provider-failed");
      expect(answer.body.detail).not.toContain("503");
    } finally {
      studio.failCreateAfter = null;
    }
    const orphans = [...studio.meetings.values()].slice(made);
    expect(orphans).toHaveLength(2);
    expect(orphans.every((m) => m.cancelled)).toBe(true);
    expect(await scheduleCount()).toBe(before);
  });

  it("keeps a weekly series at the same local time across the change to summer time", async () => {
    // Berlin moves from UTC+1 to UTC+2 on 2026-03-29.
    const created = await schedule({
      startsAt: "2026-03-16T09:00:00Z",
      recurrence: { weekly: true, count: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.body.occurrences).toBe(3);
    const list = await t.as(student).get(`/api/courses/${course.id}/live-classes?limit=100`);
    const series = list.body.items.filter((c: { seriesId: string }) => c.seriesId === created.body.seriesId);
    expect(series.map((c: { startsAt: string }) => c.startsAt)).toEqual([
      "2026-03-16T09:00:00.000Z",
      "2026-03-23T09:00:00.000Z",
      "2026-03-30T08:00:00.000Z",
    ]);
  });

  it("stops a series at `until`, inclusive", async () => {
    const created = await schedule({
      startsAt: "2026-04-06T08:00:00Z",
      recurrence: { weekly: true, until: "2026-04-20T08:00:00Z" },
    });
    expect(created.body.occurrences).toBe(3);
  });

  it("moves and cancels one occurrence without touching the others; cancelled classes stay listed", async () => {
    const created = await schedule({
      startsAt: "2026-05-04T08:00:00Z",
      recurrence: { weekly: true, count: 3 },
    });
    const series = (
      await t.as(instructor).get(`/api/courses/${course.id}/live-classes?limit=100`)
    ).body.items.filter((c: { seriesId: string }) => c.seriesId === created.body.seriesId);
    const [first, second, third] = series;
    expect((await t.as(student).patch(`/api/live-classes/${second.id}`, { title: "x" })).status).toBe(403);
    expect((await t.as(otherInstructor).patch(`/api/live-classes/${second.id}`, { title: "x" })).status).toBe(
      404,
    );
    expect(
      (await t.as(instructor).patch(`/api/live-classes/${second.id}`, { durationMinutes: 900 })).status,
    ).toBe(422);
    expect(
      (await t.as(instructor).patch(`/api/live-classes/${second.id}`, { startsAt: "2020-01-01T00:00:00Z" }))
        .status,
    ).toBe(422);

    const moved = await t
      .as(instructor)
      .patch(`/api/live-classes/${second.id}`, { startsAt: "2026-05-12T15:00:00Z" });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ startsAt: "2026-05-12T15:00:00.000Z", sequence: 1 });
    expect(studio.meetings.get(`m-${second.id}`)!.startsAt.toISOString()).toBe("2026-05-12T15:00:00.000Z");

    const cancelled = await t.as(instructor).delete(`/api/live-classes/${third.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    await t.drain();
    expect(studio.meetings.get(`m-${third.id}`)!.cancelled).toBe(true);
    expect((await t.as(instructor).patch(`/api/live-classes/${third.id}`, { title: "Back" })).status).toBe(
      409,
    );

    const after = (await t.as(student).get(`/api/courses/${course.id}/live-classes?limit=100`)).body.items;
    const byId = new Map(after.map((c: { id: string }) => [c.id, c]));
    expect(byId.get(first.id)).toMatchObject({ startsAt: first.startsAt, sequence: 0, status: "scheduled" });
    expect(byId.get(third.id)).toMatchObject({ status: "cancelled" });
  });

  it("lists the installed providers for instructors", async () => {
    const answer = await t.as(instructor).get("/api/live-classes/providers");
    expect(answer.body).toEqual({ items: [{ id: "studio", name: "Studio" }] });
    expect((await t.as(student).get("/api/live-classes/providers")).status).toBe(403);
  });
});

describe("joining", () => {
  it("lets an enrolled student in from 15 minutes before the start until the end, recording the join", async () => {
    const created = await schedule({ startsAt: "2026-03-02T10:00:00Z", durationMinutes: 45 });
    const id = created.body.id;
    t.clock.set("2026-03-02T09:44:00Z");
    const early = await t.as(student).get(`/api/live-classes/${id}/join`);
    expect(early.status).toBe(409);
    expect(early.body.opensAt).toBe("2026-03-02T09:45:00.000Z");
    expect((await t.as(outsider).get(`/api/live-classes/${id}/join`)).status).toBe(403);
    expect((await t.as(otherInstructor).get(`/api/live-classes/${id}/join`)).status).toBe(403);

    t.clock.set("2026-03-02T09:45:00Z");
    const joined = await t.as(student).get(`/api/live-classes/${id}/join`);
    expect(joined.status).toBe(302);
    expect(joined.headers.get("location")).toBe(
      `https://studio.example/room-${studio.created}?user=${student.id}&role=attendee`,
    );
    const hosted = await t.as(instructor).get(`/api/live-classes/${id}/join`);
    expect(hosted.status).toBe(302);
    expect(hosted.headers.get("location")).toContain("role=host");

    const attendance = await t.lectern.services.get("live-classes").attendanceOf(id);
    expect(attendance.map((a) => [a.userId, a.presence.joinedAt.toISOString()])).toEqual([
      [student.id, "2026-03-02T09:45:00.000Z"],
    ]);

    t.clock.set("2026-03-02T10:45:00Z");
    expect((await t.as(student).get(`/api/live-classes/${id}/join`)).status).toBe(410);
    t.clock.set("2026-03-02T09:00:00Z");
  });

  it("answers 410 for a cancelled class and 404 for one that does not exist", async () => {
    const created = await schedule({ startsAt: "2026-03-02T09:30:00Z" });
    await t.as(instructor).delete(`/api/live-classes/${created.body.id}`);
    const answer = await t.as(student).get(`/api/live-classes/${created.body.id}/join`);
    expect(answer.status).toBe(410);
    expect(answer.body.detail).toContain("cancelled");
    expect(
      (await t.as(student).get("/api/live-classes/9d7b2b36-8a60-4c39-a4e5-5b8a4c8f2c11/join")).status,
    ).toBe(404);
  });
});

describe("webhooks", () => {
  it("checks the signature, counts a repeated event once and merges events that arrive out of order", async () => {
    const created = await schedule({ startsAt: "2026-03-03T10:00:00Z", durationMinutes: 60 });
    const meeting = `m-${created.body.id}`;
    const post = (body: object, signature?: string) => {
      const signed = signStudio(body);
      return t.anonymous.post("/api/live-classes/webhooks/studio", signed.rawBody, {
        headers: { "content-type": "application/json", "x-studio-signature": signature ?? signed.signature },
      });
    };
    const left = { id: "e2", meeting, kind: "left", at: "2026-03-03T10:40:00Z", email: student.email };
    const joined = {
      id: "e1",
      meeting,
      kind: "joined",
      at: "2026-03-03T10:05:00Z",
      email: student.email.toUpperCase(),
    };

    const forged = await post(joined, "0".repeat(64));
    expect(forged.status).toBe(401);
    expect(forged.headers.get("content-type")).toContain("application/problem+json");
    expect(await t.lectern.services.get("live-classes").attendanceOf(created.body.id)).toEqual([]);

    expect((await post(left)).status).toBe(204);
    expect((await post(joined)).status).toBe(204);
    expect((await post(joined)).status).toBe(204);
    expect((await post({ ...joined, id: "e9", meeting: "someone-elses" })).status).toBe(204);
    expect((await t.anonymous.post("/api/live-classes/webhooks/nope", "{}")).status).toBe(404);

    t.clock.set("2026-03-03T12:00:00Z");
    const attendance = await t.lectern.services.get("live-classes").attendanceOf(created.body.id);
    expect(attendance).toHaveLength(1);
    expect(attendance[0]).toMatchObject({ userId: student.id });
    expect(attendance[0]!.presence).toEqual({
      joinedAt: new Date("2026-03-03T10:05:00Z"),
      leftAt: new Date("2026-03-03T10:40:00Z"),
      minutesPresent: 35,
    });
    t.clock.set("2026-03-02T09:00:00Z");
  });
});

describe("authorization", () => {
  it("answers every route as its access rule says", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
  });
});
