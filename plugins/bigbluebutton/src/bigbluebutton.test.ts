import { ManualClock } from "@lectern/core";
import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { liveClasses, WebhookSignatureError } from "@lectern/live-classes";
import { describeVideoProvider } from "@lectern/live-classes/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBigBlueButton } from "./fake-bigbluebutton.js";
import { BigBlueButtonProvider, bigBlueButton, bigBlueButtonOptions, checksum } from "./index.js";

const fake = new FakeBigBlueButton();
const HOOK_URL = "http://127.0.0.1:46999/api/live-classes/webhooks/bigbluebutton";
beforeAll(() => fake.start(46_200 + Math.floor(Math.random() * 100)));
afterAll(() => fake.stop());

describeVideoProvider("bigbluebutton", async () => ({
  plugin: bigBlueButton({ url: fake.url, secret: fake.secret, webhookUrl: HOOK_URL }),
  webhook: ({ meetingId, kind, at, participant }) =>
    fake.hook(HOOK_URL, [
      fake.userEvent(kind === "joined" ? "user-joined" : "user-left", meetingId, participant, at),
    ]),
  failNextCreate: () => {
    fake.failNext = true;
  },
}));

describe("bigbluebutton specifics", () => {
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  const provider = (secret = fake.secret) =>
    new BigBlueButtonProvider(
      {
        logger: console as never,
        clock,
        config: { publicUrl: "http://127.0.0.1:46999", timeZone: "UTC", demo: false },
        fetch,
        secret: async () => "unused",
      },
      bigBlueButtonOptions.parse({ url: `${fake.url}/api/`, secret }),
    );

  it("computes the checksum of the API documentation's example", () => {
    const query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444";
    expect(checksum("create", query, "639259d4-9dd8-4b25-bf01-95f9567eaf4b", "sha1")).toBe(
      "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17",
    );
  });

  it("fails with a wrong secret as a provider error, at scheduling time", async () => {
    await expect(
      provider("a-wrong-secret-of-sufficient-length").createMeeting({ classId: "x" }),
    ).rejects.toThrow(/checksumError/);
  });

  it("creates the meeting at the first join, idempotently, with a moderator link for the host", async () => {
    const p = provider();
    const { meetingId } = await p.createMeeting({ classId: "c-1" });
    const input = {
      classId: "c-1",
      meetingId,
      data: {},
      title: "Optics",
      startsAt: new Date("2026-03-02T10:00:00Z"),
      durationMinutes: 60,
    };
    const host = new URL(
      (await p.joinLink({ ...input, user: { id: "u-h", name: "Ada", email: "a@x" }, role: "host" })).url,
    );
    const student = new URL(
      (await p.joinLink({ ...input, user: { id: "u-s", name: "Ben B", email: "b@x" }, role: "attendee" }))
        .url,
    );
    expect(host.searchParams.get("role")).toBe("MODERATOR");
    expect(student.searchParams.get("role")).toBe("VIEWER");
    expect(student.searchParams.get("userID")).toBe("u-s");
    expect(student.searchParams.get("fullName")).toBe("Ben B");
    const query = student.search.slice(1).replace(/&checksum=.*$/, "");
    expect(student.searchParams.get("checksum")).toBe(checksum("join", query, fake.secret));
    expect(fake.running.get(meetingId)).toMatchObject({ name: "Optics", duration: 90 });
  });

  it("refuses an analytics callback whose token is expired or signed with another secret", async () => {
    const expired = await fake.analytics("lectern-x", [], -60, clock.now());
    await expect(
      provider().parseWebhook({
        rawBody: expired.rawBody,
        headers: new Headers(expired.headers),
        url: HOOK_URL,
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
    const stale = fake.hook(
      "http://127.0.0.1:46999/api/live-classes/webhooks/bigbluebutton",
      [],
      clock.now().getTime() - 600_000,
    );
    await expect(
      provider().parseWebhook({
        rawBody: stale.rawBody,
        headers: new Headers(stale.headers),
        url: stale.url,
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
  });
});

describe("bigbluebutton in Lectern", () => {
  it("joins a student by a personal URL and takes attendance from the analytics callback, once", async () => {
    const t = await createTestLectern({
      plugins: [
        liveClasses({ providers: [bigBlueButton({ url: fake.url, secret: fake.secret })] }),
        courses(),
      ],
      now: "2026-03-02T09:00:00Z",
    });
    try {
      const instructor = await t.createUser("instructor");
      const admin = await t.createUser("admin");
      const student = await t.createUser("student", { name: "Bea" });
      const course = await t
        .as(instructor)
        .post("/api/courses", { title: "BBB", summary: "s", description: "", tags: [], level: "beginner" });
      await t.as(instructor).post(`/api/courses/${course.body.id}/submit`);
      await t.as(admin).post(`/api/admin/courses/${course.body.id}/approve`);
      await t.as(student).post(`/api/courses/${course.body.id}/enroll`);
      const created = await t.as(instructor).post(`/api/courses/${course.body.id}/live-classes`, {
        title: "Diffraction",
        startsAt: "2026-03-02T10:00:00Z",
        durationMinutes: 60,
        provider: "bigbluebutton",
      });
      expect(created.status).toBe(201);
      t.clock.set("2026-03-02T09:58:00Z");
      const join = await t.as(student).get(`/api/live-classes/${created.body.id}/join`);
      expect(join.status).toBe(302);
      expect(new URL(join.headers.get("location")!).searchParams.get("userID")).toBe(student.id);
      const meetingId = `lectern-${created.body.id}`;
      expect(fake.running.get(meetingId)?.callback).toBe(
        "http://localhost:4321/api/live-classes/webhooks/bigbluebutton",
      );

      t.clock.set("2026-03-02T11:05:00Z");
      const callback = await fake.analytics(
        meetingId,
        [
          {
            ext_user_id: instructor.id,
            name: "Host",
            moderator: true,
            joins: ["2026-03-02T09:59:00Z"],
            leaves: ["2026-03-02T11:00:00Z"],
          },
          {
            ext_user_id: student.id,
            name: "Bea",
            moderator: false,
            joins: ["2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"],
            leaves: ["2026-03-02T10:20:00Z", "2026-03-02T10:50:00Z"],
          },
        ],
        3600,
        t.clock.now(),
      );
      for (let i = 0; i < 2; i++) {
        const answer = await t.anonymous.post("/api/live-classes/webhooks/bigbluebutton", callback.rawBody, {
          headers: callback.headers,
        });
        expect(answer.status).toBe(204);
      }
      const forged = await t.anonymous.post("/api/live-classes/webhooks/bigbluebutton", callback.rawBody, {
        headers: { ...callback.headers, authorization: `${callback.headers.authorization}x` },
      });
      expect(forged.status).toBe(401);
      const attendance = await t.lectern.services.get("live-classes").attendanceOf(created.body.id);
      expect(
        attendance.map((a) => [a.userId, a.presence.minutesPresent, a.presence.leftAt?.toISOString()]),
      ).toEqual([[student.id, 40, "2026-03-02T10:50:00.000Z"]]);
    } finally {
      await t.close();
    }
  });
});
