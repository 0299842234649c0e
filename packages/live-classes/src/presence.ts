/** One presence event as stored: who, joined or left, when, and where it came from. */
export interface PresenceEvent {
  kind: "joined" | "left";
  at: Date;
  source: "lectern" | "webhook" | "report";
}

/** One person's time in one class, merged from every source. */
export interface MergedPresence {
  joinedAt: Date;
  /** The last time the platform saw them leave; null when no platform reports leaving. */
  leftAt: Date | null;
  /** Time inside the class window, where the platform reports joins and leaves; else null. */
  minutesPresent: number | null;
}

/**
 * Merges one person's events by the time they happened, not the order they arrived in: each
 * join opens a stretch of presence, each leave closes the open one, overlapping stretches
 * (two devices, a repeated report) count once, and a stretch still open at the end of the
 * class runs to its end. Lectern's own join redirect says when someone went in, not for how
 * long, so minutes come only from the platform's events.
 */
export function mergePresence(
  events: readonly PresenceEvent[],
  window: { startsAt: Date; endsAt: Date; now: Date },
): MergedPresence | null {
  const joins = events.filter((e) => e.kind === "joined");
  if (joins.length === 0) return null;
  const joinedAt = new Date(Math.min(...joins.map((e) => e.at.getTime())));
  const platform = [...events.filter((e) => e.source !== "lectern")].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.kind === "joined" ? -1 : 1),
  );
  const leaves = platform.filter((e) => e.kind === "left");
  const leftAt = leaves.length > 0 ? new Date(Math.max(...leaves.map((e) => e.at.getTime()))) : null;
  if (!platform.some((e) => e.kind === "joined")) return { joinedAt, leftAt, minutesPresent: null };

  const end = Math.min(window.endsAt.getTime(), window.now.getTime());
  // Each source is walked on its own (a webhook and a report describe the same time twice), then united.
  const stretches = (["webhook", "report"] as const)
    .flatMap((source) =>
      stretchesOf(
        platform.filter((e) => e.source === source),
        end,
      ),
    )
    .sort((a, b) => a[0] - b[0]);
  const united: [number, number][] = [];
  for (const [from, to] of stretches) {
    const last = united.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else united.push([from, to]);
  }

  let ms = 0;
  for (const [from, to] of united) {
    const clippedFrom = Math.max(from, window.startsAt.getTime());
    const clippedTo = Math.min(to, window.endsAt.getTime());
    if (clippedTo > clippedFrom) ms += clippedTo - clippedFrom;
  }
  return { joinedAt, leftAt, minutesPresent: Math.round(ms / 60_000) };
}

/** The stretches of presence in one source's time-ordered events; one still open runs to `end`. */
function stretchesOf(events: readonly PresenceEvent[], end: number): [number, number][] {
  const stretches: [number, number][] = [];
  let openedAt: number | null = null;
  let depth = 0;
  for (const event of events) {
    const t = event.at.getTime();
    if (event.kind === "joined") {
      if (depth === 0) openedAt = t;
      depth++;
    } else if (depth > 0) {
      depth--;
      if (depth === 0 && openedAt !== null) {
        stretches.push([openedAt, t]);
        openedAt = null;
      }
    }
  }
  if (openedAt !== null && end > openedAt) stretches.push([openedAt, end]);
  return stretches;
}
