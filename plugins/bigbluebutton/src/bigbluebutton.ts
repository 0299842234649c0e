import { createHash, timingSafeEqual } from "node:crypto";
import { ProviderError } from "@lectern/core";
import {
  type JoinLinkInput,
  type MeetingRef,
  type ParticipantEvent,
  type VideoProvider,
  type VideoProviderContext,
  type WebhookInput,
  type WebhookOutput,
  WebhookSignatureError,
} from "@lectern/live-classes";
import { XMLParser } from "fast-xml-parser";
import { jwtVerify } from "jose";
import type { z } from "zod";
import type { bigBlueButtonOptions } from "./index.js";

type Options = z.output<typeof bigBlueButtonOptions>;

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** `hex(SHA-256(call + query + secret))`, as every BigBlueButton API call carries. */
export function checksum(
  call: string,
  query: string,
  secret: string,
  algorithm: "sha1" | "sha256" = "sha256",
): string {
  return createHash(algorithm)
    .update(call + query + secret)
    .digest("hex");
}

interface AnalyticsAttendee {
  ext_user_id?: string;
  name?: string;
  moderator?: boolean;
  joins?: string[];
  leaves?: string[];
}

interface HookEvent {
  data?: {
    id?: string;
    attributes?: {
      meeting?: { "external-meeting-id"?: string; "internal-meeting-id"?: string };
      user?: { "external-user-id"?: string; "internal-user-id"?: string; name?: string };
    };
    event?: { ts?: number };
  };
}

/**
 * A self-hosted BigBlueButton server through its checksummed API. Meetings exist only while in
 * use, so a class reserves a meeting id and the meeting is created (idempotently) when someone
 * joins. Attendance comes from bbb-webhooks (`user-joined` / `user-left`) and the analytics
 * callback the server posts when the meeting ends.
 */
export class BigBlueButtonProvider implements VideoProvider {
  constructor(
    private readonly ctx: VideoProviderContext,
    private readonly options: Options,
  ) {}

