import { describe, expect, it } from "vitest";
import { gradeAttempt, gradeQuestion, passed } from "./grading.js";
import type { PartialCreditRule, Question } from "./model.js";

function choice(type: "single" | "true_false", correct: number, count = 4, marks = 2): Question {
  return {
    id: `${type}-q`,
    type,
    prompt: "Pick one",
    marks,
    options: Array.from({ length: count }, (_, i) => ({
      id: `o${i}`,
      text: `option ${i}`,
      correct: i === correct,
    })),
  };
}

/** A `multiple` question with options o0..o4 of which o0, o1 and o2 are correct. */
function multiple(partialCredit?: PartialCreditRule, marks = 3): Question {
  const weights = [33.33333, 33.33333, 33.33333, -50, -100];
  return {
    id: "multiple-q",
    type: "multiple",
    prompt: "Which are prime?",
    marks,
    ...(partialCredit ? { partialCredit } : {}),
    options: weights.map((weight, i) => ({
      id: `o${i}`,
      text: `option ${i}`,
      correct: i < 3,
      ...(partialCredit === "weighted" ? { weight } : {}),
    })),
  };
}

const shortAnswer: Question = {
  id: "short-q",
  type: "short_answer",
  prompt: "Which German word means street?",
  marks: 2,
  accepted: ["Straße", "Gasse"],
};

describe("gradeQuestion: single and true_false", () => {
  it("gives all the marks for the correct option only", () => {
    const question = choice("single", 2);
    expect(gradeQuestion(question, { optionIds: ["o2"] })).toEqual({
      marks: 2,
      status: "graded",
      correct: true,
    });
    expect(gradeQuestion(question, { optionIds: ["o1"] })).toEqual({
      marks: 0,
      status: "graded",
      correct: false,
    });
  });

  it("gives nothing for no answer, an empty pick, or several picks", () => {
    const question = choice("true_false", 0, 2, 1);
    expect(gradeQuestion(question, undefined).marks).toBe(0);
    expect(gradeQuestion(question, { optionIds: [] }).marks).toBe(0);
    expect(gradeQuestion(question, { optionIds: ["o0", "o1"] }).marks).toBe(0);
    expect(gradeQuestion(question, { optionIds: ["o0"] }).marks).toBe(1);
  });
});

describe("gradeQuestion: multiple", () => {
  it("is all or nothing by default", () => {
    const question = multiple();
    expect(gradeQuestion(question, { optionIds: ["o2", "o0", "o1"] })).toEqual({
      marks: 3,
      status: "graded",
      correct: true,
    });
    expect(gradeQuestion(question, { optionIds: ["o0", "o1"] }).marks).toBe(0);
    expect(gradeQuestion(question, { optionIds: ["o0", "o1", "o2", "o3"] }).marks).toBe(0);
    expect(multiple("none").partialCredit).toBe("none");
    expect(gradeQuestion(multiple("none"), { optionIds: ["o0", "o1"] }).marks).toBe(0);
  });

  it("proportional: (right − wrong) / correct options, never below 0, in hundredths", () => {
    const question = multiple("proportional");
    expect(gradeQuestion(question, { optionIds: ["o0", "o1", "o2"] })).toEqual({
      marks: 3,
      status: "graded",
      correct: true,
    });
    expect(gradeQuestion(question, { optionIds: ["o0", "o1"] })).toEqual({
      marks: 2,
      status: "graded",
      correct: false,
    });
    expect(gradeQuestion(question, { optionIds: ["o0", "o1", "o3"] }).marks).toBe(1);
    expect(gradeQuestion(question, { optionIds: ["o0", "o3", "o4"] }).marks).toBe(0);
    // 1/3 of 1 mark is rounded to the nearest hundredth.
    expect(gradeQuestion(multiple("proportional", 1), { optionIds: ["o0"] }).marks).toBe(0.33);
    expect(gradeQuestion(multiple("proportional", 1), { optionIds: ["o0", "o1"] }).marks).toBe(0.67);
  });

  it("proportional: ticking every box earns nothing when wrong boxes outnumber right ones", () => {
    expect(gradeQuestion(multiple("proportional"), { optionIds: ["o0", "o1", "o2", "o3", "o4"] }).marks).toBe(
      1,
    );
    const fewCorrect: Question = {
      ...multiple("proportional"),
      options: multiple().options!.map((o, i) => ({ ...o, correct: i === 0 })),
    };
    expect(gradeQuestion(fewCorrect, { optionIds: ["o0", "o1", "o2", "o3", "o4"] }).marks).toBe(0);
  });

  it("weighted: the picked options' weights, clamped to 0..100%", () => {
    const question = multiple("weighted");
    expect(gradeQuestion(question, { optionIds: ["o0", "o1", "o2"] })).toEqual({
      marks: 3,
      status: "graded",
      correct: true,
    });
    expect(gradeQuestion(question, { optionIds: ["o0"] }).marks).toBe(1);
    expect(gradeQuestion(question, { optionIds: ["o0", "o1", "o3"] }).marks).toBe(0.5);
    expect(gradeQuestion(question, { optionIds: ["o0", "o4"] }).marks).toBe(0);
  });

  it("counts options of another question as wrong picks", () => {
    expect(
      gradeQuestion(multiple("proportional"), { optionIds: ["o0", "o1", "o2", "elsewhere"] }).marks,
    ).toBe(2);
    expect(gradeQuestion(multiple(), { optionIds: ["o0", "o1", "o2", "elsewhere"] }).marks).toBe(0);
  });
});

