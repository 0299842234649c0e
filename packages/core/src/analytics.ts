import { z } from "@hono/zod-openapi";
import { type AnyColumn, count, type SQL, sql } from "drizzle-orm";
import type { Clock } from "./clock.js";
import { type Database, type Executor, rowsOf } from "./db/index.js";
import { createRouter, defineRoute, json } from "./http/router.js";
import { users } from "./schema.js";

/** What a plugin's figures are computed for: the weeks the dashboards chart. */
export interface AnalyticsQuery {
  db: Executor;
  /** Mondays of the charted weeks (`YYYY-MM-DD`), oldest first, in the institution's time zone. */
  weeks: string[];
  /** When the first charted week began. */
  since: Date;
  /** The week (its Monday, `YYYY-MM-DD`) a timestamp column falls in, in the institution's time zone. */
  weekOf(column: AnyColumn | SQL): SQL<string>;
}

/** One row of a breakdown: e.g. a course's passed attempts (`value`) out of its graded ones (`total`). */
export interface BreakdownItem {
  key: string;
  label: string;
  value: number;
  total?: number;
}

/**
 * A plugin's share of the admin dashboard. Name keys after the plugin's subject
 * (`enrollments`, `attemptsPassed`): `GET /api/admin/analytics` merges every plugin's.
 */
export interface AnalyticsFigures {
  totals?: Record<string, number>;
  /** Counts per charted week; weeks left out count 0. */
  series?: Record<string, { week: string; value: number }[]>;
  breakdowns?: Record<string, BreakdownItem[]>;
}

export type AnalyticsSource = (query: AnalyticsQuery) => Promise<AnalyticsFigures>;

const WeekPoint = z.object({ week: z.string().openapi({ example: "2026-11-23" }), value: z.number() });

export const AdminAnalyticsSchema = z
  .object({
    timeZone: z.string(),
    weeks: z.array(z.string()).openapi({ description: "Mondays of the charted weeks, oldest first" }),
    totals: z.record(z.string(), z.number()),
    series: z.record(z.string(), z.array(WeekPoint)).openapi({ description: "One point per charted week" }),
    breakdowns: z.record(
      z.string(),
      z.array(
        z.object({ key: z.string(), label: z.string(), value: z.number(), total: z.number().optional() }),
      ),
    ),
  })
  .openapi("AdminAnalytics");

export type AdminAnalytics = z.infer<typeof AdminAnalyticsSchema>;

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The institution's figures, gathered from core (users) and every plugin that contributes. */
export class Analytics {
  readonly #sources: { owner: string; source: AnalyticsSource }[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {
    this.add("core", (query) => this.#users(query));
  }

  add(owner: string, source: AnalyticsSource): void {
    this.#sources.push({ owner, source });
  }

  async admin(weekCount: number): Promise<AdminAnalytics> {
    const { weeks, since } = await this.#weeks(weekCount);
    const query: AnalyticsQuery = {
      db: this.db,
      weeks,
      since,
      // The zone as a literal, not a parameter: the expression must read the same in GROUP BY.
      weekOf: (column) =>
        sql<string>`to_char(date_trunc('week', ${column} at time zone ${sql.raw(quoted(this.timeZone))}), 'YYYY-MM-DD')`,
    };
    const result: AdminAnalytics = { timeZone: this.timeZone, weeks, totals: {}, series: {}, breakdowns: {} };
    const claimed = new Map<string, string>();
    const claim = (kind: string, key: string, owner: string) => {
      const previous = claimed.get(`${kind}.${key}`);
      if (previous)
        throw new Error(`Analytics ${kind} "${key}" is given by both "${previous}" and "${owner}".`);
      claimed.set(`${kind}.${key}`, owner);
    };
    const figures = await Promise.all(
      this.#sources.map(async (s) => ({ ...s, figures: await s.source(query) })),
    );
    for (const { owner, figures: f } of figures) {
      for (const [key, value] of Object.entries(f.totals ?? {})) {
        claim("total", key, owner);
        result.totals[key] = value;
      }
      for (const [key, points] of Object.entries(f.series ?? {})) {
        claim("series", key, owner);
        const byWeek = new Map(points.map((p) => [p.week, p.value]));
        result.series[key] = weeks.map((week) => ({ week, value: byWeek.get(week) ?? 0 }));
      }
      for (const [key, items] of Object.entries(f.breakdowns ?? {})) {
        claim("breakdown", key, owner);
        result.breakdowns[key] = items;
      }
    }
    return result;
  }

  /** The Mondays of the last `count` weeks, this one included, in the institution's time zone. */
  async #weeks(weekCount: number): Promise<{ weeks: string[]; since: Date }> {
    const now = this.clock.now().toISOString();
    const rows = rowsOf<{ week: string; since: string | Date }>(
      await this.db.execute(sql`
        select to_char(monday, 'YYYY-MM-DD') as week, (monday at time zone ${this.timeZone}) as since
        from (
          select date_trunc('week', ${now}::timestamptz at time zone ${this.timeZone}) - make_interval(weeks => g) as monday
          from generate_series(${weekCount - 1}::int, 0, -1) as g
        ) w
        order by monday`),
    );
    return { weeks: rows.map((r) => r.week), since: new Date(rows[0]!.since) };
  }

  async #users(query: AnalyticsQuery): Promise<AnalyticsFigures> {
    const byRole = await query.db.select({ role: users.role, n: count() }).from(users).groupBy(users.role);
    const totals = Object.fromEntries(byRole.map((r) => [`${r.role}s`, r.n]));
    const week = query.weekOf(users.createdAt);
    const newStudents = await query.db
      .select({ week, value: count() })
      .from(users)
      .where(sql`${users.role} = 'student' and ${users.createdAt} >= ${query.since.toISOString()}`)
      .groupBy(week);
    return {
      totals: {
        students: totals.students ?? 0,
        instructors: totals.instructors ?? 0,
        admins: totals.admins ?? 0,
      },
      series: { newStudents },
    };
  }
}

const adminAnalytics = defineRoute({
  method: "get",
  path: "/admin/analytics",
  access: "core.analytics.view",
  tags: ["Analytics"],
  summary: "Institution totals, weekly series and breakdowns for the admin dashboard, from every plugin",
  request: {
    query: z.object({
      weeks: z.coerce
        .number()
        .int()
        .min(1)
        .max(104)
        .default(12)
        .openapi({ description: "How many weeks the series cover, this one included" }),
    }),
  },
  responses: { 200: json(AdminAnalyticsSchema, "The figures") },
});

export function analyticsRoutes(analytics: Analytics) {
  return createRouter().openapi(adminAnalytics, async (c) =>
    c.json(await analytics.admin(c.req.valid("query").weeks), 200),
  );
}
