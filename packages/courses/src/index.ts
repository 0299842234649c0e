import { definePlugin, extensionPoint, z } from "@lectern/core";
import { coursesAnalytics } from "./analytics.js";
import { courseEvents } from "./events.js";
import { coursesNotificationKinds, coursesRealtime } from "./notifications.js";
import { coursesPrivacy } from "./privacy.js";
import { coursesRoutes } from "./routes.js";
import { seedDemoCourses } from "./seed.js";
import { type CompletionRule, CoursesService, type StudentColumns, type SubmissionCheck } from "./service.js";
import { progressSection, studentReportRoutes } from "./student-report.js";

export { courseEvents } from "./events.js";
export { renderMarkdown } from "./markdown.js";
export { coursesView, enrolledSql, enrollmentsView, referencesCourse } from "./published.js";
export type { CourseStatus, EnrollmentStatus, Level, MaterialKind } from "./schema.js";
export { ENROLLED_STATUSES } from "./schema.js";
export type {
  CompletionRule,
  Course,
  CourseDetail,
  CourseFacts,
  CourseInput,
  CourseSummary,
  Enrollment,
  Material,
  MaterialInput,
  Money,
  OutlineMaterial,
  OutlineSection,
  RuleTally,
  Section,
  StudentColumns,
  StudentRow,
  SubmissionCheck,
  SubmissionGap,
} from "./service.js";
export { CoursesService, formatMoney, isEnrolledStatus, slugify } from "./service.js";

const MiB = 1024 * 1024;

/** What each kind of upload may be, by sniffed content type. */
export const DEFAULT_ACCEPT = {
  video: ["video/*", "audio/*"],
  pdf: ["application/pdf"],
  document: [
    "application/pdf",
    "text/plain",
    // Captions (WebVTT) uploaded next to a video; SRT files sniff as text/plain.
    "text/vtt",
    "application/rtf",
    "application/zip",
    "application/epub+zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/x-cfb",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
  ],
  cover: ["image/png", "image/jpeg", "image/webp", "image/gif"],
};

const isFunction = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === "function",
  "Expected a function",
);

const bytes = (fallback: number) => z.number().int().positive().default(fallback);

export const coursesOptions = z.object({
  /** Largest upload, in bytes, per kind of material (and for cover images). */
  limits: z
    .object({
      video: bytes(2048 * MiB),
      pdf: bytes(100 * MiB),
      document: bytes(50 * MiB),
      cover: bytes(5 * MiB),
      /** A WebVTT file for a video: text, so a long film's stays well under this. */
      captions: bytes(1 * MiB),
    })
    .prefault({}),
  /** Accepted content types per kind, decided from the bytes; `"video/*"` accepts a family. */
  accept: z
    .object({
      video: z.array(z.string()).default(DEFAULT_ACCEPT.video),
      pdf: z.array(z.string()).default(DEFAULT_ACCEPT.pdf),
      document: z.array(z.string()).default(DEFAULT_ACCEPT.document),
      cover: z.array(z.string()).default(DEFAULT_ACCEPT.cover),
    })
    .prefault({}),
  /**
   * Refuse "submit for review" (422 naming each gap) until the course has a description, a section
   * with a material, and what other plugins check (exams published or explicitly left out).
   */
  submitChecklist: z.boolean().default(false),
});

export type CoursesOptions = z.input<typeof coursesOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    courses: CoursesService;
  }
  interface LecternExtensionPoints {
    /** A requirement of course completion (e.g. "every published exam passed"). */
    "courses.completionRules": CompletionRule;
    /** Figures added to each row of `GET /api/courses/{id}/students` (marks, attendance rate …). */
    "courses.studentColumns": StudentColumns;
    /** What a course lacks before it may be submitted for review (e.g. "the draft exam Quiz 1"). */
    "courses.submissionChecks": SubmissionCheck;
  }
}

