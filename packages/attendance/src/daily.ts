import type { Database } from "@lectern/core";
import { days } from "./schema.js";

/** Beyond this many (user, day) pairs in memory, start over: the insert is idempotent anyway. */
const MAX_REMEMBERED = 200_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (`YYYY-MM-DD`) of `at` in `timeZone`: the institution's day decides. */
export function dayIn(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

/**
 * Records the first signed-in request of each user's day once. Each process remembers the
 * (user, day) pairs it has written, so a request pays a set lookup, not a database write; the
 * insert ignores a pair another process already wrote.
 */
export class DailyAttendance {
  #day = "";
  #seen = new Set<string>();
  // The day of the last second asked about: formatting a date in a time zone costs more than the
  // rest of a remembered user's check, and every zone's midnight falls on a whole second.
  #second = Number.NaN;
  #dayOfSecond = "";

  constructor(
    private readonly db: Database,
    private readonly timeZone: string,
  ) {}

  /** Whether `userId`'s day at `at` is already written (by this process): no await, no query. */
  isRecorded(userId: string, at: Date): boolean {
    return this.#today(at) === this.#day && this.#seen.has(userId);
  }

  /** Whether this call wrote the day (false when it was already known). */
  async record(userId: string, at: Date): Promise<boolean> {
    const day = this.#today(at);
    if (day !== this.#day || this.#seen.size >= MAX_REMEMBERED) {
      this.#day = day;
      this.#seen = new Set();
    }
    if (this.#seen.has(userId)) return false;
    await this.db.insert(days).values({ userId, day, firstSeenAt: at }).onConflictDoNothing();
    this.#seen.add(userId);
    return true;
  }

  #today(at: Date): string {
    const second = Math.floor(at.getTime() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#dayOfSecond = dayIn(at, this.timeZone);
    }
    return this.#dayOfSecond;
  }
}
