import type { Executor } from "@lectern/core";
import { eq } from "drizzle-orm";
import { exams } from "../schema.js";
import { clockTime, conflict, ExamsPart, notFoundExam } from "./context.js";
import type { AttemptRow, ExamRow, Viewer } from "./types.js";

/** Who may do what with an exam or attempt: ownership through courses, enrollment, windows and deadlines. */
export class ExamAccess extends ExamsPart {
  /** The exam if the viewer may change it; 404 otherwise. Outside any transaction: courses reads on its own connection. */
  async manageableExam(viewer: Viewer, examId: string): Promise<ExamRow> {
    const [row] = await this.db.select().from(exams).where(eq(exams.id, examId));
    if (!row || !(await this.courses.canManage(this.db, { courseId: row.courseId, user: viewer })))
      throw notFoundExam();
    return row;
  }

  async lockExam(tx: Executor, examId: string): Promise<ExamRow> {
    const [row] = await tx.select().from(exams).where(eq(exams.id, examId)).for("update");
    if (!row) throw notFoundExam();
    return row;
  }

  async isEnrolled(executor: Executor, userId: string, courseId: string): Promise<boolean> {
    return this.courses.isEnrolled(executor, { courseId, userId });
  }

  overdue(row: AttemptRow, now: Date): boolean {
    return row.deadline !== null && row.deadline <= now;
  }

  assertOpen(row: AttemptRow, now: Date): void {
    if (row.status !== "in_progress") {
      throw conflict(
        "attempt-ended",
        "The attempt has ended",
        "This attempt has been submitted; its answers can no longer change.",
        { attemptStatus: row.status },
      );
    }
    if (this.overdue(row, now)) {
      throw conflict(
        "attempt-deadline-passed",
        "The time for this attempt is over",
        `This attempt's time ran out at ${clockTime(row.deadline!)}; no more answers are accepted.`,
        { deadline: row.deadline!.toISOString() },
      );
    }
  }
}
