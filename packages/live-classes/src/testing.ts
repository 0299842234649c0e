import { randomBytes } from "node:crypto";
import { ProviderError } from "@lectern/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Person,
  type VideoProvider,
  type VideoProviderContext,
  type VideoProviderPlugin,
  videoProviderSlot,
  WebhookSignatureError,
} from "./provider.js";

/** A webhook request as the platform would send it to Lectern. */
export interface SignedWebhook {
  rawBody: string;
  headers: Record<string, string>;
  url?: string;
}

/**
 * What a provider's test gives the kit: the installed provider (pointed at its fake) and the
 * levers on the fake that the contract tests need. Levers for features the platform lacks are left out.
 */
export interface ConformanceHarness {
  plugin: VideoProviderPlugin;
  /** The platform sends a participant's join or leave of a meeting, signed as it signs them. */
  webhook?: (event: {
    meetingId: string;
    kind: "joined" | "left";
    at: Date;
    participant: Person;
    eventId: string;
  }) => SignedWebhook | Promise<SignedWebhook>;
  /** The platform's report will show this participant in the meeting for this stretch. */
  attended?: (meetingId: string, participant: Person, joinedAt: Date, leftAt: Date) => unknown;
  /** The platform's next meeting creation fails (e.g. it answers 500). */
  failNextCreate?: () => unknown;
  /** Whether each person's link is their own (carries who they are), as most platforms' are. */
  personalLinks?: boolean;
  close?: () => unknown;
}

const host: Person = {
  id: "8f1d6a52-3c1b-4e55-9a2e-6d7c4b0a1f10",
  name: "Ada Host",
  email: "ada@example.edu",
};
const student: Person = {
  id: "2b4e9c71-5d3a-4f60-8b1e-0a9c7d6e5f21",
  name: "Ben Student",
  email: "ben@example.edu",
};
const other: Person = {
  id: "c3d5e7f9-1a2b-4c3d-8e4f-5a6b7c8d9e01",
  name: "Cleo Student",
  email: "cleo@example.edu",
};

/**
 * The contract every video provider keeps, run against the provider and its fake:
 * `describeVideoProvider("zoom", async () => ({ plugin: zoom({...fake}), webhook: ..., ... }))`.
 */
