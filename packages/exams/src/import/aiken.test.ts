import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importAiken } from "./aiken.js";
import { QuestionImportError } from "./errors.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function errorAt(text: string): { line: number; reason: string } {
  try {
    importAiken(text);
  } catch (error) {
    expect(error).toBeInstanceOf(QuestionImportError);
    const { line, reason } = error as QuestionImportError;
    return { line, reason };
  }
  throw new Error("expected a QuestionImportError");
}

describe("importAiken", () => {
  it("imports single-choice questions with A. and A) options and multi-line prompts", () => {
    const { format, questions, warnings } = importAiken(fixture("geography.aiken"));
    expect(format).toBe("aiken");
    expect(warnings).toEqual([]);
    expect(questions.map((q) => [q.type, q.prompt, q.options!.find((o) => o.correct)!.text])).toEqual([
      ["single", "What is the capital of Australia?", "Canberra"],
      ["single", "Which river flows through Cairo?", "The Nile"],
      ["single", "Which of these countries is landlocked?\nChoose one.", "Bolivia"],
    ]);
    expect(questions[0]!.options).toHaveLength(4);
    expect(questions[0]!.marks).toBe(1);
  });

  it("does not need blank lines between questions and takes marks", () => {
    const { questions } = importAiken("Q1?\nA. a\nB. b\nANSWER: B\nQ2?\nA. c\nB. d\nANSWER:A\n", {
      marks: 2,
    });
    expect(questions.map((q) => q.marks)).toEqual([2, 2]);
    expect(questions[1]!.options![0]!.correct).toBe(true);
  });

  it("reports a question over the model's limits as a warning at its line", () => {
    const options = "ABCDEFGHIJK"
      .split("")
      .map((l) => `${l}. option ${l}`)
      .join("\n");
    const { questions, warnings } = importAiken(
      `Too many?\n${options}\nANSWER: A\n\nFine?\nA. yes\nB. no\nANSWER: A`,
    );
    expect(questions).toHaveLength(1);
    expect(warnings).toEqual([
      { line: 1, message: expect.stringMatching(/^Question not imported: options:/) },
    ]);
  });

  it("refuses an ANSWER that names no option, at the ANSWER line", () => {
    expect(errorAt("Q?\nA. a\nB. b\nANSWER: C")).toEqual({
      line: 4,
      reason: 'ANSWER: "C" names none of the options A, B.',
    });
    expect(errorAt("Q?\nA. a\nB. b\nANSWER:").line).toBe(4);
  });

  it("refuses a question without ANSWER, at the question's line", () => {
    expect(errorAt("Q1?\nA. a\nB. b\nANSWER: A\n\nQ2?\nA. a\nB. b\n")).toEqual({
      line: 6,
      reason: "This question has no ANSWER: line.",
    });
  });

  it("refuses text after the options, a lone ANSWER, one option, and a repeated letter", () => {
    expect(errorAt("Q?\nA. a\nB. b\nsomething else\nANSWER: A").line).toBe(4);
    expect(errorAt("ANSWER: A").line).toBe(1);
    expect(errorAt("Q?\nA. a\nANSWER: A").line).toBe(3);
    expect(errorAt("Q?\nA. a\nA. b\nANSWER: A").line).toBe(3);
  });

  it("reads a first line that looks like an option as the question", () => {
    const { questions } = importAiken("A. Lincoln was which president?\nA. 16th\nB. 1st\nANSWER: A");
    expect(questions[0]!.prompt).toBe("A. Lincoln was which president?");
  });
});
