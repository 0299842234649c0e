import { openTestSocket, type TestLectern, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courseWithStudents, liveLectern } from "./test-helpers.js";

let t: TestLectern;
let base: string;
let instructor: TestUser;
let student: TestUser;
let quiet: TestUser;
let outsider: TestUser;
let course: { id: string; title: string };

beforeAll(async () => {
  ({ t } = await liveLectern({ timeZone: "Europe/Berlin", now: "2026-03-02T09:00:00Z" }));
  base = (await t.lectern.start({ port: 0, hostname: "127.0.0.1" })).url.replace("localhost", "127.0.0.1");
  instructor = await t.createUser("instructor");
  const admin = await t.createUser("admin");
  student = await t.createUser("student", { name: "Sam Student" });
  quiet = await t.createUser("student", { name: "Quinn Quiet" });
  outsider = await t.createUser("student");
  course = await courseWithStudents(t, instructor, admin, [student, quiet]);
});
afterAll(() => t?.close());

describe("live classes in the notification centre and live", () => {
  it("tells enrolled students a class starts soon, in their time, live and stored; the course channel sees the schedule move", async () => {
    const put = await t.as(quiet).put("/api/me/notification-preferences", {
      kinds: { "live-class.starting": { inApp: false, email: false } },
    });
    expect(put.status).toBe(200);
    const mine = await openTestSocket(base, { token: student.token });
    mine.send({ type: "subscribe", channel: `course:${course.id}` });
    await mine.next((m) => m.type === "subscribed");

    const created = await t.as(instructor).post(`/api/courses/${course.id}/live-classes`, {
      title: "Wave optics",
      startsAt: "2026-03-10T13:30:00Z",
      durationMinutes: 45,
      provider: "studio",
    });
    expect(created.status).toBe(201);
    await t.drain();
    const scheduled = await mine.next((m) => m.event === "live-class.scheduled");
    expect(scheduled).toMatchObject({
      channel: `course:${course.id}`,
      data: { liveClassId: created.body.id },
    });

    t.clock.set("2026-03-10T13:15:00Z");
    await t.drain();
    const live = await mine.next(
      (m) => m.event === "notification.created" && m.data.kind === "live-class.starting",
    );
    expect(live.data).toMatchObject({
      kind: "live-class.starting",
      title: "Starting soon: Wave optics",
      // 13:30 UTC is 14:30 in Berlin, the institution's time.
      body: `"Wave optics" in ${course.title} starts at 14:30 and lasts 45 minutes.`,
      link: "/student/live",
    });
    const starting = await mine.next((m) => m.event === "live-class.starting");
    expect(starting.channel).toBe(`course:${course.id}`);
    // Who else is told is not for the course's channel.
    expect(starting.data).not.toHaveProperty("userIds");

    const reminders = async (user: TestUser) =>
      (await t.as(user).get("/api/me/notifications")).body.items.filter(
        (n: { kind: string }) => n.kind === "live-class.starting",
      );
    expect(await reminders(student)).toHaveLength(1);
    // The student who turned the kind off gets neither the notification nor the mail.
    expect(await reminders(quiet)).toEqual([]);
    const mailed = t.mail.filter((m) => m.subject.startsWith("Starting soon: Wave optics"));
    expect(mailed.map((m) => m.to[0])).toEqual([student.email]);
    expect(await reminders(outsider)).toEqual([]);
    // A second delivery changes nothing.
    await t.drain();
    expect(await reminders(student)).toHaveLength(1);
    mine.close();
  });

  it("keeps the course channel closed to students not enrolled", async () => {
    const socket = await openTestSocket(base, { token: outsider.token });
    socket.send({ type: "subscribe", channel: `course:${course.id}` });
    expect(await socket.next((m) => m.channel === `course:${course.id}`)).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    socket.close();
  });

  it("lists the kind on the preferences page", async () => {
    const prefs = await t.as(student).get("/api/me/notification-preferences");
    expect(prefs.body.kinds["live-class.starting"]).toMatchObject({ inApp: true, email: true });
  });
});
