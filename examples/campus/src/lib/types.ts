/** The API's resources as API.md promises them; plugin routes not yet in the generated schema use these. */
export type Role = "student" | "instructor" | "admin";
export type Money = { amount: number; currency: string };
export type Page<T> = { items: T[]; nextCursor: string | null };

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export type CourseStatus = "draft" | "pending" | "published" | "rejected" | "archived";
export type Level = "beginner" | "intermediate" | "advanced";
export type MaterialKind = "video" | "pdf" | "document" | "link";

export interface CourseSummary {
  id: string;
  slug: string;
  title: string;
  summary: string;
  tags: string[];
  level: Level;
  price: Money | null;
  instructor: { id: string; name: string };
  enrolledCount: number;
  coverUrl?: string | null;
  createdAt?: string;
}

export interface Course extends CourseSummary {
  description: string;
  status: CourseStatus;
  rejectionReason?: string | null;
  createdAt: string;
  updatedAt?: string;
  publishedAt?: string | null;
}

export interface OutlineMaterial {
  id: string;
  title: string;
  kind: MaterialKind;
  required?: boolean;
  position?: number;
  url?: string;
  completed?: boolean;
}

export interface OutlineSection {
  id: string | null;
  title: string;
  position: number;
  materials: OutlineMaterial[];
}

export interface Enrollment {
  id: string;
  courseId: string;
  userId: string;
  status: "active" | "completed" | "cancelled";
  progress: number;
  enrolledAt: string;
  completedAt?: string | null;
  course?: CourseSummary;
}

export interface CourseDetail extends Course {
  descriptionHtml?: string;
  outline: OutlineSection[];
  enrollment?: Enrollment | null;
  canReadMaterials?: boolean;
}

export interface Material {
  id: string;
  courseId: string;
  sectionId: string | null;
  title: string;
  kind: MaterialKind;
  required: boolean;
  size: number | null;
  contentType: string | null;
  position: number;
  url?: string;
}

export interface Section {
  id: string;
  courseId: string;
  title: string;
  position: number;
}

export type QuestionType = "single" | "multiple" | "true_false" | "short_answer";

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

export type AttemptStatus = "in_progress" | "submitted" | "expired" | "graded" | "needs_review";

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
