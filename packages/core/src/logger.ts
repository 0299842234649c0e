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

/** A drizzle query error's message ends with the query's parameters: user data, hashes, tokens. */
const PARAMS_IN_MESSAGE = /\nparams: [\s\S]*?(?=\n {4}at |\ncaused by|$)/g;
const PARAMS_IN_TEXT = /\nparams: [^\n]*/g;
/** Belt and braces: an argon2 hash never leaves the process, whatever carried it into a line. */
const PASSWORD_HASH = /\$argon2(?:id|i|d)\$[^"\s\\,]*/g;

/** Errors as pino writes them, minus the SQL parameters drivers attach (at any depth of `cause`). */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return scrubParams(serialized, 0);
}

function scrubParams(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "params" || key === "parameters" || key === "values") continue;
    if (typeof item === "string" && (key === "message" || key === "stack")) {
      copy[key] = item.replace(PARAMS_IN_MESSAGE, "").replace(PARAMS_IN_TEXT, "");
    } else if (item && typeof item === "object" && !Array.isArray(item) && depth < 5) {
      copy[key] = scrubParams(item as Record<string, unknown>, depth + 1);
    } else copy[key] = item;
  }
  return copy;
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LECTERN_LOG_LEVEL ?? "info",
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { service: "lectern" },
      serializers: { err: serializeError, error: serializeError },
      hooks: { streamWrite: (line) => line.replace(PASSWORD_HASH, "[redacted]") },
    },
    options.destination,
  );
}
