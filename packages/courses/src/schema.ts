import { timestamptz, users } from "@lectern/core";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  pgView,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const tsvector = customType<{ data: string }>({
  dataType: () => "tsvector",
});

export const COURSE_STATUSES = ["draft", "pending", "published", "rejected", "archived"] as const;
export const LEVELS = ["beginner", "intermediate", "advanced"] as const;
export const MATERIAL_KINDS = ["video", "pdf", "document", "link"] as const;
export const ENROLLMENT_STATUSES = ["active", "completed", "cancelled"] as const;
/** The one definition of "enrolled": an enrollment that is active or completed. */
export const ENROLLED_STATUSES = ["active", "completed"] as const;

export type CourseStatus = (typeof COURSE_STATUSES)[number];
export type Level = (typeof LEVELS)[number];
export type MaterialKind = (typeof MATERIAL_KINDS)[number];
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export const courses = pgTable(
  "courses_courses",
  {
    id: uuid("id").primaryKey(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    description: text("description").notNull(),
    tags: text("tags").array().notNull(),
    level: text("level", { enum: LEVELS }).notNull(),
    /** Integer minor units; null (with a null currency) for a free course. */
    priceAmount: integer("price_amount"),
    priceCurrency: text("price_currency"),
    status: text("status", { enum: COURSE_STATUSES }).notNull(),
    instructorId: uuid("instructor_id")
      .notNull()
      .references(() => users.id),
    rejectionReason: text("rejection_reason"),
    coverKey: text("cover_key"),
    coverType: text("cover_type"),
    /** Students with an active or completed enrollment, kept in the enrollment's transaction. */
    enrolledCount: integer("enrolled_count").notNull().default(0),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
    publishedAt: timestamptz("published_at"),
    /** Maintained by PostgreSQL itself: title weighs most, then tags and summary, then the description. */
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, courses_tags_text("tags")), 'B') || setweight(to_tsvector('english'::regconfig, "summary"), 'B') || setweight(to_tsvector('english'::regconfig, "description"), 'C')`,
      ),
  },
  (t) => [
    uniqueIndex("courses_courses_slug_key").on(t.slug),
    index("courses_courses_search_idx").using("gin", t.search),
    index("courses_courses_tags_idx").using("gin", t.tags),
    index("courses_courses_status_published_idx").on(t.status, t.publishedAt, t.id),
    index("courses_courses_status_created_idx").on(t.status, t.createdAt, t.id),
    index("courses_courses_instructor_idx").on(t.instructorId, t.createdAt),
  ],
);

/** Weeks or modules: they order a course's materials. */
export const sections = pgTable(
  "courses_sections",
  {
    id: uuid("id").primaryKey(),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    position: integer("position").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("courses_sections_course_idx").on(t.courseId, t.position)],
);

export const materials = pgTable(
  "courses_materials",
  {
    id: uuid("id").primaryKey(),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    sectionId: uuid("section_id").references(() => sections.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    kind: text("kind", { enum: MATERIAL_KINDS }).notNull(),
    required: boolean("required").notNull(),
    /** Bytes of the stored file; null for a link. */
    size: bigint("size", { mode: "number" }),
    contentType: text("content_type"),
    storageKey: text("storage_key"),
    filename: text("filename"),
    url: text("url"),
    /** A WebVTT captions file for a video, stored beside it; null when there is none. */
    captionsKey: text("captions_key"),
    captionsSize: integer("captions_size"),
    position: integer("position").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("courses_materials_course_idx").on(t.courseId, t.sectionId, t.position)],
);

export const enrollments = pgTable(
  "courses_enrollments",
  {
    id: uuid("id").primaryKey(),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ENROLLMENT_STATUSES }).notNull(),
    enrolledAt: timestamptz("enrolled_at").notNull(),
    completedAt: timestamptz("completed_at"),
    cancelledAt: timestamptz("cancelled_at"),
    /**
     * Met requirements / all requirements (required materials and each completion rule's items),
     * 0..1, written only where completion is decided (`recheck`), so the two never disagree:
     * 1 exactly when the enrollment is completed.
     */
    progress: doublePrecision("progress").notNull().default(0),
  },
  (t) => [
    uniqueIndex("courses_enrollments_course_user_key").on(t.courseId, t.userId),
    index("courses_enrollments_user_idx").on(t.userId, t.enrolledAt),
    index("courses_enrollments_enrolled_at_idx").on(t.enrolledAt),
  ],
);

/** One row per material a student marked complete. */
export const completions = pgTable(
  "courses_completions",
  {
    materialId: uuid("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    completedAt: timestamptz("completed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.materialId, t.userId] }),
    index("courses_completions_course_user_idx").on(t.courseId, t.userId),
  ],
);

/**
 * The views below are the only part of courses' storage other plugins may name, in report joins
 * (`leftJoin(enrollmentsView, …)`); their columns are a published contract, the tables are not.
 */

/** One row per course: what other plugins' lists show beside their own rows. */
export const coursesView = pgView("courses_catalog_v", {
  id: uuid("id").notNull(),
  slug: text("slug").notNull(),
  title: text("title").notNull(),
  status: text("status", { enum: COURSE_STATUSES }).notNull(),
  instructorId: uuid("instructor_id").notNull(),
}).as(sql`select id, slug, title, status, instructor_id from courses_courses`);

/**
 * The view other plugins' reports join on (never `courses_enrollments` itself): one row per
 * enrollment with its progress (met requirements / all requirements, 0..1, the same count that
 * decides completion: 1 exactly when completed). Only `status in ('active','completed')` counts as enrolled.
 */
export const enrollmentsView = pgView("courses_enrollments_v", {
  courseId: uuid("course_id").notNull(),
  userId: uuid("user_id").notNull(),
  status: text("status", { enum: ENROLLMENT_STATUSES }).notNull(),
  enrolledAt: timestamptz("enrolled_at").notNull(),
  completedAt: timestamptz("completed_at"),
  progress: doublePrecision("progress").notNull(),
}).as(sql`select e.course_id, e.user_id, e.status, e.enrolled_at, e.completed_at, e.progress
  from courses_enrollments e`);
