import { randomBytes } from "node:crypto";
import { CORE_VERSION, definePlugin, z } from "@lectern/core";
import { sql } from "drizzle-orm";
import { examsAnalytics } from "./analytics.js";
import { examEvents } from "./events.js";
import { DEFAULT_MAX_QUESTIONS as MAX_QUESTIONS } from "./model.js";
import { examsRoutes } from "./routes.js";
import { seedDemoExams } from "./seed.js";
import { COMPLETION_JOB, ExamsService as Service } from "./service.js";

export { type AnswerIssue, validateAnswersBelongToQuestions } from "./answers.js";
export { examEvents } from "./events.js";
export {
  type AnswerToGrade,
  type AttemptGrade,
  DEFAULT_PASSING_PERCENT,
  gradeAttempt,
  gradeQuestion,
  type PassingRule,
  passed,
  type QuestionGrade,
  type QuestionResult,
} from "./grading.js";
export {
  detectFormat,
  type ImportedQuestions,
  type ImportFormat,
  type ImportOptions,
  type ImportWarning,
  importAiken,
  importGift,
  importQuestions,
  NoImportableQuestionsError,
  QuestionImportError,
} from "./import/index.js";
export {
  type AnswerInput,
  type AnswersInput,
  answerInputSchema,
  answersInputSchema,
  assignQuestionIds,
  DEFAULT_MAX_QUESTIONS,
  type ExamInput,
  type ExamSchemaOptions,
  examInputSchema,
  GRADE_POLICIES,
  LIMITS,
  type Option,
  type OptionInput,
  optionInputSchema,
  PARTIAL_CREDIT_RULES,
  type PartialCreditRule,
  QUESTION_TYPES,
  type Question,
  type QuestionInput,
  type QuestionType,
  questionInputSchema,
  totalMarks,
} from "./model.js";
export { normaliseAnswer } from "./normalise.js";
export type { AttemptStatus, EndedBy, ExamStatus, GradePolicy } from "./schema.js";
export * as examsSchema from "./schema.js";
export {
  type Attempt,
  type AttemptAnswer,
  type AttemptQuestion,
  type Exam,
  type ExamGrade,
  type ExamPatch,
  ExamsService,
  type Gradebook,
  type GradebookRow,
  type GradeInput,
  type MyGrade,
} from "./service.js";
export { attemptSeed, type StudentQuestion, seededShuffle, studentView } from "./shuffle.js";

export const examsOptions = z.object({
  /** The most questions one exam may hold. */
  maxQuestions: z.number().int().min(1).max(200).default(MAX_QUESTIONS),
  /** How often open attempts past their deadline are graded (cron, 5 or 6 fields). */
  expirySchedule: z.string().default("* * * * *"),
});

export type ExamsOptions = z.input<typeof examsOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    exams: Service;
  }
}

const SECRET_KEY = "shuffleSecret";
// Two instances starting together must agree on one secret: they take turns on this lock.
const SECRET_LOCK = 727_401;

/**
 * The exams plugin: quiz builder, server-timed attempts, auto and manual grading, GIFT/Aiken
 * import, grades and the gradebook. Install it after `courses()`: `exams({ maxQuestions: 10 })`.
 */
export const exams = definePlugin({
  id: "exams",
  version: "0.1.0",
  coreRange: `^${CORE_VERSION.split(".").slice(0, 2).join(".")}.0`,
  dependsOn: ["courses"],
  options: examsOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  permissions: {
    "exams.author": ["instructor", "admin"],
    "exams.take": ["student"],
  },
  services: (ctx) =>
    new Service({
      db: ctx.db,
      clock: ctx.clock,
      events: ctx.events,
      jobs: ctx.jobs,
      mail: ctx.mail,
      logger: ctx.logger,
      courses: () => ctx.services.get("courses"),
      maxQuestions: ctx.options.maxQuestions,
      publicUrl: ctx.config.publicUrl,
    }),
  routes: (ctx) => examsRoutes(ctx.services.get("exams"), ctx.options),
  events: {
    emits: examEvents,
    on: (ctx) => ({
      "exam.published": async (event) => {
        await ctx.services.get("exams").mailPublished(event.data.examId);
      },
    }),
  },
  analytics: () => examsAnalytics,
  jobs: (ctx) => [
    {
      name: COMPLETION_JOB,
      run: async (payload: { userId: string; courseId: string }) => {
        await ctx.services.get("courses").recheckCompletion(payload.userId, payload.courseId);
      },
    },
    {
      name: "exams.expire",
      schedule: ctx.options.expirySchedule,
      retry: { attempts: 3, backoffMs: 5_000 },
      run: async () => {
        await ctx.services.get("exams").expireOverdue();
      },
    },
  ],
  lifecycle: {
    onInit: async (ctx) => {
      const secret = await ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SECRET_LOCK})`);
        const stored = await ctx.settings.get<string>(SECRET_KEY, tx);
        if (stored) return stored;
        const fresh = randomBytes(32).toString("hex");
        await ctx.settings.set(SECRET_KEY, fresh, tx);
        return fresh;
      });
      ctx.services.get("exams").useSecret(secret);
    },
    onReady: (ctx) => {
      const courses = ctx.services.get("courses");
      const service = ctx.services.get("exams");
      courses.addCompletionRule({
        name: "exams.passed",
        evaluate: (executor, input) => service.examsPassed(executor, input),
      });
      courses.addStudentColumns((executor, input) => service.studentColumns(executor, input));
    },
  },
  seed: {
    demo: (ctx) => seedDemoExams(ctx, ctx.services.get("exams")),
  },
});