describe("gradeQuestion: short_answer", () => {
  it("accepts answers equal after trimming, case folding and NFKC", () => {
    for (const text of ["Straße", "  STRASSE ", "strasse", "ｇａｓｓｅ"]) {
      expect(gradeQuestion(shortAnswer, { text })).toEqual({ marks: 2, status: "graded", correct: true });
    }
  });

  it("sends any other answer to the instructor", () => {
    expect(gradeQuestion(shortAnswer, { text: "Strase" })).toEqual({
      marks: 0,
      status: "needs_review",
      correct: false,
    });
  });

  it("gives 0 without review for a missing or blank answer", () => {
    expect(gradeQuestion(shortAnswer, undefined)).toEqual({ marks: 0, status: "graded", correct: false });
    expect(gradeQuestion(shortAnswer, { text: " \u200B " }).status).toBe("graded");
  });
});

describe("gradeAttempt", () => {
  const questions = [choice("single", 1, 3, 2), multiple("proportional", 1), shortAnswer];

  it("grades each question, in question order, and adds up exactly", () => {
    const grade = gradeAttempt(questions, [
      { questionId: "short-q", text: "gasse" },
      { questionId: "single-q", optionIds: ["o1"] },
      { questionId: "multiple-q", optionIds: ["o0"] },
    ]);
    expect(grade.results.map((r) => [r.questionId, r.marks, r.maxMarks, r.status])).toEqual([
      ["single-q", 2, 2, "graded"],
      ["multiple-q", 0.33, 1, "graded"],
      ["short-q", 2, 2, "graded"],
    ]);
    expect(grade).toMatchObject({ score: 4.33, maxScore: 5, needsReview: false });
  });

  it("does not drift when hundredths add up", () => {
    const tenths = Array.from(
      { length: 10 },
      (_, i): Question => ({ ...multiple("proportional", 1), id: `q${i}` }),
    );
    const grade = gradeAttempt(
      tenths,
      tenths.map((q) => ({ questionId: q.id, optionIds: ["o0"] })),
    );
    expect(grade.score).toBe(3.3);
    expect(grade.maxScore).toBe(10);
  });

  it("flags the attempt for review when a short answer did not match", () => {
    const grade = gradeAttempt(questions, [{ questionId: "short-q", text: "Allee" }]);
    expect(grade.needsReview).toBe(true);
    expect(grade.score).toBe(0);
    expect(grade.results[2]!.status).toBe("needs_review");
  });

  it("ignores answers to questions that are not in the attempt", () => {
    expect(gradeAttempt(questions, [{ questionId: "other", optionIds: ["o1"] }]).score).toBe(0);
  });
});

describe("passed", () => {
  it("defaults to 50%, inclusive", () => {
    expect(passed(5, 10)).toBe(true);
    expect(passed(4.99, 10)).toBe(false);
    expect(passed(1.5, 3)).toBe(true);
  });

  it("uses passingPercent", () => {
    expect(passed(7, 10, { passingPercent: 70 })).toBe(true);
    expect(passed(6.99, 10, { passingPercent: 70 })).toBe(false);
    expect(passed(0, 10, { passingPercent: 0 })).toBe(true);
    expect(passed(9.99, 10, { passingPercent: 100 })).toBe(false);
    expect(passed(2, 3, { passingPercent: 66.67 })).toBe(false);
    expect(passed(2, 3, { passingPercent: 66.66 })).toBe(true);
  });

  it("uses passingMarks over the default, and null means unset", () => {
    expect(passed(3, 10, { passingMarks: 3 })).toBe(true);
    expect(passed(2.99, 10, { passingMarks: 3 })).toBe(false);
    expect(passed(5, 10, { passingMarks: null, passingPercent: null })).toBe(true);
  });
});
