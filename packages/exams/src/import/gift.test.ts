import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NoImportableQuestionsError, QuestionImportError } from "./errors.js";
import { importGift } from "./gift.js";
import { escapeLooseCharacters } from "./gift-escapes.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function syntaxErrorOf(text: string): QuestionImportError {
  try {
    importGift(text);
  } catch (error) {
    expect(error).toBeInstanceOf(QuestionImportError);
    return error as QuestionImportError;
  }
  throw new Error("expected a QuestionImportError");
}

describe("importGift: the Biology 101 export", () => {
  const { questions, warnings } = importGift(fixture("biology.gift"));

  it("imports every question, with titles and categories, and no warnings", () => {
    expect(warnings).toEqual([]);
    expect(questions.map((q) => [q.title, q.type, q.category])).toEqual([
      ["Powerhouse", "single", "Biology 101/Cells"],
      ["Plant cells", "true_false", "Biology 101/Cells"],
      ["Prokaryotes", "true_false", "Biology 101/Cells"],
      ["Which are eukaryotes", "multiple", "Biology 101/Cells"],
      ["Membrane", "short_answer", "Biology 101/Cells"],
      ["Osmosis", "short_answer", "Biology 101/Cells"],
      ["Base pairing", "single", "Biology 101/Genetics"],
      ["Escapes", "single", "Biology 101/Genetics"],
      ["Ratio", "single", "Biology 101/Genetics"],
    ]);
    expect(questions.every((q) => q.marks === 1)).toBe(true);
  });

  it("keeps per-answer feedback and the general feedback (####)", () => {
    const powerhouse = questions[0]!;
    expect(powerhouse.feedback).toBe("Cellular respiration, stage 3.");
    expect(powerhouse.options![0]).toEqual({
      text: "Mitochondrion",
      correct: true,
      feedback: "Right: oxidative phosphorylation happens in the inner membrane.",
    });
  });

  it("reads true/false with Moodle's feedback order: wrong answer first, then right answer", () => {
    expect(questions[1]!.options).toEqual([
      { text: "True", correct: true, feedback: "Yes: cellulose microfibrils." },
      { text: "False", correct: false, feedback: "Plant cell walls are mostly cellulose; check again." },
    ]);
    expect(questions[2]!.options).toEqual([
      { text: "True", correct: false },
      { text: "False", correct: true },
    ]);
  });

  it("turns a %-weighted multi-select into a weighted multiple question", () => {
    expect(questions[3]).toMatchObject({
      prompt: "Which of these organisms are eukaryotes?",
      partialCredit: "weighted",
      options: [
        { text: "Yeast", correct: true, weight: 50 },
        { text: "Amoeba", correct: true, weight: 50 },
        { text: "E. coli", correct: false, weight: -100 },
        { text: "Archaea", correct: false, weight: -100 },
      ],
    });
  });

  it("imports missing-word questions with the blank in the prompt", () => {
    expect(questions[4]).toMatchObject({
      prompt: "The cell membrane is a phospholipid _____.",
      accepted: ["bilayer", "bi-layer", "double layer"],
    });
    expect(questions[6]!.prompt).toBe("In DNA, adenine pairs with _____.");
  });

  it("unescapes \\{ \\} \\: in questions and answers", () => {
    expect(questions[7]!.options!.map((o) => o.text)).toEqual(["{1, 2}", "(1, 2)", "[1, 2]"]);
    expect(questions[8]!.prompt).toBe(
      "What ratio does a monohybrid cross of two heterozygotes give: dominant to recessive?",
    );
    expect(questions[8]!.options!.map((o) => o.text)).toEqual(["3:1", "1:1", "9:3:3:1"]);
  });
});

describe("importGift: Moodle's documentation examples", () => {
  const { questions, warnings } = importGift(fixture("moodle-docs.gift"));

  it("imports true/false, multiple choice and fill-in-the-blank", () => {
    expect(questions.map((q) => [q.title, q.type, q.prompt])).toEqual([
      ["Q1", "true_false", "1+1=2"],
      ["Q2", "single", "What's between orange and green in the spectrum?"],
      ["Q3", "short_answer", "Two plus _____ equals four."],
    ]);
    expect(questions[1]!.options).toEqual([
      { text: "yellow", correct: true, feedback: "right; good!" },
      { text: "red", correct: false, feedback: "wrong, it's yellow" },
      { text: "blue", correct: false, feedback: "wrong, it's yellow" },
    ]);
  });

  it("reports matching, numerical and essay questions at their lines", () => {
    expect(warnings).toEqual([
      { line: 14, message: "Matching questions (->) are not supported; skipped." },
      { line: 17, message: "Numerical questions ({#...}) are not supported; skipped." },
      { line: 20, message: "Numerical questions ({#...}) are not supported; skipped." },
      { line: 24, message: "Numerical questions ({#...}) are not supported; skipped." },
      { line: 30, message: "Essay questions ({}) are not supported; skipped." },
    ]);
  });
});

