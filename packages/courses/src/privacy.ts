import type { PrivacyHandler } from "@lectern/core";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import {
  completions,
  courses,
  ENROLLED_STATUSES,
  enrollments,
  enrollmentsView,
  materials,
} from "./schema.js";

/**
 * What courses keeps about a person: enrollments and completed materials (progress) as a student,
 * and the courses they teach. A student's enrollments and progress are deleted; courses an
 * instructor made stay (the institution's teaching material), shown under the erased account's
 * neutral name.
 */
export const coursesPrivacy: PrivacyHandler = {
  key: "courses.enrollments",
  async export(executor, { userId }) {
    const enrolled = await executor
      .select({
        courseId: enrollmentsView.courseId,
        course: courses.title,
        status: enrollmentsView.status,
        progress: enrollmentsView.progress,
        enrolledAt: enrollmentsView.enrolledAt,
        completedAt: enrollmentsView.completedAt,
      })
      .from(enrollmentsView)
      .innerJoin(courses, eq(courses.id, enrollmentsView.courseId))
      .where(eq(enrollmentsView.userId, userId))
      .orderBy(asc(enrollmentsView.enrolledAt));
    const completed = await executor
      .select({
        materialId: completions.materialId,
        courseId: completions.courseId,
        material: materials.title,
        completedAt: completions.completedAt,
      })
      .from(completions)
      .innerJoin(materials, eq(materials.id, completions.materialId))
      .where(eq(completions.userId, userId))
      .orderBy(asc(completions.completedAt));
    const teaching = await executor
      .select({ id: courses.id, title: courses.title, status: courses.status, createdAt: courses.createdAt })
      .from(courses)
      .where(eq(courses.instructorId, userId))
      .orderBy(asc(courses.createdAt));
    return { enrollments: enrolled, completedMaterials: completed, coursesTaught: teaching };
  },
  async erase(tx, { userId }) {
    await tx.delete(completions).where(eq(completions.userId, userId));
    const counted = await tx
      .delete(enrollments)
      .where(and(eq(enrollments.userId, userId), inArray(enrollments.status, [...ENROLLED_STATUSES])))
      .returning({ courseId: enrollments.courseId });
    if (counted.length > 0) {
      await tx
        .update(courses)
        .set({ enrolledCount: sql`greatest(${courses.enrolledCount} - 1, 0)` })
        .where(
          inArray(
            courses.id,
            counted.map((e) => e.courseId),
          ),
        );
    }
    await tx.delete(enrollments).where(eq(enrollments.userId, userId));
  },
};
