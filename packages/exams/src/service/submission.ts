import type { Executor } from "@lectern/core";
import type { SubmissionGap } from "@lectern/courses";
import { and, asc, eq } from "drizzle-orm";
import { exams } from "../schema.js";

/**
 * The exams' part of a course's pre-submission checklist: a draft exam would be invisible to
 * students, so each one must be published or explicitly left out (its id in `excluded`).
 */
export async function draftExamGaps(
  executor: Executor,
  input: { courseId: string; excluded: readonly string[] },
): Promise<SubmissionGap[]> {
  const drafts = await executor
    .select({ id: exams.id, title: exams.title })
    .from(exams)
    .where(and(eq(exams.courseId, input.courseId), eq(exams.status, "draft")))
    .orderBy(asc(exams.createdAt), asc(exams.id));
  return drafts
    .filter((exam) => !input.excluded.includes(exam.id))
    .map((exam) => ({
      path: `exams.${exam.id}`,
      message: `Publish the exam “${exam.title}” or leave it out of the course.`,
    }));
}
