import pino, { type Logger } from "pino";

export type { Logger };

/** Paths whose values never reach a log line, however deep a caller nests them. */
const REDACT = [
  "password",
  "token",
  "secret",
  "authorization",
  "cookie",
  "*.password",
  "*.token",
  "*.secret",
  "*.pass",
  "*.apiKey",
  "*.authorization",
  "*.cookie",
  "*.*.password",
  "*.*.token",
  "*.*.pass",
  "*.*.authorization",
  "*.*.cookie",
  'headers["set-cookie"]',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LECTERN_LOG_LEVEL ?? "info",
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { service: "lectern" },
    },
    options.destination,
  );
}
