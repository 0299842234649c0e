import { randomUUID } from "node:crypto";
import {
  afterTimeAndId,
  type Clock,
  type CsvValue,
  type Database,
  decodeCursor,
  type EmittedEvent,
  type EventBus,
  type Executor,
  type JobQueue,
  type Logger,
  type Mailer,
  type NewJob,
  type Page,
  ProblemError,
  problems,
  rowsOf,
  toCsv,
  toPage,
  type User,
  users,
} from "@lectern/core";
import { type CoursesService, coursesSchema } from "@lectern/courses";
import { and, asc, eq, gt, lte, or, type SQL, sql } from "drizzle-orm";
import { validateAnswersBelongToQuestions } from "./answers.js";
import { gradeAttempt as gradeAnswers, passed as passes } from "./grading.js";
import { importQuestions, NoImportableQuestionsError, QuestionImportError } from "./import/index.js";
import {
  type AnswerInput,
  type ExamInput,
  examInputSchema,
  type Option,
  type Question,
  type QuestionInput,
  totalMarks,
} from "./model.js";
import {
  type AttemptStatus,
  attempts,
  type EndedBy,
  type ExamStatus,
  exams,
  type GradePolicy,
  type StoredAnswers,
  type StoredResult,
  versions,
} from "./schema.js";
import { attemptSeed, type StudentQuestion, studentView } from "./shuffle.js";

type Viewer = Pick<User, "id" | "role">;
type ExamRow = typeof exams.$inferSelect;
type AttemptRow = typeof attempts.$inferSelect;

