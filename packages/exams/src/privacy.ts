import type { PrivacyHandler } from "@lectern/core";
import { asc, eq } from "drizzle-orm";
import { attempts, exams } from "./schema.js";

/**
 * What exams keeps about a person: their attempts, with every answer, mark and the instructor's
 * feedback. A student's attempts are deleted on erasure (marks included; a certificate already
 * issued stays in the certificates plugin). Exams an instructor wrote stay with their course.
 */
export const examsPrivacy: PrivacyHandler = {
  key: "exams.attempts",
  async export(executor, { userId }) {
    const rows = await executor
      .select({ attempt: attempts, exam: exams.title })
      .from(attempts)
      .innerJoin(exams, eq(exams.id, attempts.examId))
      .where(eq(attempts.userId, userId))
      .orderBy(asc(attempts.startedAt));
    const written = await executor
      .select({ id: exams.id, courseId: exams.courseId, title: exams.title, createdAt: exams.createdAt })
      .from(exams)
      .where(eq(exams.createdBy, userId))
      .orderBy(asc(exams.createdAt));
    return {
      attempts: rows.map(({ attempt, exam }) => ({
        id: attempt.id,
        examId: attempt.examId,
        exam,
        courseId: attempt.courseId,
        number: attempt.number,
        status: attempt.status,
        startedAt: attempt.startedAt,
        submittedAt: attempt.submittedAt,
        answers: attempt.answers,
        results: attempt.results,
        score: attempt.score,
        maxScore: attempt.maxScore,
        passed: attempt.passed,
        gradedAt: attempt.gradedAt,
      })),
      examsWritten: written,
    };
  },
  async erase(tx, { userId }) {
    await tx.delete(attempts).where(eq(attempts.userId, userId));
  },
};
