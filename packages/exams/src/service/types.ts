import type { Clock, Database, EventBus, JobQueue, Logger, Mailer, User, z } from "@lectern/core";
import type { CoursesService } from "@lectern/courses";
import type {
  AttemptQuestionSchema,
  AttemptSchema,
  ExamSchema,
  GradebookSchema,
  GradeSchema,
  MyGradeSchema,
  WarningSchema,
} from "../dto.js";
import type { ExamInput, Question } from "../model.js";
import type { attempts, exams } from "../schema.js";

export type Viewer = Pick<User, "id" | "role">;
export type ExamRow = typeof exams.$inferSelect;
export type AttemptRow = typeof attempts.$inferSelect;

/** An exam as the API answers it. Students get `questions: null`: they see questions only inside an attempt. */
export type Exam = z.output<typeof ExamSchema>;

/** A question inside an attempt: the student view, plus the key and the result once they may be seen. */
export type AttemptQuestion = z.output<typeof AttemptQuestionSchema>;

export type AttemptAnswer = Attempt["answers"][number];

/** An attempt; `review` is true when `questions` carry the key and the per-question results. */
export type Attempt = z.output<typeof AttemptSchema>;

export interface GradeInput {
  questionId: string;
  marks: number;
  feedback?: string;
}

export type ImportWarning = z.output<typeof WarningSchema>;

/** One cell of the gradebook: the counted attempt (best or last, per the exam) of one student. */
export type ExamGrade = z.output<typeof GradeSchema>;

export type MyGrade = z.output<typeof MyGradeSchema>;

export type Gradebook = z.output<typeof GradebookSchema>;

export type GradebookRow = Gradebook["items"][number];

export interface ExamsServiceDeps {
  db: Database;
  clock: Clock;
  events: EventBus;
  jobs: JobQueue;
  mail: Mailer;
  logger: Logger;
  courses: () => CoursesService;
  maxQuestions: number;
  /** Answer saves per group-commit statement at most; default 500. */
  saveBatch?: number;
  /** Attempt starts per group-commit statement at most; default 500. */
  startBatch?: number;
  publicUrl: string;
}

/** The graded content an attempt points at; immutable, so it is cached. */
export interface Version {
  questions: Question[];
  byId: Map<string, Question>;
  maxScore: number;
  passingPercent: number | null;
  passingMarks: number | null;
}

/** PATCH body: the exam input's fields, each optional; window fields may be cleared with null. */
export type ExamPatch = Omit<ExamInput, "opensAt" | "closesAt" | "durationMinutes"> & {
  opensAt: string | null;
  closesAt: string | null;
  durationMinutes: number | null;
};
