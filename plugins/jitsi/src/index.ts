import { randomBytes } from "node:crypto";
import { defineVideoProvider, type JoinLinkInput, type VideoProvider } from "@lectern/live-classes";
import { SignJWT } from "jose";
import { z } from "zod";

export const jitsiOptions = z.object({
  /** The Jitsi Meet server; the public meet.jit.si needs no account. */
  domain: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/i, "A host name such as meet.example.edu.")
    .default("meet.jit.si"),
  /** For a self-hosted server with token authentication (Prosody `token` auth). */
  jwt: z
    .object({
      appId: z.string().min(1),
      appSecret: z.string().min(16, "Use a secret of at least 16 characters."),
      /** The `aud` claim the server expects. */
      audience: z.string().default("jitsi"),
      /** The `sub` claim: the server's domain or tenant; defaults to `domain`. */
      subject: z.string().optional(),
    })
    .optional(),
  /** http only for a local server in tests. */
  protocol: z.enum(["https", "http"]).default("https"),
});

export type JitsiOptions = z.input<typeof jitsiOptions>;

/** How long a token outlives the class: people stay a little after the end. */
const TOKEN_GRACE_SECONDS = 60 * 60;

/**
 * Jitsi rooms are made by joining them, so there is nothing to create at the server: a class gets
 * an unguessable room name, and each person a link carrying their name (and, with JWT, a token
 * that makes the owner a moderator). Jitsi has no webhooks or reports: attendance comes from
 * Lectern's join redirect.
 */
export class JitsiProvider implements VideoProvider {
  constructor(private readonly options: z.output<typeof jitsiOptions>) {}

  async createMeeting() {
    return { meetingId: `lectern-${randomBytes(16).toString("hex")}` };
  }

  async updateMeeting(input: { meetingId: string; data: Record<string, string> }) {
    return { meetingId: input.meetingId, data: input.data };
  }

  async cancelMeeting() {
    return { cancelled: true as const };
  }

  async joinLink(input: JoinLinkInput) {
    const room = encodeURIComponent(input.meetingId);
    const url = new URL(`${this.options.protocol}://${this.options.domain}/${room}`);
    if (this.options.jwt) url.searchParams.set("jwt", await this.#token(input));
    // Jitsi reads these from the fragment: the name is filled in, and never sent to the server in the URL.
    const info = [
      `userInfo.displayName=${encodeURIComponent(JSON.stringify(input.user.name))}`,
      `userInfo.email=${encodeURIComponent(JSON.stringify(input.user.email))}`,
      `config.subject=${encodeURIComponent(JSON.stringify(input.title))}`,
    ];
    return { url: `${url.toString()}#${info.join("&")}` };
  }

  #token(input: JoinLinkInput): Promise<string> {
    const jwt = this.options.jwt!;
    const endsAt = Math.floor(input.startsAt.getTime() / 1000) + input.durationMinutes * 60;
    return new SignJWT({
      room: input.meetingId,
      context: {
        user: {
          id: input.user.id,
          name: input.user.name,
          email: input.user.email,
          moderator: input.role === "host" ? "true" : "false",
        },
      },
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(jwt.appId)
      .setAudience(jwt.audience)
      .setSubject(jwt.subject ?? this.options.domain)
      .setIssuedAt()
      .setExpirationTime(endsAt + TOKEN_GRACE_SECONDS)
      .sign(new TextEncoder().encode(jwt.appSecret));
  }
}

/** `liveClasses({ providers: [jitsi()] })`, or `jitsi({ domain, jwt: { appId, appSecret } })`. */
export const jitsi = defineVideoProvider({
  id: "jitsi",
  name: "Jitsi Meet",
  options: jitsiOptions,
  create: (_ctx, options) => new JitsiProvider(options),
});
