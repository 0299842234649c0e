import type { Executor } from "@lectern/core";
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { courses, enrollments, type MaterialKind, materials, sections } from "../schema.js";
import { CoursesPart, UUID } from "./context.js";
import type { Viewer } from "./types.js";

/** What a material is and where its file is, for indexing plugins (no access check). */
export interface MaterialSource {
  id: string;
  courseId: string;
  title: string;
  kind: MaterialKind;
  contentType: string | null;
  filename: string | null;
  storageKey: string | null;
  size: number | null;
}

/** A course's own words and its materials' ids, for indexing plugins (no access check). */
export interface CourseText {
  id: string;
  title: string;
  summary: string;
  description: string;
  sections: { id: string; title: string }[];
  materialIds: string[];
}

/** Who may read which course's materials, and what they say: for plugins that search courses. */
export class CourseReading extends CoursesPart {
  /** Whether the user may read the course's materials: enrolled, its instructor, or an admin. */
  async canReadMaterials(executor: Executor, input: { courseId: string; user: Viewer }): Promise<boolean> {
    const { user } = input;
    const course = UUID.test(input.courseId) ? await this.access.findCourse(executor, input.courseId) : null;
    if (!course) return false;
    const enrollment = await this.access.enrollmentOf(executor, user.id, course.id);
    return (
      this.access.canSee(user, course, enrollment) && this.access.canReadMaterials(user, course, enrollment)
    );
  }

  /** Every course whose materials the user may read, by the same rule; `"all"` for an admin. */
  async readableCourseIds(executor: Executor, viewer: Viewer): Promise<string[] | "all"> {
    if (viewer.role === "admin") return "all";
    const rows = await executor
      .select({ id: courses.id })
      .from(courses)
      .leftJoin(
        enrollments,
        and(
          eq(enrollments.courseId, courses.id),
          eq(enrollments.userId, viewer.id),
          inArray(enrollments.status, ["active", "completed"]),
        ),
      )
      .where(
        or(
          eq(courses.instructorId, viewer.id),
          and(inArray(courses.status, ["published", "archived"]), sql`${enrollments.id} is not null`),
        ),
      );
    return rows.map((r) => r.id);
  }

  /** Null when there is no such material. Never for answering a user: it checks no access. */
  async materialSource(executor: Executor, materialId: string): Promise<MaterialSource | null> {
    if (!UUID.test(materialId)) return null;
    const [row] = await executor.select().from(materials).where(eq(materials.id, materialId));
    if (!row) return null;
    const { id, courseId, title, kind, contentType, filename, storageKey, size } = row;
    return { id, courseId, title, kind, contentType, filename, storageKey, size };
  }

  /** Null when there is no such course. Never for answering a user: it checks no access. */
  async courseText(executor: Executor, courseId: string): Promise<CourseText | null> {
    const course = UUID.test(courseId) ? await this.access.findCourse(executor, courseId) : null;
    if (!course) return null;
    const [sectionRows, materialRows] = await Promise.all([
      executor
        .select({ id: sections.id, title: sections.title })
        .from(sections)
        .where(eq(sections.courseId, course.id))
        .orderBy(asc(sections.position)),
      executor.select({ id: materials.id }).from(materials).where(eq(materials.courseId, course.id)),
    ]);
    return {
      id: course.id,
      title: course.title,
      summary: course.summary,
      description: course.description,
      sections: sectionRows,
      materialIds: materialRows.map((m) => m.id),
    };
  }
}
