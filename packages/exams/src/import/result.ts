import { type QuestionInput, questionInputSchema } from "../model.js";

export type ImportFormat = "gift" | "aiken";

export interface ImportWarning {
  /** 1-based line where the question that was not imported starts. */
  line: number;
  message: string;
}

export interface ImportedQuestions {
  format: ImportFormat;
  questions: QuestionInput[];
  warnings: ImportWarning[];
}

/** Collects mapped questions, turning any that break the model's limits into warnings rather than truncating them. */
export class ImportCollector {
  readonly questions: QuestionInput[] = [];
  readonly warnings: ImportWarning[] = [];

  warn(line: number, message: string): void {
    this.warnings.push({ line, message });
  }

  add(line: number, candidate: unknown): void {
    const parsed = questionInputSchema.safeParse(candidate);
    if (parsed.success) {
      this.questions.push(parsed.data);
      return;
    }
    const reasons = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    );
    this.warn(line, `Question not imported: ${reasons.join("; ")}`);
  }

  result(format: ImportFormat): ImportedQuestions {
    return { format, questions: this.questions, warnings: this.warnings };
  }
}

/** Unix line ends and no byte-order mark, so line numbers match what an editor shows. */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
}
