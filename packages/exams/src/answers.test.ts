import { describe, expect, it } from "vitest";
import { validateAnswersBelongToQuestions } from "./answers.js";
import type { Question } from "./model.js";

const questions: Question[] = [
  {
    id: "q-capital",
    type: "single",
    prompt: "Capital of Australia?",
    marks: 1,
    options: [
      { id: "canberra", text: "Canberra", correct: true },
      { id: "sydney", text: "Sydney", correct: false },
    ],
  },
  {
    id: "q-primes",
    type: "multiple",
    prompt: "Which are prime?",
    marks: 2,
    options: [
      { id: "two", text: "2", correct: true },
      { id: "three", text: "3", correct: true },
      { id: "four", text: "4", correct: false },
    ],
  },
  { id: "q-word", type: "short_answer", prompt: "Street in German?", marks: 1, accepted: ["Straße"] },
];

describe("validateAnswersBelongToQuestions", () => {
  it("accepts answers in the shape of their questions, including cleared ones", () => {
    expect(
      validateAnswersBelongToQuestions(questions, [
        { questionId: "q-capital", optionIds: ["canberra"] },
        { questionId: "q-primes", optionIds: ["two", "three"] },
        { questionId: "q-word", text: "Strasse" },
      ]),
    ).toEqual([]);
    expect(
      validateAnswersBelongToQuestions(questions, [
        { questionId: "q-capital", optionIds: [] },
        { questionId: "q-word", text: "" },
        { questionId: "q-primes" },
      ]),
    ).toEqual([]);
  });

  it("refuses an option of another question, naming the answer and the option", () => {
    expect(
      validateAnswersBelongToQuestions(questions, [
        { questionId: "q-primes", optionIds: ["two"] },
        { questionId: "q-capital", optionIds: ["three"] },
      ]),
    ).toEqual([{ path: "answers.1.optionIds.0", message: "This option does not belong to the question." }]);
  });

  it("refuses a question that is not in the exam", () => {
    expect(
      validateAnswersBelongToQuestions(questions, [{ questionId: "q-elsewhere", optionIds: ["two"] }]),
    ).toEqual([{ path: "answers.0.questionId", message: "This question is not part of the exam." }]);
  });

  it("refuses two picks on a single question", () => {
    expect(
      validateAnswersBelongToQuestions(questions, [
        { questionId: "q-capital", optionIds: ["canberra", "sydney"] },
      ]),
    ).toEqual([{ path: "answers.0.optionIds", message: "A single question takes one option." }]);
  });

  it("refuses text for a choice question and options for a short answer", () => {
    expect(
      validateAnswersBelongToQuestions(questions, [
        { questionId: "q-capital", text: "Canberra" },
        { questionId: "q-word", optionIds: ["two"] },
      ]).map((issue) => issue.path),
    ).toEqual(["answers.0.text", "answers.1.optionIds"]);
  });
});
