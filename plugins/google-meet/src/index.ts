import { defineVideoProvider } from "@lectern/live-classes";
import { z } from "zod";
import { GoogleMeetProvider } from "./google-meet.js";

export { GoogleMeetProvider } from "./google-meet.js";

export const googleMeetOptions = z.object({
  /** The service account's JSON key (as downloaded from Google Cloud), with domain-wide delegation. */
  serviceAccount: z.object({
    client_email: z.string().min(3),
    private_key: z.string().includes("PRIVATE KEY", { message: "A PEM private key." }),
    private_key_id: z.string().optional(),
    token_uri: z.url().default("https://oauth2.googleapis.com/token"),
  }),
  /** The Workspace user the service account acts as; spaces belong to this user. */
  impersonate: z.email(),
  /** Who may join without knocking: `OPEN`, `TRUSTED` (the organisation) or `RESTRICTED`. */
  accessType: z.enum(["OPEN", "TRUSTED", "RESTRICTED"]).default("TRUSTED"),
  apiBaseUrl: z.url().default("https://meet.googleapis.com"),
  /** Overrides the key's `token_uri` (tests). */
  tokenUrl: z.url().optional(),
  timeoutMs: z.number().int().min(1_000).max(60_000).default(10_000),
});

export type GoogleMeetOptions = z.input<typeof googleMeetOptions>;

/** `liveClasses({ providers: [googleMeet({ serviceAccount: JSON.parse(key), impersonate })] })`. */
export const googleMeet = defineVideoProvider({
  id: "google-meet",
  name: "Google Meet",
  options: googleMeetOptions,
  create: (ctx, options) => new GoogleMeetProvider(ctx, options),
});
