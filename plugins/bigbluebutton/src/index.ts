import { defineVideoProvider } from "@lectern/live-classes";
import { z } from "zod";
import { BigBlueButtonProvider } from "./bigbluebutton.js";

export { BigBlueButtonProvider, checksum } from "./bigbluebutton.js";

export const bigBlueButtonOptions = z.object({
  /** The API base, e.g. `https://bbb.example.edu/bigbluebutton` (`bbb-conf --secret` shows it). */
  url: z.url().transform((u) => u.replace(/\/+$/, "").replace(/\/api$/, "")),
  /** The shared secret (`bbb-conf --secret`). */
  secret: z.string().min(16, "The shared secret is at least 16 characters."),
  /** Where the server posts events; defaults to this site's webhook route. */
  webhookUrl: z.url().optional(),
  /** Minutes a meeting may run past the class's end before the server closes it. */
  overtimeMinutes: z.number().int().min(0).max(240).default(30),
  webhookToleranceSeconds: z.number().int().min(30).max(3_600).default(300),
  timeoutMs: z.number().int().min(1_000).max(60_000).default(10_000),
});

export type BigBlueButtonOptions = z.input<typeof bigBlueButtonOptions>;

/** `liveClasses({ providers: [bigBlueButton({ url, secret })] })`. */
export const bigBlueButton = defineVideoProvider({
  id: "bigbluebutton",
  name: "BigBlueButton",
  options: bigBlueButtonOptions,
  create: (ctx, options) => new BigBlueButtonProvider(ctx, options),
});