/** An exam as the API answers it. Students get `questions: null`: they see questions only inside an attempt. */
export interface Exam {
  id: string;
  courseId: string;
  title: string;
  status: ExamStatus;
  opensAt: string | null;
  closesAt: string | null;
  durationMinutes: number | null;
  maxAttempts: number;
  passingPercent: number | null;
  passingMarks: number | null;
  maxScore: number;
  questionCount: number;
  questions: Question[] | null;
  shuffle: boolean;
  allowReview: boolean;
  gradePolicy: GradePolicy;
  version: number;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** A question inside an attempt: the student view, plus the key and the result once they may be seen. */
export interface AttemptQuestion extends Omit<StudentQuestion, "options"> {
  options?: { id: string; text: string; correct?: boolean; weight?: number; feedback?: string }[];
  accepted?: string[];
  feedback?: string;
  partialCredit?: Question["partialCredit"];
  result?: StoredResult;
}

export interface AttemptAnswer {
  questionId: string;
  optionIds?: string[];
  text?: string;
}

export interface Attempt {
  id: string;
  examId: string;
  userId: string;
  number: number;
  status: AttemptStatus;
  startedAt: string;
  deadline: string | null;
  submittedAt: string | null;
  endedBy: EndedBy | null;
  score: number | null;
  maxScore: number;
  passed: boolean | null;
  /** True when `questions` carry the key and the per-question results. */
  review: boolean;
  questions: AttemptQuestion[];
  answers: AttemptAnswer[];
  user?: { id: string; name: string; email: string };
}

export interface GradeInput {
  questionId: string;
  marks: number;
  feedback?: string;
}

export interface ImportWarning {
  line: number;
  message: string;
}

/** One cell of the gradebook: the counted attempt (best or last, per the exam) of one student. */
export interface ExamGrade {
  examId: string;
  attemptId: string | null;
  attempts: number;
  status: AttemptStatus | null;
  score: number | null;
  maxScore: number;
  passed: boolean | null;
  gradedAt: string | null;
}

export interface MyGrade extends ExamGrade {
  courseId: string;
  courseTitle: string;
  examTitle: string;
  gradePolicy: GradePolicy;
}

export interface GradebookRow {
  user: { id: string; name: string; email: string };
  grades: ExamGrade[];
}

export interface Gradebook extends Page<GradebookRow> {
  exams: { id: string; title: string; maxScore: number; gradePolicy: GradePolicy }[];
}

export interface ExamsServiceDeps {
  db: Database;
  clock: Clock;
  events: EventBus;
  jobs: JobQueue;
  mail: Mailer;
  logger: Logger;
  courses: () => CoursesService;
  maxQuestions: number;
  publicUrl: string;
}

/** The graded content an attempt points at; immutable, so it is cached. */
interface Version {
  questions: Question[];
  byId: Map<string, Question>;
  maxScore: number;
  passingPercent: number | null;
  passingMarks: number | null;
}

const VERSION_CACHE_SIZE = 500;
const EXPIRY_BATCH = 100;

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const notFoundExam = () => problems.notFound("There is no such exam.");
const notFoundAttempt = () => problems.notFound("There is no such attempt.");
const notFoundCourse = () => problems.notFound("There is no such course.");
const hundredths = (marks: number) => Math.round(marks * 100);

function conflict(type: string, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return new ProblemError({ ...extra, status: 409, type, title, detail });
}

function validationFromZod(issues: readonly { path: PropertyKey[]; message: string }[], prefix = "") {
  return problems.validation(
    issues.map((issue) => ({
      path: prefix + (issue.path.map(String).join(".") || "body"),
      message: issue.message,
    })),
  );
}

function clockTime(date: Date) {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Attempts whose question order is kept in memory: an exam day's worth, a few MB. */
const MAX_CACHED_VIEWS = 20_000;

/** The job that checks, after a pass, whether the student has completed the course. */
export const COMPLETION_JOB = "exams.check-completion";

/** The statements every start, answer save and submit runs: built once, not per request. */
function prepareHotQueries(db: Database) {
  const attemptId = sql.placeholder("attemptId");
  const examId = sql.placeholder("examId");
  const userId = sql.placeholder("userId");
  const { enrollments } = coursesSchema;
  return {
    /** What starting an attempt needs: the exam's settings, the enrollment, attempts used and any open one. */
    examForStart: db
      .select({
        // Not the questions: attempts read their frozen version, cached in memory.
        exam: {
          courseId: exams.courseId,
          status: exams.status,
          opensAt: exams.opensAt,
          closesAt: exams.closesAt,
          durationMinutes: exams.durationMinutes,
          maxAttempts: exams.maxAttempts,
          shuffle: exams.shuffle,
          allowReview: exams.allowReview,
          maxScore: exams.maxScore,
          version: exams.version,
        },
        enrolled: sql<boolean>`${enrollments.status} in ('active', 'completed')`,
        used: sql<number>`(select count(*) from ${attempts} where ${attempts.examId} = ${exams.id} and ${attempts.userId} = ${userId})`.mapWith(
          Number,
        ),
        openId: sql<
          string | null
        >`(select ${attempts.id} from ${attempts} where ${attempts.examId} = ${exams.id} and ${attempts.userId} = ${userId} and ${attempts.status} = 'in_progress')`,
      })
      .from(exams)
      .leftJoin(enrollments, and(eq(enrollments.courseId, exams.courseId), eq(enrollments.userId, userId)))
      .where(eq(exams.id, examId))
      .prepare("exams_exam_for_start"),
    attempt: db.select().from(attempts).where(eq(attempts.id, attemptId)).prepare("exams_attempt"),
    attemptWithReview: db
      .select({ attempt: attempts, allowReview: exams.allowReview })
      .from(attempts)
      .innerJoin(exams, eq(exams.id, attempts.examId))
      .where(eq(attempts.id, attemptId))
      .prepare("exams_attempt_with_review"),
    /** Merges answers per question (last write wins), only while the attempt is open and in time. */
    saveAnswers: db
      .update(attempts)
      .set({ answers: sql`${attempts.answers} || ${sql.placeholder("patch")}::jsonb` })
      .where(
        and(
          eq(attempts.id, attemptId),
          eq(attempts.status, "in_progress"),
          or(sql`${attempts.deadline} is null`, gt(attempts.deadline, sql.placeholder("now"))),
        ),
      )
      .returning()
      .prepare("exams_save_answers"),
  };
}

/**
 * Exams, attempts, grading and grades. Every rule lives here; routes only validate input,
 * check the caller's role and call these methods.
 */
export class ExamsService {
  readonly #db: Database;
  readonly #versions = new Map<string, Version>();
  readonly #views = new Map<string, StudentQuestion[]>();
  #secret: string | null = null;
  readonly #prepared: ReturnType<typeof prepareHotQueries>;

  constructor(private readonly deps: ExamsServiceDeps) {
    this.#db = deps.db;
    this.#prepared = prepareHotQueries(deps.db);
  }

  /** The server secret that keys per-attempt shuffles; set once at start from the plugin's settings. */
  useSecret(secret: string): void {
    this.#secret = secret;
  }

  get #courses() {
    return this.deps.courses();
  }

  // Building

  async createExam(viewer: Viewer, courseId: string, input: ExamInput): Promise<Exam> {
    const exam = this.#parseExam(input);
    if (!(await this.#courses.canManage(viewer, courseId))) throw notFoundCourse();
    const now = this.deps.clock.now();
    const questions = freshIds(exam.questions);
    const [row] = await this.#db
      .insert(exams)
      .values({
        id: randomUUID(),
        courseId,
        title: exam.title,
        status: "draft",
        ...this.#settingsOf(exam),
        questions,
        maxScore: totalMarks(questions),
        version: 0,
        createdBy: viewer.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return this.#toExam(row!, true);
  }

  /**
   * Edits an exam. A draft changes in place. On a published exam, a change to what is graded
   * (questions, passing rule) makes a new version: attempts already made keep being read and
   * graded against theirs, attempts started afterwards get the new one.
   */
  async updateExam(viewer: Viewer, examId: string, patch: Partial<ExamPatch>): Promise<Exam> {
    await this.#manageableExam(viewer, examId);
    return this.#db.transaction(async (tx) => {
      const current = await this.#lockExam(tx, examId);
      const merged = this.#parseExam({ ...toInput(current), ...dropUndefined(patch) } as ExamInput);
      const questions =
        patch.questions !== undefined ? keepKnownIds(merged.questions, current.questions) : current.questions;
      const now = this.deps.clock.now();
      const settings = this.#settingsOf(merged);
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
      return this.#toExam(row!, true);
    });
  }

  /** Deletes an exam nobody has attempted; one with attempts is kept, for their grades. */
  async deleteExam(viewer: Viewer, examId: string): Promise<void> {
    await this.#manageableExam(viewer, examId);
    await this.#db.transaction(async (tx) => {
      await this.#lockExam(tx, examId);
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
    });
  }

  /** Publishes a draft: its content is frozen as version 1 and the enrolled students are told. Again: no change. */
  async publishExam(viewer: Viewer, examId: string): Promise<Exam> {
    await this.#manageableExam(viewer, examId);
    return this.#db.transaction(async (tx) => {
      const current = await this.#lockExam(tx, examId);
      if (current.status === "published") return this.#toExam(current, true);
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
      return this.#toExam(row!, true);
    });
  }

  /** GIFT or Aiken text into a new draft, with a warning for each question that could not be imported. */
  async importExam(
    viewer: Viewer,
    courseId: string,
    text: string,
    options: { title?: string; format?: "gift" | "aiken"; marks?: number } = {},
  ): Promise<{ exam: Exam; warnings: ImportWarning[] }> {
    if (!(await this.#courses.canManage(viewer, courseId))) throw notFoundCourse();
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

  // Reading exams

  async getExam(viewer: Viewer, examId: string): Promise<Exam> {
    const [row] = await this.#db.select().from(exams).where(eq(exams.id, examId));
    if (!row) throw notFoundExam();
    if (await this.#courses.canManage(viewer, row.courseId)) return this.#toExam(row, true);
    if (row.status !== "published" || !(await this.#isEnrolled(this.#db, viewer.id, row.courseId))) {
      throw notFoundExam();
    }
    return this.#toExam(row, false);
  }

  /** The course's exams: every one for its owner, the published ones for its students. */
  async listExams(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<Exam>> {
    const manager = await this.#courses.canManage(viewer, courseId);
    if (!manager && !(await this.#isEnrolled(this.#db, viewer.id, courseId))) throw notFoundCourse();
    const conditions: (SQL | undefined)[] = [eq(exams.courseId, courseId)];
    if (!manager) conditions.push(eq(exams.status, "published"));
    const after = decodeCursor(query.cursor);
    conditions.push(afterTimeAndId(after, exams.createdAt, exams.id, "asc"));
    const rows = await this.#db
      .select()
      .from(exams)
      .where(and(...conditions))
      .orderBy(asc(exams.createdAt), asc(exams.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.createdAt.toISOString(), r.id],
      (r) => this.#toExam(r, manager),
    );
  }

  // Attempts

  /**
   * Starts an attempt, or answers the one in progress (`created: false`). Two queries on the
   * hot path: the exam with the student's enrollment and attempt counts, then the insert.
   * The unique indexes settle racing starts: at most one open attempt, never more than allowed.
   */
  async startAttempt(viewer: Viewer, examId: string): Promise<{ attempt: Attempt; created: boolean }> {
    const [row] = await this.#prepared.examForStart.execute({ examId, userId: viewer.id });
    if (row?.exam.status !== "published" || !row.enrolled) throw notFoundExam();
    const exam = row.exam;
    const now = this.deps.clock.now();

    if (row.openId) {
      const open = await this.#finishIfOverdue(row.openId, now);
      if (open.status === "in_progress")
        return { attempt: await this.#studentAttempt(open, exam.allowReview), created: false };
    }
    if (exam.opensAt && exam.opensAt > now) {
      throw conflict(
        "exam-not-open",
        "The exam is not open yet",
        `This exam opens at ${clockTime(exam.opensAt)}.`,
        { opensAt: exam.opensAt.toISOString() },
      );
    }
    if (exam.closesAt && exam.closesAt <= now) {
      throw conflict(
        "exam-closed",
        "The exam is closed",
        `This exam closed at ${clockTime(exam.closesAt)}; no new attempts can start.`,
        { closesAt: exam.closesAt.toISOString() },
      );
    }
    if (row.used >= exam.maxAttempts) {
      throw conflict(
        "no-attempts-left",
        "No attempts left",
        `This exam allows ${exam.maxAttempts} attempt${exam.maxAttempts === 1 ? "" : "s"}, and you have used them.`,
        { maxAttempts: exam.maxAttempts },
      );
    }
    const byDuration = exam.durationMinutes ? new Date(now.getTime() + exam.durationMinutes * 60_000) : null;
    const ends = [byDuration, exam.closesAt].filter((d): d is Date => d !== null);
    const deadline = ends.length > 0 ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null;
    const [created] = await this.#db
      .insert(attempts)
      .values({
        id: randomUUID(),
        examId,
        version: exam.version,
        courseId: exam.courseId,
        userId: viewer.id,
        number: row.used + 1,
        status: "in_progress",
        shuffle: exam.shuffle,
        startedAt: now,
        deadline,
        answers: {},
        maxScore: exam.maxScore,
      })
      .onConflictDoNothing()
      .returning();
    if (created) return { attempt: await this.#studentAttempt(created, exam.allowReview), created: true };
    // Another request of the same student won the race: answer the attempt it opened.
    const [open] = await this.#db
      .select()
      .from(attempts)
      .where(
        and(eq(attempts.examId, examId), eq(attempts.userId, viewer.id), eq(attempts.status, "in_progress")),
      );
    if (open) return { attempt: await this.#studentAttempt(open, exam.allowReview), created: false };
    throw conflict("attempt-conflict", "Try again", "Another attempt was being started at the same time.");
  }

  /**
   * Saves answers: each replaces the earlier answer to its question, others keep theirs; the same
   * request twice changes nothing. Refused once the attempt's deadline has passed.
   */
  async saveAnswers(viewer: Viewer, attemptId: string, answers: AnswerInput[]): Promise<Attempt> {
    const [row] = await this.#prepared.attempt.execute({ attemptId });
    if (!row || row.userId !== viewer.id) throw notFoundAttempt();
    const now = this.deps.clock.now();
    this.#assertOpen(row, now);
    const version = await this.#version(this.#db, row.examId, row.version);
    const issues = validateAnswersBelongToQuestions(version.questions, answers);
    if (issues.length > 0)
      throw problems.validation(issues, "Some answers do not fit the attempt's questions.");
    const patch: StoredAnswers = {};
    for (const answer of answers) {
      const question = version.byId.get(answer.questionId)!;
      patch[answer.questionId] =
        question.type === "short_answer"
          ? { text: answer.text ?? "" }
          : { optionIds: answer.optionIds ?? [] };
    }
    const [updated] = await this.#prepared.saveAnswers.execute({
      attemptId,
      patch: JSON.stringify(patch),
      now: now.toISOString(), // placeholders skip the column's encoder, and postgres.js here takes no Date
    });
    if (!updated) {
      const [again] = await this.#db.select().from(attempts).where(eq(attempts.id, attemptId));
      this.#assertOpen(again ?? row, now);
      throw notFoundAttempt();
    }
    return this.#studentAttempt(updated, false, version);
  }

  /**
   * Ends and grades the attempt exactly once, without a transaction: the answers read are graded,
   * and one statement ends the attempt — and writes its events — only if it is still open with
   * those same answers. A racing submit or answer save makes that statement change nothing, and
   * the attempt is read again: both submitters answer the one result. After the deadline the
   * saved answers are graded.
   */
  async submitAttempt(viewer: Viewer, attemptId: string): Promise<Attempt> {
    for (let tries = 0; ; tries++) {
      const [found] = await this.#prepared.attemptWithReview.execute({ attemptId });
      if (!found || found.attempt.userId !== viewer.id) throw notFoundAttempt();
      const { attempt, allowReview } = found;
      if (attempt.status !== "in_progress") return this.#studentAttempt(attempt, allowReview);
      const endedBy = this.#overdue(attempt, this.deps.clock.now()) ? "deadline" : "student";
      const unchanged = sql`${attempts.answers} = ${JSON.stringify(attempt.answers)}::jsonb`;
      // Saves cannot outpace a submit for long; past a few losses, take the row lock instead.
      const ended =
        tries < 3
          ? await this.#end(this.#db, attempt, endedBy, unchanged)
          : await this.#db.transaction(async (tx) => {
              const [locked] = await tx
                .select()
                .from(attempts)
                .where(eq(attempts.id, attemptId))
                .for("update");
              if (!locked) throw notFoundAttempt();
              return locked.status === "in_progress" ? this.#finish(tx, locked, endedBy) : locked;
            });
      if (ended) return this.#studentAttempt(ended, allowReview);
    }
  }

  /** The attempt for its student (key only after submission, and only if the exam allows review) or the course owner. */
  async getAttempt(viewer: Viewer, attemptId: string): Promise<Attempt> {
    const [found] = await this.#db
      .select({ attempt: attempts, allowReview: exams.allowReview })
      .from(attempts)
      .innerJoin(exams, eq(exams.id, attempts.examId))
      .where(eq(attempts.id, attemptId));
    if (!found) throw notFoundAttempt();
    let row = found.attempt;
    if (row.userId === viewer.id) {
      if (row.status === "in_progress") row = await this.#finishIfOverdue(row.id, this.deps.clock.now());
      return this.#studentAttempt(row, found.allowReview);
    }
    if (!(await this.#courses.canManage(viewer, row.courseId))) throw notFoundAttempt();
    return this.#ownerAttempt(this.#db, row);
  }

  /** Every attempt at the exam, for its owner; with each student's name. */
  async listAttempts(
    viewer: Viewer,
    examId: string,
    query: { limit: number; cursor?: string; status?: AttemptStatus },
  ): Promise<Page<Attempt>> {
    await this.#manageableExam(viewer, examId);
    const conditions: (SQL | undefined)[] = [eq(attempts.examId, examId)];
    if (query.status) conditions.push(eq(attempts.status, query.status));
    const after = decodeCursor(query.cursor);
    conditions.push(afterTimeAndId(after, attempts.startedAt, attempts.id, "asc"));
    const rows = await this.#db
      .select({ attempt: attempts, user: { id: users.id, name: users.name, email: users.email } })
      .from(attempts)
      .innerJoin(users, eq(users.id, attempts.userId))
      .where(and(...conditions))
      .orderBy(asc(attempts.startedAt), asc(attempts.id))
      .limit(query.limit + 1);
    const page = toPage(
      rows,
      query.limit,
      (r) => [r.attempt.startedAt.toISOString(), r.attempt.id],
      (r) => r,
    );
    const items: Attempt[] = [];
    for (const r of page.items)
      items.push({ ...(await this.#ownerAttempt(this.#db, r.attempt)), user: r.user });
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * The instructor's marks and feedback for questions of an ended attempt (short answers that
   * need review, or any question to override). When nothing is left to review the attempt is graded.
   */
  async gradeManually(viewer: Viewer, attemptId: string, grades: GradeInput[]): Promise<Attempt> {
    const [found] = await this.#db
      .select({ courseId: attempts.courseId })
      .from(attempts)
      .where(eq(attempts.id, attemptId));
    if (!found || !(await this.#courses.canManage(viewer, found.courseId))) throw notFoundAttempt();
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.select().from(attempts).where(eq(attempts.id, attemptId)).for("update");
      if (!row) throw notFoundAttempt();
      if (row.status === "in_progress") {
        throw conflict(
          "attempt-in-progress",
          "The attempt is still in progress",
          "Grade an attempt once it has been submitted or its time has run out.",
        );
      }
      const version = await this.#version(tx, row.examId, row.version);
      const issues: { path: string; message: string }[] = [];
      grades.forEach((grade, index) => {
        const question = version.byId.get(grade.questionId);
        if (!question) {
          issues.push({
            path: `grades.${index}.questionId`,
            message: "This question is not part of the attempt.",
          });
        } else if (grade.marks > question.marks) {
          issues.push({
            path: `grades.${index}.marks`,
            message: `This question is worth at most ${question.marks} marks.`,
          });
        }
      });
      if (issues.length > 0) throw problems.validation(issues);
      const results: Record<string, StoredResult> = { ...row.results };
      for (const grade of grades) {
        const question = version.byId.get(grade.questionId)!;
        results[grade.questionId] = {
          marks: hundredths(grade.marks) / 100,
          status: "graded",
          correct: hundredths(grade.marks) === hundredths(question.marks),
          manual: true,
          ...(grade.feedback ? { feedback: grade.feedback } : {}),
        };
      }
      const needsReview = Object.values(results).some((r) => r.status === "needs_review");
      const score = Object.values(results).reduce((sum, r) => sum + hundredths(r.marks), 0) / 100;
      const passed = needsReview ? null : passes(score, row.maxScore, version);
      const now = this.deps.clock.now();
      const [updated] = await tx
        .update(attempts)
        .set({
          results,
          score,
          passed,
          status: needsReview ? "needs_review" : "graded",
          gradedAt: needsReview ? null : now,
        })
        .where(eq(attempts.id, attemptId))
        .returning();
      if (!needsReview) {
        const { events, jobs } = this.#graded(updated!, true);
        await this.deps.events.emitAll(tx, events);
        await this.deps.jobs.enqueueMany(tx, jobs);
      }
      return this.#ownerAttempt(tx, updated!);
    });
  }

  /** Grades the open attempts whose deadline has passed, from their saved answers; returns how many. */
  async expireOverdue(maxBatches = 50): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const now = this.deps.clock.now();
      const done = await this.#db.transaction(async (tx) => {
        const due = await tx
          .select()
          .from(attempts)
          .where(and(eq(attempts.status, "in_progress"), lte(attempts.deadline, now)))
          .orderBy(asc(attempts.deadline))
          .limit(EXPIRY_BATCH)
          .for("update", { skipLocked: true });
        for (const row of due) await this.#finish(tx, row, "deadline");
        return due.length;
      });
      total += done;
      if (done < EXPIRY_BATCH) break;
    }
    if (total > 0) this.deps.logger.info({ graded: total }, "graded attempts whose time ran out");
    return total;
  }

  // Grades

  /** The student's grade in each published exam of the courses they are enrolled in. */
  async myGrades(viewer: Viewer, query: { limit: number; cursor?: string }): Promise<Page<MyGrade>> {
    const after = decodeCursor(query.cursor);
    const rows = rowsOf<
      CountedRow & {
        course_id: string;
        course_title: string;
        exam_title: string;
        grade_policy: GradePolicy;
        exam_max_score: string;
      }
    >(
      await this.#db.execute(sql`
        select e.id as exam_id, e.title as exam_title, e.course_id, c.title as course_title, e.grade_policy,
               e.max_score as exam_max_score, ${viewer.id}::uuid as user_id, counted.*
        from ${exams} e
        join ${coursesSchema.enrollments} en on en.course_id = e.course_id and en.user_id = ${viewer.id} and en.status <> 'cancelled'
        join ${coursesSchema.courses} c on c.id = e.course_id
        left join lateral (${countedAttempt(sql`e.id`, sql`${viewer.id}::uuid`, sql`e.grade_policy`)}) counted on true
        where e.status = 'published'
          ${after ? sql`and (e.course_id, e.id) > (${String(after[0])}::uuid, ${String(after[1])}::uuid)` : sql``}
        order by e.course_id, e.id
        limit ${query.limit + 1}`),
    );
    return toPage(
      rows,
      query.limit,
      (r) => [r.course_id, r.exam_id],
      (r) => ({
        courseId: r.course_id,
        courseTitle: r.course_title,
        examTitle: r.exam_title,
        gradePolicy: r.grade_policy,
        ...toGrade(r, Number(r.exam_max_score)),
      }),
    );
  }

  /** Students × published exams, with the counted attempt of each; for the course owner. */
  async gradebook(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Gradebook> {
    if (!(await this.#courses.canManage(viewer, courseId))) throw notFoundCourse();
    const examRows = await this.#db
      .select({ id: exams.id, title: exams.title, maxScore: exams.maxScore, gradePolicy: exams.gradePolicy })
      .from(exams)
      .where(and(eq(exams.courseId, courseId), eq(exams.status, "published")))
      .orderBy(asc(exams.publishedAt), asc(exams.id));
    const { enrollments } = coursesSchema;
    const after = decodeCursor(query.cursor);
    const students = await this.#db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(
        and(
          eq(enrollments.courseId, courseId),
          sql`${enrollments.status} <> 'cancelled'`,
          after
            ? or(
                gt(users.name, String(after[0])),
                and(eq(users.name, String(after[0])), gt(users.id, String(after[1]))),
              )
            : undefined,
        ),
      )
      .orderBy(asc(users.name), asc(users.id))
      .limit(query.limit + 1);
    const page = toPage(
      students,
      query.limit,
      (s) => [s.name, s.id],
      (s) => s,
    );
    const grades = await this.#countedGrades(
      this.#db,
      courseId,
      page.items.map((s) => s.id),
    );
    return {
      exams: examRows,
      items: page.items.map((user) => ({
        user,
        grades: examRows.map(
          (exam) =>
            grades.get(`${exam.id}:${user.id}`) ?? {
              examId: exam.id,
              attemptId: null,
              attempts: 0,
              status: null,
              score: null,
              maxScore: exam.maxScore,
              passed: null,
              gradedAt: null,
            },
        ),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** The whole gradebook as CSV: one row per student, score and passed per exam. */
  async gradebookCsv(viewer: Viewer, courseId: string): Promise<string> {
    let cursor: string | undefined;
    let header: string[] | null = null;
    const rows: CsvValue[][] = [];
    do {
      const page = await this.gradebook(viewer, courseId, { limit: 100, cursor });
      if (!header) {
        header = ["student", "email"];
        for (const exam of page.exams)
          header.push(`${exam.title} (/${exam.maxScore})`, `${exam.title} passed`);
      }
      for (const row of page.items) {
        const cells: CsvValue[] = [row.user.name, row.user.email];
        for (const grade of row.grades) {
          const passed =
            grade.passed === null
              ? grade.status === "needs_review"
                ? "review"
                : ""
              : grade.passed
                ? "yes"
                : "no";
          cells.push(grade.score, passed);
        }
        rows.push(cells);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return toCsv(
      rows,
      (header ?? ["student", "email"]).map((title, i) => ({
        header: title,
        value: (row: CsvValue[]) => row[i],
      })),
    );
  }

  /** Marks for `GET /api/courses/:id/students`: each student's counted attempt per published exam. */
  async studentColumns(executor: Executor, input: { courseId: string; userIds: string[] }) {
    const grades = await this.#countedGrades(executor, input.courseId, input.userIds);
    const examIds = await executor
      .select({ id: exams.id })
      .from(exams)
      .where(and(eq(exams.courseId, input.courseId), eq(exams.status, "published")))
      .orderBy(asc(exams.publishedAt), asc(exams.id));
    const columns: Record<string, { exams: { passed: number; total: number; grades: ExamGrade[] } }> = {};
    for (const userId of input.userIds) {
      const mine = examIds.flatMap((e) => grades.get(`${e.id}:${userId}`) ?? []);
      columns[userId] = {
        exams: { passed: mine.filter((g) => g.passed).length, total: examIds.length, grades: mine },
      };
    }
    return columns;
  }

  /** The completion rule: a course with published exams is complete only when each is passed. */
  async examsPassed(
    executor: Executor,
    input: { userId: string; courseId: string },
  ): Promise<"met" | "unmet" | "none"> {
    const [row] = rowsOf<{ total: number | string; passed: number | string }>(
      await executor.execute(sql`
        select count(*) as total,
               count(*) filter (where exists (
                 select 1 from ${attempts} a where a.exam_id = e.id and a.user_id = ${input.userId} and a.passed
               )) as passed
        from ${exams} e
        where e.course_id = ${input.courseId} and e.status = 'published'`),
    );
    const total = Number(row?.total ?? 0);
    if (total === 0) return "none";
    return Number(row?.passed) === total ? "met" : "unmet";
  }

  /** Mails each student enrolled in the exam's course; the `exam.published` handler. All or none, so a retry never mails twice. */
  async mailPublished(examId: string): Promise<void> {
    const [exam] = await this.#db
      .select({ exam: exams, courseTitle: coursesSchema.courses.title, slug: coursesSchema.courses.slug })
      .from(exams)
      .innerJoin(coursesSchema.courses, eq(coursesSchema.courses.id, exams.courseId))
      .where(eq(exams.id, examId));
    if (exam?.exam.status !== "published") return;
    const { enrollments } = coursesSchema;
    const students = await this.#db
      .select({ email: users.email, name: users.name })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(and(eq(enrollments.courseId, exam.exam.courseId), eq(enrollments.status, "active")));
    if (students.length === 0) return;
    const { title, opensAt, closesAt, durationMinutes } = exam.exam;
    const when = [
      opensAt ? `Opens: ${clockTime(opensAt)}` : "Open now",
      closesAt ? `Closes: ${clockTime(closesAt)}` : null,
      durationMinutes ? `Time allowed: ${durationMinutes} minutes` : null,
    ].filter(Boolean);
    await this.#db.transaction(async (tx) => {
      for (const student of students) {
        await this.deps.mail.send(tx, {
          to: student.email,
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

  // Internals

  #parseExam(input: ExamInput): ExamInput {
    const parsed = examInputSchema({ maxQuestions: this.deps.maxQuestions }).safeParse(input);
    if (!parsed.success) throw validationFromZod(parsed.error.issues);
    return parsed.data;
  }

  #toExam(row: ExamRow, withQuestions: boolean): Exam {
    return {
      id: row.id,
      courseId: row.courseId,
      title: row.title,
      status: row.status,
      opensAt: iso(row.opensAt),
      closesAt: iso(row.closesAt),
      durationMinutes: row.durationMinutes,
      maxAttempts: row.maxAttempts,
      passingPercent: row.passingPercent,
      passingMarks: row.passingMarks,
      maxScore: row.maxScore,
      questionCount: row.questions.length,
      questions: withQuestions ? row.questions : null,
      shuffle: row.shuffle,
      allowReview: row.allowReview,
      gradePolicy: row.gradePolicy,
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      publishedAt: iso(row.publishedAt),
    };
  }

  #settingsOf(exam: ExamInput) {
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

  /** The exam if the viewer may change it; 404 otherwise. Outside any transaction: courses reads on its own connection. */
  async #manageableExam(viewer: Viewer, examId: string): Promise<ExamRow> {
    const [row] = await this.#db.select().from(exams).where(eq(exams.id, examId));
    if (!row || !(await this.#courses.canManage(viewer, row.courseId))) throw notFoundExam();
    return row;
  }

  async #lockExam(tx: Executor, examId: string): Promise<ExamRow> {
    const [row] = await tx.select().from(exams).where(eq(exams.id, examId)).for("update");
    if (!row) throw notFoundExam();
    return row;
  }

  async #isEnrolled(executor: Executor, userId: string, courseId: string): Promise<boolean> {
    const { enrollments } = coursesSchema;
    const [row] = await executor
      .select({ status: enrollments.status })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    return !!row && row.status !== "cancelled";
  }

  async #version(executor: Executor, examId: string, version: number): Promise<Version> {
    const key = `${examId}:${version}`;
    const cached = this.#versions.get(key);
    if (cached) return cached;
    const [row] = await executor
      .select()
      .from(versions)
      .where(and(eq(versions.examId, examId), eq(versions.version, version)));
    if (!row) throw new Error(`Exam ${examId} has no version ${version}.`);
    const loaded: Version = {
      questions: row.questions,
      byId: new Map(row.questions.map((q) => [q.id, q])),
      maxScore: row.maxScore,
      passingPercent: row.passingPercent,
      passingMarks: row.passingMarks,
    };
    if (this.#versions.size >= VERSION_CACHE_SIZE) this.#versions.delete(this.#versions.keys().next().value!);
    this.#versions.set(key, loaded);
    return loaded;
  }

  #seed(attemptId: string): string {
    if (!this.#secret)
      throw new Error("The exams plugin has no shuffle secret yet: it is set when the plugin starts.");
    return attemptSeed(attemptId, this.#secret);
  }

  #overdue(row: AttemptRow, now: Date): boolean {
    return row.deadline !== null && row.deadline <= now;
  }

  #assertOpen(row: AttemptRow, now: Date): void {
    if (row.status !== "in_progress") {
      throw conflict(
        "attempt-ended",
        "The attempt has ended",
        "This attempt has been submitted; its answers can no longer change.",
        { attemptStatus: row.status },
      );
    }
    if (this.#overdue(row, now)) {
      throw conflict(
        "attempt-deadline-passed",
        "The time for this attempt is over",
        `This attempt's time ran out at ${clockTime(row.deadline!)}; no more answers are accepted.`,
        { deadline: row.deadline!.toISOString() },
      );
    }
  }

  /** Grades an open attempt whose deadline has passed (in its own transaction); answers the row as it now is. */
  async #finishIfOverdue(attemptId: string, now: Date): Promise<AttemptRow> {
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.select().from(attempts).where(eq(attempts.id, attemptId)).for("update");
      if (!row) throw notFoundAttempt();
      if (row.status === "in_progress" && this.#overdue(row, now)) return this.#finish(tx, row, "deadline");
      return row;
    });
  }

  /** Ends a locked open attempt and grades it from its saved answers. */
  async #finish(tx: Executor, row: AttemptRow, endedBy: EndedBy): Promise<AttemptRow> {
    const ended = await this.#end(tx, row, endedBy);
    if (!ended) throw new Error(`Attempt ${row.id} was locked open but could not be ended.`);
    return ended;
  }

  /**
   * Grades an open attempt from its saved answers and ends it in one statement with its events
   * (`exam.submitted`, and `exam.graded` unless a short answer needs review) — only if it is
   * still open and `condition` holds. Answers the ended attempt, or null when nothing changed.
   */
  async #end(
    executor: Executor,
    row: AttemptRow,
    endedBy: EndedBy,
    condition?: SQL,
  ): Promise<AttemptRow | null> {
    const version = await this.#version(executor, row.examId, row.version);
    const answers = Object.entries(row.answers).map(([questionId, answer]) => ({ questionId, ...answer }));
    const grade = gradeAnswers(version.questions, answers);
    const results: Record<string, StoredResult> = {};
    for (const r of grade.results)
      results[r.questionId] = { marks: r.marks, status: r.status, correct: r.correct };
    const now = this.deps.clock.now();
    const changes = {
      status: grade.needsReview ? ("needs_review" as const) : ("graded" as const),
      submittedAt: endedBy === "deadline" && row.deadline && row.deadline < now ? row.deadline : now,
      endedBy,
      results,
      score: grade.score,
      maxScore: grade.maxScore,
      passed: grade.needsReview ? null : passes(grade.score, grade.maxScore, version),
      gradedAt: grade.needsReview ? null : now,
    };
    const ended: AttemptRow = { ...row, ...changes };
    const submitted: EmittedEvent = {
      name: "exam.submitted",
      data: { attemptId: row.id, examId: row.examId, courseId: row.courseId, userId: row.userId, endedBy },
    };
    const change = executor
      .update(attempts)
      .set(changes)
      .where(and(eq(attempts.id, row.id), eq(attempts.status, "in_progress"), condition))
      .returning({ id: attempts.id })
      .getSQL();
    const graded = grade.needsReview ? { events: [], jobs: [] } : this.#graded(ended, false);
    const changed = await this.deps.events.emitIfChanged(executor, change, [submitted, ...graded.events], {
      jobs: graded.jobs,
    });
    return changed > 0 ? ended : null;
  }

  /**
   * What a graded attempt announces: `exam.graded`, and for a pass a check of the course's
   * completion — a job, so it happens even if this process stops right after the grade.
   */
  #graded(row: AttemptRow, manual: boolean): { events: EmittedEvent[]; jobs: NewJob[] } {
    const graded: EmittedEvent = {
      name: "exam.graded",
      data: {
        attemptId: row.id,
        examId: row.examId,
        courseId: row.courseId,
        userId: row.userId,
        score: row.score ?? 0,
        maxScore: row.maxScore,
        passed: row.passed ?? false,
        manual,
      },
    };
    // A failed attempt cannot complete a course; a pass may.
    const jobs: NewJob[] = row.passed
      ? [
          {
            name: COMPLETION_JOB,
            payload: { userId: row.userId, courseId: row.courseId },
            dedupeKey: `${COMPLETION_JOB}:${row.id}:${row.gradedAt?.toISOString()}`,
          },
        ]
      : [];
    return { events: [graded], jobs };
  }

  /**
   * The attempt's questions in the order its student sees them. Derived from immutable parts (the
   * attempt id, its version, the secret), so kept: every answer save answers the attempt, and
   * hashing a dozen seeds per save showed in profiles on exam day. Bounded, oldest out first.
   */
  #viewOf(row: AttemptRow, version: Version): StudentQuestion[] {
    const key = `${row.id}:${row.version}`;
    let view = this.#views.get(key);
    if (!view) {
      view = studentView(version.questions, this.#seed(row.id), row.shuffle);
      this.#views.set(key, view);
      if (this.#views.size > MAX_CACHED_VIEWS) this.#views.delete(this.#views.keys().next().value!);
    }
    return view;
  }

  /** What the student sees of their attempt: never the key while it is open, and after only with review on. */
  async #studentAttempt(row: AttemptRow, allowReview: boolean, known?: Version): Promise<Attempt> {
    const version = known ?? (await this.#version(this.#db, row.examId, row.version));
    const view = this.#viewOf(row, version);
    const ended = row.status !== "in_progress";
    const review = ended && allowReview;
    const questions: AttemptQuestion[] = review
      ? view.map((q) => withKey(q, version.byId.get(q.id)!, row.results?.[q.id]))
      : view;
    return toAttempt(row, view, questions, review);
  }

  /** The course owner's view: the key and every result, in the order the student saw the questions. */
  async #ownerAttempt(executor: Executor, row: AttemptRow): Promise<Attempt> {
    const version = await this.#version(executor, row.examId, row.version);
    const view = this.#viewOf(row, version);
    const questions = view.map((q) => withKey(q, version.byId.get(q.id)!, row.results?.[q.id]));
    return toAttempt(row, view, questions, true);
  }

  async #countedGrades(
    executor: Executor,
    courseId: string,
    userIds: string[],
  ): Promise<Map<string, ExamGrade>> {
    const grades = new Map<string, ExamGrade>();
    if (userIds.length === 0) return grades;
    const found = rowsOf<CountedRow & { exam_max_score: string }>(
      await executor.execute(sql`
        select e.id as exam_id, e.max_score as exam_max_score, u.id as user_id, counted.*
        from ${exams} e
        join ${users} u on u.id in (${sql.join(
          userIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
        left join lateral (${countedAttempt(sql`e.id`, sql`u.id`, sql`e.grade_policy`)}) counted on true
        where e.course_id = ${courseId} and e.status = 'published'`),
    );
    for (const r of found) grades.set(`${r.exam_id}:${r.user_id}`, toGrade(r, Number(r.exam_max_score)));
    return grades;
  }
}

