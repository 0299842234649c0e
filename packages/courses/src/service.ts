import { randomUUID } from "node:crypto";
import type { Clock } from "@lectern/core";
import {
  afterTimeAndId,
  type Database,
  decodeCursor,
  type EventBus,
  type Executor,
  type Logger,
  type Mailer,
  type Page,
  problems,
  type Storage,
  toPage,
  type UploadedFile,
  type User,
  users,
} from "@lectern/core";
import { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { renderMarkdown } from "./markdown.js";
import {
  type CourseStatus,
  completions,
  courses,
  type EnrollmentStatus,
  enrollments,
  type Level,
  type MaterialKind,
  materials,
  sections,
} from "./schema.js";

export interface Money {
  /** Integer minor units, e.g. 4900 for $49.00. */
  amount: number;
  /** ISO 4217, e.g. `USD`. */
  currency: string;
}

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
  createdAt: string;
}

export interface Enrollment {
  id: string;
  courseId: string;
  userId: string;
  status: EnrollmentStatus;
  /** Completed required materials / all required materials, 0..1. */
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
}

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
}

type Viewer = Pick<User, "id" | "role">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const courseColumns = {
  id: courses.id,
  slug: courses.slug,
  title: courses.title,
  summary: courses.summary,
  description: courses.description,
  tags: courses.tags,
  level: courses.level,
  priceAmount: courses.priceAmount,
  priceCurrency: courses.priceCurrency,
  status: courses.status,
  instructorId: courses.instructorId,
  instructorName: users.name,
  rejectionReason: courses.rejectionReason,
  coverKey: courses.coverKey,
  coverType: courses.coverType,
  enrolledCount: courses.enrolledCount,
  createdAt: courses.createdAt,
  updatedAt: courses.updatedAt,
  publishedAt: courses.publishedAt,
};

type CourseRow = {
  [K in keyof typeof courseColumns]: (typeof courseColumns)[K]["_"]["notNull"] extends true
    ? (typeof courseColumns)[K]["_"]["data"]
    : (typeof courseColumns)[K]["_"]["data"] | null;
};

const summaryColumns = {
  id: courses.id,
  slug: courses.slug,
  title: courses.title,
  summary: courses.summary,
  tags: courses.tags,
  level: courses.level,
  priceAmount: courses.priceAmount,
  priceCurrency: courses.priceCurrency,
  instructorId: courses.instructorId,
  instructorName: users.name,
  enrolledCount: courses.enrolledCount,
  coverKey: courses.coverKey,
  publishedAt: courses.publishedAt,
};

type SummaryRow = Pick<CourseRow, keyof typeof summaryColumns>;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A URL-safe slug from a title: "Café Ölçü 101!" → "cafe-olcu-101". */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "course";
}

export function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase().replace(/\s+/g, "-")).filter(Boolean))];
}

/** Progress of an enrollment row: its user's completed required materials over the course's. */
const progressSql = sql<number>`(
  select case when count(*) = 0 then (case when "courses_enrollments"."status" = 'completed' then 1 else 0 end)
    else count(cc.material_id)::float8 / count(*) end
  from courses_materials m
  left join courses_completions cc on cc.material_id = m.id and cc.user_id = "courses_enrollments"."user_id"
  where m.course_id = "courses_enrollments"."course_id" and m.required
)`;

/** The course's required materials, and how many of them the enrollment's user has completed. */
const requiredMaterialsSql = sql<number>`(
  select count(*) from courses_materials m
  where m.course_id = "courses_enrollments"."course_id" and m.required
)`.mapWith(Number);
const completedMaterialsSql = sql<number>`(
  select count(*) from courses_materials m
  join courses_completions cc on cc.material_id = m.id and cc.user_id = "courses_enrollments"."user_id"
  where m.course_id = "courses_enrollments"."course_id" and m.required
)`.mapWith(Number);

const enrollmentColumns = {
  id: enrollments.id,
  courseId: enrollments.courseId,
  userId: enrollments.userId,
  status: enrollments.status,
  enrolledAt: enrollments.enrolledAt,
  completedAt: enrollments.completedAt,
  progress: progressSql.mapWith(Number),
};

type EnrollmentRow = {
  id: string;
  courseId: string;
  userId: string;
  status: EnrollmentStatus;
  enrolledAt: Date;
  completedAt: Date | null;
  progress: number;
};

const toEnrollment = (row: EnrollmentRow): Enrollment => ({
  id: row.id,
  courseId: row.courseId,
  userId: row.userId,
  status: row.status,
  progress: Math.round(Number(row.progress) * 10_000) / 10_000,
  enrolledAt: row.enrolledAt.toISOString(),
  completedAt: iso(row.completedAt),
});

const toMaterial = (row: typeof materials.$inferSelect): Material => ({
  id: row.id,
  courseId: row.courseId,
  sectionId: row.sectionId,
  title: row.title,
  kind: row.kind,
  required: row.required,
  size: row.size,
  contentType: row.contentType,
  position: row.position,
  url: row.kind === "link" ? (row.url ?? undefined) : `/api/materials/${row.id}/content`,
  createdAt: row.createdAt.toISOString(),
});

