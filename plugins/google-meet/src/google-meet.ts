import { AccessTokenCache, type IssuedToken, type ProviderContext, ProviderError } from "@lectern/core";
import type { AttendanceSegment, JoinLinkInput, MeetingRef, VideoProvider } from "@lectern/live-classes";
import { importPKCS8, SignJWT } from "jose";
import type { z } from "zod";
import type { googleMeetOptions } from "./index.js";

type Options = z.output<typeof googleMeetOptions>;

const SCOPES = [
  "https://www.googleapis.com/auth/meetings.space.created",
  "https://www.googleapis.com/auth/meetings.space.readonly",
];

interface Space {
  name: string;
  meetingUri: string;
  meetingCode: string;
}

interface MeetParticipant {
  name: string;
  earliestStartTime?: string;
  latestEndTime?: string;
  signedinUser?: { user?: string; displayName?: string };
  anonymousUser?: { displayName?: string };
  phoneUser?: { displayName?: string };
}

/**
 * Google Meet through the Meet REST API v2, as a service account acting for one Workspace user
 * (domain-wide delegation): each class gets a space; attendance comes from the conference
 * records of that space after the meeting. Meet links are the same for everyone in a space, and
 * Meet reports names rather than emails, so participants are matched to students by name.
 */
export class GoogleMeetProvider implements VideoProvider {
  readonly #token: AccessTokenCache;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly options: Options,
  ) {
    this.#token = new AccessTokenCache(ctx.clock, () => this.#requestToken());
  }

  async createMeeting() {
    const space = await this.#call<Space>("POST", "/v2/spaces", {
      config: { accessType: this.options.accessType },
    });
    return { meetingId: space.name, data: { meetingUri: space.meetingUri, meetingCode: space.meetingCode } };
  }

  async updateMeeting(input: { meetingId: string; data: Record<string, string> }) {
    // A space has no schedule: moving a class changes nothing at Google.
    return { meetingId: input.meetingId, data: input.data };
  }

  async cancelMeeting(input: MeetingRef) {
    // Ends a conference in progress; a space with none answers 400 or 404, which is fine.
    await this.#call("POST", `/v2/${input.meetingId}:endActiveConference`, {}, [400, 404]);
    return { cancelled: true as const };
  }

  async joinLink(input: JoinLinkInput) {
    const uri =
      input.data.meetingUri ?? (await this.#call<Space>("GET", `/v2/${input.meetingId}`)).meetingUri;
    return { url: uri };
  }

  async fetchAttendance(input: MeetingRef): Promise<{ participants: AttendanceSegment[] }> {
    const filter = encodeURIComponent(`space.name="${input.meetingId}"`);
    const records = await this.#pages<{ name: string }>(
      `/v2/conferenceRecords?filter=${filter}`,
      "conferenceRecords",
    );
    const participants: AttendanceSegment[] = [];
    for (const record of records) {
      const list = await this.#pages<MeetParticipant>(
        `/v2/${record.name}/participants?pageSize=100`,
        "participants",
      );
      for (const p of list) {
        if (!p.earliestStartTime || !p.latestEndTime) continue;
        const name = p.signedinUser?.displayName ?? p.anonymousUser?.displayName ?? p.phoneUser?.displayName;
        participants.push({
          participant: { externalId: p.signedinUser?.user ?? p.name, name },
          joinedAt: new Date(p.earliestStartTime),
          leftAt: new Date(p.latestEndTime),
        });
      }
    }
    return { participants };
  }

  async #pages<T>(path: string, key: string): Promise<T[]> {
    const all: T[] = [];
    let token = "";
    do {
      const separator = path.includes("?") ? "&" : "?";
      const page = await this.#call<Record<string, unknown>>(
        "GET",
        token ? `${path}${separator}pageToken=${encodeURIComponent(token)}` : path,
      );
      all.push(...((page[key] as T[] | undefined) ?? []));
      token = String(page.nextPageToken ?? "");
    } while (token);
    return all;
  }

  /** The service account's JWT bearer grant: RS256 assertion with iss, sub, aud = token URI, scope. */
  async #requestToken(): Promise<IssuedToken> {
    const key = this.options.serviceAccount;
    const tokenUri = this.options.tokenUrl ?? key.token_uri;
    const now = Math.floor(this.ctx.clock.now().getTime() / 1000);
    const assertion = await new SignJWT({ scope: SCOPES.join(" ") })
      .setProtectedHeader({
        alg: "RS256",
        typ: "JWT",
        ...(key.private_key_id ? { kid: key.private_key_id } : {}),
      })
      .setIssuer(key.client_email)
      .setSubject(this.options.impersonate)
      .setAudience(tokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(await importPKCS8(key.private_key, "RS256"));
    const response = await this.#fetch(tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion,
      }).toString(),
    });
    if (!response.ok) throw this.#failure(`the token request answered ${response.status}`, response.status);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  }

  async #call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    okStatuses: number[] = [],
  ): Promise<T> {
    const response = await this.#fetch(`${this.options.apiBaseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.#token.get()}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (okStatuses.includes(response.status)) return undefined as T;
    if (!response.ok)
      throw this.#failure(`${method} ${path.split("?")[0]} answered ${response.status}`, response.status);
    return (await response.json()) as T;
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.ctx.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw new ProviderError("Google Meet could not be reached", {
        provider: "google-meet",
        retryable: true,
        cause: error,
      });
    }
  }

  #failure(message: string, status: number): ProviderError {
    return new ProviderError(`Google Meet: ${message}`, {
      provider: "google-meet",
      status,
      retryable: status >= 500 || status === 429,
    });
  }
}
