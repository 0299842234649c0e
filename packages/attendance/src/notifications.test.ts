import { createTestLectern, openTestSocket, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attendance } from "./index.js";

let t: TestLectern;
let base: string;
let instructor: TestUser;
let admin: TestUser;
let ann: TestUser;
let bob: TestUser;
let courseId: string;

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [attendance(), liveClasses({ providers: [jitsi()] }), courses()],
    timeZone: "Europe/Berlin",
    now: "2026-03-02T08:00:00Z",
  });
  base = (await t.lectern.start({ port: 0, hostname: "127.0.0.1" })).url.replace("localhost", "127.0.0.1");
  instructor = await t.createUser("instructor", { name: "Ines Instructor" });
  admin = await t.createUser("admin");
  ann = await t.createUser("student", { name: "Ann" });
  bob = await t.createUser("student", { name: "Bob" });
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
  for (const s of [ann, bob])
    expect((await t.as(s).post(`/api/courses/${courseId}/enroll`)).status).toBe(201);
  const held = await t.as(instructor).post(`/api/courses/${courseId}/live-classes`, {
    title: "Lenses",
    startsAt: "2026-03-02T09:00:00Z",
    durationMinutes: 60,
    provider: "jitsi",
  });
  t.clock.set("2026-03-02T09:01:00Z");
  expect((await t.as(ann).get(`/api/live-classes/${held.body.id}/join`)).status).toBe(302);
  t.clock.set("2026-03-02T11:00:00Z"); // the class is over; Bob never came
});
afterAll(() => t?.close());

describe("low attendance in the notification centre and live", () => {
  it("tells the student and their instructor, each in their own words, live and stored, once", async () => {
    const student = await openTestSocket(base, { token: bob.token });
    const teacher = await openTestSocket(base, { token: instructor.token });
    const admins = await openTestSocket(base, { token: admin.token });
    admins.send({ type: "subscribe", channel: "role:admin" });
    await admins.next((m) => m.type === "subscribed");
    for (const socket of [student, teacher]) {
      socket.send({ type: "ping" });
      await socket.next((m) => m.type === "pong");
    }

    expect(await t.lectern.services.get("attendance").sendLowAttendanceAlerts()).toBe(1);
    await t.drain();

    const own = await student.next(
      (m) => m.event === "notification.created" && m.data.kind === "attendance.low",
    );
    expect(own.data).toMatchObject({
      kind: "attendance.low",
      title: 'Your attendance in "Optics" is 0%',
      body: "You have attended 0% of the live classes so far; the course expects at least 75%.",
      link: "/student/attendance",
    });
    expect((await student.next((m) => m.event === "attendance.low")).data).toMatchObject({
      userId: bob.id,
      courseId,
    });
    const theirs = await teacher.next(
      (m) => m.event === "notification.created" && m.data.kind.startsWith("attendance."),
    );
    expect(theirs.data).toMatchObject({
      kind: "attendance.low-instructor",
      title: 'Bob has attended 0% in "Optics"',
      link: `/instructor/attendance?course=${courseId}`,
    });
    expect((await admins.next((m) => m.event === "attendance.low")).channel).toBe("role:admin");

    const kinds = async (user: TestUser) =>
      (await t.as(user).get("/api/me/notifications")).body.items
        .map((n: { kind: string }) => n.kind)
        .filter((kind: string) => kind.startsWith("attendance."));
    expect(await kinds(bob)).toEqual(["attendance.low"]);
    expect(await kinds(instructor)).toEqual(["attendance.low-instructor"]);
    // Ann attends; nothing for her, and nothing for an admin's own inbox.
    expect(await kinds(ann)).toEqual([]);
    expect(await kinds(admin)).toEqual([]);
    // Ann's socket never hears of Bob.
    const annSocket = await openTestSocket(base, { token: ann.token });
    annSocket.send({ type: "subscribe", channel: `user:${bob.id}` });
    expect(await annSocket.next((m) => m.type === "error")).toMatchObject({ code: "forbidden" });

    // The same week again: no new alert, no new notification.
    expect(await t.lectern.services.get("attendance").sendLowAttendanceAlerts()).toBe(0);
    await t.drain();
    expect(await kinds(bob)).toHaveLength(1);
    for (const socket of [student, teacher, admins, annSocket]) socket.close();
  });

  it("leaves out the mail when the student turned it off", async () => {
    const put = await t.as(bob).put("/api/me/notification-preferences", {
      kinds: { "attendance.low": { email: false } },
    });
    expect(put.status).toBe(200);
    t.clock.set("2026-03-09T11:00:00Z"); // next week: a new period
    const before = t.mail.length;
    expect(await t.lectern.services.get("attendance").sendLowAttendanceAlerts()).toBe(1);
    await t.drain();
    expect(t.mail.slice(before).filter((m) => m.to.includes(bob.email))).toEqual([]);
    const stored = (await t.as(bob).get("/api/me/notifications")).body.items.filter(
      (n: { kind: string }) => n.kind === "attendance.low",
    );
    expect(stored).toHaveLength(2);
  });
});
