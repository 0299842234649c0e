import { conflict } from "./context.js";

/** What an exam's edit may change once a student has attempted it. */
interface Graded {
  passingPercent: number | null;
  passingMarks: number | null;
  maxAttempts: number;
  durationMinutes: number | null;
  gradePolicy: string;
  closesAt: Date | null;
}

/**
 * Once any attempt exists, what students were graded against is frozen, as Moodle refuses to
 * add or remove questions of an attempted quiz: questions, marks, the passing rule, the number
 * of attempts, the time allowed and the grade policy answer 409. The title, and a closing time
 * moved later (or removed), stay editable.
 */
export function assertEditableAfterAttempts(current: Graded, next: Graded, sameQuestions: boolean): void {
  const changed: string[] = [];
  if (!sameQuestions) changed.push("questions");
  if (next.passingPercent !== current.passingPercent || next.passingMarks !== current.passingMarks)
    changed.push("passing rule");
  if (next.maxAttempts !== current.maxAttempts) changed.push("maxAttempts");
  if (next.durationMinutes !== current.durationMinutes) changed.push("durationMinutes");
  if (next.gradePolicy !== current.gradePolicy) changed.push("gradePolicy");
  const closesEarlier =
    current.closesAt === null
      ? next.closesAt !== null
      : next.closesAt !== null && next.closesAt.getTime() < current.closesAt.getTime();
  if (closesEarlier) changed.push("closesAt (earlier)");
  if (changed.length === 0) return;
  throw conflict(
    "exam-attempted",
    "The exam has been attempted",
    `Students have attempted this exam, so its graded content is frozen (${changed.join(", ")}). The title can change, and the closing time can move later.`,
    { fields: changed },
  );
}
