import type { Executor } from "@lectern/core";
import { and, eq, isNotNull } from "drizzle-orm";
import { materials, sections } from "../schema.js";
import type { SubmissionCheck, SubmissionGap } from "./types.js";

/**
 * What a course still lacks before review: a description, a section holding at least one material,
 * and whatever installed plugins contribute (exams: every exam published or explicitly left out).
 * `excluded` lists ids the instructor chose to leave out of the course as it is submitted.
 */
export async function submissionGaps(
  executor: Executor,
  course: { id: string; description: string },
  excluded: readonly string[],
  checks: readonly SubmissionCheck[],
): Promise<SubmissionGap[]> {
  const gaps: SubmissionGap[] = [];
  if (!course.description.trim())
    gaps.push({ path: "description", message: "Add a description: students read it before they enroll." });
  const [filled] = await executor
    .select({ id: sections.id })
    .from(sections)
    .innerJoin(materials, and(eq(materials.sectionId, sections.id), isNotNull(materials.sectionId)))
    .where(eq(sections.courseId, course.id))
    .limit(1);
  if (!filled) gaps.push({ path: "sections", message: "Add a section with at least one material in it." });
  for (const check of checks) gaps.push(...(await check(executor, { courseId: course.id, excluded })));
  return gaps;
}
