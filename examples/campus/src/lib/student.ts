import { api } from "./api";
import type { Certificate, Enrollment, Exam, Page } from "./types";

export interface MyGrade {
  examId: string;
  attemptId: string | null;
  attempts: number;
  status: string | null;
  score: number | null;
  maxScore: number;
  passed: boolean | null;
  gradedAt: string | null;
  courseId: string;
  courseTitle: string;
  examTitle: string;
}

export async function myEnrollments(): Promise<Enrollment[]> {
  const page = await api().get<Page<Enrollment>>("/api/me/enrollments", { query: { limit: 100 } });
  return page.items;
}

export interface ExamWithCourse extends Exam {
  courseTitle: string;
}

/** Published exams of every course the student is enrolled in. */
export async function myExams(enrollments?: Enrollment[]): Promise<ExamWithCourse[]> {
  const list = enrollments ?? (await myEnrollments());
  const perCourse = await Promise.all(
    list
      .filter((e) => e.status !== "cancelled")
      .map(async (e) => {
        const page = await api().get<Page<Exam> | Exam[]>(`/api/courses/${e.courseId}/exams`);
        const items = Array.isArray(page) ? page : page.items;
        return items.map((exam) => ({ ...exam, courseTitle: e.course?.title ?? "" }));
      }),
  );
  return perCourse.flat().filter((exam) => exam.status === "published");
}

export async function myGrades(): Promise<MyGrade[]> {
  const result = await api().get<Page<MyGrade> | MyGrade[] | { items: MyGrade[] }>("/api/me/grades", {
    query: { limit: 100 },
  });
  return Array.isArray(result) ? result : result.items;
}

export async function myCertificates(): Promise<Certificate[]> {
  const result = await api().get<Page<Certificate> | Certificate[]>("/api/me/certificates", {
    query: { limit: 100 },
  });
  return Array.isArray(result) ? result : result.items;
}
