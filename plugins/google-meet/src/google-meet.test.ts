import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { liveClasses } from "@lectern/live-classes";
import { createProvider, describeVideoProvider } from "@lectern/live-classes/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeMeet } from "./fake-meet.js";
import { googleMeet } from "./index.js";

const fake = new FakeMeet();
beforeAll(() => fake.start(46_300 + Math.floor(Math.random() * 100)));
afterAll(() => fake.stop());

const options = () => ({
  serviceAccount: fake.serviceAccount(),
  impersonate: fake.impersonate,
  apiBaseUrl: fake.url,
});

describeVideoProvider("google-meet", async () => ({
  plugin: googleMeet(options()),
  personalLinks: false,
  attended: (meetingId, person, joinedAt, leftAt) => {
    fake.attendance.set(meetingId, [
      {
        name: "conferenceRecords/x/participants/1",
        signedinUser: { user: "users/1", displayName: "Someone Else" },
        earliestStartTime: joinedAt.toISOString(),
        latestEndTime: leftAt.toISOString(),
      },
      {
        name: "conferenceRecords/x/participants/2",
        signedinUser: { user: "users/2", displayName: person.name },
        earliestStartTime: joinedAt.toISOString(),
        latestEndTime: leftAt.toISOString(),
      },
    ]);
  },
  failNextCreate: () => {
    fake.failNext = 500;
  },
}));

describe("google meet specifics", () => {
  it("signs in as the service account once, and is refused with another key", async () => {
    const provider = createProvider(googleMeet(options()));
    const before = fake.tokensIssued;
    await Promise.all([1, 2, 3].map(() => provider.createMeeting({} as never)));
    expect(fake.tokensIssued - before).toBe(1);

    const other = new FakeMeet();
    const impostor = createProvider(
      googleMeet({
        ...options(),
        serviceAccount: { ...fake.serviceAccount(), private_key: other.privateKey },
      }),
    );
    await expect(impostor.createMeeting({} as never)).rejects.toMatchObject({
      name: "ProviderError",
      status: 400,
    });
  });
});

describe("google meet in Lectern", () => {
  it("gives the space's link and matches reported names to the course's students", async () => {
    const t = await createTestLectern({
      plugins: [liveClasses({ providers: [googleMeet(options())] }), courses()],
      now: "2026-03-02T09:00:00Z",
    });
    fake.now = () => t.clock.now();
    try {
      const instructor = await t.createUser("instructor");
      const admin = await t.createUser("admin");
      const student = await t.createUser("student", { name: "Grace  Hopper" });
      const course = await t
        .as(instructor)
        .post("/api/courses", { title: "Meet", summary: "s", description: "", tags: [], level: "beginner" });
      await t.as(instructor).post(`/api/courses/${course.body.id}/submit`);
      await t.as(admin).post(`/api/admin/courses/${course.body.id}/approve`);
      await t.as(student).post(`/api/courses/${course.body.id}/enroll`);
      const created = await t.as(instructor).post(`/api/courses/${course.body.id}/live-classes`, {
        title: "Compilers",
        startsAt: "2026-03-02T10:00:00Z",
        durationMinutes: 60,
        provider: "google-meet",
      });
      expect(created.status).toBe(201);
      t.clock.set("2026-03-02T09:50:00Z");
      const join = await t.as(student).get(`/api/live-classes/${created.body.id}/join`);
      expect(join.headers.get("location")).toMatch(
        /^https:\/\/meet\.google\.com\/[a-z0-9]{3}-[a-z0-9]{4}-[a-z0-9]{3}$/,
      );

      const space = [...fake.spaces.entries()].find(
        ([, s]) => s.meetingUri === join.headers.get("location"),
      )![0];
      fake.attendance.set(space, [
        {
          name: "p/1",
          signedinUser: { user: "users/7", displayName: "grace hopper" },
          earliestStartTime: "2026-03-02T10:05:00Z",
          latestEndTime: "2026-03-02T10:55:00Z",
        },
        {
          name: "p/2",
          anonymousUser: { displayName: "Visitor" },
          earliestStartTime: "2026-03-02T10:10:00Z",
          latestEndTime: "2026-03-02T10:20:00Z",
        },
      ]);
      t.clock.set("2026-03-02T11:30:00Z");
      await t.drain();
      const attendance = await t.lectern.services.get("live-classes").attendanceOf(created.body.id);
      expect(attendance.map((a) => [a.userId, a.name, a.presence.minutesPresent])).toEqual([
        [student.id, "grace hopper", 50],
        [null, "Visitor", 10],
      ]);
    } finally {
      fake.now = () => new Date();
      await t.close();
    }
  });
});
