import type { Executor } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import type { Question } from "../model.js";
import { type StoredResult, versions } from "../schema.js";
import { attemptSeed, type StudentQuestion, studentView } from "../shuffle.js";
import { ExamsPart, iso, MAX_CACHED_VIEWS, VERSION_CACHE_SIZE } from "./context.js";
import type { Attempt, AttemptAnswer, AttemptQuestion, AttemptRow, Exam, ExamRow, Version } from "./types.js";

export function toAttempt(
  row: AttemptRow,
  view: StudentQuestion[],
  questions: AttemptQuestion[],
  review: boolean,
): Attempt {
  const answers: AttemptAnswer[] = [];
  for (const q of view) {
    const answer = row.answers[q.id];
    if (answer) answers.push({ questionId: q.id, ...answer });
  }
  return {
    id: row.id,
    examId: row.examId,
    userId: row.userId,
    number: row.number,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    deadline: iso(row.deadline),
    submittedAt: iso(row.submittedAt),
    endedBy: row.endedBy,
    score: row.score,
    maxScore: row.maxScore,
    passed: row.passed,
    review,
    questions,
    answers,
  };
}

/** A question with its key, feedback and result, options kept in the order the student saw them. */
export function withKey(
  view: StudentQuestion,
  question: Question,
  result: StoredResult | undefined,
): AttemptQuestion {
  const byId = new Map((question.options ?? []).map((o) => [o.id, o]));
  const out: AttemptQuestion = { id: view.id, type: view.type, prompt: view.prompt, marks: view.marks };
  if (view.options) {
    out.options = view.options.map((o) => {
      const option = byId.get(o.id)!;
      return {
        id: o.id,
        text: o.text,
        correct: option.correct,
        ...(option.weight !== undefined ? { weight: option.weight } : {}),
        ...(option.feedback ? { feedback: option.feedback } : {}),
      };
    });
  }
  if (question.accepted) out.accepted = question.accepted;
  if (question.feedback) out.feedback = question.feedback;
  if (question.partialCredit) out.partialCredit = question.partialCredit;
  if (result) out.result = result;
  return out;
}

/** What students and owners see: exams and attempts as the API answers them, and the caches
 * of frozen versions and shuffled question orders. */
export class ExamViews extends ExamsPart {
  toExam(row: ExamRow, withQuestions: boolean): Exam {
    return {
      id: row.id,
      courseId: row.courseId,
      title: row.title,
      status: row.status,
      opensAt: iso(row.opensAt),
      closesAt: iso(row.closesAt),
      durationMinutes: row.durationMinutes,
      maxAttempts: row.maxAttempts,
      passingPercent: row.passingPercent,
      passingMarks: row.passingMarks,
      maxScore: row.maxScore,
      questionCount: row.questions.length,
      questions: withQuestions ? row.questions : null,
      shuffle: row.shuffle,
      allowReview: row.allowReview,
      gradePolicy: row.gradePolicy,
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      publishedAt: iso(row.publishedAt),
    };
  }

  async version(executor: Executor, examId: string, version: number): Promise<Version> {
    const key = `${examId}:${version}`;
    const cached = this.state.versions.get(key);
    if (cached) return cached;
    const [row] = await executor
      .select()
      .from(versions)
      .where(and(eq(versions.examId, examId), eq(versions.version, version)));
    if (!row) throw new Error(`Exam ${examId} has no version ${version}.`);
    const loaded: Version = {
      questions: row.questions,
      byId: new Map(row.questions.map((q) => [q.id, q])),
      maxScore: row.maxScore,
      passingPercent: row.passingPercent,
      passingMarks: row.passingMarks,
    };
    if (this.state.versions.size >= VERSION_CACHE_SIZE)
      this.state.versions.delete(this.state.versions.keys().next().value!);
    this.state.versions.set(key, loaded);
    return loaded;
  }

  seed(attemptId: string): string {
    if (!this.state.secret)
      throw new Error("The exams plugin has no shuffle secret yet: it is set when the plugin starts.");
    return attemptSeed(attemptId, this.state.secret);
  }

  /**
   * The attempt's questions in the order its student sees them. Derived from immutable parts (the
   * attempt id, its version, the secret), so kept: every answer save answers the attempt, and
   * hashing a dozen seeds per save showed in profiles on exam day. Bounded, oldest out first.
   */
  viewOf(row: AttemptRow, version: Version): StudentQuestion[] {
    const key = `${row.id}:${row.version}`;
    let view = this.state.viewCache.get(key);
    if (!view) {
      view = studentView(version.questions, this.seed(row.id), row.shuffle);
      this.state.viewCache.set(key, view);
      if (this.state.viewCache.size > MAX_CACHED_VIEWS)
        this.state.viewCache.delete(this.state.viewCache.keys().next().value!);
    }
    return view;
  }

  /** What the student sees of their attempt: never the key while it is open, and after only with review on. */
  async studentAttempt(row: AttemptRow, allowReview: boolean, known?: Version): Promise<Attempt> {
    const version = known ?? (await this.version(this.db, row.examId, row.version));
    const view = this.viewOf(row, version);
    const ended = row.status !== "in_progress";
    const review = ended && allowReview;
    const questions: AttemptQuestion[] = review
      ? view.map((q) => withKey(q, version.byId.get(q.id)!, row.results?.[q.id]))
      : view;
    return toAttempt(row, view, questions, review);
  }

  /** The course owner's view: the key and every result, in the order the student saw the questions. */
  async ownerAttempt(executor: Executor, row: AttemptRow): Promise<Attempt> {
    const version = await this.version(executor, row.examId, row.version);
    const view = this.viewOf(row, version);
    const questions = view.map((q) => withKey(q, version.byId.get(q.id)!, row.results?.[q.id]));
    return toAttempt(row, view, questions, true);
  }
}
