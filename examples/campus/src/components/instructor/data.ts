import { api } from "../../lib/api";
import { allPages } from "../../lib/pages";
import type { Attempt, Course, Exam, Page } from "../../lib/types";

export const myCourses = () => allPages<Course>("/api/instructor/courses");

export async function courseExams(courseId: string): Promise<Exam[]> {
  const result = await api().get<Page<Exam> | Exam[]>(`/api/courses/${courseId}/exams`, {
    query: { limit: 100 },
  });
  return Array.isArray(result) ? result : result.items;
}

export async function examAttempts(examId: string): Promise<Attempt[]> {
  const result = await api().get<Page<Attempt> | Attempt[]>(`/api/exams/${examId}/attempts`, {
    query: { limit: 100 },
  });
  return Array.isArray(result) ? result : result.items;
}

export interface ExamStats {
  exam: Exam;
  courseTitle: string;
  attempts: Attempt[];
  passRate: number | null;
  /** Counts of scores in tenths of the maximum: 0–10 %, …, 90–100 %. */
  distribution: number[];
}

export function statsOf(exam: Exam, courseTitle: string, attempts: Attempt[]): ExamStats {
  const scored = attempts.filter((a) => a.score !== null && a.status !== "in_progress");
  const distribution = Array.from({ length: 10 }, () => 0);
  for (const a of scored) {
    const bucket = Math.min(9, Math.floor(((a.score ?? 0) / (a.maxScore || 1)) * 10));
    distribution[bucket]!++;
  }
  const decided = scored.filter((a) => a.passed !== null);
  return {
    exam,
    courseTitle,
    attempts,
    passRate: decided.length ? decided.filter((a) => a.passed).length / decided.length : null,
    distribution,
  };
}

export async function allExamStats(courses: Course[]): Promise<ExamStats[]> {
  const perCourse = await Promise.all(
    courses.map(async (course) => {
      const exams = await courseExams(course.id).catch(() => []);
      return Promise.all(
        exams.map(async (exam) => statsOf(exam, course.title, await examAttempts(exam.id).catch(() => []))),
      );
    }),
  );
  return perCourse.flat();
}
