import { ManualClock } from "@lectern/core";
import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { liveClasses, WebhookSignatureError } from "@lectern/live-classes";
import { describeVideoProvider } from "@lectern/live-classes/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeZoom } from "./fake-zoom.js";
import { ZoomProvider, zoom, zoomOptions } from "./index.js";

const fake = new FakeZoom();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const options = () => ({
  accountId: fake.accountId,
  clientId: fake.clientId,
  clientSecret: fake.clientSecret,
  webhookSecret: fake.webhookSecret,
  apiBaseUrl: fake.url,
  oauthBaseUrl: fake.url,
});

const participantBody = (
  event: string,
  meetingId: string,
  person: { id: string; name: string; email: string },
  time: object,
) => {
  const meeting = fake.meetings.get(meetingId)!;
  return {
    event,
    event_ts: Date.now(),
    payload: {
      account_id: fake.accountId,
      object: {
        id: meeting.id,
        uuid: meeting.uuid,
        host_id: "host",
        topic: meeting.topic,
        participant: {
          user_id: "16778240",
          participant_uuid: `pu-${person.id}`,
          user_name: person.name,
          email: person.email,
          ...time,
        },
      },
    },
  };
};

describeVideoProvider("zoom", async () => ({
  plugin: zoom(options()),
  webhook: ({ meetingId, kind, at, participant }) =>
    fake.sign(
      participantBody(
        kind === "joined" ? "meeting.participant_joined" : "meeting.participant_left",
        meetingId,
        participant,
        kind === "joined" ? { join_time: at.toISOString() } : { leave_time: at.toISOString() },
      ),
    ),
  attended: (meetingId, person, joinedAt, leftAt) => {
    fake.report.set(meetingId, [
      {
        id: "other",
        name: "Someone Else",
        user_email: "",
        join_time: joinedAt.toISOString(),
        leave_time: leftAt.toISOString(),
      },
      {
        id: `pu-${person.id}`,
        name: person.name,
        user_email: person.email,
        join_time: joinedAt.toISOString(),
        leave_time: leftAt.toISOString(),
      },
    ]);
  },
  failNextCreate: () => {
    fake.failNext = 500;
  },
}));

