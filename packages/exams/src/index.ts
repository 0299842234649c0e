export { type AnswerIssue, validateAnswersBelongToQuestions } from "./answers.js";
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
export { attemptSeed, type StudentQuestion, seededShuffle, studentView } from "./shuffle.js";
