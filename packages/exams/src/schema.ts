import { timestamptz, users } from "@lectern/core";
import { referencesCourse } from "@lectern/courses";
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { GRADE_POLICIES, type Question } from "./model.js";

// Marks are whole or hundredths (partial credit), so numeric(8,2) keeps them exact.
const marks = (name: string) => numeric(name, { precision: 8, scale: 2, mode: "number" });

export const EXAM_STATUSES = ["draft", "published"] as const;
export const ATTEMPT_STATUSES = ["in_progress", "submitted", "expired", "graded", "needs_review"] as const;
/** Who ended an attempt: the student, the clock, or the student leaving the course. */
export const ENDED_BY = ["student", "deadline", "unenrolled"] as const;

export type ExamStatus = (typeof EXAM_STATUSES)[number];
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
export type GradePolicy = (typeof GRADE_POLICIES)[number];
export type EndedBy = (typeof ENDED_BY)[number];

/** A saved answer, by question id, as the attempt row keeps it. */
export type StoredAnswers = Record<string, { optionIds?: string[]; text?: string }>;

/** What grading decided for one question; `feedback` is the instructor's, from manual grading. */
export interface StoredResult {
  marks: number;
  status: "graded" | "needs_review";
  correct: boolean;
  manual?: boolean;
  feedback?: string;
}

/**
 * An exam as its author edits it. `questions` and the passing rule are the current content; once
 * published, each content change is also frozen as a row of `exams_versions` that attempts point at.
 */
export const exams = pgTable(
  "exams_exams",
  {
    id: uuid("id").primaryKey(),
    courseId: referencesCourse(uuid("course_id").notNull(), { onDelete: "cascade" }),
    title: text("title").notNull(),
    status: text("status", { enum: EXAM_STATUSES }).notNull(),
    opensAt: timestamptz("opens_at"),
    closesAt: timestamptz("closes_at"),
    durationMinutes: integer("duration_minutes"),
    maxAttempts: integer("max_attempts").notNull(),
    passingPercent: numeric("passing_percent", { precision: 6, scale: 3, mode: "number" }),
    passingMarks: marks("passing_marks"),
    shuffle: boolean("shuffle").notNull(),
    allowReview: boolean("allow_review").notNull(),
    gradePolicy: text("grade_policy", { enum: GRADE_POLICIES }).notNull(),
    questions: jsonb("questions").$type<Question[]>().notNull(),
    maxScore: marks("max_score").notNull(),
    /** The version attempts started now get; 0 until first published. */
    version: integer("version").notNull(),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
    publishedAt: timestamptz("published_at"),
  },
  (t) => [index("exams_exams_course_idx").on(t.courseId, t.createdAt)],
);

/** The graded content of a published exam, frozen: an attempt is always graded against its own version. */
export const versions = pgTable(
  "exams_versions",
  {
    examId: uuid("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    questions: jsonb("questions").$type<Question[]>().notNull(),
    maxScore: marks("max_score").notNull(),
    passingPercent: numeric("passing_percent", { precision: 6, scale: 3, mode: "number" }),
    passingMarks: marks("passing_marks"),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.examId, t.version] })],
);

export const attempts = pgTable(
  "exams_attempts",
  {
    id: uuid("id").primaryKey(),
    examId: uuid("exam_id")
      .notNull()
      .references(() => exams.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    courseId: uuid("course_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** 1 for the user's first attempt at this exam; unique, so racing starts cannot exceed the limit. */
    number: integer("number").notNull(),
    status: text("status", { enum: ATTEMPT_STATUSES }).notNull(),
    shuffle: boolean("shuffle").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    /** `min(startedAt + duration, closesAt)`; null when the exam has neither. */
    deadline: timestamptz("deadline"),
    answers: jsonb("answers").$type<StoredAnswers>().notNull(),
    submittedAt: timestamptz("submitted_at"),
    endedBy: text("ended_by", { enum: ENDED_BY }),
    results: jsonb("results").$type<Record<string, StoredResult>>(),
    score: marks("score"),
    maxScore: marks("max_score").notNull(),
    passed: boolean("passed"),
    gradedAt: timestamptz("graded_at"),
  },
  (t) => [
    uniqueIndex("exams_attempts_exam_user_number_key").on(t.examId, t.userId, t.number),
    // At most one open attempt per student and exam, whatever the races.
    uniqueIndex("exams_attempts_one_open_key").on(t.examId, t.userId).where(sql`${t.status} = 'in_progress'`),
    // The expiry job's scan: open attempts by deadline.
    index("exams_attempts_open_deadline_idx").on(t.deadline).where(sql`${t.status} = 'in_progress'`),
    index("exams_attempts_user_idx").on(t.userId, t.courseId),
    index("exams_attempts_exam_started_idx").on(t.examId, t.startedAt, t.id),
  ],
);