/**
 * The courses plugin: catalog and full-text search, the instructor → admin approval workflow,
 * materials with streamed uploads, enrollment and progress.
 */
export const courses = definePlugin({
  id: "courses",
  version: "0.1.0",
  coreRange: "^0.1.0",
  options: coursesOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: {
    "course-not-open": { status: 409, title: "Conflict with the current state" },
    "course-not-pending": { status: 409, title: "Conflict with the current state" },
    "course-not-submittable": { status: 409, title: "Conflict with the current state" },
    "not-enrolled": { status: 403, title: "Not allowed" },
    "paid-enrollment": { status: 409, title: "Conflict with the current state" },
  },
  permissions: {
    "courses.create": ["instructor", "admin"],
    "courses.manage": ["instructor", "admin"],
    "courses.review": ["admin"],
    "courses.teach": ["instructor"],
    "courses.learn": ["student"],
  },
  extensionPoints: {
    completionRules: extensionPoint<CompletionRule>({
      schema: z.object({ name: z.string().min(1), evaluate: isFunction }),
      description: "A requirement of course completion; a course with no requirement never completes.",
    }),
    studentColumns: extensionPoint<StudentColumns>({ schema: isFunction }),
    submissionChecks: extensionPoint<SubmissionCheck>({
      schema: isFunction,
      description: "A part of the pre-submission checklist: what a course lacks before review.",
    }),
  },
  services: (ctx) =>
    new CoursesService({
      db: ctx.db,
      clock: ctx.clock,
      events: ctx.events,
      mail: ctx.mail,
      storage: ctx.storage,
      logger: ctx.logger,
      publicUrl: ctx.config.publicUrl,
      audit: ctx.audit,
      completionRules: () => ctx.contributions("courses.completionRules").map((c) => c.value),
      studentColumns: () => ctx.contributions("courses.studentColumns").map((c) => c.value),
      submissionChecks: () => ctx.contributions("courses.submissionChecks").map((c) => c.value),
    }),
  contributes: (ctx) => ({
    "core.userFilters": [
      {
        name: "course",
        schema: z.string().uuid(),
        description: "Students enrolled in this course",
        where: (courseId: string) => ctx.services.get("courses").enrolledInCourse(courseId),
      },
      {
        name: "enrolledAfter",
        schema: z.coerce.date(),
        description: "Users with an enrollment on or after this time (ISO 8601)",
        where: (at: Date) => ctx.services.get("courses").enrolledBetween("after", at),
      },
      {
        name: "enrolledBefore",
        schema: z.coerce.date(),
        description: "Users with an enrollment before this time (ISO 8601)",
        where: (at: Date) => ctx.services.get("courses").enrolledBetween("before", at),
      },
    ],
    "core.notificationKinds": coursesNotificationKinds,
    "core.analytics": coursesAnalytics,
    "core.studentReport": progressSection(() => ctx.services.get("courses")),
    // Users imported from CSV are enrolled in the courses their row lists, as a payment would.
    "core.userImportEnrollment": {
      async enroll(tx, { userId, courseIds }) {
        for (const courseId of courseIds) await ctx.services.get("courses").enroll(tx, { userId, courseId });
      },
    },
    "core.privacy": coursesPrivacy,
  }),
  routes: (ctx) =>
    coursesRoutes(ctx, ctx.services.get("courses"), ctx.options).route(
      "/",
      studentReportRoutes(ctx, ctx.services.get("courses")),
    ),
  events: {
    emits: courseEvents,
    on: (ctx) => ({
      "course.approved": async (event) => {
        await ctx.services.get("courses").mailReviewOutcome(event.data.courseId, { approved: true });
      },
      "course.rejected": async (event) => {
        await ctx.services.get("courses").mailReviewOutcome(event.data.courseId, {
          approved: false,
          reason: event.data.reason,
        });
      },
    }),
  },
  realtime: coursesRealtime,
  seed: {
    demo: (ctx) => seedDemoCourses(ctx, ctx.services.get("courses")),
  },
});
