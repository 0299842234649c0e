import { describe, expect, it } from "vitest";
import type { Question } from "./model.js";
import { attemptSeed, seededShuffle, studentView } from "./shuffle.js";

const questions: Question[] = Array.from({ length: 10 }, (_, q) => ({
  id: `q${q}`,
  type: "single",
  prompt: `Question ${q}`,
  marks: 1,
  title: `Q${q}: the answer is option 0`,
  category: "Week 3",
  feedback: "The first option is right.",
  options: Array.from({ length: 5 }, (_, o) => ({
    id: `q${q}-o${o}`,
    text: `option ${o}`,
    correct: o === 0,
    feedback: o === 0 ? "Right" : "Wrong",
  })),
}));

const shortAnswer: Question = {
  id: "q-short",
  type: "short_answer",
  prompt: "Capital of France?",
  marks: 2,
  accepted: ["Paris"],
  feedback: "It is Paris.",
};

const weighted: Question = {
  id: "q-eukaryotes",
  type: "multiple",
  prompt: "Which are eukaryotes?",
  marks: 2,
  partialCredit: "weighted",
  options: [
    { id: "yeast", text: "Yeast", correct: true, weight: 50 },
    { id: "amoeba", text: "Amoeba", correct: true, weight: 50 },
    { id: "ecoli", text: "E. coli", correct: false, weight: -100 },
  ],
};

const seed = attemptSeed("0b7f0e8e-2f5c-4d1e-9a63-0a3f1c7d2e11", "server secret");

describe("seededShuffle", () => {
  it("gives the same order for the same seed and keeps every item", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const first = seededShuffle(items, "attempt-1");
    expect(seededShuffle(items, "attempt-1")).toEqual(first);
    expect([...first].sort((a, b) => a - b)).toEqual(items);
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("gives different orders for different seeds", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const orders = new Set(
      Array.from({ length: 50 }, (_, i) => seededShuffle(items, `attempt-${i}`).join(",")),
    );
    expect(orders.size).toBe(50);
  });

  it("puts each item first about equally often", () => {
    const counts = [0, 0, 0, 0];
    const runs = 4000;
    for (let i = 0; i < runs; i++) counts[seededShuffle([0, 1, 2, 3], `seed-${i}`)[0]!]!++;
    for (const count of counts) expect(Math.abs(count - runs / 4)).toBeLessThan(runs * 0.05);
  });

  it("copes with empty and one-item lists", () => {
    expect(seededShuffle([], "s")).toEqual([]);
    expect(seededShuffle(["only"], "s")).toEqual(["only"]);
  });
});

describe("attemptSeed", () => {
  it("is stable per attempt and depends on the server secret", () => {
    expect(attemptSeed("a1", "secret")).toBe(attemptSeed("a1", "secret"));
    expect(attemptSeed("a1", "secret")).not.toBe(attemptSeed("a2", "secret"));
    expect(attemptSeed("a1", "secret")).not.toBe(attemptSeed("a1", "other secret"));
    expect(attemptSeed("a1", "secret")).not.toContain("a1");
  });
});

describe("studentView", () => {
  const everything = [...questions, shortAnswer, weighted];

  it("sends only id, type, prompt, marks and option ids and texts", () => {
    for (const shuffle of [true, false]) {
      for (const question of studentView(everything, seed, shuffle)) {
        expect(Object.keys(question).sort()).toEqual(
          question.type === "short_answer"
            ? ["id", "marks", "prompt", "type"]
            : ["id", "marks", "options", "prompt", "type"],
        );
        for (const option of question.options ?? [])
          expect(Object.keys(option).sort()).toEqual(["id", "text"]);
      }
    }
  });

  it("contains no answer key anywhere in what is sent", () => {
    const sent = JSON.stringify(studentView(everything, seed, true));
    for (const secret of [
      '"correct"',
      '"accepted"',
      '"feedback"',
      '"weight"',
      '"partialCredit"',
      "weighted",
      "Paris",
      "Right",
      "answer is",
      "Week 3",
    ]) {
      expect(sent).not.toContain(secret);
    }
  });

  it("keeps the author's order when shuffling is off", () => {
    const view = studentView(questions, seed, false);
    expect(view.map((q) => q.id)).toEqual(questions.map((q) => q.id));
    expect(view[0]!.options!.map((o) => o.id)).toEqual(questions[0]!.options!.map((o) => o.id));
  });

  it("shuffles questions and options, stably for one attempt", () => {
    const view = studentView(questions, seed, true);
    expect(studentView(questions, seed, true)).toEqual(view);
    expect(view.map((q) => q.id)).not.toEqual(questions.map((q) => q.id));
    expect(view.map((q) => q.id).sort()).toEqual(questions.map((q) => q.id).sort());
    const other = studentView(questions, attemptSeed("another attempt", "server secret"), true);
    expect(other.map((q) => q.id)).not.toEqual(view.map((q) => q.id));
  });

  it("does not leave the correct option first: it lands anywhere across questions", () => {
    const positions = new Set(
      studentView(questions, seed, true).map((q) => q.options!.findIndex((o) => o.id.endsWith("-o0"))),
    );
    expect(positions.size).toBeGreaterThan(2);
  });

  it("keeps a question's option order when other questions change", () => {
    const before = studentView(questions, seed, true).find((q) => q.id === "q3")!;
    const edited = [...questions.slice(0, 2), ...questions.slice(3), { ...questions[2]!, id: "q-new" }];
    const after = studentView(edited, seed, true).find((q) => q.id === "q3")!;
    expect(after.options).toEqual(before.options);
  });

  it("does not mutate the exam's questions", () => {
    const copy = structuredClone(everything);
    studentView(everything, seed, true);
    expect(everything).toEqual(copy);
  });
});
