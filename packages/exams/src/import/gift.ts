import {
  type GIFTQuestion,
  SyntaxError as GiftSyntaxError,
  type MultipleChoice,
  parse,
  type ShortAnswer,
  type TextChoice,
  type TrueFalse,
} from "gift-pegjs";
import type { OptionInput } from "../model.js";
import { QuestionImportError } from "./errors.js";
import { escapeLooseCharacters } from "./gift-escapes.js";
import { ImportCollector, type ImportedQuestions, splitLines } from "./result.js";

export interface GiftImportOptions {
  /** Marks for every imported question: GIFT has no marks of its own. */
  marks?: number;
}

interface Block {
  /** 1-based line of the block's first line. */
  line: number;
  lines: string[];
}

// Moodle's own importer separates questions by blank lines; splitting the same way gives each question its line.
function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  splitLines(text).forEach((line, index) => {
    if (line.trim() === "") {
      current = undefined;
      return;
    }
    if (!current) {
      current = { line: index + 1, lines: [] };
      blocks.push(current);
    }
    current.lines.push(line);
  });
  return blocks;
}

const CATEGORY = /^\s*\$CATEGORY:\s*(.*)$/;
const COMMENT = /^\s*\/\//;

interface Context {
  collector: ImportCollector;
  marks: number;
  category: string | undefined;
}

const text = (choice: TextChoice) => choice.text.text.trim();
const feedbackOf = (value: { text: string } | null | undefined) => value?.text.trim() || undefined;

// Missing-word questions come back as "costs _____ to" but also "a phospholipid _____ ."
const BLANK_BEFORE_PUNCTUATION = /_____ ([.,;:!?])/g;

// Moodle writes categories as `$course$/top/Biology/Cells`; the context prefix means nothing outside Moodle.
function categoryName(path: string): string | undefined {
  return (
    path
      .trim()
      .replace(/^\$\w+\$\//, "")
      .replace(/^top(\/|$)/, "") || undefined
  );
}

function common(question: Exclude<GIFTQuestion, { type: "Category" }>, context: Context) {
  return {
    prompt: question.stem.text.trim().replace(BLANK_BEFORE_PUNCTUATION, "_____$1"),
    marks: context.marks,
    ...(question.title ? { title: question.title.trim() } : {}),
    ...(context.category ? { category: context.category } : {}),
    ...("globalFeedback" in question && question.globalFeedback
      ? { feedback: feedbackOf(question.globalFeedback) }
      : {}),
  };
}

function toOption(choice: TextChoice, correct: boolean, weight?: number): OptionInput {
  const feedback = feedbackOf(choice.feedback);
  return {
    text: text(choice),
    correct,
    ...(weight !== undefined ? { weight } : {}),
    ...(feedback ? { feedback } : {}),
  };
}

// Mirrors Moodle: an `=` answer makes it single-choice; only `~` answers (with %weights) make it multi-select.
function mapMultipleChoice(question: MultipleChoice, line: number, context: Context): void {
  const { collector } = context;
  const correct = question.choices.filter((choice) => choice.isCorrect);
  if (correct.length > 1) {
    collector.warn(
      line,
      `Question not imported: it marks ${correct.length} answers with "="; a single-choice question has one right answer.`,
    );
    return;
  }
  if (correct.length === 1) {
    if (question.choices.some((choice) => !choice.isCorrect && (choice.weight ?? 0) > 0)) {
      collector.warn(
        line,
        "Partial credit on wrong answers (~%n%) is not supported; the question is all or nothing.",
      );
    }
    collector.add(line, {
      ...common(question, context),
      type: "single",
      options: question.choices.map((choice) => toOption(choice, choice.isCorrect)),
    });
    return;
  }
  const weighted = question.choices.some((choice) => choice.weight !== null);
  collector.add(line, {
    ...common(question, context),
    type: "multiple",
    ...(weighted ? { partialCredit: "weighted" } : {}),
    options: question.choices.map((choice) => {
      const weight = choice.weight ?? 0;
      return toOption(choice, weight > 0, weighted ? weight : undefined);
    }),
  });
}

function mapShortAnswer(question: ShortAnswer, line: number, context: Context): void {
  const full = question.choices.filter((choice) => choice.weight === null || choice.weight === 100);
  if (full.length < question.choices.length) {
    context.collector.warn(
      line,
      "Short answers with partial credit (=%n%) are not supported; only fully right answers were kept.",
    );
  }
  context.collector.add(line, {
    ...common(question, context),
    type: "short_answer",
    accepted: full.map(text),
  });
}

// Moodle's order is {T#feedback for a wrong answer#feedback for a right answer}; gift-pegjs names them true/false positionally.
function mapTrueFalse(question: TrueFalse, line: number, context: Context): void {
  const wrongFeedback = feedbackOf(question.trueFeedback);
  const rightFeedback = feedbackOf(question.falseFeedback);
  const option = (label: string, correct: boolean): OptionInput => {
    const feedback = correct ? rightFeedback : wrongFeedback;
    return { text: label, correct, ...(feedback ? { feedback } : {}) };
  };
  context.collector.add(line, {
    ...common(question, context),
    type: "true_false",
    options: [option("True", question.isTrue), option("False", !question.isTrue)],
  });
}

const UNSUPPORTED: Record<string, string> = {
  Matching: "Matching questions (->) are not supported",
  Numerical: "Numerical questions ({#...}) are not supported",
  Essay: "Essay questions ({}) are not supported",
  Description: "Description items carry no question",
};

function mapQuestion(question: GIFTQuestion, line: number, context: Context): void {
  switch (question.type) {
    case "Category":
      context.category = categoryName(question.title);
      return;
    case "MC":
      mapMultipleChoice(question, line, context);
      return;
    case "Short":
      mapShortAnswer(question, line, context);
      return;
    case "TF":
      mapTrueFalse(question, line, context);
      return;
    default:
      context.collector.warn(
        line,
        `${UNSUPPORTED[question.type] ?? `"${question.type}" items are not supported`}; skipped.`,
      );
  }
}

function parseBlock(source: string, firstLine: number): GIFTQuestion[] {
  try {
    return parse(escapeLooseCharacters(source));
  } catch (error) {
    if (error instanceof GiftSyntaxError) {
      // Running off the end means something opened on the question's first line was never closed.
      if (error.found === null) {
        throw new QuestionImportError(
          firstLine,
          `${error.message} The question starting here is unfinished.`,
        );
      }
      throw new QuestionImportError(firstLine + error.location.start.line - 1, error.message);
    }
    throw error;
  }
}

/** Reads Moodle GIFT text. Throws `QuestionImportError` with the line of the first syntax error. */
export function importGift(source: string, options: GiftImportOptions = {}): ImportedQuestions {
  const context: Context = {
    collector: new ImportCollector(),
    marks: options.marks ?? 1,
    category: undefined,
  };
  for (const block of splitBlocks(source)) {
    // Leading comments and $CATEGORY lines are handled here: gift-pegjs wants a blank line after a category.
    let start = 0;
    while (start < block.lines.length) {
      const line = block.lines[start]!;
      const category = CATEGORY.exec(line);
      if (category) context.category = categoryName(category[1]!);
      else if (!COMMENT.test(line)) break;
      start++;
    }
    if (start === block.lines.length) continue;
    const line = block.line + start;
    for (const question of parseBlock(block.lines.slice(start).join("\n"), line)) {
      mapQuestion(question, line, context);
    }
  }
  return context.collector.result("gift");
}