/** PATCH body: the exam input's fields, each optional; window fields may be cleared with null. */
export type ExamPatch = Omit<ExamInput, "opensAt" | "closesAt" | "durationMinutes"> & {
  opensAt: string | null;
  closesAt: string | null;
  durationMinutes: number | null;
};

interface CountedRow {
  exam_id: string;
  user_id: string;
  attempt_id: string | null;
  attempts: number | string | null;
  status: AttemptStatus | null;
  score: string | number | null;
  max_score: string | number | null;
  passed: boolean | null;
  graded_at: string | Date | null;
}

/**
 * The attempt that counts for one student and exam: the best score or the last ended attempt,
 * per the exam's policy; an attempt awaiting review counts once nothing graded beats it.
 */
function countedAttempt(examId: SQL, userId: SQL, policy: SQL): SQL {
  return sql`
    select a.id as attempt_id, a.status, a.score, a.max_score, a.passed, a.graded_at,
           (select count(*) from ${attempts} x where x.exam_id = ${examId} and x.user_id = ${userId}) as attempts
    from ${attempts} a
    where a.exam_id = ${examId} and a.user_id = ${userId} and a.status in ('graded', 'needs_review')
    order by case when ${policy} = 'best' then coalesce(a.score, -1) else a.number end desc, a.number desc
    limit 1`;
}

