import { createHmac, timingSafeEqual } from "node:crypto";
import { ProviderError, z } from "@lectern/core";
import type { TestLectern, TestUser } from "@lectern/core/testing";
import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { expect } from "vitest";
import { liveClasses } from "./index.js";
import {
  defineVideoProvider,
  type ParticipantEvent,
  type VideoProvider,
  WebhookSignatureError,
} from "./provider.js";

/** Test helpers shared by this package's test files (not exported from the package). */

export const STUDIO_SECRET = "studio-webhook-secret";

/**
 * A small video platform that lives in the test process, standing in for a real one in the
 * feature's own tests (each real provider has its fake HTTP server and the conformance kit).
 */
export class StudioPlatform {
  meetings = new Map<
    string,
    { title: string; startsAt: Date; durationMinutes: number; cancelled: boolean }
  >();
  failCreateAfter: number | null = null;
  created = 0;

  provider(): VideoProvider {
    return {
      createMeeting: async (input) => {
        if (this.failCreateAfter !== null && this.created >= this.failCreateAfter) {
          throw new ProviderError("studio answered 503", {
            provider: "studio",
            status: 503,
            retryable: true,
          });
        }
        this.created++;
        const meetingId = `m-${input.classId}`;
        this.meetings.set(meetingId, { ...input, cancelled: false });
        return { meetingId, data: { room: `room-${this.created}` } };
      },
      updateMeeting: async (input) => {
        const meeting = this.meetings.get(input.meetingId);
        if (!meeting)
          throw new ProviderError("no such meeting", { provider: "studio", status: 404, retryable: false });
        Object.assign(meeting, {
          title: input.title,
          startsAt: input.startsAt,
          durationMinutes: input.durationMinutes,
        });
        return { meetingId: input.meetingId, data: input.data };
      },
      cancelMeeting: async (input) => {
        const meeting = this.meetings.get(input.meetingId);
        if (meeting) meeting.cancelled = true;
        return { cancelled: true };
      },
      joinLink: async (input) => ({
        url: `https://studio.example/${input.data.room}?user=${input.user.id}&role=${input.role}`,
      }),
      parseWebhook: async (input) => {
        const signature = input.headers.get("x-studio-signature") ?? "";
        const expected = createHmac("sha256", STUDIO_SECRET).update(input.rawBody).digest("hex");
        if (
          signature.length !== expected.length ||
          !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
        ) {
          throw new WebhookSignatureError();
        }
        const body = JSON.parse(input.rawBody) as {
          id: string;
          meeting: string;
          kind: "joined" | "left";
          at: string;
          email: string;
        };
        const event: ParticipantEvent = {
          eventId: body.id,
          meetingId: body.meeting,
          kind: body.kind,
          at: new Date(body.at),
          participant: { externalId: body.email, email: body.email },
        };
        return { events: [event] };
      },
    };
  }

  plugin() {
    return defineVideoProvider({
      id: "studio",
      name: "Studio",
      options: z.object({}),
      create: () => this.provider(),
    })();
  }
}

export function signStudio(body: object) {
  const rawBody = JSON.stringify(body);
  return {
    rawBody,
    signature: createHmac("sha256", STUDIO_SECRET).update(rawBody).digest("hex"),
  };
}

export async function liveLectern(options: { timeZone?: string; now?: string } = {}) {
  const studio = new StudioPlatform();
  const t = await createTestLectern({
    plugins: [liveClasses({ providers: [studio.plugin()] }), courses()],
    timeZone: options.timeZone ?? "Europe/Berlin",
    now: options.now ?? "2026-03-02T09:00:00Z",
  });
  return { t, studio };
}

/** An instructor's approved course with the given students enrolled. */
export async function courseWithStudents(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  students: TestUser[],
) {
  const created = await t.as(instructor).post("/api/courses", {
    title: `Live physics ${Math.random().toString(36).slice(2, 8)}`,
    summary: "Waves, taught live.",
    description: "",
    tags: ["physics"],
    level: "beginner",
  });
  expect(created.status).toBe(201);
  expect((await t.as(instructor).post(`/api/courses/${created.body.id}/submit`)).status).toBe(200);
  expect((await t.as(admin).post(`/api/admin/courses/${created.body.id}/approve`)).status).toBe(200);
  for (const student of students) {
    expect((await t.as(student).post(`/api/courses/${created.body.id}/enroll`)).status).toBe(201);
  }
  return created.body as { id: string; slug: string; title: string };
}