  get #webhookUrl(): string {
    return this.options.webhookUrl ?? `${this.ctx.config.publicUrl}/api/live-classes/webhooks/bigbluebutton`;
  }

  async createMeeting(input: { classId: string }) {
    // Checks the server and the secret now, so a misconfigured server fails while scheduling.
    await this.#call("isMeetingRunning", { meetingID: `lectern-${input.classId}` });
    return { meetingId: `lectern-${input.classId}` };
  }

  async updateMeeting(input: { meetingId: string; data: Record<string, string> }) {
    // Name and duration are given when the meeting is created at the first join.
    return { meetingId: input.meetingId, data: input.data };
  }

  async cancelMeeting(input: MeetingRef) {
    await this.#call("end", { meetingID: input.meetingId }, ["notFound"]);
    return { cancelled: true as const };
  }

  async joinLink(input: JoinLinkInput) {
    await this.#call("create", {
      meetingID: input.meetingId,
      name: input.title,
      duration: String(input.durationMinutes + this.options.overtimeMinutes),
      record: "false",
      meetingKeepEvents: "true",
      "meta_analytics-callback-url": this.#webhookUrl,
      "meta_lectern-class-id": input.classId,
    });
    const query = new URLSearchParams({
      fullName: input.user.name,
      meetingID: input.meetingId,
      role: input.role === "host" ? "MODERATOR" : "VIEWER",
      userID: input.user.id,
      redirect: "true",
    }).toString();
    return { url: this.#url("join", query) };
  }

  async parseWebhook(input: WebhookInput): Promise<WebhookOutput> {
    const authorization = input.headers.get("authorization");
    if (authorization?.startsWith("Bearer "))
      return this.#analyticsCallback(authorization.slice(7), input.rawBody);
    return this.#hookEvents(input);
  }

  /** The analytics callback at the end of a meeting: a Bearer JWT (HS512, the shared secret) and every attendee's joins and leaves. */
  async #analyticsCallback(token: string, rawBody: string): Promise<WebhookOutput> {
    try {
      await jwtVerify(token, new TextEncoder().encode(this.options.secret), {
        algorithms: ["HS512"],
        requiredClaims: ["exp"],
        currentDate: this.ctx.clock.now(),
      });
    } catch {
      throw new WebhookSignatureError("The analytics callback's token is not valid.");
    }
    const body = JSON.parse(rawBody) as {
      meeting_id?: string;
      internal_meeting_id?: string;
      data?: { attendees?: AnalyticsAttendee[] };
    };
    const meetingId = body.meeting_id;
    if (!meetingId) return { events: [] };
    const events: ParticipantEvent[] = [];
    for (const attendee of body.data?.attendees ?? []) {
      if (attendee.moderator) continue;
      const participant = {
        externalId: attendee.ext_user_id ?? attendee.name ?? "",
        userId: attendee.ext_user_id,
        name: attendee.name,
      };
      for (const [kind, times] of [
        ["joined", attendee.joins ?? []],
        ["left", attendee.leaves ?? []],
      ] as const) {
        for (const at of times) {
          events.push({
            eventId: `analytics:${body.internal_meeting_id}:${participant.externalId}:${kind}:${at}`,
            meetingId,
            kind,
            at: new Date(at),
            participant,
          });
        }
      }
    }
    return { events };
  }

  /** bbb-webhooks: `checksum` in the query is hex(SHA(callback URL + body + secret)). */
  #hookEvents(input: WebhookInput): WebhookOutput {
    const given = new URL(input.url).searchParams.get("checksum") ?? "";
    const algorithm = given.length === 40 ? "sha1" : "sha256";
    const expected = createHash(algorithm)
      .update(this.#webhookUrl + input.rawBody + this.options.secret)
      .digest("hex");
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      throw new WebhookSignatureError();
    }
    const form = new URLSearchParams(input.rawBody);
    const timestamp = Number(form.get("timestamp"));
    const age = Math.abs(this.ctx.clock.now().getTime() - timestamp) / 1000;
    if (!Number.isFinite(age) || age > this.options.webhookToleranceSeconds) {
      throw new WebhookSignatureError("The webhook timestamp is too old.");
    }
    const list = JSON.parse(form.get("event") ?? "[]") as HookEvent[];
    const events: ParticipantEvent[] = [];
    for (const item of list) {
      const kind = item.data?.id === "user-joined" ? "joined" : item.data?.id === "user-left" ? "left" : null;
      const meetingId = item.data?.attributes?.meeting?.["external-meeting-id"];
      const user = item.data?.attributes?.user;
      const ts = item.data?.event?.ts;
      if (!kind || !meetingId || !user || !ts) continue;
      const externalId = user["internal-user-id"] ?? user["external-user-id"] ?? "";
      events.push({
        eventId: `hook:${item.data?.attributes?.meeting?.["internal-meeting-id"]}:${externalId}:${kind}:${ts}`,
        meetingId,
        kind,
        at: new Date(ts),
        participant: { externalId, userId: user["external-user-id"], name: user.name },
      });
    }
    return { events };
  }

  #url(call: string, query: string): string {
    return `${this.options.url}/api/${call}?${query}&checksum=${checksum(call, query, this.options.secret)}`;
  }

  async #call(
    call: string,
    params: Record<string, string>,
    okKeys: string[] = [],
  ): Promise<Record<string, unknown>> {
    let text: string;
    try {
      const response = await this.ctx.fetch(this.#url(call, new URLSearchParams(params).toString()), {
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) {
        throw new ProviderError(`BigBlueButton: ${call} answered ${response.status}`, {
          provider: "bigbluebutton",
          status: response.status,
          retryable: response.status >= 500,
        });
      }
      text = await response.text();
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw new ProviderError("BigBlueButton could not be reached", {
        provider: "bigbluebutton",
        retryable: true,
        cause: error,
      });
    }
    const parsed = (xml.parse(text) as { response?: Record<string, unknown> }).response;
    if (parsed?.returncode === "SUCCESS" || okKeys.includes(String(parsed?.messageKey))) return parsed ?? {};
    throw new ProviderError(`BigBlueButton: ${call} failed (${String(parsed?.messageKey ?? "no answer")})`, {
      provider: "bigbluebutton",
      retryable: false,
    });
  }
}
