/**
 * What a failed query means for the caller. Drivers wrap the server's error (drizzle's
 * `DrizzleQueryError` keeps it as `cause`), so the chain is walked for a SQLSTATE or a socket code.
 */
export type DatabaseFailure = "invalid-input" | "unavailable";

/** Socket and driver codes that mean "the database cannot be reached right now". */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "DATABASE_DEADLINE",
]);

/** SQLSTATEs of a server that is down, restarting, overloaded, or that cancelled a slow statement. */
const UNAVAILABLE_STATES = new Set(["53300", "57014", "57P01", "57P02", "57P03"]);

export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (UNREACHABLE.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08"))
        return "unavailable";
      // Class 22 is "data exception" (bad encoding, out of range, invalid text representation);
      // 54000 is a value too large to index. Both are the input's fault, never the server's.
      if (/^22[0-9A-Z]{3}$/.test(code) || code === "54000") return "invalid-input";
    }
    queue.push((current as { cause?: unknown }).cause);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) queue.push(...nested);
  }
  return null;
}

/** Thrown when a database call outlives its deadline (the health check's, for one). */
export class DatabaseDeadlineError extends Error {
  readonly code = "DATABASE_DEADLINE";
  constructor(ms: number) {
    super(`The database did not answer within ${ms} ms.`);
    this.name = "DatabaseDeadlineError";
  }
}
