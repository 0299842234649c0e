/** The most classes one weekly series may make. */
export const MAX_OCCURRENCES = 200;

const WEEK_DAYS = 7;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time at `at` in `timeZone`. */
export function localTimeOf(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .filter((p) => p.type !== "literal")
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The calendar day (`YYYY-MM-DD`) that `at` falls on in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const t = localTimeOf(at, timeZone);
  return `${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;
}

function asUtc(t: LocalTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/**
 * The instant whose wall-clock time in `timeZone` is `local`. A time skipped by a spring-forward
 * change resolves to the instant an hour later, as calendars do; a repeated one to the first.
 */
export function zonedInstant(local: LocalTime, timeZone: string): Date {
  const wanted = asUtc(local);
  // The zone's offsets half a day either side cover any one change of offset.
  const offsets = [wanted - 12 * 3_600_000, wanted + 12 * 3_600_000].map(
    (t) => asUtc(localTimeOf(new Date(t), timeZone)) - t,
  );
  const candidates = [...new Set(offsets.map((offset) => wanted - offset))].sort((a, b) => a - b);
  const exact = candidates.find((c) => asUtc(localTimeOf(new Date(c), timeZone)) === wanted);
  // No candidate shows that wall time: it fell in a skipped hour; the later instant is that hour later.
  return new Date(exact ?? candidates.at(-1)!);
}

/**
 * The start of each class in a weekly series: the same local time of day every week, so the UTC
 * time moves when daylight saving starts or ends. Stops after `count` classes or at `until`
 * (inclusive); answers at most `limit + 1` starts so the caller can tell "too many".
 */
export function weeklyStarts(
  first: Date,
  timeZone: string,
  end: { count?: number; until?: Date },
  limit = MAX_OCCURRENCES,
): Date[] {
  const local = localTimeOf(first, timeZone);
  const starts: Date[] = [];
  for (let week = 0; starts.length <= limit; week++) {
    if (end.count !== undefined && week >= end.count) break;
    // Date.UTC normalises day overflow into the next month or year.
    const day = new Date(Date.UTC(local.year, local.month - 1, local.day + week * WEEK_DAYS));
    const start = zonedInstant(
      { ...local, year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() },
      timeZone,
    );
    if (end.until && start > end.until) break;
    starts.push(start);
  }
  return starts;
}
