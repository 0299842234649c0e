import { randomUUID } from "node:crypto";
import {
  afterTimeAndId,
  decodeCursor,
  type Executor,
  type Page,
  problems,
  toPage,
  type UploadedFile,
  users,
} from "@lectern/core";
import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { renderMarkdown } from "../markdown.js";
import {
  type CourseStatus,
  completions,
  courses,
  enrollments,
  type Level,
  materials,
  sections,
} from "../schema.js";
import {
  type CourseRow,
  CoursesPart,
  captionsUrlOf,
  courseColumns,
  normaliseTags,
  priceColumns,
  slugify,
  summaryColumns,
  toMaterial,
  UUID,
} from "./context.js";
import { submissionGaps } from "./submission.js";
import type {
  Course,
  CourseDetail,
  CourseFacts,
  CourseInput,
  CourseSummary,
  OutlineMaterial,
  OutlineSection,
  Viewer,
} from "./types.js";

/** Courses and their review: create, edit, submit, approve or reject, archive; the catalog and covers;
 * and what other plugins read about a course. */
export class CourseCatalog extends CoursesPart {
  async createCourse(viewer: Viewer, input: CourseInput): Promise<Course> {
    const now = this.deps.clock.now();
    const id = randomUUID();
    return this.db.transaction(async (tx) => {
      const base = slugify(input.title);
      // The unique index decides; a taken slug gets the next free suffix, never an error.
      for (let attempt = 0; attempt < 50; attempt++) {
        const slug = attempt === 0 ? base : await this.nextSlug(tx, base);
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
        if (inserted.length > 0) return this.access.courseById(tx, id);
      }
      throw new Error(`No free slug for "${base}".`);
    });
  }

  private async nextSlug(executor: Executor, base: string): Promise<string> {
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
    return this.db.transaction(async (tx) => {
      await this.access.manageable(tx, viewer, id);
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
      await this.deps.events.emit(tx, "course.updated", { courseId: id });
      return this.access.courseById(tx, id);
    });
  }

  /** Erases a course nobody enrolled in; a course with enrollments is archived and keeps them. */
  async deleteCourse(viewer: Viewer, id: string): Promise<{ archived: boolean }> {
    const result = await this.db.transaction(async (tx) => {
      const course = await this.access.manageable(tx, viewer, id);
      const [enrolled] = await tx
        .select({ id: enrollments.id })
        .from(enrollments)
        .where(eq(enrollments.courseId, id))
        .limit(1);
      if (enrolled) {
        if (course.status !== "archived") await this.archive(tx, viewer, id);
        return { archived: true, keys: [] as string[] };
      }
      const stored = await tx
        .select({ key: materials.storageKey })
        .from(materials)
        .where(and(eq(materials.courseId, id), sql`${materials.storageKey} is not null`));
      await tx.delete(courses).where(eq(courses.id, id));
      await this.deps.events.emit(tx, "course.deleted", { courseId: id, deletedBy: viewer.id });
      return {
        archived: false,
        keys: [...stored.map((r) => r.key!), ...(course.coverKey ? [course.coverKey] : [])],
      };
    });
    await this.access.deleteFiles(result.keys);
    return { archived: result.archived };
  }

  async archiveCourse(viewer: Viewer, id: string): Promise<Course> {
    return this.db.transaction(async (tx) => {
      const course = await this.access.manageable(tx, viewer, id);
      if (course.status !== "archived") await this.archive(tx, viewer, id);
      return this.access.courseById(tx, id);
    });
  }

  private async archive(tx: Executor, viewer: Viewer, id: string) {
    await tx
      .update(courses)
      .set({ status: "archived", updatedAt: this.deps.clock.now() })
      .where(eq(courses.id, id));
    await this.deps.events.emit(tx, "course.archived", { courseId: id, archivedBy: viewer.id });
  }

  /**
   * `checklist: true` refuses (422, one error per gap) a course that is not ready for review; the
   * API asks for it when the plugin's `submitChecklist` option is on. Seeds calling the service skip it.
   */
  async submitCourse(
    viewer: Viewer,
    id: string,
    options: { checklist?: boolean; exclude?: readonly string[] } = {},
  ): Promise<Course> {
    return this.db.transaction(async (tx) => {
      const course = await this.access.manageable(tx, viewer, id, { lock: true });
      if (course.status !== "draft" && course.status !== "rejected") {
        throw problems.conflict(
          `Only a draft or rejected course can be submitted; this one is ${course.status}.`,
          {
            type: "course-not-submittable",
          },
        );
      }
      if (options.checklist) {
        const gaps = await submissionGaps(tx, course, options.exclude ?? [], this.deps.submissionChecks());
        if (gaps.length > 0)
          throw problems.validation(gaps, "The course is not ready for review yet: see what is missing.");
      }
      await tx
        .update(courses)
        .set({ status: "pending", rejectionReason: null, updatedAt: this.deps.clock.now() })
        .where(eq(courses.id, id));
      await this.deps.events.emit(tx, "course.submitted", {
        courseId: id,
        instructorId: course.instructorId,
      });
      return this.access.courseById(tx, id);
    });
  }

  async approveCourse(admin: Viewer, id: string): Promise<Course> {
    return this.db.transaction(async (tx) => {
      const course = await this.pending(tx, id);
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
      await this.deps.audit.record(tx, {
        action: "courses.course.approved",
        actorId: admin.id,
        targetUserId: course.instructorId,
        subject: `course:${id}`,
      });
      return this.access.courseById(tx, id);
    });
  }

