import type { TestLectern, TestUser } from "@lectern/core/testing";
import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { enrollStudent, publishedCourse } from "@lectern/courses/testing";
import { expect } from "vitest";
import { exams } from "./index.js";

/** Test helpers shared by this package's test files (not exported from the package). */

export async function examsLectern(options: { maxQuestions?: number } = {}) {
  return createTestLectern({ plugins: [exams(options), courses()] });
}

/** An instructor's course, approved by an admin, with the given students enrolled. */
export async function courseWithStudents(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  students: TestUser[],
  title = "Cell Biology",
) {
  const course = await publishedCourse(t, instructor, admin, {
    title: `${title} ${Math.random().toString(36).slice(2, 8)}`,
    summary: "Cells and what they do.",
    tags: ["biology"],
  });
  for (const student of students) await enrollStudent(t, course.id, student);
  return course;
}

export const KEY_FEEDBACK = {
  right: "FEEDBACK-RIGHT-mitochondria-make-ATP",
  wrong: "FEEDBACK-WRONG-ribosomes-make-protein",
  general: "FEEDBACK-GENERAL-cells",
};

/** Four questions, one of each type, 10 marks in all; the key is easy to search for in responses. */
export function questions() {
  return [
    {
      type: "single",
      prompt: "Which organelle makes most of a cell's ATP?",
      marks: 2,
      feedback: KEY_FEEDBACK.general,
      options: [
        { text: "Mitochondrion", correct: true, feedback: KEY_FEEDBACK.right },
        { text: "Ribosome", correct: false, feedback: KEY_FEEDBACK.wrong },
        { text: "Golgi apparatus", correct: false },
      ],
    },
    {
      type: "multiple",
      prompt: "Which are eukaryotes?",
      marks: 3,
      options: [
        { text: "Yeast", correct: true },
        { text: "Amoeba", correct: true },
        { text: "E. coli", correct: false },
      ],
    },
    {
      type: "true_false",
      prompt: "Plant cells have a cell wall.",
      marks: 1,
      options: [
        { text: "True", correct: true },
        { text: "False", correct: false },
      ],
    },
    {
      type: "short_answer",
      prompt: "The membrane is a phospholipid ____.",
      marks: 4,
      accepted: ["bilayer-ACCEPTED", "bi-layer-ACCEPTED"],
    },
  ];
}

export const examBody = (overrides: Record<string, unknown> = {}) => ({
  title: "Cells quiz",
  questions: questions(),
  ...overrides,
});

interface ExamQuestion {
  id: string;
  type: string;
  options?: { id: string; text: string; correct: boolean }[];
}

/** A published exam in the course; answers its owner's view (with the key). */
export async function publishedExam(
  t: TestLectern,
  instructor: TestUser,
  courseId: string,
  overrides: Record<string, unknown> = {},
) {
  const created = await t.as(instructor).post(`/api/courses/${courseId}/exams`, examBody(overrides));
  expect(created.status).toBe(201);
  const published = await t.as(instructor).post(`/api/exams/${created.body.id}/publish`);
  expect(published.status).toBe(200);
  return published.body as { id: string; questions: ExamQuestion[]; maxScore: number; version: number };
}

/** The answers that earn full marks on `questions()`, from the owner's view of the exam. */
export function rightAnswers(exam: { questions: ExamQuestion[] }) {
  return exam.questions.map((q) =>
    q.type === "short_answer"
      ? { questionId: q.id, text: "  BILAYER-accepted " }
      : { questionId: q.id, optionIds: q.options!.filter((o) => o.correct).map((o) => o.id) },
  );
}

/** Wrong answers that need no review: an empty short answer is simply wrong. */
export function wrongAnswers(exam: { questions: ExamQuestion[] }) {
  return exam.questions.map((q) =>
    q.type === "short_answer"
      ? { questionId: q.id, text: "" }
      : { questionId: q.id, optionIds: [q.options!.find((o) => !o.correct)!.id] },
  );
}
