import { createHash, createHmac } from "node:crypto";
import type { Question, QuestionType } from "./model.js";

/** What a student may see of a question while the attempt is open: no key, weights, feedback or labels. */
export interface StudentQuestion {
  id: string;
  type: QuestionType;
  prompt: string;
  marks: number;
  options?: { id: string; text: string }[];
}

/**
 * The seed for an attempt's shuffles. The attempt id alone would not do: the student knows it and
 * this code is public, so they could undo the shuffle and recover the author's order (which often
 * puts the right answer first). Keying it with a server secret keeps it stable yet unpredictable.
 */
export function attemptSeed(attemptId: string, secret: string): string {
  return createHmac("sha256", secret).update(attemptId).digest("hex");
}

// sfc32 seeded from SHA-256: fast, 128 bits of state, and the same sequence on every platform.
function randomFrom(seed: string): () => number {
  const digest = createHash("sha256").update(seed).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates shuffle driven by `seed`: the same seed always gives the same order. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const random = randomFrom(seed);
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}

function studentQuestion(question: Question, seed: string, shuffle: boolean): StudentQuestion {
  const view: StudentQuestion = {
    id: question.id,
    type: question.type,
    prompt: question.prompt,
    marks: question.marks,
  };
  if (question.options) {
    const options = question.options.map((option) => ({ id: option.id, text: option.text }));
    // Seeded per question, so editing one question's list never reorders another's options.
    view.options = shuffle ? seededShuffle(options, `${seed}:options:${question.id}`) : options;
  }
  return view;
}

/**
 * The questions as a student receives them during an attempt. Built field by field (never by
 * deleting keys from a copy) so a field added to the model later cannot leak by default.
 * With `shuffle` off the author's order is kept: the author chose to show it.
 */
export function studentView(
  questions: readonly Question[],
  seed: string,
  shuffle: boolean,
): StudentQuestion[] {
  const ordered = shuffle ? seededShuffle(questions, `${seed}:questions`) : questions;
  return ordered.map((question) => studentQuestion(question, seed, shuffle));
}
