import type { AnalyticsFigures, AnalyticsQuery } from "@lectern/core";
import { coursesView } from "@lectern/courses";
import { and, count, desc, eq, gte, sql } from "drizzle-orm";
import { attempts } from "./schema.js";

const graded = eq(attempts.status, "graded");
const passedCount = count(sql`case when ${attempts.passed} then 1 end`);

/** Exams' share of the admin dashboard: graded and passed attempts, over time and per course. */
export async function examsAnalytics({ db, since, weekOf }: AnalyticsQuery): Promise<AnalyticsFigures> {
  const [totals] = await db
    .select({
      graded: count(sql`case when ${graded} then 1 end`),
      passed: passedCount,
      needsReview: count(sql`case when ${attempts.status} = 'needs_review' then 1 end`),
    })
    .from(attempts);
  const week = weekOf(attempts.gradedAt);
  const weekly = await db
    .select({ week, graded: count(), passed: passedCount })
    .from(attempts)
    .where(and(graded, gte(attempts.gradedAt, since)))
    .groupBy(week);
  const courses = coursesView;
  const byCourse = await db
    .select({ key: courses.id, label: courses.title, total: count(), value: passedCount })
    .from(attempts)
    .innerJoin(courses, eq(courses.id, attempts.courseId))
    .where(graded)
    .groupBy(courses.id, courses.title)
    .orderBy(desc(count()), courses.title)
    .limit(20);
  return {
    totals: {
      attemptsGraded: totals?.graded ?? 0,
      attemptsPassed: totals?.passed ?? 0,
      attemptsNeedingReview: totals?.needsReview ?? 0,
    },
    series: {
      attemptsGraded: weekly.map((w) => ({ week: w.week, value: w.graded })),
      attemptsPassed: weekly.map((w) => ({ week: w.week, value: w.passed })),
    },
    breakdowns: { passRateByCourse: byCourse },
  };
}
