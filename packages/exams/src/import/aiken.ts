import type { OptionInput } from "../model.js";
import { QuestionImportError } from "./errors.js";
import { ImportCollector, type ImportedQuestions, splitLines } from "./result.js";

export interface AikenImportOptions {
  /** Marks for every imported question: Aiken has no marks of its own. */
  marks?: number;
}

const OPTION = /^([A-Z])[.)]\s+(.*)$/;
const ANSWER = /^ANSWER:\s*(\S*)\s*$/;

interface Pending {
  line: number;
  prompt: string[];
  options: { letter: string; text: string }[];
}

/**
 * Reads Aiken text: a question (one or more lines), options `A.` or `A)`, then `ANSWER: X`.
 * Every Aiken question is single-choice. Throws `QuestionImportError` at the offending line.
 */
export function importAiken(source: string, options: AikenImportOptions = {}): ImportedQuestions {
  const collector = new ImportCollector();
  const marks = options.marks ?? 1;
  let pending: Pending | undefined;

  splitLines(source).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === "") return;
    const answer = ANSWER.exec(line);
    if (answer) {
      if (!pending) throw new QuestionImportError(lineNumber, "ANSWER: without a question before it.");
      const letter = answer[1]!;
      if (pending.options.length < 2) {
        throw new QuestionImportError(
          lineNumber,
          "A question needs at least two options (A. …, B. …) before ANSWER:.",
        );
      }
      if (!pending.options.some((option) => option.letter === letter)) {
        throw new QuestionImportError(
          lineNumber,
          `ANSWER: "${letter}" names none of the options ${pending.options.map((o) => o.letter).join(", ")}.`,
        );
      }
      collector.add(pending.line, {
        type: "single",
        prompt: pending.prompt.join("\n"),
        marks,
        options: pending.options.map(
          (option): OptionInput => ({
            text: option.text,
            correct: option.letter === letter,
          }),
        ),
      });
      pending = undefined;
      return;
    }
    const option = OPTION.exec(line);
    if (option && pending && pending.prompt.length > 0) {
      const letter = option[1]!;
      if (pending.options.some((o) => o.letter === letter)) {
        throw new QuestionImportError(lineNumber, `Option ${letter} appears twice.`);
      }
      pending.options.push({ letter, text: option[2]!.trim() });
      return;
    }
    if (pending && pending.options.length > 0) {
      throw new QuestionImportError(lineNumber, "Expected an option (A. …) or ANSWER: after the options.");
    }
    pending ??= { line: lineNumber, prompt: [], options: [] };
    pending.prompt.push(line);
  });

  if (pending) throw new QuestionImportError(pending.line, "This question has no ANSWER: line.");
  return collector.result("aiken");
}