  async rejectCourse(admin: Viewer, id: string, reason: string): Promise<Course> {
    return this.db.transaction(async (tx) => {
      const course = await this.pending(tx, id);
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
      await this.deps.audit.record(tx, {
        action: "courses.course.rejected",
        actorId: admin.id,
        targetUserId: course.instructorId,
        subject: `course:${id}`,
      });
      return this.access.courseById(tx, id);
    });
  }

  private async pending(tx: Executor, id: string): Promise<CourseRow> {
    const course = await this.access.findCourse(tx, id, { lock: true });
    if (!course) throw problems.notFound("There is no such course.");
    if (course.status !== "pending") {
      throw problems.conflict(
        `Only a pending course can be approved or rejected; this one is ${course.status}.`,
        {
          type: "course-not-pending",
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
    const [row] = await this.db
      .select({ title: courses.title, slug: courses.slug, email: users.email, name: users.name })
      .from(courses)
      .innerJoin(users, eq(users.id, courses.instructorId))
      .where(eq(courses.id, courseId));
    if (!row) return;
    const link = `${this.deps.publicUrl}/courses/${row.slug}`;
    await this.deps.mail.send(
      this.db,
      outcome.approved
        ? {
            to: row.email,
            notificationKind: "courses.approved",
            subject: `Your course "${row.title}" is published`,
            text: `Hello ${row.name},\n\nAn administrator approved "${row.title}". It is now in the catalog:\n\n${link}\n`,
          }
        : {
            to: row.email,
            notificationKind: "courses.rejected",
            subject: `Your course "${row.title}" needs changes`,
            text: `Hello ${row.name},\n\nAn administrator did not approve "${row.title}" yet. Their reason:\n\n${outcome.reason}\n\nEdit the course and submit it again when it is ready:\n\n${link}\n`,
          },
    );
  }

  /** A course as the viewer may see it: published ones for anyone, every status for the owner and admins. */
  async getCourse(viewer: Viewer | null, idOrSlug: string): Promise<CourseDetail> {
    const course = await this.access.findCourse(this.db, idOrSlug);
    if (!course) throw problems.notFound("There is no such course.");
    const enrollment = viewer ? await this.access.enrollmentOf(this.db, viewer.id, course.id) : null;
    if (!this.access.canSee(viewer, course, enrollment)) throw problems.notFound("There is no such course.");
    const canRead = this.access.canReadMaterials(viewer, course, enrollment);
    const [sectionRows, materialRows, done] = await Promise.all([
      this.db.select().from(sections).where(eq(sections.courseId, course.id)).orderBy(asc(sections.position)),
      this.db
        .select()
        .from(materials)
        .where(eq(materials.courseId, course.id))
        .orderBy(asc(materials.position)),
      enrollment && viewer
        ? this.db
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
          if (canRead) {
            item.url = toMaterial(m).url;
            const captions = captionsUrlOf(m);
            if (captions) item.captionsUrl = captions;
          }
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
      ...this.access.toCourse(course),
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
      const rows = await this.db
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
        (r) => this.access.toSummary(r),
      );
    }
    conditions.push(afterTimeAndId(after, courses.publishedAt, courses.id, "desc"));
    const rows = await this.db
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
      (r) => this.access.toSummary(r),
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
    const rows = await this.db
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
      (r) => this.access.toCourse(r),
    );
  }

  /** Sets the cover image (already stored and type-checked); the previous one is removed. */
  async setCover(viewer: Viewer, id: string, file: UploadedFile): Promise<Course> {
    const previous = await this.db.transaction(async (tx) => {
      const course = await this.access.manageable(tx, viewer, id);
      await tx
        .update(courses)
        .set({ coverKey: file.key, coverType: file.contentType, updatedAt: this.deps.clock.now() })
        .where(eq(courses.id, id));
      return course.coverKey;
    });
    await this.access.deleteFiles(previous ? [previous] : []);
    return this.access.courseById(this.db, id);
  }

  async openCover(viewer: Viewer | null, idOrSlug: string) {
    const course = await this.access.findCourse(this.db, idOrSlug);
    const enrollment =
      course && viewer ? await this.access.enrollmentOf(this.db, viewer.id, course.id) : null;
    if (!course || !this.access.canSee(viewer, course, enrollment) || !course.coverKey) {
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
    const course = await this.access.manageable(this.db, viewer, id);
    return { id: course.id, instructorId: course.instructorId, status: course.status };
  }

  /** Whether the user may change the course: its instructor or an admin. */
  async canManage(executor: Executor, input: { courseId: string; user: Viewer }): Promise<boolean> {
    const course = await this.access.findCourse(executor, input.courseId);
    return !!course && this.access.owns(input.user, course);
  }

  /** The few facts other plugins show about courses, by id; unknown ids are left out. */
  async courseSummaries(executor: Executor, courseIds: readonly string[]): Promise<Map<string, CourseFacts>> {
    const ids = [...new Set(courseIds)].filter((id) => UUID.test(id));
    if (ids.length === 0) return new Map();
    const rows = await executor
      .select({
        id: courses.id,
        slug: courses.slug,
        title: courses.title,
        status: courses.status,
        instructorId: courses.instructorId,
        priceAmount: courses.priceAmount,
        priceCurrency: courses.priceCurrency,
      })
      .from(courses)
      .where(inArray(courses.id, ids));
    return new Map(
      rows.map(({ priceAmount, priceCurrency, ...row }) => [
        row.id,
        {
          ...row,
          price: priceAmount === null ? null : { amount: priceAmount, currency: priceCurrency ?? "USD" },
        },
      ]),
    );
  }

  async findCourse(idOrSlug: string, executor: Executor = this.db): Promise<Course | null> {
    const row = await this.access.findCourse(executor, idOrSlug);
    return row ? this.access.toCourse(row) : null;
  }
}
