import { type Executor, problems, users } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import { courses, enrollments, materials } from "../schema.js";
import {
  type CourseRow,
  CoursesPart,
  courseColumns,
  type EnrollmentRow,
  enrollmentColumns,
  iso,
  notEnrolled,
  type SummaryRow,
  toEnrollment,
  UUID,
} from "./context.js";
import { type Course, type CourseSummary, type Enrollment, isEnrolledStatus, type Viewer } from "./types.js";

/** Who may see or change a course, its sections and materials, and the rows as the API answers them. */
export class CourseAccess extends CoursesPart {
  owns(viewer: Viewer | null, course: Pick<CourseRow, "instructorId">): boolean {
    return !!viewer && (viewer.role === "admin" || viewer.id === course.instructorId);
  }

  canSee(viewer: Viewer | null, course: CourseRow, enrollment: Enrollment | null): boolean {
    if (course.status === "published" || this.owns(viewer, course)) return true;
    // Students keep an archived course they were enrolled in, with everything they earned.
    return course.status === "archived" && !!enrollment;
  }

  canReadMaterials(viewer: Viewer | null, course: CourseRow, enrollment: Enrollment | null): boolean {
    if (this.owns(viewer, course)) return true;
    return !!enrollment && isEnrolledStatus(enrollment.status);
  }

  async readableCourse(executor: Executor, viewer: Viewer, courseId: string): Promise<CourseRow> {
    const course = await this.findCourse(executor, courseId);
    const enrollment = course ? await this.enrollmentOf(executor, viewer.id, course.id) : null;
    if (!course || !this.canSee(viewer, course, enrollment))
      throw problems.notFound("There is no such course.");
    if (!this.canReadMaterials(viewer, course, enrollment)) throw notEnrolled();
    return course;
  }

  async manageable(
    executor: Executor,
    viewer: Viewer,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<CourseRow> {
    const course = await this.findCourse(executor, id, options);
    if (!course || !this.owns(viewer, course))
      throw problems.notFound("There is no such course among yours.");
    return course;
  }

  /**
   * `lock: true` locks the course against every other writer (status changes, editing);
   * `"key share"` only keeps it from changing status meanwhile, and many enrollments may hold it at once.
   */
  async findCourse(
    executor: Executor,
    idOrSlug: string,
    options: { lock?: boolean | "key share" } = {},
  ): Promise<CourseRow | null> {
    const where = UUID.test(idOrSlug) ? eq(courses.id, idOrSlug) : eq(courses.slug, idOrSlug.toLowerCase());
    const query = executor
      .select(courseColumns)
      .from(courses)
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(where)
      .limit(1);
    const [row] = options.lock
      ? await query.for(options.lock === true ? "update" : "key share", { of: courses })
      : await query;
    return row ?? null;
  }

  async courseById(executor: Executor, id: string): Promise<Course> {
    const row = await this.findCourse(executor, id);
    if (!row) throw problems.notFound("There is no such course.");
    return this.toCourse(row);
  }

  async enrollmentOf(executor: Executor, userId: string, courseId: string): Promise<Enrollment | null> {
    const [row] = await executor
      .select(enrollmentColumns)
      .from(enrollments)
      .where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)))
      .limit(1);
    return row ? toEnrollment(row as EnrollmentRow) : null;
  }

  async deleteFiles(keys: string[]) {
    for (const key of keys) {
      try {
        await this.deps.storage.delete(key);
      } catch (error) {
        this.deps.logger.warn({ err: error, key }, "could not delete a stored file");
      }
    }
  }

  toSummary(row: SummaryRow): CourseSummary {
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      summary: row.summary,
      tags: row.tags,
      level: row.level,
      price: row.priceAmount === null ? null : { amount: row.priceAmount, currency: row.priceCurrency! },
      instructor: { id: row.instructorId, name: row.instructorName },
      enrolledCount: row.enrolledCount,
      coverUrl: row.coverKey ? `/api/courses/${row.id}/cover` : null,
    };
  }

  toCourse(row: CourseRow): Course {
    return {
      ...this.toSummary(row),
      description: row.description,
      status: row.status,
      rejectionReason: row.rejectionReason,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      publishedAt: iso(row.publishedAt),
    };
  }

  async material(executor: Executor, id: string) {
    const [material] = UUID.test(id)
      ? await executor.select().from(materials).where(eq(materials.id, id))
      : [];
    if (!material) throw problems.notFound("There is no such material.");
    return material;
  }
}