export function describeVideoProvider(name: string, setup: () => Promise<ConformanceHarness>): void {
  describe(`video provider conformance: ${name}`, () => {
    let harness: ConformanceHarness;
    let provider: VideoProvider;
    const startsAt = new Date(Date.now() + 24 * 3_600_000);

    beforeAll(async () => {
      harness = await setup();
      provider = createProvider(harness.plugin);
    });
    afterAll(async () => {
      await harness?.close?.();
    });

    const create = (classId: string) =>
      provider.createMeeting({
        classId,
        title: "Conformance class",
        startsAt,
        durationMinutes: 60,
        timeZone: "Europe/Berlin",
        host,
      });
    const link = (
      meeting: { meetingId: string; data?: Record<string, string> },
      user: Person,
      role: "host" | "attendee",
    ) =>
      provider.joinLink({
        classId: "0b7e3f0a-0000-4000-8000-000000000001",
        meetingId: meeting.meetingId,
        data: meeting.data ?? {},
        title: "Conformance class",
        startsAt,
        durationMinutes: 60,
        user,
        role,
      });

    it("is a video provider with an id and a name", () => {
      expect(harness.plugin.slot).toBe(videoProviderSlot.name);
      expect(harness.plugin.id).toMatch(/^[a-z0-9-]+$/);
      expect(harness.plugin.name.length).toBeGreaterThan(0);
    });

    it("creates a meeting and gives absolute join links for a host and an attendee", async () => {
      const meeting = await create("0b7e3f0a-0000-4000-8000-000000000001");
      expect(meeting.meetingId.length).toBeGreaterThan(0);
      const hostLink = (await link(meeting, host, "host")).url;
      const attendeeLink = (await link(meeting, student, "attendee")).url;
      for (const url of [hostLink, attendeeLink]) expect(new URL(url).protocol).toMatch(/^https?:$/);
      if (harness.personalLinks !== false) {
        expect(attendeeLink).not.toBe(hostLink);
        expect((await link(meeting, other, "attendee")).url).not.toBe(attendeeLink);
      }
    });

    it("makes a different meeting for each class", async () => {
      const a = await create("0b7e3f0a-0000-4000-8000-000000000002");
      const b = await create("0b7e3f0a-0000-4000-8000-000000000003");
      expect(a.meetingId).not.toBe(b.meetingId);
    });

    it("moves a meeting and still gives links for it", async () => {
      const meeting = await create("0b7e3f0a-0000-4000-8000-000000000004");
      const moved = await provider.updateMeeting({
        classId: "0b7e3f0a-0000-4000-8000-000000000004",
        meetingId: meeting.meetingId,
        data: meeting.data ?? {},
        title: "Moved class",
        startsAt: new Date(startsAt.getTime() + 3_600_000),
        durationMinutes: 90,
        timeZone: "Europe/Berlin",
      });
      expect(moved.meetingId.length).toBeGreaterThan(0);
      const url = (await link(moved, student, "attendee")).url;
      expect(new URL(url).protocol).toMatch(/^https?:$/);
    });

    it("cancels a meeting, and cancelling again still succeeds", async () => {
      const meeting = await create("0b7e3f0a-0000-4000-8000-000000000005");
      const ref = {
        classId: "0b7e3f0a-0000-4000-8000-000000000005",
        meetingId: meeting.meetingId,
        data: meeting.data ?? {},
      };
      expect(await provider.cancelMeeting(ref)).toEqual({ cancelled: true });
      expect(await provider.cancelMeeting(ref)).toEqual({ cancelled: true });
    });

    it("reports a failing platform as a ProviderError", async (context) => {
      if (!harness.failNextCreate) return context.skip();
      await harness.failNextCreate();
      await expect(create("0b7e3f0a-0000-4000-8000-000000000006")).rejects.toBeInstanceOf(ProviderError);
    });

    it("turns a signed webhook into participant events and refuses a tampered one", async (context) => {
      if (!harness.webhook) {
        expect(provider.parseWebhook).toBeUndefined();
        return context.skip();
      }
      expect(provider.parseWebhook).toBeTypeOf("function");
      const meeting = await create("0b7e3f0a-0000-4000-8000-000000000007");
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      const signed = await harness.webhook({
        meetingId: meeting.meetingId,
        kind: "joined",
        at,
        participant: student,
        eventId: "evt-1",
      });
      const parsed = await provider.parseWebhook!(request(signed));
      expect(parsed.events).toHaveLength(1);
      const [event] = parsed.events;
      expect(event).toMatchObject({ meetingId: meeting.meetingId, kind: "joined" });
      expect(event!.at.getTime()).toBe(at.getTime());
      expect(event!.eventId.length).toBeGreaterThan(0);
      expect(event!.participant.userId === student.id || event!.participant.email === student.email).toBe(
        true,
      );

      const left = await harness.webhook({
        meetingId: meeting.meetingId,
        kind: "left",
        at: new Date(at.getTime() + 60_000),
        participant: student,
        eventId: "evt-2",
      });
      const parsedLeft = await provider.parseWebhook!(request(left));
      expect(parsedLeft.events[0]).toMatchObject({ kind: "left" });
      expect(parsedLeft.events[0]!.eventId).not.toBe(event!.eventId);

      const tampered = {
        ...signed,
        rawBody: signed.rawBody.replace(meeting.meetingId, `${meeting.meetingId}0`),
      };
      await expect(provider.parseWebhook!(request(tampered))).rejects.toBeInstanceOf(WebhookSignatureError);
    });

    it("reports who attended after the meeting", async (context) => {
      if (!harness.attended) {
        expect(provider.fetchAttendance).toBeUndefined();
        return context.skip();
      }
      const meeting = await create("0b7e3f0a-0000-4000-8000-000000000008");
      const joinedAt = new Date(Math.floor(startsAt.getTime() / 1000) * 1000);
      const leftAt = new Date(joinedAt.getTime() + 45 * 60_000);
      await harness.attended(meeting.meetingId, student, joinedAt, leftAt);
      const { participants } = await provider.fetchAttendance!({
        classId: "0b7e3f0a-0000-4000-8000-000000000008",
        meetingId: meeting.meetingId,
        data: meeting.data ?? {},
      });
      const mine = participants.filter(
        (p) =>
          p.participant.userId === student.id ||
          p.participant.email === student.email ||
          p.participant.name === student.name,
      );
      expect(mine).toHaveLength(1);
      expect(mine[0]!.joinedAt.getTime()).toBe(joinedAt.getTime());
      expect(mine[0]!.leftAt.getTime()).toBe(leftAt.getTime());
    });
  });
}

function request(signed: SignedWebhook) {
  return {
    rawBody: signed.rawBody,
    headers: new Headers(signed.headers),
    url: signed.url ?? "http://127.0.0.1:46999/api/live-classes/webhooks/test",
  };
}

/**
 * Builds the provider as boot would: options checked against its schema, then `create` with a
 * provider context (the real clock and fetch; secrets kept in memory).
 */
export function createProvider(
  install: VideoProviderPlugin,
  context: Partial<VideoProviderContext> = {},
): VideoProvider {
  const options = install.definition.options
    ? install.definition.options.parse(install.rawOptions)
    : install.rawOptions;
  const secrets = new Map<string, string>();
  return install.definition.create(
    {
      logger: silentLogger(),
      clock: { now: () => new Date() },
      config: { publicUrl: "http://127.0.0.1:46999", timeZone: "Europe/Berlin", demo: false },
      fetch: (...args) => fetch(...args),
      secret: async (name) => {
        if (!secrets.has(name)) secrets.set(name, randomBytes(32).toString("hex"));
        return secrets.get(name)!;
      },
      ...context,
    },
    options,
  );
}

function silentLogger() {
  const noop = () => {};
  const logger = {
    trace: noop,
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    fatal: noop,
    child: () => logger,
  };
  return logger as never;
}