describe("importGift: what it cannot import is reported, not dropped", () => {
  it("warns about description items", () => {
    const { warnings } = importGift("Use pencil and paper for the next questions.\n\nQ {T}");
    expect(warnings).toEqual([{ line: 1, message: "Description items carry no question; skipped." }]);
  });

  it("warns about a single-choice question with two = answers", () => {
    const { questions, warnings } = importGift("Q {=a =b ~c}\n\nR {=a ~b}");
    expect(questions).toHaveLength(1);
    expect(warnings).toEqual([
      {
        line: 1,
        message:
          'Question not imported: it marks 2 answers with "="; a single-choice question has one right answer.',
      },
    ]);
  });

  it("warns that credit on wrong answers is not kept, and imports the question", () => {
    const { questions, warnings } = importGift("Q {=right ~%50%nearly ~wrong}");
    expect(questions[0]!.options!.map((o) => o.correct)).toEqual([true, false, false]);
    expect(warnings[0]!.message).toMatch(/Partial credit on wrong answers/);
  });

  it("keeps only fully right short answers, and says so", () => {
    const { questions, warnings } = importGift("Capital of France? {=Paris =%50%Lutetia}");
    expect(questions[0]!.accepted).toEqual(["Paris"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.line).toBe(1);
  });

  it("skips a question over the model's limits with a warning, never truncating it", () => {
    const long = `${"Why? ".repeat(1100)}{=a ~b}`;
    const options = `Q {=a ${Array.from({ length: 11 }, (_, i) => `~w${i}`).join(" ")}}`;
    const { questions, warnings } = importGift(`${long}\n\n${options}\n\nR {T}`);
    expect(questions.map((q) => q.prompt)).toEqual(["R"]);
    expect(warnings.map((w) => w.line)).toEqual([1, 3]);
    expect(warnings[0]!.message).toMatch(/^Question not imported: prompt:/);
    expect(warnings[1]!.message).toMatch(/^Question not imported: options:/);
  });

  it("skips a multi-select without a correct answer or whose weights do not add up", () => {
    const { warnings } = importGift("Q {~a ~b}\n\nR {~%50%a ~%30%b ~c}\n\nS {T}");
    expect(warnings.map((w) => w.line)).toEqual([1, 3]);
  });

  it("skips a question with no text", () => {
    expect(importGift("{T}\n\nQ {F}").warnings).toEqual([
      { line: 1, message: expect.stringMatching(/^Question not imported: prompt:/) },
    ]);
  });
});

describe("importGift: syntax errors", () => {
  it("throws at the line of an unfinished question", () => {
    const error = syntaxErrorOf(fixture("syntax-error.gift"));
    expect(error.line).toBe(7);
    expect(error.message).toMatch(/^Line 7: /);
    expect(error.type).toBe("question-import-syntax");
  });

  it("throws at the line of a bad token inside a multi-line question", () => {
    const error = syntaxErrorOf("Q1 {T}\n\n// a comment\nQ2 {\n=a\n~b ~c\n} extra {T\n\nQ3 {F}");
    expect(error.line).toBe(7);
  });

  it("counts lines the way an editor does with Windows line ends and a BOM", () => {
    const error = syntaxErrorOf("\uFEFFQ1 {T}\r\n\r\nQ2 {=a ~b");
    expect(error.line).toBe(3);
  });
});

describe("importGift: categories, comments and hand-written text", () => {
  it("applies a category to the questions after it, until the next", () => {
    const { questions } = importGift(
      "$CATEGORY: Algebra\nQ1 {T}\n\nQ2 {F}\n\n$CATEGORY: $course$/top\n\nQ3 {T}",
    );
    expect(questions.map((q) => q.category)).toEqual(["Algebra", "Algebra", undefined]);
  });

  it("ignores comment-only blocks and comments before a question", () => {
    const { questions, warnings } = importGift("// header\n// more\n\n// about Q1\nQ1 {T}");
    expect(questions).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it("accepts = ~ # : and URLs in question text, as Moodle does", () => {
    const { questions } = importGift("Is 2+2=4 ~ #1 in maths: see http://example.org/x? {T}");
    expect(questions[0]!.prompt).toBe("Is 2+2=4 ~ #1 in maths: see http://example.org/x?");
  });

  it("uses the marks it is given for every question", () => {
    expect(importGift("Q {T}", { marks: 3 }).questions[0]!.marks).toBe(3);
  });

  it("finds nothing in an empty file", () => {
    expect(importGift("\n\n// nothing\n").questions).toEqual([]);
  });
});

describe("escapeLooseCharacters", () => {
  it("escapes special characters only where GIFT gives them no meaning", () => {
    expect(escapeLooseCharacters("::T\\:1:: 1+1=2 {=a:b ~c#fb} after = x")).toBe(
      "::T\\:1:: 1+1\\=2 {=a\\:b ~c#fb} after \\= x",
    );
  });

  it("keeps colons in numerical answers and leaves escapes and comments alone", () => {
    expect(escapeLooseCharacters("Year? {#1822:2}")).toBe("Year? {#1822:2}");
    expect(escapeLooseCharacters("// a: b = c\nQ \\= {T}")).toBe("// a: b = c\nQ \\= {T}");
  });
});

describe("NoImportableQuestionsError", () => {
  it("carries the warnings that explain why", () => {
    const error = new NoImportableQuestionsError("gift", [{ line: 3, message: "no" }]);
    expect(error.type).toBe("nothing-importable");
    expect(error.message).toBe("No question could be imported from this gift text (1 skipped).");
  });
});
