import {
  authorizationMatrix,
  createTestLectern,
  openTestSocket,
  type TestLectern,
  type TestUser,
} from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courseBody, publishedCourse } from "./test-helpers.js";

let t: TestLectern;
let base: string;
let admin: TestUser;
let instructor: TestUser;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses()] });
  base = (await t.lectern.start({ port: 44041, hostname: "127.0.0.1" })).url.replace(
    "localhost",
    "127.0.0.1",
  );
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
});
afterAll(() => t?.close());

const submitted = async (title: string) => {
  const created = await t.as(instructor).post("/api/courses", courseBody({ title }));
  await t.as(instructor).post(`/api/courses/${created.body.id}/submit`);
  return created.body as { id: string };
};

describe("courses live and in the notification centre", () => {
  it("tells the instructor live, stores an unread notification, and moves admins' counters", async () => {
    const course = await submitted("Live Approval");
    const mine = await openTestSocket(base, { token: instructor.token });
    const admins = await openTestSocket(base, { token: admin.token });
    admins.send({ type: "subscribe", channel: "role:admin" });
    await admins.next((m) => m.type === "subscribed");
    mine.send({ type: "ping" });
    await mine.next((m) => m.type === "pong");

    expect((await t.as(admin).post(`/api/admin/courses/${course.id}/approve`)).status).toBe(200);
    await t.drain();
    const live = await mine.next((m) => m.event === "notification.created");
    expect(live.data).toMatchObject({
      kind: "courses.approved",
      title: '"Live Approval" is published',
      link: `/instructor/courses/${course.id}`,
      readAt: null,
    });
    expect((await mine.next((m) => m.event === "course.approved")).data.courseId).toBe(course.id);
    expect((await admins.next((m) => m.event === "course.approved")).channel).toBe("role:admin");

    const list = await t.as(instructor).get("/api/me/notifications");
    expect(list.status).toBe(200);
    expect(list.body.unreadCount).toBe(1);
    expect(list.body.items[0]).toMatchObject({ id: live.data.id, kind: "courses.approved" });
    // Nobody else sees it.
    expect((await t.as(admin).get("/api/me/notifications")).body.items).toHaveLength(0);
    expect((await t.as(admin).post(`/api/me/notifications/${live.data.id}/read`)).status).toBe(404);

    const read = await t.as(instructor).post(`/api/me/notifications/${live.data.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await t.as(instructor).get("/api/me/notifications?unread=true")).body).toMatchObject({
      items: [],
      unreadCount: 0,
    });
    // A repeated delivery of the same event stores nothing new.
    await t.drain();
    expect((await t.as(instructor).get("/api/me/notifications")).body.items).toHaveLength(1);
    mine.close();
    admins.close();
  });

  it("pages with a cursor and marks all read", async () => {
    const other = await t.createUser("instructor");
    for (const title of ["One", "Two", "Three"]) {
      const created = await t.as(other).post("/api/courses", courseBody({ title }));
      await t.as(other).post(`/api/courses/${created.body.id}/submit`);
      await t.as(admin).post(`/api/admin/courses/${created.body.id}/reject`, { reason: "Add a syllabus." });
    }
    await t.drain();
    const first = await t.as(other).get("/api/me/notifications?limit=2");
    expect(first.body.items).toHaveLength(2);
    expect(first.body.unreadCount).toBe(3);
    const second = await t.as(other).get(`/api/me/notifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items[0].body).toContain("Add a syllabus.");
    expect((await t.as(other).post("/api/me/notifications/read-all")).status).toBe(204);
    expect((await t.as(other).get("/api/me/notifications")).body.unreadCount).toBe(0);
    expect((await t.as(other).get("/api/me/notifications?cursor=garbage")).status).toBe(422);
  });

  it("respects each user's choices: no in-app notification, no mail", async () => {
    const quiet = await t.createUser("instructor");
    const prefs = await t.as(quiet).get("/api/me/notification-preferences");
    expect(prefs.body.kinds["courses.approved"]).toMatchObject({ inApp: true, email: true });
    const put = await t.as(quiet).put("/api/me/notification-preferences", {
      kinds: { "courses.approved": { inApp: false }, "courses.rejected": { email: false } },
    });
    expect(put.status).toBe(200);
    expect(put.body.kinds["courses.approved"]).toMatchObject({ inApp: false, email: true });
    expect(
      (await t.as(quiet).put("/api/me/notification-preferences", { kinds: { "no.such": { email: false } } }))
        .status,
    ).toBe(422);

    const sentBefore = t.mail.length;
    for (const [title, action] of [
      ["Quiet A", "approve"],
      ["Quiet B", "reject"],
    ] as const) {
      const created = await t.as(quiet).post("/api/courses", courseBody({ title }));
      await t.as(quiet).post(`/api/courses/${created.body.id}/submit`);
      await t
        .as(admin)
        .post(
          `/api/admin/courses/${created.body.id}/${action}`,
          action === "reject" ? { reason: "No." } : undefined,
        );
    }
    await t.drain();
    const kinds = (await t.as(quiet).get("/api/me/notifications")).body.items.map(
      (n: { kind: string }) => n.kind,
    );
    expect(kinds).toEqual(["courses.rejected"]);
    const mailed = t.mail.slice(sentBefore).filter((m) => m.to.includes(quiet.email));
    expect(mailed.map((m) => m.subject)).toEqual(['Your course "Quiet A" is published']);
  });
});

describe("course channels", () => {
  it("admit enrolled students, the owner and admins; others get an error and nothing else", async () => {
    const course = await publishedCourse(t, instructor, admin, { title: "Channel Course" });
    const student = await t.createUser("student");
    const outsider = await t.createUser("student");
    expect((await t.as(student).post(`/api/courses/${course.id}/enroll`)).status).toBe(201);
    const channel = `course:${course.id}`;
    for (const user of [student, instructor, admin]) {
      const socket = await openTestSocket(base, { token: user.token });
      socket.send({ type: "subscribe", channel });
      expect(await socket.next((m) => m.channel === channel)).toMatchObject({ type: "subscribed" });
      socket.close();
    }
    const socket = await openTestSocket(base, { token: outsider.token });
    socket.send({ type: "subscribe", channel });
    expect(await socket.next((m) => m.channel === channel)).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    socket.close();
  });
});

describe("notification routes", () => {
  it("are guarded on every role", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
    expect((await t.anonymous.get("/api/me/notifications")).status).toBe(401);
  });
});