const toSection = (row: typeof sections.$inferSelect): Section => ({
  id: row.id,
  courseId: row.courseId,
  title: row.title,
  position: row.position,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Courses, their approval, materials, enrollment and progress. Every rule lives here; routes
 * only validate input, check the caller's role, and call these methods.
 */
export class CoursesService {
  readonly #rules: CompletionRule[] = [];
  readonly #studentColumns: StudentColumns[] = [];
  readonly #db: Database;

  constructor(private readonly deps: CoursesServiceDeps) {
    this.#db = deps.db;
  }

  /** Adds a completion requirement; call it from your plugin's `onReady`. */
  addCompletionRule(rule: CompletionRule): void {
    if (this.#rules.some((r) => r.name === rule.name))
      throw new Error(`Completion rule "${rule.name}" is added twice.`);
    this.#rules.push(rule);
  }

  /** Adds figures to each row of `GET /api/courses/:id/students` (e.g. attendance rate, marks). */
  addStudentColumns(columns: StudentColumns): void {
    this.#studentColumns.push(columns);
  }

  // Courses

  async createCourse(viewer: Viewer, input: CourseInput): Promise<Course> {
    const now = this.deps.clock.now();
    const id = randomUUID();
    return this.#db.transaction(async (tx) => {
      const base = slugify(input.title);
      // The unique index decides; a taken slug gets the next free suffix, never an error.
      for (let attempt = 0; attempt < 50; attempt++) {
        const slug = attempt === 0 ? base : await this.#nextSlug(tx, base);
        const inserted = await tx
          .insert(courses)
          .values({
            id,
            slug,
            title: input.title,
            summary: input.summary ?? "",
            description: input.description ?? "",
            tags: normaliseTags(input.tags ?? []),
            level: input.level ?? "beginner",
            ...priceColumns(input.price),
            status: "draft",
            instructorId: viewer.id,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: courses.slug })
          .returning({ id: courses.id });
        if (inserted.length > 0) return this.#courseById(tx, id);
      }
      throw new Error(`No free slug for "${base}".`);
    });
  }

  async #nextSlug(executor: Executor, base: string): Promise<string> {
    const rows = await executor
      .select({ slug: courses.slug })
      .from(courses)
      .where(or(eq(courses.slug, base), sql`${courses.slug} ~ ${`^${base}-[0-9]+$`}`));
    const taken = new Set(rows.map((r) => r.slug));
    let n = 2;
    while (taken.has(`${base}-${n}`)) n++;
    return `${base}-${n}`;
  }

  async updateCourse(viewer: Viewer, id: string, patch: Partial<CourseInput>): Promise<Course> {
    return this.#db.transaction(async (tx) => {
      await this.#manageable(tx, viewer, id);
      await tx
        .update(courses)
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.summary !== undefined && { summary: patch.summary }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.tags !== undefined && { tags: normaliseTags(patch.tags) }),
          ...(patch.level !== undefined && { level: patch.level }),
          ...(patch.price !== undefined && priceColumns(patch.price)),
          updatedAt: this.deps.clock.now(),
        })
        .where(eq(courses.id, id));
      return this.#courseById(tx, id);
    });
  }

  /** Erases a course nobody enrolled in; a course with enrollments is archived and keeps them. */
  async deleteCourse(viewer: Viewer, id: string): Promise<{ archived: boolean }> {
    const result = await this.#db.transaction(async (tx) => {
      const course = await this.#manageable(tx, viewer, id);
      const [enrolled] = await tx
        .select({ id: enrollments.id })
        .from(enrollments)
        .where(eq(enrollments.courseId, id))
        .limit(1);
      if (enrolled) {
        if (course.status !== "archived") await this.#archive(tx, viewer, id);
        return { archived: true, keys: [] as string[] };
      }
      const stored = await tx
        .select({ key: materials.storageKey })
        .from(materials)
        .where(and(eq(materials.courseId, id), sql`${materials.storageKey} is not null`));
      await tx.delete(courses).where(eq(courses.id, id));
      return {
        archived: false,
        keys: [...stored.map((r) => r.key!), ...(course.coverKey ? [course.coverKey] : [])],
      };
    });
    await this.#deleteFiles(result.keys);
    return { archived: result.archived };
  }

  async archiveCourse(viewer: Viewer, id: string): Promise<Course> {
    return this.#db.transaction(async (tx) => {
      const course = await this.#manageable(tx, viewer, id);
      if (course.status !== "archived") await this.#archive(tx, viewer, id);
      return this.#courseById(tx, id);
    });
  }

  async #archive(tx: Executor, viewer: Viewer, id: string) {
    await tx
      .update(courses)
      .set({ status: "archived", updatedAt: this.deps.clock.now() })
      .where(eq(courses.id, id));
    await this.deps.events.emit(tx, "course.archived", { courseId: id, archivedBy: viewer.id });
  }

  async submitCourse(viewer: Viewer, id: string): Promise<Course> {
    return this.#db.transaction(async (tx) => {
      const course = await this.#manageable(tx, viewer, id, { lock: true });
      if (course.status !== "draft" && course.status !== "rejected") {
        throw problems.conflict(
          `Only a draft or rejected course can be submitted; this one is ${course.status}.`,
          {
            type: "https://lectern.dev/problems/course-not-submittable",
          },
        );
      }
      await tx
        .update(courses)
        .set({ status: "pending", rejectionReason: null, updatedAt: this.deps.clock.now() })
        .where(eq(courses.id, id));
      await this.deps.events.emit(tx, "course.submitted", {
        courseId: id,
        instructorId: course.instructorId,
      });
      return this.#courseById(tx, id);
    });
  }

  async approveCourse(admin: Viewer, id: string): Promise<Course> {
    return this.#db.transaction(async (tx) => {
      const course = await this.#pending(tx, id);
      const now = this.deps.clock.now();
      await tx
        .update(courses)
        .set({ status: "published", publishedAt: now, updatedAt: now })
        .where(eq(courses.id, id));
      await this.deps.events.emit(tx, "course.approved", {
        courseId: id,
        instructorId: course.instructorId,
        approvedBy: admin.id,
      });
      return this.#courseById(tx, id);
    });
  }

  async rejectCourse(admin: Viewer, id: string, reason: string): Promise<Course> {
    return this.#db.transaction(async (tx) => {
      const course = await this.#pending(tx, id);
      await tx
        .update(courses)
        .set({ status: "rejected", rejectionReason: reason, updatedAt: this.deps.clock.now() })
        .where(eq(courses.id, id));
      await this.deps.events.emit(tx, "course.rejected", {
        courseId: id,
        instructorId: course.instructorId,
        rejectedBy: admin.id,
        reason,
      });
      return this.#courseById(tx, id);
    });
  }

  async #pending(tx: Executor, id: string): Promise<CourseRow> {
    const course = await this.#findCourse(tx, id, { lock: true });
    if (!course) throw problems.notFound("There is no such course.");
    if (course.status !== "pending") {
      throw problems.conflict(
        `Only a pending course can be approved or rejected; this one is ${course.status}.`,
        {
          type: "https://lectern.dev/problems/course-not-pending",
        },
      );
    }
    return course;
  }

  /** Mails the instructor about the review; called by the plugin's event handlers. */
  async mailReviewOutcome(
    courseId: string,
    outcome: { approved: true } | { approved: false; reason: string },
  ) {
    const [row] = await this.#db
      .select({ title: courses.title, slug: courses.slug, email: users.email, name: users.name })
      .from(courses)
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(eq(courses.id, courseId));
    if (!row) return;
    const link = `${this.deps.publicUrl}/courses/${row.slug}`;
    await this.deps.mail.send(
      this.#db,
      outcome.approved
        ? {
            to: row.email,
            subject: `Your course "${row.title}" is published`,
            text: `Hello ${row.name},\n\nAn administrator approved "${row.title}". It is now in the catalog:\n\n${link}\n`,
          }
        : {
            to: row.email,
            subject: `Your course "${row.title}" needs changes`,
            text: `Hello ${row.name},\n\nAn administrator did not approve "${row.title}" yet. Their reason:\n\n${outcome.reason}\n\nEdit the course and submit it again when it is ready:\n\n${link}\n`,
          },
    );
  }

  /** A course as the viewer may see it: published ones for anyone, every status for the owner and admins. */
  async getCourse(viewer: Viewer | null, idOrSlug: string): Promise<CourseDetail> {
    const course = await this.#findCourse(this.#db, idOrSlug);
    if (!course) throw problems.notFound("There is no such course.");
    const enrollment = viewer ? await this.#enrollmentOf(this.#db, viewer.id, course.id) : null;
    if (!this.#canSee(viewer, course, enrollment)) throw problems.notFound("There is no such course.");
    const canRead = this.#canReadMaterials(viewer, course, enrollment);
    const [sectionRows, materialRows, done] = await Promise.all([
      this.#db
        .select()
        .from(sections)
        .where(eq(sections.courseId, course.id))
        .orderBy(asc(sections.position)),
      this.#db
        .select()
        .from(materials)
        .where(eq(materials.courseId, course.id))
        .orderBy(asc(materials.position)),
      enrollment && viewer
        ? this.#db
            .select({ materialId: completions.materialId })
            .from(completions)
            .where(and(eq(completions.courseId, course.id), eq(completions.userId, viewer.id)))
        : Promise.resolve([]),
    ]);
    const completed = new Set(done.map((d) => d.materialId));
    const outlineOf = (sectionId: string | null) =>
      materialRows
        .filter((m) => m.sectionId === sectionId)
        .map((m) => {
          const item: OutlineMaterial = {
            id: m.id,
            title: m.title,
            kind: m.kind,
            required: m.required,
            position: m.position,
          };
          if (canRead) item.url = toMaterial(m).url;
          if (enrollment) item.completed = completed.has(m.id);
          return item;
        });
    const loose = outlineOf(null);
    const outline: OutlineSection[] = [
      ...(loose.length > 0 ? [{ id: null, title: "", position: 0, materials: loose }] : []),
      ...sectionRows.map((s) => ({
        id: s.id,
        title: s.title,
        position: s.position,
        materials: outlineOf(s.id),
      })),
    ];
    return {
      ...this.#toCourse(course),
      descriptionHtml: renderMarkdown(course.description),
      outline,
      enrollment,
      canReadMaterials: canRead,
    };
  }

  /** The published catalog: full-text search ranked by relevance, or newest first. */
  async listCatalog(query: {
    search?: string;
    tag?: string;
    level?: Level;
    limit: number;
    cursor?: string;
  }): Promise<Page<CourseSummary>> {
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = [eq(courses.status, "published")];
    if (query.tag) conditions.push(sql`${courses.tags} @> array[${query.tag.trim().toLowerCase()}]::text[]`);
    if (query.level) conditions.push(eq(courses.level, query.level));
    const search = query.search?.trim();
    if (search) {
      const tsquery = sql`websearch_to_tsquery('english', ${search})`;
      const rank = sql<number>`ts_rank(${courses.search}, ${tsquery})`;
      conditions.push(sql`${courses.search} @@ ${tsquery}`);
      if (after) {
        const [r, id] = after as [number, string];
        conditions.push(sql`(${rank} < ${r}::real or (${rank} = ${r}::real and ${courses.id} < ${id}))`);
      }
      // Ordering by the output column lets PostgreSQL compute each rank once.
      const rows = await this.#db
        .select({ ...summaryColumns, rank: rank.mapWith(Number).as("rank") })
        .from(courses)
        .innerJoin(users, eq(users.id, courses.instructorId))
        .where(and(...conditions))
        .orderBy(sql`"rank" desc`, desc(courses.id))
        .limit(query.limit + 1);
      return toPage(
        rows,
        query.limit,
        (r) => [r.rank, r.id],
        (r) => this.#toSummary(r),
      );
    }
    if (after) {
      const [publishedAt, id] = after as [string, string];
      const at = new Date(publishedAt);
      conditions.push(or(lt(courses.publishedAt, at), and(eq(courses.publishedAt, at), lt(courses.id, id))));
    }
    const rows = await this.#db
      .select(summaryColumns)
      .from(courses)
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(and(...conditions))
      .orderBy(desc(courses.publishedAt), desc(courses.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.publishedAt!.toISOString(), r.id],
      (r) => this.#toSummary(r),
    );
  }

  /** Courses of every status, newest first: for admins (all) and instructors (their own). */
  async listCourses(query: {
    status?: CourseStatus;
    instructorId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<Course>> {
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = [];
    if (query.status) conditions.push(eq(courses.status, query.status));
    if (query.instructorId) conditions.push(eq(courses.instructorId, query.instructorId));
    conditions.push(afterTimeAndId(after, courses.createdAt, courses.id, "desc"));
    const rows = await this.#db
      .select(courseColumns)
      .from(courses)
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(and(...conditions))
      .orderBy(desc(courses.createdAt), desc(courses.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.createdAt.toISOString(), r.id],
      (r) => this.#toCourse(r),
    );
  }

  /** Sets the cover image (already stored and type-checked); the previous one is removed. */
  async setCover(viewer: Viewer, id: string, file: UploadedFile): Promise<Course> {
    const previous = await this.#db.transaction(async (tx) => {
      const course = await this.#manageable(tx, viewer, id);
      await tx
        .update(courses)
        .set({ coverKey: file.key, coverType: file.contentType, updatedAt: this.deps.clock.now() })
        .where(eq(courses.id, id));
      return course.coverKey;
    });
    await this.#deleteFiles(previous ? [previous] : []);
    return this.#courseById(this.#db, id);
  }

  async openCover(viewer: Viewer | null, idOrSlug: string) {
    const course = await this.#findCourse(this.#db, idOrSlug);
    const enrollment = course && viewer ? await this.#enrollmentOf(this.#db, viewer.id, course.id) : null;
    if (!course || !this.#canSee(viewer, course, enrollment) || !course.coverKey) {
      throw problems.notFound("This course has no cover image.");
    }
    return {
      key: course.coverKey,
      contentType: course.coverType ?? "application/octet-stream",
      etag: course.coverKey,
    };
  }

  /** The course if the viewer may change it; 404 otherwise, so others learn nothing about it. */
  async requireManageable(
    viewer: Viewer,
    id: string,
  ): Promise<{ id: string; instructorId: string; status: CourseStatus }> {
    const course = await this.#manageable(this.#db, viewer, id);
    return { id: course.id, instructorId: course.instructorId, status: course.status };
  }

  /** Whether the user may change the course (its instructor or an admin); for other plugins. */
  async canManage(viewer: Viewer, courseId: string): Promise<boolean> {
    const course = await this.#findCourse(this.#db, courseId);
    return !!course && this.#owns(viewer, course);
  }

  /** The user's enrollment in the course, or null; for other plugins (exams, live classes …). */
  async findEnrollment(
    userId: string,
    courseId: string,
    executor: Executor = this.#db,
  ): Promise<Enrollment | null> {
    return this.#enrollmentOf(executor, userId, courseId);
  }

  async findCourse(idOrSlug: string, executor: Executor = this.#db): Promise<Course | null> {
    const row = await this.#findCourse(executor, idOrSlug);
    return row ? this.#toCourse(row) : null;
  }

  // Sections

  async createSection(
    viewer: Viewer,
    courseId: string,
    input: { title: string; position?: number },
  ): Promise<Section> {
    return this.#db.transaction(async (tx) => {
      await this.#manageable(tx, viewer, courseId, { lock: true });
      const siblings = await tx
        .select({ id: sections.id })
        .from(sections)
        .where(eq(sections.courseId, courseId))
        .orderBy(asc(sections.position));
      const id = randomUUID();
      await tx.insert(sections).values({
        id,
        courseId,
        title: input.title,
        position: siblings.length + 1,
        createdAt: this.deps.clock.now(),
      });
      if (input.position !== undefined)
        await this.#reorder(tx, sections, [...siblings.map((s) => s.id)], id, input.position);
      const [row] = await tx.select().from(sections).where(eq(sections.id, id));
      return toSection(row!);
    });
  }

  async updateSection(
    viewer: Viewer,
    id: string,
    patch: { title?: string; position?: number },
  ): Promise<Section> {
    return this.#db.transaction(async (tx) => {
      const section = await this.#manageableSection(tx, viewer, id);
      if (patch.title !== undefined)
        await tx.update(sections).set({ title: patch.title }).where(eq(sections.id, id));
      if (patch.position !== undefined) {
        const siblings = await tx
          .select({ id: sections.id })
          .from(sections)
          .where(eq(sections.courseId, section.courseId))
          .orderBy(asc(sections.position));
        await this.#reorder(
          tx,
          sections,
          siblings.map((s) => s.id).filter((s) => s !== id),
          id,
          patch.position,
        );
      }
      const [row] = await tx.select().from(sections).where(eq(sections.id, id));
      return toSection(row!);
    });
  }

  /** Removes a section; its materials stay in the course, outside any section. */
  async deleteSection(viewer: Viewer, id: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const section = await this.#manageableSection(tx, viewer, id);
      await tx.delete(sections).where(eq(sections.id, id));
      await this.#renumber(tx, sections, eq(sections.courseId, section.courseId));
      await this.#renumberMaterials(tx, section.courseId, null);
    });
  }

  async listSections(viewer: Viewer | null, courseId: string): Promise<Section[]> {
    const course = await this.#findCourse(this.#db, courseId);
    const enrollment = course && viewer ? await this.#enrollmentOf(this.#db, viewer.id, course.id) : null;
    if (!course || !this.#canSee(viewer, course, enrollment))
      throw problems.notFound("There is no such course.");
    const rows = await this.#db
      .select()
      .from(sections)
      .where(eq(sections.courseId, course.id))
      .orderBy(asc(sections.position));
    return rows.map(toSection);
  }

  // Materials

  async addMaterial(viewer: Viewer, courseId: string, input: MaterialInput): Promise<Material> {
    return this.#db.transaction(async (tx) => {
      await this.#manageable(tx, viewer, courseId, { lock: true });
      const sectionId = input.sectionId ?? null;
      if (sectionId) await this.#sectionOf(tx, courseId, sectionId);
      const [last] = await tx
        .select({ position: sql<number>`coalesce(max(${materials.position}), 0)`.mapWith(Number) })
        .from(materials)
        .where(
          and(
            eq(materials.courseId, courseId),
            sectionId ? eq(materials.sectionId, sectionId) : isNull(materials.sectionId),
          ),
        );
      const id = randomUUID();
      const [row] = await tx
        .insert(materials)
        .values({
          id,
          courseId,
          sectionId,
          title: input.title,
          kind: input.kind,
          required: input.required ?? true,
          size: input.file?.size ?? null,
          contentType: input.file?.contentType ?? null,
          storageKey: input.file?.key ?? null,
          filename: input.file?.filename ?? null,
          url: input.kind === "link" ? (input.url ?? null) : null,
          position: (last?.position ?? 0) + 1,
          createdAt: this.deps.clock.now(),
        })
        .returning();
      return toMaterial(row!);
    });
  }

  async updateMaterial(
    viewer: Viewer,
    id: string,
    patch: { title?: string; required?: boolean; sectionId?: string | null; position?: number },
  ): Promise<Material> {
    return this.#db.transaction(async (tx) => {
      const material = await this.#manageableMaterial(tx, viewer, id);
      const moving = patch.sectionId !== undefined && patch.sectionId !== material.sectionId;
      if (moving && patch.sectionId) await this.#sectionOf(tx, material.courseId, patch.sectionId);
      const changes = {
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.required !== undefined && { required: patch.required }),
        ...(moving && { sectionId: patch.sectionId ?? null, position: 1_000_000 }),
      };
      if (Object.keys(changes).length > 0)
        await tx.update(materials).set(changes).where(eq(materials.id, id));
      const target = moving ? (patch.sectionId ?? null) : material.sectionId;
      if (moving) await this.#renumberMaterials(tx, material.courseId, material.sectionId);
      if (moving || patch.position !== undefined) {
        const siblings = await tx
          .select({ id: materials.id })
          .from(materials)
          .where(this.#materialGroup(material.courseId, target))
          .orderBy(asc(materials.position), asc(materials.createdAt));
        await this.#reorder(
          tx,
          materials,
          siblings.map((s) => s.id).filter((s) => s !== id),
          id,
          patch.position ?? siblings.length,
        );
      }
      const [row] = await tx.select().from(materials).where(eq(materials.id, id));
      return toMaterial(row!);
    });
  }

  async deleteMaterial(viewer: Viewer, id: string): Promise<void> {
    const key = await this.#db.transaction(async (tx) => {
      const material = await this.#manageableMaterial(tx, viewer, id);
      await tx.delete(materials).where(eq(materials.id, id));
      await this.#renumberMaterials(tx, material.courseId, material.sectionId);
      return material.storageKey;
    });
    await this.#deleteFiles(key ? [key] : []);
  }

  async listMaterials(viewer: Viewer, courseId: string): Promise<Material[]> {
    const course = await this.#readableCourse(this.#db, viewer, courseId);
    const rows = await this.#db
      .select()
      .from(materials)
      .leftJoin(sections, eq(sections.id, materials.sectionId))
      .where(eq(materials.courseId, course.id))
      .orderBy(sql`${sections.position} asc nulls first`, asc(materials.position));
    return rows.map((r) => toMaterial(r.courses_materials));
  }

  /** Where a material's file is, for someone allowed to read it. */
  async openMaterial(viewer: Viewer, materialId: string) {
    const material = await this.#material(this.#db, materialId);
    await this.#readableCourse(this.#db, viewer, material.courseId);
    if (!material.storageKey) {
      throw problems.notFound("This material is a link and has no file; open its url instead.");
    }
    return {
      key: material.storageKey,
      contentType: material.contentType ?? "application/octet-stream",
      filename: material.filename ?? material.title,
      etag: `${material.id}-${material.size ?? 0}`,
    };
  }

  /** Marks a material complete for an enrolled student; returns the enrollment with its new progress. */
  async completeMaterial(viewer: Viewer, materialId: string): Promise<Enrollment> {
    return this.#db.transaction(async (tx) => {
      const material = await this.#material(tx, materialId);
      const enrollment = await this.#enrollmentOf(tx, viewer.id, material.courseId);
      if (!enrollment) {
        const course = await this.#findCourse(tx, material.courseId);
        if (!course || !this.#canSee(viewer, course, null))
          throw problems.notFound("There is no such material.");
        throw notEnrolled();
      }
      if (enrollment.status === "cancelled") throw notEnrolled();
      const inserted = await tx
        .insert(completions)
        .values({
          materialId,
          userId: viewer.id,
          courseId: material.courseId,
          completedAt: this.deps.clock.now(),
        })
        .onConflictDoNothing()
        .returning({ materialId: completions.materialId });
      if (inserted.length > 0) {
        await this.deps.events.emit(tx, "material.completed", {
          materialId,
          courseId: material.courseId,
          userId: viewer.id,
        });
      }
      await this.#recheck(tx, viewer.id, material.courseId);
      return (await this.#enrollmentOf(tx, viewer.id, material.courseId))!;
    });
  }

  /**
   * Completes the enrollment if everything the course requires is now done: its required
   * materials and every completion rule. Call it after anything a rule looks at changes (an exam
   * graded). `course.completed` is emitted once per enrollment.
   */
  async recheckCompletion(userId: string, courseId: string, executor?: Executor): Promise<Enrollment | null> {
    if (executor) return this.#recheck(executor, userId, courseId);
    return this.#db.transaction((tx) => this.#recheck(tx, userId, courseId));
  }

  async #recheck(tx: Executor, userId: string, courseId: string): Promise<Enrollment | null> {
    // The lock, the enrollment and the material counts in one statement: exams call this on every pass.
    const [row] = await tx
      .select({ ...enrollmentColumns, required: requiredMaterialsSql, done: completedMaterialsSql })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)))
      .for("update");
    if (!row) return null;
    if (row.status !== "active") return toEnrollment(row as EnrollmentRow);
    let requirements = row.required;
    let met = row.done === row.required;
    for (const rule of this.#rules) {
      const outcome = await rule.evaluate(tx, { userId, courseId });
      if (outcome === "none") continue;
      requirements++;
      if (outcome === "unmet") met = false;
    }
    // A course that requires nothing is never completed on its own.
    if (requirements === 0 || !met) return toEnrollment(row as EnrollmentRow);
    const now = this.deps.clock.now();
    await tx
      .update(enrollments)
      .set({ status: "completed", completedAt: now })
      .where(eq(enrollments.id, row.id));
    await this.deps.events.emit(tx, "course.completed", {
      enrollmentId: row.id,
      courseId,
      userId,
      completedAt: now.toISOString(),
    });
    return toEnrollment({ ...(row as EnrollmentRow), status: "completed", completedAt: now, progress: 1 });
  }

  // Enrollment

  /**
   * Enrolls a student in a published course, in the caller's transaction; the payments plugin
   * calls this once a payment completes. Idempotent: `created` is false when the student was
   * already enrolled, and a cancelled enrollment becomes active again.
   */
  async enroll(
    tx: Executor,
    input: { userId: string; courseId: string },
  ): Promise<{ enrollment: Enrollment; created: boolean }> {
    const [course] = await tx
      .select({ id: courses.id, status: courses.status })
      .from(courses)
      .where(eq(courses.id, input.courseId))
      .for("update");
    if (!course) throw problems.notFound("There is no such course.");
    const existing = await this.#enrollmentOf(tx, input.userId, input.courseId);
    if (existing && existing.status !== "cancelled") return { enrollment: existing, created: false };
    if (course.status !== "published") {
      throw problems.conflict("Only a published course takes enrollments.", {
        type: "https://lectern.dev/problems/course-not-open",
      });
    }
    const now = this.deps.clock.now();
    let id: string;
    if (existing) {
      id = existing.id;
      await tx
        .update(enrollments)
        .set({ status: "active", enrolledAt: now, cancelledAt: null, completedAt: null })
        .where(eq(enrollments.id, id));
    } else {
      id = randomUUID();
      await tx
        .insert(enrollments)
        .values({ id, courseId: input.courseId, userId: input.userId, status: "active", enrolledAt: now });
    }
    await tx
      .update(courses)
      .set({ enrolledCount: sql`${courses.enrolledCount} + 1` })
      .where(eq(courses.id, input.courseId));
    await this.deps.events.emit(tx, "enrollment.created", {
      enrollmentId: id,
      courseId: input.courseId,
      userId: input.userId,
    });
    return { enrollment: (await this.#enrollmentOf(tx, input.userId, input.courseId))!, created: true };
  }

  /** A student enrolls themselves: free courses at once, paid ones answer 402 until a payment completes. */
  async enrollStudent(
    viewer: Viewer,
    courseId: string,
  ): Promise<{ enrollment: Enrollment; created: boolean }> {
    return this.#db.transaction(async (tx) => {
      const course = await this.#findCourse(tx, courseId);
      const existing = course ? await this.#enrollmentOf(tx, viewer.id, course.id) : null;
      if (!course || !this.#canSee(viewer, course, existing))
        throw problems.notFound("There is no such course.");
      if (existing && existing.status !== "cancelled") return { enrollment: existing, created: false };
      if (course.priceAmount !== null) {
        throw problems.paymentRequired(
          `This course costs ${formatMoney({ amount: course.priceAmount, currency: course.priceCurrency! })}; complete a payment to enroll.`,
          {
            type: "https://lectern.dev/problems/payment-required",
            price: { amount: course.priceAmount, currency: course.priceCurrency },
          },
        );
      }
      return this.enroll(tx, { userId: viewer.id, courseId: course.id });
    });
  }

  /** Cancels a student's enrollment in a free course; paid enrollments end through a refund. */
  async unenroll(viewer: Viewer, courseId: string): Promise<Enrollment> {
    return this.#db.transaction(async (tx) => {
      const course = await this.#findCourse(tx, courseId, { lock: true });
      const existing = course ? await this.#enrollmentOf(tx, viewer.id, course.id) : null;
      if (!course || !existing) throw problems.notFound("You are not enrolled in this course.");
      if (existing.status === "cancelled") return existing;
      if (course.priceAmount !== null) {
        throw problems.conflict("A paid enrollment ends through a refund; ask the institution.", {
          type: "https://lectern.dev/problems/paid-enrollment",
        });
      }
      await tx
        .update(enrollments)
        .set({ status: "cancelled", cancelledAt: this.deps.clock.now() })
        .where(eq(enrollments.id, existing.id));
      await tx
        .update(courses)
        .set({ enrolledCount: sql`greatest(${courses.enrolledCount} - 1, 0)` })
        .where(eq(courses.id, course.id));
      await this.deps.events.emit(tx, "enrollment.cancelled", {
        enrollmentId: existing.id,
        courseId: course.id,
        userId: viewer.id,
      });
      return (await this.#enrollmentOf(tx, viewer.id, course.id))!;
    });
  }

  /** The student's enrollments, newest first, each with its course. */
  async listMyEnrollments(
    userId: string,
    query: { limit: number; cursor?: string; status?: EnrollmentStatus },
  ): Promise<Page<Enrollment & { course: CourseSummary & { status: CourseStatus } }>> {
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = [eq(enrollments.userId, userId)];
    if (query.status) conditions.push(eq(enrollments.status, query.status));
    conditions.push(afterTimeAndId(after, enrollments.enrolledAt, enrollments.id, "desc"));
    const rows = await this.#db
      .select({ e: enrollmentColumns, c: { ...summaryColumns, status: courses.status } })
      .from(enrollments)
      .innerJoin(courses, eq(courses.id, enrollments.courseId))
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(and(...conditions))
      .orderBy(desc(enrollments.enrolledAt), desc(enrollments.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.e.enrolledAt.toISOString(), r.e.id],
      (r) => ({ ...toEnrollment(r.e), course: { ...this.#toSummary(r.c), status: r.c.status } }),
    );
  }

  /** The course's students with their progress (and what other plugins add), for its owner or an admin. */
  async listStudents(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string; status?: EnrollmentStatus },
  ): Promise<Page<StudentRow>> {
    const course = await this.#manageable(this.#db, viewer, courseId);
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = [eq(enrollments.courseId, course.id)];
    if (query.status) conditions.push(eq(enrollments.status, query.status));
    conditions.push(afterTimeAndId(after, enrollments.enrolledAt, enrollments.id, "asc"));
    const rows = await this.#db
      .select({ e: enrollmentColumns, user: { id: users.id, name: users.name, email: users.email } })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(and(...conditions))
      .orderBy(asc(enrollments.enrolledAt), asc(enrollments.id))
      .limit(query.limit + 1);
    const page = toPage(
      rows,
      query.limit,
      (r) => [r.e.enrolledAt.toISOString(), r.e.id],
      (r): StudentRow => ({ user: r.user, enrollment: toEnrollment(r.e) }),
    );
    const userIds = page.items.map((i) => i.user.id);
    for (const columns of this.#studentColumns) {
      const extra = userIds.length > 0 ? await columns(this.#db, { courseId: course.id, userIds }) : {};
      for (const item of page.items) Object.assign(item, extra[item.user.id] ?? {});
    }
    return page;
  }

  // Admin user filters

  /** `?course=`: users enrolled (not cancelled) in the course. */
  enrolledInCourse(courseId: string): SQL {
    return sql`"lectern_users"."id" in (select e.user_id from courses_enrollments e where e.course_id = ${courseId} and e.status <> 'cancelled')`;
  }

  enrolledBetween(bound: "after" | "before", at: Date): SQL {
    const comparison = bound === "after" ? sql`>=` : sql`<`;
    return sql`"lectern_users"."id" in (select e.user_id from courses_enrollments e where e.enrolled_at ${comparison} ${at.toISOString()}::timestamptz)`;
  }

  // Helpers

  #owns(viewer: Viewer | null, course: Pick<CourseRow, "instructorId">): boolean {
    return !!viewer && (viewer.role === "admin" || viewer.id === course.instructorId);
  }

  #canSee(viewer: Viewer | null, course: CourseRow, enrollment: Enrollment | null): boolean {
    if (course.status === "published" || this.#owns(viewer, course)) return true;
    // Students keep an archived course they were enrolled in, with everything they earned.
    return course.status === "archived" && !!enrollment;
  }

  #canReadMaterials(viewer: Viewer | null, course: CourseRow, enrollment: Enrollment | null): boolean {
    if (this.#owns(viewer, course)) return true;
    return !!enrollment && enrollment.status !== "cancelled";
  }

  async #readableCourse(executor: Executor, viewer: Viewer, courseId: string): Promise<CourseRow> {
    const course = await this.#findCourse(executor, courseId);
    const enrollment = course ? await this.#enrollmentOf(executor, viewer.id, course.id) : null;
    if (!course || !this.#canSee(viewer, course, enrollment))
      throw problems.notFound("There is no such course.");
    if (!this.#canReadMaterials(viewer, course, enrollment)) throw notEnrolled();
    return course;
  }

  async #manageable(
    executor: Executor,
    viewer: Viewer,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<CourseRow> {
    const course = await this.#findCourse(executor, id, options);
    if (!course || !this.#owns(viewer, course))
      throw problems.notFound("There is no such course among yours.");
    return course;
  }

  async #manageableSection(tx: Executor, viewer: Viewer, id: string) {
    const [section] = UUID.test(id) ? await tx.select().from(sections).where(eq(sections.id, id)) : [];
    if (!section) throw problems.notFound("There is no such section.");
    await this.#manageable(tx, viewer, section.courseId, { lock: true });
    return section;
  }

  async #manageableMaterial(tx: Executor, viewer: Viewer, id: string) {
    const material = await this.#material(tx, id);
    await this.#manageable(tx, viewer, material.courseId, { lock: true });
    return material;
  }

  async #material(executor: Executor, id: string) {
    const [material] = UUID.test(id)
      ? await executor.select().from(materials).where(eq(materials.id, id))
      : [];
    if (!material) throw problems.notFound("There is no such material.");
    return material;
  }

  async #sectionOf(tx: Executor, courseId: string, sectionId: string) {
    const [section] = UUID.test(sectionId)
      ? await tx
          .select({ id: sections.id })
          .from(sections)
          .where(and(eq(sections.id, sectionId), eq(sections.courseId, courseId)))
      : [];
    if (!section)
      throw problems.validation([{ path: "sectionId", message: "No such section in this course." }]);
  }

  #materialGroup(courseId: string, sectionId: string | null): SQL {
    return and(
      eq(materials.courseId, courseId),
      sectionId ? eq(materials.sectionId, sectionId) : isNull(materials.sectionId),
    )!;
  }

  async #renumberMaterials(tx: Executor, courseId: string, sectionId: string | null) {
    await this.#renumber(tx, materials, this.#materialGroup(courseId, sectionId));
  }

  async #renumber(tx: Executor, table: typeof sections | typeof materials, where: SQL) {
    const rows = await tx
      .select({ id: table.id })
      .from(table as typeof sections)
      .where(where)
      .orderBy(asc(table.position), asc(table.createdAt));
    await this.#writePositions(
      tx,
      table,
      rows.map((r) => r.id),
    );
  }

  /** Puts `id` at 1-based `position` among `others` (already in order) and renumbers them all. */
  async #reorder(
    tx: Executor,
    table: typeof sections | typeof materials,
    others: string[],
    id: string,
    position: number,
  ) {
    const order = others.filter((o) => o !== id);
    const index = Math.min(Math.max(position, 1), order.length + 1) - 1;
    order.splice(index, 0, id);
    await this.#writePositions(tx, table, order);
  }

  async #writePositions(tx: Executor, table: typeof sections | typeof materials, ids: string[]) {
    if (ids.length === 0) return;
    const cases = sql.join(
      ids.map((id, i) => sql`when ${id}::uuid then ${i + 1}::int`),
      sql` `,
    );
    await tx
      .update(table)
      .set({ position: sql`case ${table.id} ${cases} end` })
      .where(inArray(table.id, ids));
  }

  async #findCourse(
    executor: Executor,
    idOrSlug: string,
    options: { lock?: boolean } = {},
  ): Promise<CourseRow | null> {
    const where = UUID.test(idOrSlug) ? eq(courses.id, idOrSlug) : eq(courses.slug, idOrSlug.toLowerCase());
    const query = executor
      .select(courseColumns)
      .from(courses)
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(where)
      .limit(1);
    const [row] = options.lock ? await query.for("update", { of: courses }) : await query;
    return row ?? null;
  }

  async #courseById(executor: Executor, id: string): Promise<Course> {
    const row = await this.#findCourse(executor, id);
    if (!row) throw problems.notFound("There is no such course.");
    return this.#toCourse(row);
  }

  async #enrollmentOf(executor: Executor, userId: string, courseId: string): Promise<Enrollment | null> {
    const [row] = await executor
      .select(enrollmentColumns)
      .from(enrollments)
      .where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)))
      .limit(1);
    return row ? toEnrollment(row as EnrollmentRow) : null;
  }

  async #deleteFiles(keys: string[]) {
    for (const key of keys) {
      try {
        await this.deps.storage.delete(key);
      } catch (error) {
        this.deps.logger.warn({ err: error, key }, "could not delete a stored file");
      }
    }
  }

  #toSummary(row: SummaryRow): CourseSummary {
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      summary: row.summary,
      tags: row.tags,
      level: row.level,
      price: row.priceAmount === null ? null : { amount: row.priceAmount, currency: row.priceCurrency! },
      instructor: { id: row.instructorId, name: row.instructorName },
      enrolledCount: row.enrolledCount,
      coverUrl: row.coverKey ? `/api/courses/${row.id}/cover` : null,
    };
  }

  #toCourse(row: CourseRow): Course {
    return {
      ...this.#toSummary(row),
      description: row.description,
      status: row.status,
      rejectionReason: row.rejectionReason,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      publishedAt: iso(row.publishedAt),
    };
  }
}

function priceColumns(price: Money | null | undefined) {
  if (!price || price.amount === 0) return { priceAmount: null, priceCurrency: null };
  return { priceAmount: price.amount, priceCurrency: price.currency.toUpperCase() };
}

export function formatMoney(money: Money): string {
  try {
    const digits = new Intl.NumberFormat("en", {
      style: "currency",
      currency: money.currency,
    }).resolvedOptions().maximumFractionDigits;
    return new Intl.NumberFormat("en", { style: "currency", currency: money.currency }).format(
      money.amount / 10 ** (digits ?? 2),
    );
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

function notEnrolled() {
  return problems.forbidden("Enroll in this course to read its materials and record progress.", {
    type: "https://lectern.dev/problems/not-enrolled",
  });
}
