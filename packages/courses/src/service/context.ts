import { type Database, type Executor, problems, users } from "@lectern/core";
import { sql } from "drizzle-orm";
import { courses, type EnrollmentStatus, enrollments, type materials, type sections } from "../schema.js";
import type { CourseAccess } from "./access.js";
import type { CoursesServiceDeps, Enrollment, Material, Money, Section } from "./types.js";

export { formatMoney } from "@lectern/core";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const courseColumns = {
  id: courses.id,
  slug: courses.slug,
  title: courses.title,
  summary: courses.summary,
  description: courses.description,
  tags: courses.tags,
  level: courses.level,
  priceAmount: courses.priceAmount,
  priceCurrency: courses.priceCurrency,
  status: courses.status,
  instructorId: courses.instructorId,
  instructorName: users.name,
  rejectionReason: courses.rejectionReason,
  coverKey: courses.coverKey,
  coverType: courses.coverType,
  enrolledCount: courses.enrolledCount,
  createdAt: courses.createdAt,
  updatedAt: courses.updatedAt,
  publishedAt: courses.publishedAt,
};

export type CourseRow = {
  [K in keyof typeof courseColumns]: (typeof courseColumns)[K]["_"]["notNull"] extends true
    ? (typeof courseColumns)[K]["_"]["data"]
    : (typeof courseColumns)[K]["_"]["data"] | null;
};

export const summaryColumns = {
  id: courses.id,
  slug: courses.slug,
  title: courses.title,
  summary: courses.summary,
  tags: courses.tags,
  level: courses.level,
  priceAmount: courses.priceAmount,
  priceCurrency: courses.priceCurrency,
  instructorId: courses.instructorId,
  instructorName: users.name,
  enrolledCount: courses.enrolledCount,
  coverKey: courses.coverKey,
  publishedAt: courses.publishedAt,
};

export type SummaryRow = Pick<CourseRow, keyof typeof summaryColumns>;

export const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A URL-safe slug from a title: "Café Ölçü 101!" → "cafe-olcu-101". */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "course";
}

export function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase().replace(/\s+/g, "-")).filter(Boolean))];
}

/** The course's required materials, and how many of them the enrollment's user has completed. */
export const requiredMaterialsSql = sql<number>`(
  select count(*) from courses_materials m
  where m.course_id = "courses_enrollments"."course_id" and m.required
)`.mapWith(Number);
export const completedMaterialsSql = sql<number>`(
  select count(*) from courses_materials m
  join courses_completions cc on cc.material_id = m.id and cc.user_id = "courses_enrollments"."user_id"
  where m.course_id = "courses_enrollments"."course_id" and m.required
)`.mapWith(Number);

export const enrollmentColumns = {
  id: enrollments.id,
  courseId: enrollments.courseId,
  userId: enrollments.userId,
  status: enrollments.status,
  enrolledAt: enrollments.enrolledAt,
  completedAt: enrollments.completedAt,
  progress: enrollments.progress,
};

export type EnrollmentRow = {
  id: string;
  courseId: string;
  userId: string;
  status: EnrollmentStatus;
  enrolledAt: Date;
  completedAt: Date | null;
  progress: number;
};

export const toEnrollment = (row: EnrollmentRow): Enrollment => ({
  id: row.id,
  courseId: row.courseId,
  userId: row.userId,
  status: row.status,
  progress: Math.round(Number(row.progress) * 10_000) / 10_000,
  enrolledAt: row.enrolledAt.toISOString(),
  completedAt: iso(row.completedAt),
});

export const toMaterial = (row: typeof materials.$inferSelect): Material => ({
  id: row.id,
  courseId: row.courseId,
  sectionId: row.sectionId,
  title: row.title,
  kind: row.kind,
  required: row.required,
  size: row.size,
  contentType: row.contentType,
  position: row.position,
  url: row.kind === "link" ? (row.url ?? undefined) : `/api/materials/${row.id}/content`,
  captionsUrl: captionsUrlOf(row),
  createdAt: row.createdAt.toISOString(),
});

/** Where a video's captions are served, or null when it has none. */
export const captionsUrlOf = (row: { id: string; captionsKey: string | null }) =>
  row.captionsKey ? `/api/materials/${row.id}/captions` : null;

export const toSection = (row: typeof sections.$inferSelect): Section => ({
  id: row.id,
  courseId: row.courseId,
  title: row.title,
  position: row.position,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Courses, their approval, materials, enrollment and progress. Every rule lives here; routes
 * only validate input, check the caller's role, and call these methods.
 */

export function priceColumns(price: Money | null | undefined) {
  if (!price || price.amount === 0) return { priceAmount: null, priceCurrency: null };
  return { priceAmount: price.amount, priceCurrency: price.currency.toUpperCase() };
}

export function notEnrolled() {
  return problems.forbidden("Enroll in this course to read its materials and record progress.", {
    type: "not-enrolled",
  });
}

/** What every part of the courses service shares. */
export class CoursesState {
  access!: CourseAccess;
  /** After a course's requirements change: progress and completion follow for its students. */
  recheckCourse!: (courseId: string, executor: Executor) => Promise<void>;
  constructor(readonly deps: CoursesServiceDeps) {}
}

/** The base of each part: the dependencies, the database and the shared access checks. */
export abstract class CoursesPart {
  constructor(protected readonly state: CoursesState) {}
  protected get deps(): CoursesServiceDeps {
    return this.state.deps;
  }
  protected get db(): Database {
    return this.state.deps.db;
  }
  protected get access(): CourseAccess {
    return this.state.access;
  }
  protected requirementsChanged(courseId: string, executor: Executor): Promise<void> {
    return this.state.recheckCourse(courseId, executor);
  }
}
