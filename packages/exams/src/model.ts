import { z } from "@hono/zod-openapi";

export const QUESTION_TYPES = ["single", "multiple", "true_false", "short_answer"] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/**
 * How a `multiple` question earns marks short of a perfect answer.
 * - `none` (the default): all or nothing.
 * - `proportional`: (right picks − wrong picks) / number of correct options, floored at 0.
 * - `weighted`: the sum of the picked options' `weight` (percent, Moodle style), clamped to 0..100.
 */
export const PARTIAL_CREDIT_RULES = ["none", "proportional", "weighted"] as const;
export type PartialCreditRule = (typeof PARTIAL_CREDIT_RULES)[number];

export const DEFAULT_MAX_QUESTIONS = 10;

/** Which of a student's attempts counts in the gradebook. */
export const GRADE_POLICIES = ["best", "last"] as const;

/** Field limits, exported so importers and UIs can tell authors before the API does. */
export const LIMITS = {
  title: 200,
  questionTitle: 200,
  category: 255,
  prompt: 5000,
  optionText: 1000,
  feedback: 2000,
  minOptions: 2,
  maxOptions: 10,
  maxAccepted: 20,
  acceptedText: 200,
  answerText: 2000,
  minMarks: 1,
  maxMarks: 5,
  maxDurationMinutes: 7 * 24 * 60,
  maxAttempts: 100,
} as const;

// Tolerance for weights such as 3 × 33.33333 that mean 100%.
const WEIGHT_SUM_TOLERANCE = 0.01;

const id = z.uuid();
const text = (max: number) => z.string().trim().min(1).max(max);

export const optionInputSchema = z
  .object({
    id: id.optional(),
    text: text(LIMITS.optionText),
    correct: z.boolean(),
    weight: z
      .number()
      .min(-100)
      .max(100)
      .optional()
      .openapi({ description: "Percent of the marks this pick earns; only with partialCredit `weighted`." }),
    feedback: z.string().trim().max(LIMITS.feedback).optional(),
  })
  .openapi("ExamQuestionOption");

const questionShape = z.object({
  id: id.optional(),
  type: z.enum(QUESTION_TYPES),
  prompt: text(LIMITS.prompt),
  marks: z.number().int().min(LIMITS.minMarks).max(LIMITS.maxMarks),
  options: z.array(optionInputSchema).max(LIMITS.maxOptions).optional(),
  accepted: z.array(text(LIMITS.acceptedText)).max(LIMITS.maxAccepted).optional(),
  feedback: z.string().trim().max(LIMITS.feedback).optional(),
  partialCredit: z.enum(PARTIAL_CREDIT_RULES).optional(),
  title: z.string().trim().max(LIMITS.questionTitle).optional(),
  category: z.string().trim().max(LIMITS.category).optional(),
});

type QuestionShape = z.infer<typeof questionShape>;
type Issue = { path: (string | number)[]; message: string };

function countCorrect(question: QuestionShape): number {
  return (question.options ?? []).filter((option) => option.correct).length;
}

function choiceIssues(question: QuestionShape): Issue[] {
  const options = question.options;
  if (!options || options.length < LIMITS.minOptions) {
    return [{ path: ["options"], message: `A ${question.type} question needs at least 2 options.` }];
  }
  const issues: Issue[] = [];
  if (question.accepted !== undefined) {
    issues.push({ path: ["accepted"], message: "Only short_answer questions have accepted answers." });
  }
  const correct = countCorrect(question);
  if (question.type === "true_false" && options.length !== 2) {
    issues.push({ path: ["options"], message: "A true_false question has exactly 2 options." });
  }
  if (question.type !== "multiple" && correct !== 1) {
    issues.push({
      path: ["options"],
      message: `A ${question.type} question needs exactly one correct option; it has ${correct}.`,
    });
  }
  if (question.type === "multiple" && correct < 1) {
    issues.push({ path: ["options"], message: "A multiple question needs at least one correct option." });
  }
  const seenTexts = new Set<string>();
  const seenIds = new Set<string>();
  options.forEach((option, index) => {
    const key = option.text.toLowerCase();
    if (seenTexts.has(key)) {
      issues.push({ path: ["options", index, "text"], message: "Two options have the same text." });
    }
    seenTexts.add(key);
    if (option.id !== undefined) {
      if (seenIds.has(option.id)) {
        issues.push({ path: ["options", index, "id"], message: "Two options have the same id." });
      }
      seenIds.add(option.id);
    }
  });
  return issues;
}

function partialCreditIssues(question: QuestionShape): Issue[] {
  const rule = question.partialCredit;
  const options = question.options ?? [];
  if (rule !== undefined && rule !== "none" && question.type !== "multiple") {
    return [{ path: ["partialCredit"], message: "Partial credit applies to multiple questions only." }];
  }
  const issues: Issue[] = [];
  if (rule !== "weighted") {
    options.forEach((option, index) => {
      if (option.weight !== undefined) {
        issues.push({
          path: ["options", index, "weight"],
          message: "Option weights are used only with partialCredit `weighted`.",
        });
      }
    });
    return issues;
  }
  let positive = 0;
  options.forEach((option, index) => {
    if (option.weight === undefined) {
      issues.push({ path: ["options", index, "weight"], message: "Every option needs a weight." });
      return;
    }
    if (option.weight > 0 !== option.correct) {
      issues.push({
        path: ["options", index, "weight"],
        message: "A correct option has a positive weight and a wrong one a weight of 0 or less.",
      });
    }
    if (option.weight > 0) positive += option.weight;
  });
  if (issues.length === 0 && Math.abs(positive - 100) > WEIGHT_SUM_TOLERANCE) {
    issues.push({
      path: ["options"],
      message: `The positive weights must add up to 100; they add up to ${positive}.`,
    });
  }
  return issues;
}

