import { DAY, HOUR, type SeedContext, users } from "@lectern/core";
import { dayIn } from "./daily.js";
import { days } from "./schema.js";

/** How far back the demo's days on campus go. */
const DEMO_DAYS = 30;

/**
 * Demo data: the last month of days on campus for every account there is, weekdays mostly, so the
 * institution's chart has a shape. Deterministic per account and day; safe to run again (each day
 * is written once).
 */
export async function seedDemoDays(ctx: SeedContext, timeZone: string): Promise<void> {
  const people = await ctx.db.select({ id: users.id }).from(users);
  const now = ctx.clock.now().getTime();
  const rows: { userId: string; day: string; firstSeenAt: Date }[] = [];
  for (const [n, person] of people.entries()) {
    for (let back = DEMO_DAYS; back >= 1; back--) {
      const at = new Date(now - back * DAY + ((n * 7 + back * 3) % 9) * HOUR);
      const weekday = at.getUTCDay() % 6 !== 0;
      // Most people come most weekdays; a few come at weekends.
      if ((n + back) % (weekday ? 4 : 3) === 0 || (!weekday && (n + back) % 2 === 0)) continue;
      rows.push({ userId: person.id, day: dayIn(at, timeZone), firstSeenAt: at });
    }
  }
  if (rows.length > 0) await ctx.db.insert(days).values(rows).onConflictDoNothing();
  ctx.progress(1, 1, "days on campus");
}
