import type { AnswerInput, Option, Question } from "./model.js";
import { normaliseAnswer } from "./normalise.js";

export type AnswerToGrade = Pick<AnswerInput, "optionIds" | "text">;

export interface QuestionGrade {
  /** Marks earned, a multiple of 0.01 (partial credit is rounded to the nearest hundredth). */
  marks: number;
  status: "graded" | "needs_review";
  /** True only for a fully right answer. */
  correct: boolean;
}

export interface QuestionResult extends QuestionGrade {
  questionId: string;
  maxMarks: number;
}

export interface AttemptGrade {
  results: QuestionResult[];
  /** Sum of the marks of graded questions; questions needing review count 0 until reviewed. */
  score: number;
  maxScore: number;
  needsReview: boolean;
}

export interface PassingRule {
  passingPercent?: number | null;
  passingMarks?: number | null;
}

export const DEFAULT_PASSING_PERCENT = 50;

// Marks are computed in integer hundredths so sums of partial credit never drift (0.1 + 0.2).
const toHundredths = (marks: number) => Math.round(marks * 100);
const fromHundredths = (hundredths: number) => hundredths / 100;

const graded = (marks: number, full: number): QuestionGrade => ({
  marks,
  status: "graded",
  correct: marks === full,
});

function fractionForMultiple(question: Question, picked: Set<string>): number {
  const options = question.options ?? [];
  const correctIds = new Set(options.filter((o) => o.correct).map((o) => o.id));
  const right = [...picked].filter((id) => correctIds.has(id)).length;
  const wrong = picked.size - right;
  const exact = wrong === 0 && right === correctIds.size;
  switch (question.partialCredit ?? "none") {
    case "none":
      return exact ? 1 : 0;
    case "proportional":
      return exact ? 1 : Math.max(0, (right - wrong) / correctIds.size);
    case "weighted": {
      if (exact) return 1;
      const sum = options.filter((o) => picked.has(o.id)).reduce((s, o: Option) => s + (o.weight ?? 0), 0);
      return Math.min(1, Math.max(0, sum / 100));
    }
  }
}

function gradeChoice(question: Question, answer: AnswerToGrade | undefined): QuestionGrade {
  const picked = new Set(answer?.optionIds ?? []);
  if (question.type === "multiple") {
    const fraction = fractionForMultiple(question, picked);
    const hundredths = Math.round(fraction * question.marks * 100);
    return { marks: fromHundredths(hundredths), status: "graded", correct: fraction === 1 };
  }
  const correctId = question.options?.find((o) => o.correct)?.id;
  const right = picked.size === 1 && correctId !== undefined && picked.has(correctId);
  return graded(right ? question.marks : 0, question.marks);
}

function gradeShortAnswer(question: Question, answer: AnswerToGrade | undefined): QuestionGrade {
  const given = normaliseAnswer(answer?.text ?? "");
  // An empty answer is simply wrong: there is nothing for the instructor to review.
  if (given === "") return graded(0, question.marks);
  const accepted = (question.accepted ?? []).map(normaliseAnswer);
  if (accepted.includes(given)) return graded(question.marks, question.marks);
  return { marks: 0, status: "needs_review", correct: false };
}

/** Grades one question; a missing answer earns 0. */
export function gradeQuestion(question: Question, answer: AnswerToGrade | undefined): QuestionGrade {
  return question.type === "short_answer"
    ? gradeShortAnswer(question, answer)
    : gradeChoice(question, answer);
}

/** Grades an attempt's saved answers, in the order of `questions`. */
export function gradeAttempt(
  questions: readonly Question[],
  answers: readonly (AnswerToGrade & { questionId: string })[],
): AttemptGrade {
  const byQuestion = new Map(answers.map((answer) => [answer.questionId, answer]));
  let score = 0;
  let maxScore = 0;
  const results = questions.map((question): QuestionResult => {
    const grade = gradeQuestion(question, byQuestion.get(question.id));
    score += toHundredths(grade.marks);
    maxScore += toHundredths(question.marks);
    return { questionId: question.id, maxMarks: question.marks, ...grade };
  });
  return {
    results,
    score: fromHundredths(score),
    maxScore: fromHundredths(maxScore),
    needsReview: results.some((result) => result.status === "needs_review"),
  };
}

/** Whether a score passes: `passingMarks` if set, else `passingPercent`, else 50%. */
export function passed(score: number, maxScore: number, rule: PassingRule = {}): boolean {
  if (rule.passingMarks !== undefined && rule.passingMarks !== null) {
    return toHundredths(score) >= toHundredths(rule.passingMarks);
  }
  const percent = rule.passingPercent ?? DEFAULT_PASSING_PERCENT;
  // Compared in hundredths of marks × percent, so 50% of 3 marks is exactly 1.5.
  return toHundredths(score) * 100 >= percent * toHundredths(maxScore);
}
