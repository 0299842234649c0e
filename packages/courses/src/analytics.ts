import type { AnalyticsFigures, AnalyticsQuery } from "@lectern/core";
import { and, count, desc, gte, inArray, isNotNull } from "drizzle-orm";
import { courses, ENROLLED_STATUSES, enrollments } from "./schema.js";

/** Courses' share of the admin dashboard: catalogue by status, enrollments and completions over time. */
export async function coursesAnalytics({ db, since, weekOf }: AnalyticsQuery): Promise<AnalyticsFigures> {
  const counted = inArray(enrollments.status, [...ENROLLED_STATUSES]);
  const byStatus = await db
    .select({ status: courses.status, n: count() })
    .from(courses)
    .groupBy(courses.status);
  const [totals] = await db
    .select({ enrollments: count(), completions: count(enrollments.completedAt) })
    .from(enrollments)
    .where(counted);
  const enrolledWeek = weekOf(enrollments.enrolledAt);
  const enrolled = await db
    .select({ week: enrolledWeek, value: count() })
    .from(enrollments)
    .where(and(counted, gte(enrollments.enrolledAt, since)))
    .groupBy(enrolledWeek);
  const completedWeek = weekOf(enrollments.completedAt);
  const completed = await db
    .select({ week: completedWeek, value: count() })
    .from(enrollments)
    .where(and(isNotNull(enrollments.completedAt), gte(enrollments.completedAt, since)))
    .groupBy(completedWeek);
  const popular = await db
    .select({ key: courses.id, label: courses.title, value: courses.enrolledCount })
    .from(courses)
    .where(inArray(courses.status, ["published", "archived"]))
    .orderBy(desc(courses.enrolledCount), courses.title)
    .limit(10);
  return {
    totals: {
      publishedCourses: byStatus.find((r) => r.status === "published")?.n ?? 0,
      enrollments: totals?.enrollments ?? 0,
      completions: totals?.completions ?? 0,
    },
    series: { enrollments: enrolled, completions: completed },
    breakdowns: {
      coursesByStatus: byStatus.map((r) => ({ key: r.status, label: r.status, value: r.n })),
      enrollmentsByCourse: popular,
    },
  };
}
