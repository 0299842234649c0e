import { importAiken } from "./aiken.js";
import { NoImportableQuestionsError } from "./errors.js";
import { importGift } from "./gift.js";
import type { ImportedQuestions, ImportFormat } from "./result.js";

export interface ImportOptions {
  /** Leave out to detect the format from the text. */
  format?: ImportFormat;
  /** Marks per imported question (default 1): neither format carries marks. */
  marks?: number;
}

const AIKEN_ANSWER = /^[ \t]*ANSWER:[ \t]*[A-Z][ \t]*$/m;
const AIKEN_OPTION = /^[ \t]*[A-Z][.)][ \t]+\S/m;

/** Aiken when the text has Aiken's option and ANSWER: lines; GIFT otherwise. */
export function detectFormat(text: string): ImportFormat {
  return AIKEN_ANSWER.test(text) && AIKEN_OPTION.test(text) ? "aiken" : "gift";
}

/**
 * Imports GIFT or Aiken text into exam questions, with a warning per question it could not import.
 * Does not enforce `maxQuestions`: the caller decides what to do with too many.
 * Throws `QuestionImportError` (syntax, with line) or `NoImportableQuestionsError` (nothing usable).
 */
export function importQuestions(text: string, options: ImportOptions = {}): ImportedQuestions {
  const format = options.format ?? detectFormat(text);
  const result = format === "aiken" ? importAiken(text, options) : importGift(text, options);
  if (result.questions.length === 0) throw new NoImportableQuestionsError(format, result.warnings);
  return result;
}

export { importAiken } from "./aiken.js";
export { NoImportableQuestionsError, QuestionImportError } from "./errors.js";
export { importGift } from "./gift.js";
export type { ImportedQuestions, ImportFormat, ImportWarning } from "./result.js";
