import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AccessTokenCache, type IssuedToken, ProviderError } from "@lectern/core";
import {
  type AttendanceSegment,
  type CreateMeetingInput,
  type JoinLinkInput,
  type MeetingRef,
  type ParticipantEvent,
  type UpdateMeetingInput,
  type VideoProvider,
  type VideoProviderContext,
  type WebhookInput,
  type WebhookOutput,
  WebhookSignatureError,
} from "@lectern/live-classes";
import type { z } from "zod";
import type { zoomOptions } from "./index.js";

type Options = z.output<typeof zoomOptions>;

interface ZoomMeeting {
  id: number;
  uuid: string;
  join_url: string;
  start_url: string;
  password?: string;
}

interface ZoomParticipant {
  id?: string;
  user_id?: string;
  participant_uuid?: string;
  user_name?: string;
  name?: string;
  email?: string;
  user_email?: string;
  registrant_id?: string;
  join_time?: string;
  leave_time?: string;
}

/**
 * Zoom through its REST API with a Server-to-Server OAuth app: meetings are made under one
 * account user, each attendee registers (so their link and their webhooks carry who they are),
 * and attendance comes from signed participant webhooks, with the participants report after
 * the meeting as a fallback.
 */
export class ZoomProvider implements VideoProvider {
  readonly #token: AccessTokenCache;

  constructor(
    private readonly ctx: VideoProviderContext,
    private readonly options: Options,
  ) {
    this.#token = new AccessTokenCache(ctx.clock, () => this.#requestToken());
  }

