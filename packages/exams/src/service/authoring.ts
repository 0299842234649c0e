import { randomUUID } from "node:crypto";
import {
  afterTimeAndId,
  decodeCursor,
  type Page,
  ProblemError,
  problems,
  toPage,
  users,
} from "@lectern/core";
import { coursesView, enrolledSql, enrollmentsView } from "@lectern/courses";
import { and, asc, eq, type SQL } from "drizzle-orm";
import { importQuestions, NoImportableQuestionsError, QuestionImportError } from "../import/index.js";
import {
  type ExamInput,
  examInputSchema,
  type Option,
  type Question,
  type QuestionInput,
  totalMarks,
} from "../model.js";
import { attempts, exams, versions } from "../schema.js";
import {
  clockTime,
  conflict,
  ExamsPart,
  iso,
  notFoundCourse,
  notFoundExam,
  validationFromZod,
} from "./context.js";
import { assertEditableAfterAttempts } from "./frozen.js";
import type { Exam, ExamPatch, ExamRow, ImportWarning, Viewer } from "./types.js";

/** Fresh random ids for every question and option of a new exam: ids must never reveal order. */
export function freshIds(questions: readonly QuestionInput[]): Question[] {
  return questions.map((q) => ({
    ...q,
    id: randomUUID(),
    ...(q.options ? { options: q.options.map((o) => ({ ...o, id: randomUUID() })) } : {}),
  })) as Question[];
}

/** Keeps the ids of questions and options the exam already had (so edits keep references); anything else gets a fresh one. */
export function keepKnownIds(questions: readonly QuestionInput[], current: readonly Question[]): Question[] {
  const known = new Map(current.map((q) => [q.id, q]));
  return questions.map((q) => {
    const existing = q.id ? known.get(q.id) : undefined;
    const ownOptions = new Set((existing?.options ?? []).map((o: Option) => o.id));
    return {
      ...q,
      id: existing ? existing.id : randomUUID(),
      ...(q.options
        ? {
            options: q.options.map((o) => ({ ...o, id: o.id && ownOptions.has(o.id) ? o.id : randomUUID() })),
          }
        : {}),
    } as Question;
  });
}

export function toInput(row: ExamRow): ExamInput {
  return {
    title: row.title,
    ...(row.opensAt ? { opensAt: row.opensAt.toISOString() } : {}),
    ...(row.closesAt ? { closesAt: row.closesAt.toISOString() } : {}),
    ...(row.durationMinutes ? { durationMinutes: row.durationMinutes } : {}),
    maxAttempts: row.maxAttempts,
    ...(row.passingMarks !== null
      ? { passingMarks: row.passingMarks }
      : { passingPercent: row.passingPercent ?? 50 }),
    shuffle: row.shuffle,
    allowReview: row.allowReview,
    gradePolicy: row.gradePolicy,
    questions: row.questions,
  };
}

/** A patch's fields over the current ones: `null` clears a window field, a new passing rule replaces the other. */
export function dropUndefined(patch: Partial<ExamPatch>): Partial<ExamInput> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) out[key] = value;
  if (out.passingMarks !== undefined) out.passingPercent = undefined;
  if (out.passingPercent !== undefined) out.passingMarks = undefined;
  for (const key of ["opensAt", "closesAt", "durationMinutes"]) if (out[key] === null) out[key] = undefined;
  return out as Partial<ExamInput>;
}

