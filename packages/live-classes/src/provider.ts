import {
  defineProvider,
  type ProviderContext,
  type ProviderDefinition,
  type ProviderInstall,
  providerSlot,
  type z,
} from "@lectern/core";

/**
 * What a video platform does for Lectern. Every method takes one input object and answers one
 * output object, so a method can gain a field without breaking any provider.
 */
export interface VideoProvider {
  /** Creates the platform's meeting for one class. Throw core's `ProviderError` when the platform fails. */
  createMeeting(input: CreateMeetingInput): Promise<MeetingOutput>;
  /** Moves or renames the meeting; answers its (possibly changed) data. */
  updateMeeting(input: UpdateMeetingInput): Promise<MeetingOutput>;
  /** Ends the meeting for good. Cancelling a meeting that is already gone must succeed. */
  cancelMeeting(input: MeetingRef): Promise<{ cancelled: true }>;
  /** A link made for one person: the host link for the class's owner, an attendee link otherwise. */
  joinLink(input: JoinLinkInput): Promise<{ url: string }>;
  /**
   * Checks a webhook's signature and turns it into participant events. Throw
   * `WebhookSignatureError` for a bad signature or a stale timestamp. `reply` answers a
   * handshake (e.g. Zoom's URL validation) instead of the default 204.
   */
  parseWebhook?(input: WebhookInput): Promise<WebhookOutput>;
  /** Who was present, from the platform's report after the meeting; where the platform has one. */
  fetchAttendance?(input: MeetingRef): Promise<{ participants: AttendanceSegment[] }>;
}

export interface Person {
  /** Lectern's user id. */
  id: string;
  name: string;
  email: string;
}

export interface CreateMeetingInput {
  /** Lectern's class id: unique, stable, usable as an idempotency key or room name seed. */
  classId: string;
  title: string;
  startsAt: Date;
  durationMinutes: number;
  /** The institution's IANA time zone, for platforms that show local times. */
  timeZone: string;
  host: Person;
}

/** A meeting as the platform knows it: its id and whatever the provider needs later (links, passwords). */
export interface MeetingOutput {
  meetingId: string;
  data?: Record<string, string>;
}

export interface MeetingRef {
  classId: string;
  meetingId: string;
  data: Record<string, string>;
}

export interface UpdateMeetingInput extends MeetingRef {
  title: string;
  startsAt: Date;
  durationMinutes: number;
  timeZone: string;
}

export interface JoinLinkInput extends MeetingRef {
  title: string;
  startsAt: Date;
  durationMinutes: number;
  user: Person;
  role: "host" | "attendee";
}

export interface WebhookInput {
  /** The body exactly as received: signatures are computed over these bytes. */
  rawBody: string;
  headers: Headers;
  /** The full URL the webhook was posted to (some platforms sign it). */
  url: string;
}

/** Someone the platform saw; `userId` when the platform echoes Lectern's id, else matched by email. */
export interface Participant {
  /** The platform's own id for this participant. */
  externalId: string;
  userId?: string;
  email?: string;
  name?: string;
}

export interface ParticipantEvent {
  /** The platform's id for the event (or a stable hash of it): the same event twice counts once. */
  eventId: string;
  meetingId: string;
  kind: "joined" | "left";
  at: Date;
  participant: Participant;
}

export interface WebhookOutput {
  events: ParticipantEvent[];
  reply?: { status: number; body: unknown };
}

export interface AttendanceSegment {
  participant: Participant;
  joinedAt: Date;
  leftAt: Date;
}

/** The slot video providers fill: `liveClasses({ providers: [jitsi(), zoom({...})] })`. */
export const videoProviderSlot = providerSlot<VideoProvider>("live-classes.providers");

declare module "@lectern/core" {
  interface LecternProviderSlots {
    "live-classes.providers": VideoProvider;
  }
}

/** What a video provider's `create` receives from Lectern (core's provider context). */
export type VideoProviderContext = ProviderContext;

/** A video provider as installed, e.g. the value of `jitsi()`. */
export type VideoProviderPlugin = ProviderInstall<VideoProvider>;

/**
 * Declares a video provider and returns its factory: core's `defineProvider` with the slot filled
 * in. Options are checked at boot, and errors name the plugin, the provider and the field.
 */
export function defineVideoProvider<Schema extends z.ZodType>(
  definition: Omit<ProviderDefinition<VideoProvider, Schema>, "slot">,
) {
  return defineProvider<VideoProvider, Schema>({ ...definition, slot: videoProviderSlot });
}

/** A webhook whose signature or timestamp did not check out; the route answers 401. */
export class WebhookSignatureError extends Error {
  constructor(message = "The webhook signature is not valid.") {
    super(message);
    this.name = "WebhookSignatureError";
  }
}
