import type { ImportFormat, ImportWarning } from "./result.js";

/** The text could not be read: a syntax error at `line` (1-based). Maps to a 422 naming the line. */
export class QuestionImportError extends Error {
  override readonly name = "QuestionImportError";
  readonly type = "question-import-syntax";

  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`Line ${line}: ${reason}`);
  }
}

/** The text was readable but held no question the model can represent; `warnings` say why. */
export class NoImportableQuestionsError extends Error {
  override readonly name = "NoImportableQuestionsError";
  readonly type = "nothing-importable";

  constructor(
    readonly format: ImportFormat,
    readonly warnings: ImportWarning[],
  ) {
    super(
      warnings.length > 0
        ? `No question could be imported from this ${format} text (${warnings.length} skipped).`
        : `No question was found in this ${format} text.`,
    );
  }
}
