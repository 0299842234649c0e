import { randomUUID } from "node:crypto";
import {
  afterTimeAndId,
  decodeCursor,
  type Executor,
  type Page,
  problems,
  toPage,
  users,
} from "@lectern/core";
import { and, asc, desc, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import {
  type CourseStatus,
  completions,
  courses,
  ENROLLED_STATUSES,
  type EnrollmentStatus,
  enrollments,
} from "../schema.js";
import {
  CoursesPart,
  completedMaterialsSql,
  type EnrollmentRow,
  enrollmentColumns,
  formatMoney,
  notEnrolled,
  requiredMaterialsSql,
  summaryColumns,
  toEnrollment,
} from "./context.js";
import {
  type CompletionRule,
  type CourseSummary,
  type Enrollment,
  isEnrolledStatus,
  type RuleTally,
  type StudentRow,
  type Viewer,
} from "./types.js";

/**
 * An active enrollment's progress stays below 1 even when the rounding of a long course would
 * reach it: 1 means completed.
 */
const MOST_WITHOUT_COMPLETION = 0.9999;

/** A rule's items for this student: its own count, or one item when it gives only an outcome. */
async function tallyOf(
  rule: CompletionRule,
  executor: Executor,
  input: { userId: string; courseId: string },
): Promise<RuleTally> {
  if (rule.tally) return rule.tally(executor, input);
  const outcome = await rule.evaluate(executor, input);
  return outcome === "none" ? { required: 0, met: 0 } : { required: 1, met: outcome === "met" ? 1 : 0 };
}

/** The status alone: an access check needs no progress subquery. */
function enrollmentStatus(executor: Executor) {
  return executor
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(
      and(
        eq(enrollments.userId, sql.placeholder("userId")),
        eq(enrollments.courseId, sql.placeholder("courseId")),
      ),
    )
    .limit(1)
    .prepare("courses_enrollment_status");
}

/** Enrollment and completion: enrolling (free or after payment), leaving, progress, completion
 * rules, the student lists, and what other plugins read about enrollments. */
export class CourseEnrollment extends CoursesPart {
  /** The one definition of "enrolled": an enrollment that is active or completed (not cancelled). */
  async isEnrolled(executor: Executor, input: { courseId: string; userId: string }): Promise<boolean> {
    // On the service's own database the statement is built once: access checks (a live class's
    // join, above all) run it on every request.
    let query = executor === this.db ? this.#statusOnDb : undefined;
    if (!query) {
      query = enrollmentStatus(executor);
      if (executor === this.db) this.#statusOnDb = query;
    }
    const [row] = await query.execute(input);
    return !!row && isEnrolledStatus(row.status);
  }
  #statusOnDb?: ReturnType<typeof enrollmentStatus>;

  /** The user's enrollment in the course whatever its status, or null. */
  async enrollmentOf(
    executor: Executor,
    input: { courseId: string; userId: string },
  ): Promise<Enrollment | null> {
    return this.access.enrollmentOf(executor, input.userId, input.courseId);
  }

  /** @deprecated Use `enrollmentOf(executor, { courseId, userId })`. */
  async findEnrollment(
    userId: string,
    courseId: string,
    executor: Executor = this.db,
  ): Promise<Enrollment | null> {
    return this.access.enrollmentOf(executor, userId, courseId);
  }

  /** The course's enrolled students (see `isEnrolled`), earliest first. */
  async activeStudents(
    executor: Executor,
    courseId: string,
  ): Promise<{ userId: string; enrolledAt: Date }[]> {
    return executor
      .select({ userId: enrollments.userId, enrolledAt: enrollments.enrolledAt })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), inArray(enrollments.status, [...ENROLLED_STATUSES])))
      .orderBy(asc(enrollments.enrolledAt), asc(enrollments.userId));
  }

  /**
   * Ends a student's access in the caller's transaction (e.g. after a full refund) and emits
   * `enrollment.cancelled`; unlike a student's own unenrollment it works for paid courses.
   * Returns null when there is no enrollment; an already cancelled one is returned unchanged.
   */
  async cancelEnrollment(
    tx: Executor,
    input: { courseId: string; userId: string; reason: string },
  ): Promise<Enrollment | null> {
    const course = await this.access.findCourse(tx, input.courseId, { lock: "key share" });
    const existing = course ? await this.access.enrollmentOf(tx, input.userId, course.id) : null;
    if (!course || !existing) return null;
    if (existing.status === "cancelled") return existing;
    this.deps.logger.info(
      { courseId: course.id, userId: input.userId, reason: input.reason },
      "enrollment cancelled",
    );
    return this.cancel(tx, existing, course.id);
  }

  private async cancel(tx: Executor, existing: Enrollment, courseId: string): Promise<Enrollment> {
    const [cancelled] = await tx
      .update(enrollments)
      .set({ status: "cancelled", cancelledAt: this.deps.clock.now() })
      .where(and(eq(enrollments.id, existing.id), ne(enrollments.status, "cancelled")))
      .returning({ id: enrollments.id });
    // A concurrent request cancelled it first: nothing more to say.
    if (!cancelled) return (await this.access.enrollmentOf(tx, existing.userId, courseId))!;
    // enrolled_count follows at commit (migration 0004), without holding the course row meanwhile.
    await this.deps.events.emit(tx, "enrollment.cancelled", {
      enrollmentId: existing.id,
      courseId,
      userId: existing.userId,
    });
    return (await this.access.enrollmentOf(tx, existing.userId, courseId))!;
  }

  /** Marks a material complete for an enrolled student; returns the enrollment with its new progress. */
  async completeMaterial(viewer: Viewer, materialId: string): Promise<Enrollment> {
    return this.db.transaction(async (tx) => {
      const material = await this.access.material(tx, materialId);
      const enrollment = await this.access.enrollmentOf(tx, viewer.id, material.courseId);
      if (!enrollment) {
        const course = await this.access.findCourse(tx, material.courseId);
        if (!course || !this.access.canSee(viewer, course, null))
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
      await this.recheck(tx, viewer.id, material.courseId);
      return (await this.access.enrollmentOf(tx, viewer.id, material.courseId))!;
    });
  }

  /**
   * Completes the enrollment if everything the course requires is now done: its required
   * materials and every completion rule. Call it after anything a rule looks at changes (an exam
   * graded). `course.completed` is emitted once per enrollment.
   */
  async recheckCompletion(userId: string, courseId: string, executor?: Executor): Promise<Enrollment | null> {
    if (executor) return this.recheck(executor, userId, courseId);
    return this.db.transaction((tx) => this.recheck(tx, userId, courseId));
  }

  /**
   * Rechecks every active enrollment of the course after its requirements changed (a required
   * material added, removed or made optional; an exam published or removed), in the caller's
   * transaction when given: their progress follows, and some may complete.
   */
  async recheckCourse(courseId: string, executor?: Executor): Promise<void> {
    const run = async (tx: Executor) => {
      const rows = await tx
        .select({ userId: enrollments.userId })
        .from(enrollments)
        .where(and(eq(enrollments.courseId, courseId), eq(enrollments.status, "active")))
        .orderBy(asc(enrollments.userId));
      for (const row of rows) await this.recheck(tx, row.userId, courseId);
    };
    if (executor) return run(executor);
    return this.db.transaction(run);
  }

  /**
   * The one place progress and completion are decided, from the same count: required materials
   * done, plus what each completion rule counts. Progress is written with the outcome, so a
   * completed enrollment reads 1 and an active one never does.
   */
  private async recheck(tx: Executor, userId: string, courseId: string): Promise<Enrollment | null> {
    // The lock, the enrollment and the material counts in one statement: exams call this on every pass.
    const [row] = await tx
      .select({ ...enrollmentColumns, required: requiredMaterialsSql, done: completedMaterialsSql })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)))
      .for("update");
    if (!row) return null;
    if (row.status === "completed") return toEnrollment(row as EnrollmentRow);
    let required = row.required;
    let met = row.done;
    for (const rule of this.deps.completionRules()) {
      const tally = await tallyOf(rule, tx, { userId, courseId });
      required += tally.required;
      met += Math.min(tally.met, tally.required);
    }
    // A course that requires nothing is never completed on its own.
    const complete = row.status === "active" && required > 0 && met === required;
    // Stored as every reader shows it (four decimals), so the API and the view agree to the digit.
    const progress = complete
      ? 1
      : required === 0
        ? 0
        : Math.min(Math.round((met / required) * 10_000) / 10_000, MOST_WITHOUT_COMPLETION);
    if (!complete) {
      if (progress !== row.progress)
        await tx.update(enrollments).set({ progress }).where(eq(enrollments.id, row.id));
      return toEnrollment({ ...(row as EnrollmentRow), progress });
    }
    const now = this.deps.clock.now();
    await tx
      .update(enrollments)
      .set({ status: "completed", completedAt: now, progress: 1 })
      .where(eq(enrollments.id, row.id));
    await this.deps.events.emit(tx, "course.completed", {
      enrollmentId: row.id,
      courseId,
      userId,
      completedAt: now.toISOString(),
    });
    return toEnrollment({ ...(row as EnrollmentRow), status: "completed", completedAt: now, progress: 1 });
  }

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
      // Key share: the course cannot change status meanwhile, yet enrollments run side by side.
      .for("key share");
    if (!course) throw problems.notFound("There is no such course.");
    const existing = await this.access.enrollmentOf(tx, input.userId, input.courseId);
    if (existing && existing.status !== "cancelled") return { enrollment: existing, created: false };
    if (course.status !== "published") {
      throw problems.conflict("Only a published course takes enrollments.", {
        type: "course-not-open",
      });
    }
    const now = this.deps.clock.now();
    // The course is only key-share locked, so the same student's concurrent requests meet here:
    // the unique (course, user) key and the status condition let exactly one of them create.
    const id = existing?.id ?? randomUUID();
    const [written] = existing
      ? await tx
          .update(enrollments)
          .set({ status: "active", enrolledAt: now, cancelledAt: null, completedAt: null })
          .where(and(eq(enrollments.id, id), eq(enrollments.status, "cancelled")))
          .returning({ id: enrollments.id })
      : await tx
          .insert(enrollments)
          .values({ id, courseId: input.courseId, userId: input.userId, status: "active", enrolledAt: now })
          .onConflictDoNothing({ target: [enrollments.courseId, enrollments.userId] })
          .returning({ id: enrollments.id });
    if (!written) {
      return {
        enrollment: (await this.access.enrollmentOf(tx, input.userId, input.courseId))!,
        created: false,
      };
    }
    // enrolled_count follows at commit (migration 0004), without holding the course row meanwhile.
    await this.deps.events.emit(tx, "enrollment.created", {
      enrollmentId: id,
      courseId: input.courseId,
      userId: input.userId,
    });
    // Coming back: what was done before still counts (a new enrollment has done nothing yet).
    if (existing) await this.recheck(tx, input.userId, input.courseId);
    return { enrollment: (await this.access.enrollmentOf(tx, input.userId, input.courseId))!, created: true };
  }

  /** A student enrolls themselves: free courses at once, paid ones answer 402 until a payment completes. */
  async enrollStudent(
    viewer: Viewer,
    courseId: string,
  ): Promise<{ enrollment: Enrollment; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const course = await this.access.findCourse(tx, courseId);
      const existing = course ? await this.access.enrollmentOf(tx, viewer.id, course.id) : null;
      if (!course || !this.access.canSee(viewer, course, existing))
        throw problems.notFound("There is no such course.");
      if (existing && existing.status !== "cancelled") return { enrollment: existing, created: false };
      if (course.priceAmount !== null) {
        throw problems.paymentRequired(
          `This course costs ${formatMoney({ amount: course.priceAmount, currency: course.priceCurrency! })}; complete a payment to enroll.`,
          {
            type: "payment-required",
            price: { amount: course.priceAmount, currency: course.priceCurrency },
          },
        );
      }
      return this.enroll(tx, { userId: viewer.id, courseId: course.id });
    });
  }

  /** Cancels a student's enrollment in a free course; paid enrollments end through a refund. */
  async unenroll(viewer: Viewer, courseId: string): Promise<Enrollment> {
    return this.db.transaction(async (tx) => {
      const course = await this.access.findCourse(tx, courseId, { lock: "key share" });
      const existing = course ? await this.access.enrollmentOf(tx, viewer.id, course.id) : null;
      if (!course || !existing) throw problems.notFound("You are not enrolled in this course.");
      if (existing.status === "cancelled") return existing;
      if (course.priceAmount !== null) {
        throw problems.conflict("A paid enrollment ends through a refund; ask the institution.", {
          type: "paid-enrollment",
        });
      }
      return this.cancel(tx, existing, course.id);
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
    const rows = await this.db
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
      (r) => ({ ...toEnrollment(r.e), course: { ...this.access.toSummary(r.c), status: r.c.status } }),
    );
  }

  /** The course's students with their progress (and what other plugins add), for its owner or an admin. */
  async listStudents(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string; status?: EnrollmentStatus },
  ): Promise<Page<StudentRow>> {
    const course = await this.access.manageable(this.db, viewer, courseId);
    const after = decodeCursor(query.cursor);
    const conditions: (SQL | undefined)[] = [eq(enrollments.courseId, course.id)];
    if (query.status) conditions.push(eq(enrollments.status, query.status));
    conditions.push(afterTimeAndId(after, enrollments.enrolledAt, enrollments.id, "asc"));
    const rows = await this.db
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
    for (const columns of this.deps.studentColumns()) {
      const extra = userIds.length > 0 ? await columns(this.db, { courseId: course.id, userIds }) : {};
      for (const item of page.items) Object.assign(item, extra[item.user.id] ?? {});
    }
    return page;
  }

  /** `?course=`: users enrolled (not cancelled) in the course. */
  enrolledInCourse(courseId: string): SQL {
    return sql`"lectern_users"."id" in (select e.user_id from courses_enrollments e where e.course_id = ${courseId} and e.status in ('active', 'completed'))`;
  }

  enrolledBetween(bound: "after" | "before", at: Date): SQL {
    const comparison = bound === "after" ? sql`>=` : sql`<`;
    return sql`"lectern_users"."id" in (select e.user_id from courses_enrollments e where e.enrolled_at ${comparison} ${at.toISOString()}::timestamptz)`;
  }
}
