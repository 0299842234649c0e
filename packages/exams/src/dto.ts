/**
 * The response bodies of the exams API: the one definition of each DTO. The OpenAPI document is
 * generated from these schemas and the service's return types are inferred from them, so the
 * documented and the returned shapes cannot drift apart.
 */
import { pageOf, z } from "@lectern/core";
import { GRADE_POLICIES, QUESTION_TYPES } from "./model.js";
import { ATTEMPT_STATUSES, ENDED_BY, EXAM_STATUSES } from "./schema.js";

export const QuestionSchema = z
  .object({
    id: z.string(),
    type: z.enum(QUESTION_TYPES),
    prompt: z.string(),
    marks: z.number(),
    options: z
      .array(
        z.object({
          id: z.string(),
          text: z.string(),
          correct: z.boolean(),
          weight: z.number().optional(),
          feedback: z.string().optional(),
        }),
      )
      .optional(),
    accepted: z.array(z.string()).optional(),
    feedback: z.string().optional(),
    partialCredit: z.string().optional(),
    title: z.string().optional(),
    category: z.string().optional(),
  })
  .openapi("ExamQuestion");

export const ExamSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    title: z.string(),
    status: z.enum(EXAM_STATUSES),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    durationMinutes: z.number().int().nullable(),
    maxAttempts: z.number().int(),
    passingPercent: z.number().nullable(),
    passingMarks: z.number().nullable(),
    maxScore: z.number(),
    questionCount: z.number().int(),
    questions: z.array(QuestionSchema).nullable().openapi({
      description: "With the key, for the course owner; null for students, who see questions in an attempt",
    }),
    shuffle: z.boolean(),
    allowReview: z.boolean(),
    gradePolicy: z.enum(GRADE_POLICIES),
    version: z
      .number()
      .int()
      .openapi({ description: "0 for a draft; each published change of graded content adds one" }),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
  })
  .openapi("Exam");

export const ResultSchema = z.object({
  marks: z.number(),
  status: z.enum(["graded", "needs_review"]),
  correct: z.boolean(),
  manual: z.boolean().optional(),
  feedback: z.string().optional(),
});

export const AttemptQuestionSchema = z
  .object({
    id: z.string(),
    type: z.enum(QUESTION_TYPES),
    prompt: z.string(),
    marks: z.number(),
    options: z
      .array(
        z.object({
          id: z.string(),
          text: z.string(),
          correct: z.boolean().optional(),
          weight: z.number().optional(),
          feedback: z.string().optional(),
        }),
      )
      .optional(),
    accepted: z.array(z.string()).optional(),
    feedback: z.string().optional(),
    partialCredit: z.string().optional(),
    result: ResultSchema.optional(),
  })
  .openapi("AttemptQuestion", {
    description:
      "`correct`, `accepted`, `feedback` and `result` appear only once the attempt has ended, and for students only if the exam allows review",
  });

export const AttemptSchema = z
  .object({
    id: z.string(),
    examId: z.string(),
    userId: z.string(),
    number: z.number().int(),
    status: z.enum(ATTEMPT_STATUSES),
    startedAt: z.string(),
    deadline: z
      .string()
      .nullable()
      .openapi({ description: "min(startedAt + duration, closesAt), set by the server" }),
    submittedAt: z.string().nullable(),
    endedBy: z.enum(ENDED_BY).nullable(),
    score: z.number().nullable(),
    maxScore: z.number(),
    passed: z.boolean().nullable(),
    review: z.boolean(),
    questions: z.array(AttemptQuestionSchema),
    answers: z.array(
      z.object({
        questionId: z.string(),
        optionIds: z.array(z.string()).optional(),
        text: z.string().optional(),
      }),
    ),
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }).optional(),
  })
  .openapi("Attempt");

export const GradeSchema = z.object({
  examId: z.string(),
  attemptId: z.string().nullable(),
  attempts: z.number().int(),
  status: z.enum(ATTEMPT_STATUSES).nullable(),
  score: z.number().nullable(),
  maxScore: z.number(),
  passed: z.boolean().nullable(),
  gradedAt: z.string().nullable(),
});

export const MyGradeSchema = GradeSchema.extend({
  courseId: z.string(),
  courseTitle: z.string(),
  examTitle: z.string(),
  gradePolicy: z.enum(GRADE_POLICIES),
}).openapi("MyGrade");

export const GradebookSchema = pageOf(
  z.object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    grades: z.array(GradeSchema),
  }),
)
  .extend({
    exams: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        maxScore: z.number(),
        gradePolicy: z.enum(GRADE_POLICIES),
      }),
    ),
  })
  .openapi("Gradebook");

export const WarningSchema = z.object({ line: z.number().int(), message: z.string() });