function shortAnswerIssues(question: QuestionShape): Issue[] {
  const issues: Issue[] = [];
  if (question.options !== undefined) {
    issues.push({ path: ["options"], message: "A short_answer question has no options." });
  }
  if (!question.accepted || question.accepted.length === 0) {
    issues.push({
      path: ["accepted"],
      message: "A short_answer question needs at least one accepted answer.",
    });
  }
  return issues;
}

export const questionInputSchema = questionShape
  .superRefine((question, ctx) => {
    const issues = [
      ...(question.type === "short_answer" ? shortAnswerIssues(question) : choiceIssues(question)),
      ...partialCreditIssues(question),
    ];
    for (const issue of issues) ctx.addIssue({ code: "custom", ...issue });
  })
  .openapi("ExamQuestionInput");

export type OptionInput = z.infer<typeof optionInputSchema>;
export type QuestionInput = z.infer<typeof questionInputSchema>;

/** A question as stored: every question and option has its id. */
export type Option = OptionInput & { id: string };
export type Question = Omit<QuestionInput, "id" | "options"> & { id: string; options?: Option[] };

export interface ExamSchemaOptions {
  maxQuestions?: number;
}

export function totalMarks(questions: readonly { marks: number }[]): number {
  return questions.reduce((sum, question) => sum + question.marks, 0);
}

/** Builds the exam input schema; `maxQuestions` is the plugin option (default 10). */
export function examInputSchema({ maxQuestions = DEFAULT_MAX_QUESTIONS }: ExamSchemaOptions = {}) {
  return z
    .object({
      title: text(LIMITS.title),
      opensAt: z.iso.datetime({ offset: true }).optional(),
      closesAt: z.iso.datetime({ offset: true }).optional(),
      durationMinutes: z.number().int().min(1).max(LIMITS.maxDurationMinutes).optional(),
      maxAttempts: z.number().int().min(1).max(LIMITS.maxAttempts).optional(),
      passingPercent: z.number().min(0).max(100).optional(),
      passingMarks: z.number().min(0).optional(),
      shuffle: z.boolean().optional(),
      allowReview: z.boolean().optional(),
      gradePolicy: z
        .enum(GRADE_POLICIES)
        .optional()
        .openapi({ description: "Which attempt counts in grades: the best (default) or the last." }),
      questions: z
        .array(questionInputSchema)
        .min(1)
        .max(maxQuestions, { message: `An exam holds at most ${maxQuestions} questions.` }),
    })
    .superRefine((exam, ctx) => {
      if (exam.opensAt && exam.closesAt && Date.parse(exam.closesAt) <= Date.parse(exam.opensAt)) {
        ctx.addIssue({ code: "custom", path: ["closesAt"], message: "closesAt must be after opensAt." });
      }
      if (exam.passingPercent !== undefined && exam.passingMarks !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["passingMarks"],
          message: "Give passingPercent or passingMarks, not both.",
        });
      }
      const maxScore = totalMarks(exam.questions);
      if (exam.passingMarks !== undefined && exam.passingMarks > maxScore) {
        ctx.addIssue({
          code: "custom",
          path: ["passingMarks"],
          message: `passingMarks (${exam.passingMarks}) exceeds the exam's ${maxScore} marks.`,
        });
      }
      const seen = new Set<string>();
      exam.questions.forEach((question, index) => {
        if (question.id === undefined) return;
        if (seen.has(question.id)) {
          ctx.addIssue({
            code: "custom",
            path: ["questions", index, "id"],
            message: "Two questions have the same id.",
          });
        }
        seen.add(question.id);
      });
    })
    .openapi("ExamInput");
}

export type ExamInput = z.infer<ReturnType<typeof examInputSchema>>;

export const answerInputSchema = z
  .object({
    questionId: id,
    optionIds: z.array(id).max(LIMITS.maxOptions).optional(),
    text: z.string().max(LIMITS.answerText).optional(),
  })
  .openapi("ExamAnswerInput");

// The cap is generous: the service checks answers against the attempt's own questions.
export const answersInputSchema = z
  .object({ answers: z.array(answerInputSchema).max(100) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.answers.forEach((answer, index) => {
      if (seen.has(answer.questionId)) {
        ctx.addIssue({
          code: "custom",
          path: ["answers", index, "questionId"],
          message: "This question is answered twice in one request.",
        });
      }
      seen.add(answer.questionId);
      if (answer.optionIds && new Set(answer.optionIds).size !== answer.optionIds.length) {
        ctx.addIssue({
          code: "custom",
          path: ["answers", index, "optionIds"],
          message: "An option is picked twice.",
        });
      }
    });
  })
  .openapi("ExamAnswersInput");

export type AnswerInput = z.infer<typeof answerInputSchema>;
export type AnswersInput = z.infer<typeof answersInputSchema>;

/** Gives every question and option without an id a fresh one; ids must be random (v4), not time-ordered, or they would reveal author order. */
export function assignQuestionIds(
  questions: readonly QuestionInput[],
  newId: () => string = () => crypto.randomUUID(),
): Question[] {
  return questions.map((question) => {
    const withId: Question = { ...question, id: question.id ?? newId() } as Question;
    if (question.options) {
      withId.options = question.options.map((option) => ({ ...option, id: option.id ?? newId() }));
    }
    return withId;
  });
}
