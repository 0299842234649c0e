import { type Database, GroupCommit, ProblemError, problems } from "@lectern/core";
import { type CoursesService, enrolledSql, enrollmentsView } from "@lectern/courses";
import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { attempts, exams } from "../schema.js";
import type { StudentQuestion } from "../shuffle.js";
import type { ExamAccess } from "./access.js";
import type { AttemptRow, ExamsServiceDeps, Version } from "./types.js";
import type { ExamViews } from "./views.js";

export const VERSION_CACHE_SIZE = 500;
export const EXPIRY_BATCH = 100;

export const iso = (date: Date | null) => (date ? date.toISOString() : null);
export const notFoundExam = () => problems.notFound("There is no such exam.");
export const notFoundAttempt = () => problems.notFound("There is no such attempt.");
export const notFoundCourse = () => problems.notFound("There is no such course.");
export const hundredths = (marks: number) => Math.round(marks * 100);

export function conflict(type: string, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return new ProblemError({ ...extra, status: 409, type, title, detail });
}

export function validationFromZod(issues: readonly { path: PropertyKey[]; message: string }[], prefix = "") {
  return problems.fromZod(issues, { prefix });
}

export function clockTime(date: Date) {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Attempts whose question order is kept in memory: an exam day's worth, a few MB. */
export const MAX_CACHED_VIEWS = 20_000;

/** The job that checks, after a pass, whether the student has completed the course. */
export const COMPLETION_JOB = "exams.check-completion";

/** The statements every start, answer save and submit runs: built once, not per request. */
export function prepareHotQueries(db: Database) {
  const attemptId = sql.placeholder("attemptId");
  const enrollments = enrollmentsView;
  return {
    /**
     * What starting an attempt needs — the exam's settings, the enrollment, attempts used and any
     * open one — for many starts at once (batched like the writes): one parameter, a JSON array
     * of `{ exam_id, user_id }`; one row per start whose exam exists.
     */
    examsForStart: db
      .select({
        examId: sql<string>`asked.exam_id`,
        userId: sql<string>`asked.user_id`,
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
        enrolled: sql<boolean>`coalesce(${enrolledSql(enrollments.status)}, false)`,
        used: sql<number>`(select count(*) from ${attempts} where ${attempts.examId} = ${exams.id} and ${attempts.userId} = asked.user_id)`.mapWith(
          Number,
        ),
        openId: sql<
          string | null
        >`(select ${attempts.id} from ${attempts} where ${attempts.examId} = ${exams.id} and ${attempts.userId} = asked.user_id and ${attempts.status} = 'in_progress')`,
      })
      .from(exams)
      .innerJoin(
        sql`jsonb_to_recordset(${sql.placeholder("batch")}::jsonb) as asked(exam_id uuid, user_id uuid)`,
        sql`asked.exam_id = ${exams.id}`,
      )
      .leftJoin(
        enrollments,
        and(eq(enrollments.courseId, exams.courseId), sql`${enrollments.userId} = asked.user_id`),
      )
      .prepare("exams_exams_for_start"),
    attempt: db.select().from(attempts).where(eq(attempts.id, attemptId)).prepare("exams_attempt"),
    attemptWithReview: db
      .select({ attempt: attempts, allowReview: exams.allowReview })
      .from(attempts)
      .innerJoin(exams, eq(exams.id, attempts.examId))
      .where(eq(attempts.id, attemptId))
      .prepare("exams_attempt_with_review"),
    /**
     * Merges answers per question (last write wins) for many attempts in one statement (group
     * commit): one parameter, a JSON
     * array, so the statement is prepared once whatever the batch's size. Each row is changed
     * only if it is its student's, open and in time at its own request's `now`.
     */
    saveAnswersBatch: db
      .update(attempts)
      .set({ answers: sql`${attempts.answers} || batch.patch` })
      .from(
        sql`jsonb_to_recordset(${sql.placeholder("batch")}::jsonb) as batch(id uuid, user_id uuid, patch jsonb, now timestamptz)`,
      )
      .where(
        and(
          sql`${attempts.id} = batch.id`,
          sql`${attempts.userId} = batch.user_id`,
          eq(attempts.status, "in_progress"),
          sql`(${attempts.deadline} is null or ${attempts.deadline} > batch.now)`,
        ),
      )
      .returning(getTableColumns(attempts))
      .prepare("exams_save_answers_batch"),
    /**
     * Opens many attempts in one statement (group commit), one parameter as for saves. A row that
     * meets a unique index (an open attempt, or its number taken by a racing start) is skipped, as
     * a single insert's `on conflict do nothing` would: its start reads again.
     */
    startAttemptsBatch: db
      .insert(attempts)
      .select(
        sql`select ${sql.join(
          Object.keys(getTableColumns(attempts)).map((column) => FROM_START[column as keyof AttemptRow]),
          sql`, `,
        )} from jsonb_to_recordset(${sql.placeholder("batch")}::jsonb) as batch(id uuid, exam_id uuid, version integer, course_id uuid, user_id uuid, number integer, shuffle boolean, started_at timestamptz, deadline timestamptz, max_score numeric)`,
      )
      .onConflictDoNothing()
      .returning()
      .prepare("exams_start_attempts_batch"),
  };
}

/**
 * Each column of a new attempt from the start batch's record, in whatever order the table
 * declares them: a column added to the table without a value here fails to compile.
 */
const FROM_START: Record<keyof AttemptRow, SQL> = {
  id: sql`batch.id`,
  examId: sql`batch.exam_id`,
  version: sql`batch.version`,
  courseId: sql`batch.course_id`,
  userId: sql`batch.user_id`,
  number: sql`batch.number`,
  status: sql`'in_progress'`,
  shuffle: sql`batch.shuffle`,
  startedAt: sql`batch.started_at`,
  deadline: sql`batch.deadline`,
  answers: sql`'{}'::jsonb`,
  submittedAt: sql`null::timestamptz`,
  endedBy: sql`null::text`,
  results: sql`null::jsonb`,
  score: sql`null::numeric`,
  maxScore: sql`batch.max_score`,
  passed: sql`null::boolean`,
  gradedAt: sql`null::timestamptz`,
};

/** A start asking what it needs to know. */
export interface StartAsked {
  examId: string;
  userId: string;
}

/** What a start reads: its exam's settings, the student's enrollment and attempts. */
export type StartFacts = Awaited<
  ReturnType<ReturnType<typeof prepareHotQueries>["examsForStart"]["execute"]>
>[number];

/** One attempt waiting for its group commit to open it. */
export interface PendingStart {
  id: string;
  examId: string;
  version: number;
  courseId: string;
  userId: string;
  number: number;
  shuffle: boolean;
  startedAt: Date;
  deadline: Date | null;
  maxScore: number;
}

/** One answer save waiting for its group commit. */
export interface PendingSave {
  id: string;
  userId: string;
  patch: Record<string, unknown>;
  now: string;
}

/** What never changes about an attempt once started: enough to check a save without reading it. */
export type AttemptFacts = Pick<AttemptRow, "id" | "userId" | "examId" | "version" | "shuffle">;

/**
 * Exams, attempts, grading and grades. Every rule lives here; routes only validate input,
 * check the caller's role and call these methods.
 */

/** What every part of the exams service shares: its dependencies, hot statements and caches. */
export class ExamsState {
  readonly prepared: ReturnType<typeof prepareHotQueries>;
  /** Frozen versions by `examId:version`; immutable, so never stale. */
  readonly versions = new Map<string, Version>();
  /** Each attempt's shuffled questions as the student sees them. */
  readonly viewCache = new Map<string, StudentQuestion[]>();
  /** Each attempt's immutable facts, so a save needs no read before its write; bounded. */
  readonly facts = new Map<string, AttemptFacts>();
  /** Answer saves arriving together, written in one statement each batch. */
  readonly saves: GroupCommit<PendingSave, AttemptRow | null>;
  /** Attempts started together, opened in one statement each batch. */
  readonly starts: GroupCommit<PendingStart, AttemptRow | null>;
  /** What those starts read first, also one statement for many. */
  readonly startReads: GroupCommit<StartAsked, StartFacts | null>;
  /** The server secret that keys per-attempt shuffles; set once at start. */
  secret: string | null = null;
  views!: ExamViews;
  access!: ExamAccess;

  constructor(readonly deps: ExamsServiceDeps) {
    this.prepared = prepareHotQueries(deps.db);
    this.saves = new GroupCommit({
      key: (save) => save.id,
      maxBatch: deps.saveBatch ?? 500,
      write: async (batch) => {
        const rows = await this.prepared.saveAnswersBatch.execute({
          batch: JSON.stringify(batch.map((save) => ({ ...save, user_id: save.userId }))),
        });
        const byId = new Map(rows.map((row) => [row.id, row as AttemptRow]));
        return batch.map((save) => byId.get(save.id) ?? null);
      },
    });
    this.startReads = new GroupCommit({
      maxBatch: deps.startBatch ?? 500,
      write: async (batch) => {
        const rows = await this.prepared.examsForStart.execute({
          batch: JSON.stringify(batch.map((asked) => ({ exam_id: asked.examId, user_id: asked.userId }))),
        });
        const byKey = new Map(rows.map((row) => [`${row.examId}:${row.userId}`, row]));
        return batch.map((asked) => byKey.get(`${asked.examId}:${asked.userId}`) ?? null);
      },
    });
    this.starts = new GroupCommit({
      // One student's starts never share a statement: the second would only meet the first's row.
      key: (start) => `${start.examId}:${start.userId}`,
      maxBatch: deps.startBatch ?? 500,
      write: async (batch) => {
        const rows = await this.prepared.startAttemptsBatch.execute({
          batch: JSON.stringify(
            batch.map((start) => ({
              id: start.id,
              exam_id: start.examId,
              version: start.version,
              course_id: start.courseId,
              user_id: start.userId,
              number: start.number,
              shuffle: start.shuffle,
              started_at: start.startedAt.toISOString(),
              deadline: start.deadline?.toISOString() ?? null,
              max_score: start.maxScore,
            })),
          ),
        });
        const byId = new Map(rows.map((row) => [row.id, row as AttemptRow]));
        return batch.map((start) => byId.get(start.id) ?? null);
      },
    });
  }

  rememberFacts(row: AttemptFacts): void {
    if (this.facts.has(row.id)) return;
    const { id, userId, examId, version, shuffle } = row;
    this.facts.set(id, { id, userId, examId, version, shuffle });
    if (this.facts.size > MAX_CACHED_VIEWS) this.facts.delete(this.facts.keys().next().value!);
  }
}

/** The base of each part: reach the shared state, the database, courses and the other parts. */
export abstract class ExamsPart {
  constructor(protected readonly state: ExamsState) {}
  protected get deps(): ExamsServiceDeps {
    return this.state.deps;
  }
  protected get db(): Database {
    return this.state.deps.db;
  }
  protected get courses(): CoursesService {
    return this.state.deps.courses();
  }
  protected get views(): ExamViews {
    return this.state.views;
  }
  protected get access(): ExamAccess {
    return this.state.access;
  }
}
