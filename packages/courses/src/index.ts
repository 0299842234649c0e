import { CORE_VERSION, definePlugin, z } from "@lectern/core";
import { coursesAnalytics } from "./analytics.js";
import { courseEvents } from "./events.js";
import { coursesRoutes } from "./routes.js";
import { seedDemoCourses } from "./seed.js";
import { CoursesService } from "./service.js";

export { courseEvents } from "./events.js";
export { renderMarkdown } from "./markdown.js";
export type { CourseStatus, EnrollmentStatus, Level, MaterialKind } from "./schema.js";
export * as coursesSchema from "./schema.js";
export type {
  CompletionRule,
  Course,
  CourseDetail,
  CourseInput,
  CourseSummary,
  Enrollment,
  Material,
  MaterialInput,
  Money,
  OutlineMaterial,
  OutlineSection,
  Section,
  StudentColumns,
  StudentRow,
} from "./service.js";
export { CoursesService, formatMoney, slugify } from "./service.js";

const MiB = 1024 * 1024;

/** What each kind of upload may be, by sniffed content type. */
export const DEFAULT_ACCEPT = {
  video: ["video/*", "audio/*"],
  pdf: ["application/pdf"],
  document: [
    "application/pdf",
    "text/plain",
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

const bytes = (fallback: number) => z.number().int().positive().default(fallback);

export const coursesOptions = z.object({
  /** Largest upload, in bytes, per kind of material (and for cover images). */
  limits: z
    .object({
      video: bytes(2048 * MiB),
      pdf: bytes(100 * MiB),
      document: bytes(50 * MiB),
      cover: bytes(5 * MiB),
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
});

export type CoursesOptions = z.input<typeof coursesOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    courses: CoursesService;
  }
}

/**
 * The courses plugin: catalog and full-text search, the instructor → admin approval workflow,
 * materials with streamed uploads, enrollment and progress.
 */
export const courses = definePlugin({
  id: "courses",
  version: "0.1.0",
  coreRange: `^${CORE_VERSION.split(".").slice(0, 2).join(".")}.0`,
  options: coursesOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  permissions: {
    "courses.create": ["instructor", "admin"],
    "courses.manage": ["instructor", "admin"],
    "courses.review": ["admin"],
    "courses.teach": ["instructor"],
    "courses.learn": ["student"],
  },
  services: (ctx) => {
    const service = new CoursesService({
      db: ctx.db,
      clock: ctx.clock,
      events: ctx.events,
      mail: ctx.mail,
      storage: ctx.storage,
      logger: ctx.logger,
      publicUrl: ctx.config.publicUrl,
    });
    ctx.auth.addUserFilter({
      name: "course",
      schema: z.string().uuid(),
      description: "Students enrolled in this course",
      where: (courseId: string) => service.enrolledInCourse(courseId),
    });
    ctx.auth.addUserFilter({
      name: "enrolledAfter",
      schema: z.coerce.date(),
      description: "Users with an enrollment on or after this time (ISO 8601)",
      where: (at: Date) => service.enrolledBetween("after", at),
    });
    ctx.auth.addUserFilter({
      name: "enrolledBefore",
      schema: z.coerce.date(),
      description: "Users with an enrollment before this time (ISO 8601)",
      where: (at: Date) => service.enrolledBetween("before", at),
    });
    return service;
  },
  routes: (ctx) => coursesRoutes(ctx, ctx.services.get("courses"), ctx.options),
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
  analytics: () => coursesAnalytics,
  seed: {
    demo: (ctx) => seedDemoCourses(ctx, ctx.services.get("courses")),
  },
});