/** JSON with sorted keys: jsonb does not keep key order, so plain JSON.stringify cannot compare. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Building exams: create, edit, import, publish, delete; reading them; mailing students when one opens. */
export class ExamAuthoring extends ExamsPart {
  async createExam(viewer: Viewer, courseId: string, input: ExamInput): Promise<Exam> {
    const exam = this.parseExam(input);
    if (!(await this.courses.canManage(this.db, { courseId: courseId, user: viewer })))
      throw notFoundCourse();
    const now = this.deps.clock.now();
    const questions = freshIds(exam.questions);
    const [row] = await this.db
      .insert(exams)
      .values({
        id: randomUUID(),
        courseId,
        title: exam.title,
        status: "draft",
        ...this.settingsOf(exam),
        questions,
        maxScore: totalMarks(questions),
        version: 0,
        createdBy: viewer.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return this.views.toExam(row!, true);
  }

  /**
   * Edits an exam. A draft changes in place. On a published exam nobody has attempted, a change
   * to what is graded (questions, passing rule) makes a new version; once an attempt exists,
   * graded content is frozen (409, see `frozen.ts`).
   */
  async updateExam(viewer: Viewer, examId: string, patch: Partial<ExamPatch>): Promise<Exam> {
    await this.access.manageableExam(viewer, examId);
    return this.db.transaction(async (tx) => {
      const current = await this.access.lockExam(tx, examId);
      const merged = this.parseExam({ ...toInput(current), ...dropUndefined(patch) } as ExamInput);
      const questions =
        patch.questions !== undefined ? keepKnownIds(merged.questions, current.questions) : current.questions;
      const now = this.deps.clock.now();
      const settings = this.settingsOf(merged);
      const [attempted] = await tx
        .select({ id: attempts.id })
        .from(attempts)
        .where(eq(attempts.examId, examId))
        .limit(1);
      if (attempted) {
        assertEditableAfterAttempts(current, settings, canonical(questions) === canonical(current.questions));
      }
      const gradedChanged =
        canonical(questions) !== canonical(current.questions) ||
        settings.passingPercent !== current.passingPercent ||
        settings.passingMarks !== current.passingMarks;
      const maxScore = totalMarks(questions);
      let version = current.version;
      if (current.status === "published" && gradedChanged) {
        version = current.version + 1;
        await tx.insert(versions).values({
          examId,
          version,
          questions,
          maxScore,
          passingPercent: settings.passingPercent,
          passingMarks: settings.passingMarks,
          createdAt: now,
        });
      }
      const [row] = await tx
        .update(exams)
        .set({ title: merged.title, ...settings, questions, maxScore, version, updatedAt: now })
        .where(eq(exams.id, examId))
        .returning();
      return this.views.toExam(row!, true);
    });
  }

  /** Deletes an exam nobody has attempted; one with attempts is kept, for their grades. */
  async deleteExam(viewer: Viewer, examId: string): Promise<void> {
    await this.access.manageableExam(viewer, examId);
    await this.db.transaction(async (tx) => {
      const current = await this.access.lockExam(tx, examId);
      const [attempt] = await tx
        .select({ id: attempts.id })
        .from(attempts)
        .where(eq(attempts.examId, examId))
        .limit(1);
      if (attempt) {
        throw conflict(
          "exam-has-attempts",
          "The exam has attempts",
          "Students have attempted this exam, so it is kept for their grades.",
        );
      }
      await tx.delete(exams).where(eq(exams.id, examId));
      // A published exam was a requirement: without it some students may have completed the course.
      if (current.status === "published") await this.courses.recheckCourse(current.courseId, tx);
    });
  }

  /** Publishes a draft: its content is frozen as version 1 and the enrolled students are told. Again: no change. */
  async publishExam(viewer: Viewer, examId: string): Promise<Exam> {
    await this.access.manageableExam(viewer, examId);
    return this.db.transaction(async (tx) => {
      const current = await this.access.lockExam(tx, examId);
      if (current.status === "published") return this.views.toExam(current, true);
      const now = this.deps.clock.now();
      const version = current.version + 1;
      await tx.insert(versions).values({
        examId,
        version,
        questions: current.questions,
        maxScore: current.maxScore,
        passingPercent: current.passingPercent,
        passingMarks: current.passingMarks,
        createdAt: now,
      });
      const [row] = await tx
        .update(exams)
        .set({ status: "published", version, publishedAt: now, updatedAt: now })
        .where(eq(exams.id, examId))
        .returning();
      await this.deps.events.emit(tx, "exam.published", {
        examId,
        courseId: current.courseId,
        version,
        title: current.title,
        opensAt: iso(current.opensAt),
        closesAt: iso(current.closesAt),
        durationMinutes: current.durationMinutes,
      });
      // One more requirement for every student of the course: their progress counts it from now.
      await this.courses.recheckCourse(current.courseId, tx);
      return this.views.toExam(row!, true);
    });
  }

  /** GIFT or Aiken text into a new draft, with a warning for each question that could not be imported. */
  async importExam(
    viewer: Viewer,
    courseId: string,
    text: string,
    options: { title?: string; format?: "gift" | "aiken"; marks?: number } = {},
  ): Promise<{ exam: Exam; warnings: ImportWarning[] }> {
    if (!(await this.courses.canManage(this.db, { courseId: courseId, user: viewer })))
      throw notFoundCourse();
    let imported: ReturnType<typeof importQuestions>;
    try {
      imported = importQuestions(text, { format: options.format, marks: options.marks });
    } catch (error) {
      if (error instanceof QuestionImportError) {
        throw new ProblemError({
          status: 422,
          type: "question-import-syntax",
          title: "The questions could not be read",
          detail: `Line ${error.line}: ${error.reason}`,
          line: error.line,
          errors: [{ path: "body", message: `Line ${error.line}: ${error.reason}` }],
        });
      }
      if (error instanceof NoImportableQuestionsError) {
        throw new ProblemError({
          status: 422,
          type: "nothing-importable",
          title: "Nothing to import",
          detail: error.message,
          warnings: error.warnings,
          errors: error.warnings.map((w) => ({ path: "body", message: `Line ${w.line}: ${w.message}` })),
        });
      }
      throw error;
    }
    const { questions, warnings } = imported;
    if (questions.length > this.deps.maxQuestions) {
      throw problems.validation(
        [
          {
            path: "body",
            message: `The text holds ${questions.length} questions; an exam holds at most ${this.deps.maxQuestions}.`,
          },
        ],
        "Too many questions for one exam: split the file.",
      );
    }
    const category = questions
      .find((q) => q.category)
      ?.category?.split("/")
      .at(-1);
    const title = options.title?.trim() || category || "Imported questions";
    const exam = await this.createExam(viewer, courseId, { title, questions } as ExamInput);
    return { exam, warnings };
  }

  async getExam(viewer: Viewer, examId: string): Promise<Exam> {
    const [row] = await this.db.select().from(exams).where(eq(exams.id, examId));
    if (!row) throw notFoundExam();
    if (await this.courses.canManage(this.db, { courseId: row.courseId, user: viewer }))
      return this.views.toExam(row, true);
    if (row.status !== "published" || !(await this.access.isEnrolled(this.db, viewer.id, row.courseId))) {
      throw notFoundExam();
    }
    return this.views.toExam(row, false);
  }

  /** The course's exams: every one for its owner, the published ones for its students. */
  async listExams(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<Exam>> {
    const manager = await this.courses.canManage(this.db, { courseId: courseId, user: viewer });
    if (!manager && !(await this.access.isEnrolled(this.db, viewer.id, courseId))) throw notFoundCourse();
    const conditions: (SQL | undefined)[] = [eq(exams.courseId, courseId)];
    if (!manager) conditions.push(eq(exams.status, "published"));
    const after = decodeCursor(query.cursor);
    conditions.push(afterTimeAndId(after, exams.createdAt, exams.id, "asc"));
    const rows = await this.db
      .select()
      .from(exams)
      .where(and(...conditions))
      .orderBy(asc(exams.createdAt), asc(exams.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.createdAt.toISOString(), r.id],
      (r) => this.views.toExam(r, manager),
    );
  }

  /** Mails each student enrolled in the exam's course; the `exam.published` handler. All or none, so a retry never mails twice. */
  async mailPublished(examId: string): Promise<void> {
    const [exam] = await this.db
      .select({ exam: exams, courseTitle: coursesView.title, slug: coursesView.slug })
      .from(exams)
      .innerJoin(coursesView, eq(coursesView.id, exams.courseId))
      .where(eq(exams.id, examId));
    if (exam?.exam.status !== "published") return;
    const enrollments = enrollmentsView;
    const students = await this.db
      .select({ email: users.email, name: users.name })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(and(eq(enrollments.courseId, exam.exam.courseId), enrolledSql(enrollments.status)));
    if (students.length === 0) return;
    const { title, opensAt, closesAt, durationMinutes } = exam.exam;
    const when = [
      opensAt ? `Opens: ${clockTime(opensAt)}` : "Open now",
      closesAt ? `Closes: ${clockTime(closesAt)}` : null,
      durationMinutes ? `Time allowed: ${durationMinutes} minutes` : null,
    ].filter(Boolean);
    await this.db.transaction(async (tx) => {
      for (const student of students) {
        await this.deps.mail.send(tx, {
          to: student.email,
          notificationKind: "exams.published",
          subject: `New exam in ${exam.courseTitle}: ${title}`,
          text: [
            `Hello ${student.name},`,
            "",
            `The exam "${title}" is now published in ${exam.courseTitle}.`,
            ...when,
            "",
            `${this.deps.publicUrl}/courses/${exam.slug}`,
          ].join("\n"),
        });
      }
    });
  }

  private parseExam(input: ExamInput): ExamInput {
    const parsed = examInputSchema({ maxQuestions: this.deps.maxQuestions }).safeParse(input);
    if (!parsed.success) throw validationFromZod(parsed.error.issues);
    return parsed.data;
  }

  private settingsOf(exam: ExamInput) {
    return {
      opensAt: exam.opensAt ? new Date(exam.opensAt) : null,
      closesAt: exam.closesAt ? new Date(exam.closesAt) : null,
      durationMinutes: exam.durationMinutes ?? null,
      maxAttempts: exam.maxAttempts ?? 1,
      passingPercent: exam.passingMarks !== undefined ? null : (exam.passingPercent ?? 50),
      passingMarks: exam.passingMarks ?? null,
      shuffle: exam.shuffle ?? false,
      allowReview: exam.allowReview ?? false,
      gradePolicy: exam.gradePolicy ?? "best",
    };
  }
}
