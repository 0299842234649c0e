import type { AnswerInput, Question } from "./model.js";

export interface AnswerIssue {
  /** Dotted path into the request body, e.g. `answers.2.optionIds.0`. */
  path: string;
  message: string;
}

function issuesForAnswer(question: Question, answer: AnswerInput, at: string): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  if (question.type === "short_answer") {
    if (answer.optionIds !== undefined && answer.optionIds.length > 0) {
      issues.push({ path: `${at}.optionIds`, message: "A short_answer question takes text, not options." });
    }
    return issues;
  }
  if (answer.text !== undefined && answer.text !== "") {
    issues.push({ path: `${at}.text`, message: `A ${question.type} question takes optionIds, not text.` });
  }
  const optionIds = answer.optionIds ?? [];
  if (question.type !== "multiple" && optionIds.length > 1) {
    issues.push({ path: `${at}.optionIds`, message: `A ${question.type} question takes one option.` });
  }
  const own = new Set((question.options ?? []).map((option) => option.id));
  optionIds.forEach((optionId, index) => {
    if (!own.has(optionId)) {
      issues.push({
        path: `${at}.optionIds.${index}`,
        message: "This option does not belong to the question.",
      });
    }
  });
  return issues;
}

/**
 * Checks answers against an attempt's questions: each names a question of the attempt, picks
 * only that question's options, and has the shape its type takes. An empty list means valid.
 */
export function validateAnswersBelongToQuestions(
  questions: readonly Question[],
  answers: readonly AnswerInput[],
): AnswerIssue[] {
  const byId = new Map(questions.map((question) => [question.id, question]));
  return answers.flatMap((answer, index) => {
    const at = `answers.${index}`;
    const question = byId.get(answer.questionId);
    if (!question) return [{ path: `${at}.questionId`, message: "This question is not part of the exam." }];
    return issuesForAnswer(question, answer, at);
  });
}