  async createMeeting(input: CreateMeetingInput) {
    const meeting = await this.#call<ZoomMeeting>(
      "POST",
      `/v2/users/${encodeURIComponent(this.options.userId)}/meetings`,
      {
        topic: input.title,
        type: 2,
        start_time: input.startsAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
        duration: input.durationMinutes,
        timezone: input.timeZone,
        agenda: `Lectern class ${input.classId}`,
        settings: { approval_type: 0, registration_type: 1, join_before_host: false, waiting_room: false },
      },
    );
    return {
      meetingId: String(meeting.id),
      data: { uuid: meeting.uuid, joinUrl: meeting.join_url },
    };
  }

  async updateMeeting(input: UpdateMeetingInput) {
    await this.#call("PATCH", `/v2/meetings/${input.meetingId}`, {
      topic: input.title,
      start_time: input.startsAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
      duration: input.durationMinutes,
      timezone: input.timeZone,
    });
    return { meetingId: input.meetingId, data: input.data };
  }

  async cancelMeeting(input: MeetingRef) {
    await this.#call("DELETE", `/v2/meetings/${input.meetingId}`, undefined, [404]);
    return { cancelled: true as const };
  }

  async joinLink(input: JoinLinkInput) {
    if (input.role === "host") {
      // A start link expires after two hours, so it is fetched fresh for each visit.
      const meeting = await this.#call<ZoomMeeting>("GET", `/v2/meetings/${input.meetingId}`);
      return { url: meeting.start_url };
    }
    const [first, ...rest] = input.user.name.trim().split(/\s+/);
    const registrant = await this.#call<{ join_url: string }>(
      "POST",
      `/v2/meetings/${input.meetingId}/registrants`,
      {
        email: input.user.email,
        first_name: first || input.user.email,
        last_name: rest.join(" ") || undefined,
        custom_questions: [{ title: "lectern_user_id", value: input.user.id }],
      },
    );
    return { url: registrant.join_url };
  }

  async parseWebhook(input: WebhookInput): Promise<WebhookOutput> {
    const timestamp = input.headers.get("x-zm-request-timestamp") ?? "";
    const signature = input.headers.get("x-zm-signature") ?? "";
    const expected = `v0=${this.#hmac(`v0:${timestamp}:${input.rawBody}`)}`;
    if (
      signature.length !== expected.length ||
      !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    ) {
      throw new WebhookSignatureError();
    }
    const age = Math.abs(this.ctx.clock.now().getTime() / 1000 - Number(timestamp));
    if (!Number.isFinite(age) || age > this.options.webhookToleranceSeconds) {
      throw new WebhookSignatureError("The webhook timestamp is too old.");
    }
    const body = JSON.parse(input.rawBody) as {
      event: string;
      payload: {
        plainToken?: string;
        object?: { id?: number | string; uuid?: string; participant?: ZoomParticipant };
      };
    };
    if (body.event === "endpoint.url_validation") {
      const plainToken = String(body.payload.plainToken ?? "");
      return {
        events: [],
        reply: { status: 200, body: { plainToken, encryptedToken: this.#hmac(plainToken) } },
      };
    }
    const kind =
      body.event === "meeting.participant_joined"
        ? "joined"
        : body.event === "meeting.participant_left"
          ? "left"
          : null;
    const object = body.payload.object;
    const participant = object?.participant;
    if (!kind || !object || object.id === undefined || !participant) return { events: [] };
    const at = kind === "joined" ? participant.join_time : participant.leave_time;
    if (!at) return { events: [] };
    const event: ParticipantEvent = {
      // Zoom's events carry no id: the same delivery always hashes to the same one.
      eventId: createHash("sha256")
        .update(`${body.event}|${object.uuid}|${participantKey(participant)}|${at}`)
        .digest("hex"),
      meetingId: String(object.id),
      kind,
      at: new Date(at),
      participant: toParticipant(participant),
    };
    return { events: [event] };
  }

  async fetchAttendance(input: MeetingRef): Promise<{ participants: AttendanceSegment[] }> {
    const uuid = input.data.uuid ?? input.meetingId;
    // Zoom asks for a uuid starting with "/" or holding "//" to be encoded twice.
    const id =
      uuid.startsWith("/") || uuid.includes("//")
        ? encodeURIComponent(encodeURIComponent(uuid))
        : encodeURIComponent(uuid);
    const participants: AttendanceSegment[] = [];
    let next = "";
    do {
      const page = await this.#call<{ participants: ZoomParticipant[]; next_page_token?: string }>(
        "GET",
        `/v2/report/meetings/${id}/participants?page_size=300${next ? `&next_page_token=${encodeURIComponent(next)}` : ""}`,
      );
      for (const p of page.participants ?? []) {
        if (!p.join_time || !p.leave_time) continue;
        participants.push({
          participant: toParticipant(p),
          joinedAt: new Date(p.join_time),
          leftAt: new Date(p.leave_time),
        });
      }
      next = page.next_page_token ?? "";
    } while (next);
    return { participants };
  }

  #hmac(text: string): string {
    return createHmac("sha256", this.options.webhookSecret).update(text).digest("hex");
  }

  async #requestToken(): Promise<IssuedToken> {
    const url = `${this.options.oauthBaseUrl}/oauth/token?grant_type=account_credentials&account_id=${encodeURIComponent(this.options.accountId)}`;
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString("base64");
    const response = await this.#fetch(url, { method: "POST", headers: { authorization: `Basic ${basic}` } });
    if (!response.ok) throw this.#failure(`token request answered ${response.status}`, response.status);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  }

  async #call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    okStatuses: number[] = [],
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#token.get();
      const response = await this.#fetch(`${this.options.apiBaseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // A token revoked early: fetch a new one once.
      if (response.status === 401 && attempt === 0) {
        this.#token.forget();
        continue;
      }
      if (okStatuses.includes(response.status)) return undefined as T;
      if (!response.ok)
        throw this.#failure(`${method} ${path.split("?")[0]} answered ${response.status}`, response.status);
      return (response.status === 204 ? undefined : await response.json()) as T;
    }
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.ctx.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw new ProviderError("Zoom could not be reached", {
        provider: "zoom",
        retryable: true,
        cause: error,
      });
    }
  }

  #failure(message: string, status: number): ProviderError {
    return new ProviderError(`Zoom: ${message}`, {
      provider: "zoom",
      status,
      retryable: status >= 500 || status === 429,
    });
  }
}

function participantKey(p: ZoomParticipant): string {
  return (
    p.participant_uuid ?? p.registrant_id ?? p.user_id ?? p.id ?? p.email ?? p.user_email ?? p.user_name ?? ""
  );
}

function toParticipant(p: ZoomParticipant) {
  return {
    externalId: participantKey(p),
    email: p.email || p.user_email || undefined,
    name: p.user_name || p.name || undefined,
  };
}
