import type {
  AuditRecorder,
  Clock,
  Database,
  EventBus,
  Executor,
  Logger,
  Mailer,
  Money,
  Storage,
  UploadedFile,
  User,
} from "@lectern/core";
import {
  type CourseStatus,
  ENROLLED_STATUSES,
  type EnrollmentStatus,
  type Level,
  type MaterialKind,
} from "../schema.js";

export type { Money } from "@lectern/core";

export interface CourseSummary {
  id: string;
  slug: string;
  title: string;
  summary: string;
  tags: string[];
  level: Level;
  /** Null when the course is free. */
  price: Money | null;
  instructor: { id: string; name: string };
  enrolledCount: number;
  coverUrl: string | null;
}

export interface Course extends CourseSummary {
  description: string;
  status: CourseStatus;
  rejectionReason: string | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface OutlineMaterial {
  id: string;
  title: string;
  kind: MaterialKind;
  required: boolean;
  position: number;
  /** Only for those who may read the content: enrolled students, the owner and admins. */
  url?: string;
  /** Only for an enrolled student. */
  completed?: boolean;
  /** A video's WebVTT captions, for those who may read the content, when it has them. */
  captionsUrl?: string;
}

export interface OutlineSection {
  /** Null for the materials that are in no section. */
  id: string | null;
  title: string;
  position: number;
  materials: OutlineMaterial[];
}

export interface CourseDetail extends Course {
  descriptionHtml: string;
  outline: OutlineSection[];
  /** The caller's own enrollment, when they have one. */
  enrollment: Enrollment | null;
  /** Whether the caller may read materials (enrolled, owner or admin). */
  canReadMaterials: boolean;
}

export interface Section {
  id: string;
  courseId: string;
  title: string;
  position: number;
  createdAt: string;
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
  /** The link's address, or where the file is served (`/api/materials/:id/content`). */
  url?: string;
  /** Where the video's WebVTT captions are served (`/api/materials/:id/captions`), or null. */
  captionsUrl: string | null;
  createdAt: string;
}

export interface Enrollment {
  id: string;
  courseId: string;
  userId: string;
  status: EnrollmentStatus;
  /**
   * Met requirements / all requirements, 0..1: required materials and what completion rules count
   * (each published exam, for instance), the same count that decides completion; 1 exactly when
   * the enrollment is completed.
   */
  progress: number;
  enrolledAt: string;
  completedAt: string | null;
}

export interface CourseInput {
  title: string;
  summary?: string;
  description?: string;
  tags?: string[];
  level?: Level;
  price?: Money | null;
}

export interface MaterialInput {
  title: string;
  kind: MaterialKind;
  sectionId?: string | null;
  required?: boolean;
  /** A stored upload, for every kind but `link`. */
  file?: UploadedFile | null;
  /** For a link: an http(s) address. */
  url?: string | null;
}

/** One requirement another plugin adds to course completion (e.g. "every published exam passed"). */
export interface CompletionRule {
  name: string;
  /** `none` when the course has nothing under this rule; a course with no requirement at all never completes. */
  evaluate(
    executor: Executor,
    input: { userId: string; courseId: string },
  ): Promise<"met" | "unmet" | "none">;
  /**
   * How many items the rule requires of this student and how many are met (three published exams,
   * one passed: `{ required: 3, met: 1 }`), so progress counts each of them. Without it the rule
   * counts as one item. It must agree with `evaluate`: met === required > 0 exactly when "met".
   */
  tally?(executor: Executor, input: { userId: string; courseId: string }): Promise<RuleTally>;
}

export interface RuleTally {
  required: number;
  met: number;
}

/** One thing a course lacks before it may be submitted for review; `path` names it for the site. */
export interface SubmissionGap {
  path: string;
  message: string;
}

/**
 * A plugin's part of the pre-submission checklist: what the course lacks under its rule. `excluded`
 * holds ids the instructor explicitly leaves out of the submitted course (a draft exam, say).
 */
export type SubmissionCheck = (
  executor: Executor,
  input: { courseId: string; excluded: readonly string[] },
) => Promise<SubmissionGap[]>;

/** Extra per-student figures for the instructor's student list (attendance rate, marks …). */
export type StudentColumns = (
  executor: Executor,
  input: { courseId: string; userIds: string[] },
) => Promise<Record<string, Record<string, unknown>>>;

export interface StudentRow {
  user: { id: string; name: string; email: string };
  enrollment: Enrollment;
  [column: string]: unknown;
}

export interface CoursesServiceDeps {
  db: Database;
  clock: Clock;
  events: EventBus;
  mail: Mailer;
  storage: Storage;
  logger: Logger;
  publicUrl: string;
  /** Course approvals and rejections are recorded here. */
  audit: AuditRecorder;
  /** Contributions to `courses.completionRules`, read when a completion is checked. */
  completionRules: () => readonly CompletionRule[];
  /** Contributions to `courses.studentColumns`. */
  studentColumns: () => readonly StudentColumns[];
  /** Contributions to `courses.submissionChecks`. */
  submissionChecks: () => readonly SubmissionCheck[];
}

export type Viewer = Pick<User, "id" | "role">;

/** Whether an enrollment's status counts as enrolled (`ENROLLED_STATUSES`, the one definition). */
export const isEnrolledStatus = (status: EnrollmentStatus) =>
  (ENROLLED_STATUSES as readonly EnrollmentStatus[]).includes(status);

/** What `courseSummaries` tells other plugins about a course. */
export interface CourseFacts {
  id: string;
  slug: string;
  title: string;
  status: CourseStatus;
  instructorId: string;
  /** Null when the course is free. */
  price: Money | null;
}