describe("zoom specifics", () => {
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  const provider = () =>
    new ZoomProvider(
      {
        logger: console as never,
        clock,
        config: { publicUrl: "http://x", timeZone: "UTC", demo: false },
        fetch,
        secret: async () => "unused",
      },
      zoomOptions.parse(options()),
    );
  const create = (p: ZoomProvider) =>
    p.createMeeting({
      classId: "c",
      title: "T",
      startsAt: new Date("2026-03-03T10:00:00Z"),
      durationMinutes: 30,
      timeZone: "UTC",
      host: { id: "h", name: "H", email: "h@x" },
    });

  it("asks for one token and reuses it until it expires", async () => {
    const p = provider();
    const before = fake.tokensIssued;
    await Promise.all([create(p), create(p), create(p)]);
    expect(fake.tokensIssued - before).toBe(1);
    clock.advance(3_600_000);
    await create(p);
    expect(fake.tokensIssued - before).toBe(2);
  });

  it("answers the endpoint.url_validation handshake with the HMAC of the plain token", async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const signed = fake.sign(
      { event: "endpoint.url_validation", payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" } },
      now,
    );
    const answer = await provider().parseWebhook({
      rawBody: signed.rawBody,
      headers: new Headers(signed.headers),
      url: "",
    });
    expect(answer.events).toEqual([]);
    expect(answer.reply).toEqual({
      status: 200,
      body: {
        plainToken: "qgg8vlvZRS6UYooatFL8Aw",
        encryptedToken: (await import("node:crypto"))
          .createHmac("sha256", fake.webhookSecret)
          .update("qgg8vlvZRS6UYooatFL8Aw")
          .digest("hex"),
      },
    });
  });

  it("refuses a replayed webhook with a stale timestamp, even with a right signature", async () => {
    const stale = Math.floor(clock.now().getTime() / 1000) - 301;
    const signed = fake.sign({ event: "endpoint.url_validation", payload: { plainToken: "x" } }, stale);
    await expect(
      provider().parseWebhook({ rawBody: signed.rawBody, headers: new Headers(signed.headers), url: "" }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
  });
});

describe("zoom in Lectern", () => {
  it("registers each student for a personal link, counts webhooks once and falls back to the report", async () => {
    const t = await createTestLectern({
      plugins: [liveClasses({ providers: [zoom(options())] }), courses()],
      now: "2026-03-02T09:00:00Z",
    });
    try {
      const instructor = await t.createUser("instructor");
      const admin = await t.createUser("admin");
      const student = await t.createUser("student", { name: "Zoe Zoomer" });
      const late = await t.createUser("student", { name: "Lou Late" });
      const course = await t.as(instructor).post("/api/courses", {
        title: "Zoomed",
        summary: "s",
        description: "",
        tags: [],
        level: "beginner",
      });
      await t.as(instructor).post(`/api/courses/${course.body.id}/submit`);
      await t.as(admin).post(`/api/admin/courses/${course.body.id}/approve`);
      for (const s of [student, late]) await t.as(s).post(`/api/courses/${course.body.id}/enroll`);

      const created = await t.as(instructor).post(`/api/courses/${course.body.id}/live-classes`, {
        title: "Interference",
        startsAt: "2026-03-02T10:00:00Z",
        durationMinutes: 60,
        provider: "zoom",
      });
      expect(created.status).toBe(201);
      expect(created.body.hostUrl).toMatch(/^https:\/\/zoom\.example\/s\//);
      const meetingId = [...fake.meetings.values()].find((m) => m.topic === "Interference")!.id;

      t.clock.set("2026-03-02T09:50:00Z");
      const join = await t.as(student).get(`/api/live-classes/${created.body.id}/join`);
      expect(join.status).toBe(302);
      const registrant = fake.registrants.get(String(meetingId))!.find((r) => r.email === student.email)!;
      expect(join.headers.get("location")).toBe(
        `https://zoom.example/w/${meetingId}?tk=${registrant.registrant_id}`,
      );
      expect(registrant.first_name).toBe("Zoe");

      const deliver = async (body: object) => {
        const signed = fake.sign(body, Math.floor(t.clock.now().getTime() / 1000));
        return t.anonymous.post("/api/live-classes/webhooks/zoom", signed.rawBody, {
          headers: signed.headers,
        });
      };
      const joined = participantBody(
        "meeting.participant_joined",
        String(meetingId),
        { ...student, id: student.id },
        { join_time: "2026-03-02T10:01:00Z" },
      );
      const left = participantBody(
        "meeting.participant_left",
        String(meetingId),
        { ...student, id: student.id },
        { leave_time: "2026-03-02T10:41:00Z" },
      );
      expect((await deliver(left)).status).toBe(204);
      expect((await deliver(joined)).status).toBe(204);
      expect((await deliver(joined)).status).toBe(204);
      const forged = fake.sign(joined);
      const bad = await t.anonymous.post(
        "/api/live-classes/webhooks/zoom",
        forged.rawBody.replace("10:01", "09:01"),
        { headers: forged.headers },
      );
      expect(bad.status).toBe(401);

      fake.report.set(String(meetingId), [
        {
          id: `pu-${late.id}`,
          name: "Lou Late",
          user_email: late.email,
          join_time: "2026-03-02T10:30:00Z",
          leave_time: "2026-03-02T10:45:00Z",
        },
        {
          id: `pu-${late.id}`,
          name: "Lou Late",
          user_email: late.email,
          join_time: "2026-03-02T10:50:00Z",
          leave_time: "2026-03-02T11:00:00Z",
        },
      ]);
      t.clock.set("2026-03-02T11:20:00Z");
      await t.drain();

      const attendance = await t.lectern.services.get("live-classes").attendanceOf(created.body.id);
      const byUser = new Map(attendance.map((a) => [a.userId, a.presence]));
      expect(byUser.get(student.id)).toEqual({
        joinedAt: new Date("2026-03-02T09:50:00Z"),
        leftAt: new Date("2026-03-02T10:41:00Z"),
        minutesPresent: 40,
      });
      expect(byUser.get(late.id)?.minutesPresent).toBe(25);
    } finally {
      await t.close();
    }
  });
});