function toGrade(row: CountedRow, examMaxScore: number): ExamGrade {
  const date = row.graded_at === null ? null : new Date(row.graded_at);
  return {
    examId: row.exam_id,
    attemptId: row.attempt_id,
    attempts: Number(row.attempts ?? 0),
    status: row.status,
    score: row.score === null ? null : Number(row.score),
    maxScore: row.max_score === null ? examMaxScore : Number(row.max_score),
    passed: row.passed,
    gradedAt: date ? date.toISOString() : null,
  };
}

function toAttempt(
  row: AttemptRow,
  view: StudentQuestion[],
  questions: AttemptQuestion[],
  review: boolean,
): Attempt {
  const answers: AttemptAnswer[] = [];
  for (const q of view) {
    const answer = row.answers[q.id];
    if (answer) answers.push({ questionId: q.id, ...answer });
  }
  return {
    id: row.id,
    examId: row.examId,
    userId: row.userId,
    number: row.number,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    deadline: iso(row.deadline),
    submittedAt: iso(row.submittedAt),
    endedBy: row.endedBy,
    score: row.score,
    maxScore: row.maxScore,
    passed: row.passed,
    review,
    questions,
    answers,
  };
}

/** A question with its key, feedback and result, options kept in the order the student saw them. */
function withKey(
  view: StudentQuestion,
  question: Question,
  result: StoredResult | undefined,
): AttemptQuestion {
  const byId = new Map((question.options ?? []).map((o) => [o.id, o]));
  const out: AttemptQuestion = { id: view.id, type: view.type, prompt: view.prompt, marks: view.marks };
  if (view.options) {
    out.options = view.options.map((o) => {
      const option = byId.get(o.id)!;
      return {
        id: o.id,
        text: o.text,
        correct: option.correct,
        ...(option.weight !== undefined ? { weight: option.weight } : {}),
        ...(option.feedback ? { feedback: option.feedback } : {}),
      };
    });
  }
  if (question.accepted) out.accepted = question.accepted;
  if (question.feedback) out.feedback = question.feedback;
  if (question.partialCredit) out.partialCredit = question.partialCredit;
  if (result) out.result = result;
  return out;
}

/** Fresh random ids for every question and option of a new exam: ids must never reveal order. */
function freshIds(questions: readonly QuestionInput[]): Question[] {
  return questions.map((q) => ({
    ...q,
    id: randomUUID(),
    ...(q.options ? { options: q.options.map((o) => ({ ...o, id: randomUUID() })) } : {}),
  })) as Question[];
}

/** Keeps the ids of questions and options the exam already had (so edits keep references); anything else gets a fresh one. */
function keepKnownIds(questions: readonly QuestionInput[], current: readonly Question[]): Question[] {
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

function toInput(row: ExamRow): ExamInput {
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
function dropUndefined(patch: Partial<ExamPatch>): Partial<ExamInput> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) out[key] = value;
  if (out.passingMarks !== undefined) out.passingPercent = undefined;
  if (out.passingPercent !== undefined) out.passingMarks = undefined;
  for (const key of ["opensAt", "closesAt", "durationMinutes"]) if (out[key] === null) out[key] = undefined;
  return out as Partial<ExamInput>;
}

/** JSON with sorted keys: jsonb does not keep key order, so plain JSON.stringify cannot compare. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
