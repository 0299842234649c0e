import { defineVideoProvider } from "@lectern/live-classes";
import { z } from "zod";
import { ZoomProvider } from "./zoom.js";

export { ZoomProvider } from "./zoom.js";

export const zoomOptions = z.object({
  /** The Server-to-Server OAuth app's account id, client id and secret. */
  accountId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** The app's webhook secret token: it signs participant events. */
  webhookSecret: z.string().min(1),
  /** Meetings are made for this Zoom user (an email, a user id, or "me" for the app's owner). */
  userId: z.string().default("me"),
  apiBaseUrl: z.url().default("https://api.zoom.us"),
  oauthBaseUrl: z.url().default("https://zoom.us"),
  /** Webhooks older than this are refused (replays). */
  webhookToleranceSeconds: z.number().int().min(30).max(3_600).default(300),
  timeoutMs: z.number().int().min(1_000).max(60_000).default(10_000),
});

export type ZoomOptions = z.input<typeof zoomOptions>;

/** `liveClasses({ providers: [zoom({ accountId, clientId, clientSecret, webhookSecret })] })`. */
export const zoom = defineVideoProvider({
  id: "zoom",
  name: "Zoom",
  options: zoomOptions,
  create: (ctx, options) => new ZoomProvider(ctx, options),
});
