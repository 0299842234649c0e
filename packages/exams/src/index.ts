import { randomBytes } from "node:crypto";
import { definePlugin, withAdvisoryLock, z } from "@lectern/core";
import { examsAnalytics } from "./analytics.js";
import { examEvents } from "./events.js";
import { DEFAULT_MAX_QUESTIONS as MAX_QUESTIONS } from "./model.js";
import { examsNotificationKinds, examsRealtime } from "./notifications.js";
import { examsPrivacy } from "./privacy.js";
import { examsRoutes } from "./routes.js";
import { seedDemoExams } from "./seed.js";
import { draftExamGaps } from "./service/submission.js";
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
  /**
   * Answer saves written together in one statement at most (group commit); 1 writes each on its
   * own. Saves only wait for a batch while earlier ones are on their way to the database.
   */
  saveBatch: z.number().int().min(1).max(1000).default(500),
  /** Attempt starts opened together in one statement at most (group commit); 1 opens each alone. */
  startBatch: z.number().int().min(1).max(1000).default(500),
});

export type ExamsOptions = z.input<typeof examsOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    exams: Service;
  }
}

// Two instances starting together must agree on one secret: they take turns on the "exams.secret" lock.
const SECRET_KEY = "shuffleSecret";

/**
 * The exams plugin: quiz builder, server-timed attempts, auto and manual grading, GIFT/Aiken
 * import, grades and the gradebook. Install it after `courses()`: `exams({ maxQuestions: 10 })`.
 */
export const exams = definePlugin({
  id: "exams",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses"],
  options: examsOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: {
    "attempt-conflict": { status: 409, title: "Try again" },
    "attempt-deadline-passed": { status: 409, title: "The time for this attempt is over" },
    "attempt-ended": { status: 409, title: "The attempt has ended" },
    "attempt-in-progress": { status: 409, title: "The attempt is still in progress" },
    "exam-attempted": { status: 409, title: "The exam has been attempted" },
    "exam-closed": { status: 409, title: "The exam is closed" },
    "exam-has-attempts": { status: 409, title: "The exam has attempts" },
    "exam-not-open": { status: 409, title: "The exam is not open yet" },
    "no-attempts-left": { status: 409, title: "No attempts left" },
    "nothing-importable": { status: 422, title: "Nothing to import" },
    "question-import-syntax": { status: 422, title: "The questions could not be read" },
  },
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
      saveBatch: ctx.options.saveBatch,
      startBatch: ctx.options.startBatch,
      publicUrl: ctx.config.publicUrl,
    }),
  routes: (ctx) => examsRoutes(ctx.services.get("exams"), ctx.options),
  events: {
    emits: examEvents,
    on: (ctx) => ({
      "exam.published": async (event) => {
        await ctx.services.get("exams").mailPublished(event.data.examId);
      },
      // Leaving a course (or a refund) ends the attempts still open there.
      "enrollment.cancelled": async (event) => {
        await ctx.services.get("exams").endForCancelledEnrollment(event.data.courseId, event.data.userId);
      },
    }),
  },
  realtime: examsRealtime,
  contributes: (ctx) => ({
    "courses.completionRules": {
      name: "exams.passed",
      evaluate: (executor, input) => ctx.services.get("exams").examsPassed(executor, input),
      tally: (executor, input) => ctx.services.get("exams").examsTally(executor, input),
    },
    "courses.studentColumns": (executor, input) => ctx.services.get("exams").studentColumns(executor, input),
    "courses.submissionChecks": (executor, input) => draftExamGaps(executor, input),
    "core.notificationKinds": examsNotificationKinds,
    "core.analytics": examsAnalytics,
    "core.studentReport": {
      key: "exams.marks",
      title: "Marks",
      load: async (executor, input) => {
        if (!input.courseId) return null;
        const columns = await ctx.services
          .get("exams")
          .studentColumns(executor, { courseId: input.courseId, userIds: [input.userId] });
        return columns[input.userId]?.exams ?? null;
      },
    },
    "core.privacy": examsPrivacy,
  }),
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
      const secret = await withAdvisoryLock(ctx.db, "exams.secret", async (tx) => {
        const stored = await ctx.settings.get<string>(SECRET_KEY, tx);
        if (stored) return stored;
        const fresh = randomBytes(32).toString("hex");
        await ctx.settings.set(SECRET_KEY, fresh, tx);
        return fresh;
      });
      ctx.services.get("exams").useSecret(secret);
    },
  },
  seed: {
    demo: (ctx) => seedDemoExams(ctx, ctx.services.get("exams")),
  },
});
