import type { Schema } from "@lectern/client";

/**
 * The API's resources. Where the generated schema (`@lectern/client`, from the server's OpenAPI
 * document) names a resource, the type is that schema; the hand-written ones below cover answers
 * the campus reads differently (plugin routes, extra fields the campus tolerates).
 */
export type User = Schema<"User">;
export type Role = User["role"];
export type Money = NonNullable<Schema<"Money">>;
export type Page<T> = { items: T[]; nextCursor: string | null };

export type CourseSummary = Schema<"CourseSummary">;
export type Course = Schema<"Course">;
export type CourseStatus = Course["status"];
export type Level = CourseSummary["level"];
export type CourseDetail = Schema<"CourseDetail">;
export type OutlineSection = CourseDetail["outline"][number];
export type OutlineMaterial = OutlineSection["materials"][number];
export type Section = Schema<"Section">;
export type Material = Schema<"Material">;
export type MaterialKind = Material["kind"];

/** An enrollment; `GET /api/me/enrollments` adds its `course`. */
export type Enrollment = NonNullable<Schema<"Enrollment">> & { course?: CourseSummary };

/** `GET /api/admin/analytics`: totals, weekly series and breakdowns, each key given by its plugin. */
export type AdminAnalytics = Schema<"AdminAnalytics">;

export type QuestionType = Schema<"ExamQuestion">["type"];

export interface Question {
  id?: string;
  type: QuestionType;
  prompt: string;
  marks: number;
  options?: { id?: string; text: string; correct?: boolean }[];
  accepted?: string[];
}

export interface Exam {
  id: string;
  courseId: string;
  title: string;
  status: "draft" | "published";
  opensAt: string | null;
  closesAt: string | null;
  durationMinutes: number | null;
  maxAttempts: number | null;
  passingPercent: number | null;
  passingMarks: number | null;
  maxScore: number;
  questions: Question[];
  warnings?: { line: number; message: string }[];
}

export interface Answer {
  questionId: string;
  optionIds?: string[];
  text?: string;
}

export type AttemptStatus = Schema<"Attempt">["status"];

export interface Attempt {
  id: string;
  examId: string;
  userId: string;
  status: AttemptStatus;
  startedAt: string;
  deadline: string;
  submittedAt: string | null;
  score: number | null;
  maxScore: number;
  passed: boolean | null;
  questions: Question[];
  answers: Answer[];
  grades?: { questionId: string; marks: number; feedback?: string }[];
  user?: { id: string; name: string; email?: string };
}

export interface Certificate {
  id: string;
  courseId: string;
  userId: string;
  status: "pending" | "issued" | "rejected" | "revoked";
  code: string | null;
  verifyUrl: string | null;
  issuedAt: string | null;
  revokedAt: string | null;
  course?: { id: string; title: string };
  user?: { id: string; name: string; email?: string };
  courseTitle?: string;
  holderName?: string;
}

export interface Verification {
  valid: boolean;
  holderName?: string;
  courseTitle?: string;
  issuedAt?: string;
  revokedAt?: string | null;
  previewUrl?: string;
}

export type AccountSession = Schema<"Session">;
export type AdminUser = Schema<"AdminUser">;
export type AuditEntry = Schema<"AuditEntry">;
export type UserImport = Schema<"UserImport">;
