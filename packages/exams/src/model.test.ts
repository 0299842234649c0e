import { describe, expect, it } from "vitest";
import {
  answersInputSchema,
  assignQuestionIds,
  examInputSchema,
  type QuestionInput,
  questionInputSchema,
} from "./model.js";

const single = (overrides: Partial<QuestionInput> = {}): QuestionInput => ({
  type: "single",
  prompt: "Which planet is largest?",
  marks: 1,
  options: [
    { text: "Jupiter", correct: true },
    { text: "Mars", correct: false },
  ],
  ...overrides,
});

const exam = (overrides: Record<string, unknown> = {}) => ({
  title: "Week 3 quiz",
  questions: [single()],
  ...overrides,
});

/** The dotted paths and messages of a failed parse, the way the API reports them. */
function issues(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

const paths = (result: Parameters<typeof issues>[0]) => issues(result).map((issue) => issue.path);

describe("examInputSchema", () => {
  const schema = examInputSchema();

  it("accepts a minimal exam and a complete one", () => {
    expect(schema.safeParse(exam()).success).toBe(true);
    const full = schema.safeParse(
      exam({
        opensAt: "2025-03-01T09:00:00Z",
        closesAt: "2025-03-01T11:00:00+01:00",
        durationMinutes: 45,
        maxAttempts: 3,
        passingPercent: 60,
        shuffle: true,
        allowReview: false,
      }),
    );
    expect(full.success).toBe(true);
  });

  it("refuses 11 questions with the default limit, at the questions path", () => {
    const result = schema.safeParse(exam({ questions: Array.from({ length: 11 }, () => single()) }));
    expect(issues(result)).toEqual([{ path: "questions", message: "An exam holds at most 10 questions." }]);
    expect(schema.safeParse(exam({ questions: Array.from({ length: 10 }, () => single()) })).success).toBe(
      true,
    );
  });

  it("takes maxQuestions as an option", () => {
    const small = examInputSchema({ maxQuestions: 2 });
    expect(paths(small.safeParse(exam({ questions: [single(), single(), single()] })))).toEqual([
      "questions",
    ]);
    const large = examInputSchema({ maxQuestions: 50 });
    expect(large.safeParse(exam({ questions: Array.from({ length: 50 }, () => single()) })).success).toBe(
      true,
    );
  });

  it("refuses an exam without questions", () => {
    expect(paths(schema.safeParse(exam({ questions: [] })))).toEqual(["questions"]);
  });

  it("points at the question and field that is wrong", () => {
    const questions = [single(), single(), single(), single({ marks: 6 })];
    expect(paths(schema.safeParse(exam({ questions })))).toEqual(["questions.3.marks"]);
    const noKey = [
      single(),
      single(),
      single(),
      single({
        options: [
          { text: "a", correct: false },
          { text: "b", correct: false },
        ],
      }),
    ];
    expect(paths(schema.safeParse(exam({ questions: noKey })))).toEqual(["questions.3.options"]);
  });

  it("wants closesAt after opensAt", () => {
    const result = schema.safeParse(
      exam({ opensAt: "2025-03-01T10:00:00Z", closesAt: "2025-03-01T10:00:00Z" }),
    );
    expect(issues(result)).toEqual([{ path: "closesAt", message: "closesAt must be after opensAt." }]);
    // 10:30+01:00 is 09:30Z: before it opens.
    expect(
      paths(
        schema.safeParse(exam({ opensAt: "2025-03-01T10:00:00Z", closesAt: "2025-03-01T10:30:00+01:00" })),
      ),
    ).toEqual(["closesAt"]);
  });

  it("refuses dates that are not ISO 8601 timestamps", () => {
    expect(paths(schema.safeParse(exam({ opensAt: "tomorrow" })))).toEqual(["opensAt"]);
  });

  it("keeps passingPercent within 0..100", () => {
    expect(paths(schema.safeParse(exam({ passingPercent: 101 })))).toEqual(["passingPercent"]);
    expect(paths(schema.safeParse(exam({ passingPercent: -1 })))).toEqual(["passingPercent"]);
    expect(schema.safeParse(exam({ passingPercent: 0 })).success).toBe(true);
    expect(schema.safeParse(exam({ passingPercent: 100 })).success).toBe(true);
  });

  it("takes passingPercent or passingMarks, not both", () => {
    expect(paths(schema.safeParse(exam({ passingPercent: 50, passingMarks: 1 })))).toEqual(["passingMarks"]);
  });

  it("refuses passingMarks above the exam's total marks", () => {
    const questions = [single({ marks: 2 }), single({ marks: 3 })];
    expect(schema.safeParse(exam({ questions, passingMarks: 5 })).success).toBe(true);
    expect(issues(schema.safeParse(exam({ questions, passingMarks: 5.5 })))).toEqual([
      { path: "passingMarks", message: "passingMarks (5.5) exceeds the exam's 5 marks." },
    ]);
  });

  it("refuses two questions with the same id", () => {
    const id = crypto.randomUUID();
    expect(paths(schema.safeParse(exam({ questions: [single({ id }), single({ id })] })))).toEqual([
      "questions.1.id",
    ]);
  });

  it("bounds durations, attempts and string lengths", () => {
    expect(paths(schema.safeParse(exam({ durationMinutes: 0 })))).toEqual(["durationMinutes"]);
    expect(paths(schema.safeParse(exam({ maxAttempts: 1.5 })))).toEqual(["maxAttempts"]);
    expect(paths(schema.safeParse(exam({ title: "x".repeat(201) })))).toEqual(["title"]);
    expect(paths(schema.safeParse(exam({ title: "   " })))).toEqual(["title"]);
    expect(paths(schema.safeParse(exam({ questions: [single({ prompt: "x".repeat(5001) })] })))).toEqual([
      "questions.0.prompt",
    ]);
  });
});

describe("questionInputSchema", () => {
  const check = (question: unknown) => questionInputSchema.safeParse(question);

  it("allows marks 1 to 5, whole numbers only", () => {
    for (const marks of [1, 5]) expect(check(single({ marks })).success).toBe(true);
    for (const marks of [0, 6, 2.5]) expect(paths(check(single({ marks })))).toEqual(["marks"]);
  });

  it("wants exactly one correct option on a single question", () => {
    const none = single({
      options: [
        { text: "a", correct: false },
        { text: "b", correct: false },
      ],
    });
    expect(issues(check(none))).toEqual([
      { path: "options", message: "A single question needs exactly one correct option; it has 0." },
    ]);
    const two = single({
      options: [
        { text: "a", correct: true },
        { text: "b", correct: true },
      ],
    });
    expect(paths(check(two))).toEqual(["options"]);
  });

  it("wants at least two options on a choice question", () => {
    expect(paths(check(single({ options: [{ text: "a", correct: true }] })))).toEqual(["options"]);
    expect(paths(check(single({ options: undefined })))).toEqual(["options"]);
  });

  it("wants a true_false question to have exactly two options, one correct", () => {
    const tf = (options: QuestionInput["options"]) =>
      check({ type: "true_false", prompt: "The sun is a star.", marks: 1, options });
    expect(
      tf([
        { text: "True", correct: true },
        { text: "False", correct: false },
      ]).success,
    ).toBe(true);
    expect(
      paths(
        tf([
          { text: "True", correct: true },
          { text: "False", correct: false },
          { text: "Maybe", correct: false },
        ]),
      ),
    ).toEqual(["options"]);
    expect(
      paths(
        tf([
          { text: "True", correct: true },
          { text: "False", correct: true },
        ]),
      ),
    ).toEqual(["options"]);
  });

  it("wants at least one correct option on a multiple question", () => {
    const multiple = (correct: boolean[]) =>
      check({
        type: "multiple",
        prompt: "Which are prime?",
        marks: 2,
        options: correct.map((c, i) => ({ text: `option ${i}`, correct: c })),
      });
    expect(multiple([true, true, false]).success).toBe(true);
    expect(multiple([true, false]).success).toBe(true);
    expect(paths(multiple([false, false]))).toEqual(["options"]);
  });

  it("wants accepted answers and no options on a short_answer question", () => {
    const short = (fields: Record<string, unknown>) =>
      check({ type: "short_answer", prompt: "Capital of France?", marks: 1, ...fields });
    expect(short({ accepted: ["Paris"] }).success).toBe(true);
    expect(paths(short({}))).toEqual(["accepted"]);
    expect(paths(short({ accepted: [] }))).toEqual(["accepted"]);
    expect(paths(short({ accepted: ["  "] }))).toEqual(["accepted.0"]);
    expect(paths(short({ accepted: ["Paris"], options: [{ text: "Paris", correct: true }] }))).toEqual([
      "options",
    ]);
  });

  it("refuses accepted answers on a choice question", () => {
    expect(paths(check(single({ accepted: ["Jupiter"] })))).toEqual(["accepted"]);
  });

  it("refuses two options with the same text or id", () => {
    const id = crypto.randomUUID();
    const sameText = single({
      options: [
        { text: "Jupiter", correct: true },
        { text: "jupiter", correct: false },
      ],
    });
    expect(paths(check(sameText))).toEqual(["options.1.text"]);
    const sameId = single({
      options: [
        { id, text: "a", correct: true },
        { id, text: "b", correct: false },
      ],
    });
    expect(paths(check(sameId))).toEqual(["options.1.id"]);
  });

  it("wants UUIDs as ids", () => {
    expect(paths(check(single({ id: "q1" })))).toEqual(["id"]);
  });

  it("allows partial credit on multiple questions only", () => {
    expect(paths(check(single({ partialCredit: "proportional" })))).toEqual(["partialCredit"]);
    expect(check(single({ partialCredit: "none" })).success).toBe(true);
  });

  describe("weighted partial credit", () => {
    const weighted = (weights: (number | undefined)[], correct = weights.map((w) => (w ?? 0) > 0)) =>
      check({
        type: "multiple",
        prompt: "Which are eukaryotes?",
        marks: 2,
        partialCredit: "weighted",
        options: weights.map((weight, i) => ({ text: `option ${i}`, correct: correct[i]!, weight })),
      });

    it("accepts weights whose positive part adds up to 100, allowing thirds", () => {
      expect(weighted([50, 50, -100]).success).toBe(true);
      expect(weighted([33.33333, 33.33333, 33.33333, -50]).success).toBe(true);
    });

    it("refuses weights that do not add up to 100", () => {
      expect(issues(weighted([50, 40, -100]))).toEqual([
        { path: "options", message: "The positive weights must add up to 100; they add up to 90." },
      ]);
    });

    it("wants a weight on every option, agreeing with `correct`", () => {
      expect(paths(weighted([50, 50, undefined]))).toEqual(["options.2.weight"]);
      expect(paths(weighted([50, 50, 0], [true, true, true]))).toEqual(["options.2.weight"]);
    });

    it("refuses weights without the weighted rule", () => {
      const result = check({
        type: "multiple",
        prompt: "Which are eukaryotes?",
        marks: 1,
        options: [
          { text: "Yeast", correct: true, weight: 100 },
          { text: "E. coli", correct: false },
        ],
      });
      expect(paths(result)).toEqual(["options.0.weight"]);
    });
  });
});

describe("answersInputSchema", () => {
  const q = crypto.randomUUID();
  const o = crypto.randomUUID();

  it("accepts option picks, text, and cleared answers", () => {
    const body = {
      answers: [
        { questionId: q, optionIds: [o] },
        { questionId: crypto.randomUUID(), text: "Paris" },
      ],
    };
    expect(answersInputSchema.safeParse(body).success).toBe(true);
    expect(answersInputSchema.safeParse({ answers: [{ questionId: q, optionIds: [] }] }).success).toBe(true);
  });

  it("refuses the same question twice in one request, and the same option twice", () => {
    const twice = {
      answers: [
        { questionId: q, optionIds: [o] },
        { questionId: q, optionIds: [] },
      ],
    };
    expect(paths(answersInputSchema.safeParse(twice))).toEqual(["answers.1.questionId"]);
    expect(paths(answersInputSchema.safeParse({ answers: [{ questionId: q, optionIds: [o, o] }] }))).toEqual([
      "answers.0.optionIds",
    ]);
  });

  it("refuses ids that are not UUIDs and over-long text", () => {
    expect(paths(answersInputSchema.safeParse({ answers: [{ questionId: "1" }] }))).toEqual([
      "answers.0.questionId",
    ]);
    expect(
      paths(answersInputSchema.safeParse({ answers: [{ questionId: q, text: "x".repeat(2001) }] })),
    ).toEqual(["answers.0.text"]);
  });
});

describe("assignQuestionIds", () => {
  it("keeps ids that exist and gives fresh ones to the rest", () => {
    const kept = crypto.randomUUID();
    let n = 0;
    const [question] = assignQuestionIds(
      [
        single({
          id: kept,
          options: [
            { text: "a", correct: true },
            { text: "b", correct: false },
          ],
        }),
      ],
      () => `id-${++n}`,
    );
    expect(question!.id).toBe(kept);
    expect(question!.options!.map((o) => o.id)).toEqual(["id-1", "id-2"]);
  });

  it("uses random UUIDs by default", () => {
    const [question] = assignQuestionIds([single()]);
    expect(question!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });
});
