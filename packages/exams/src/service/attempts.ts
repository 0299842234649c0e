import { randomUUID } from "node:crypto";
import {
  afterTimeAndId,
  decodeCursor,
  type EmittedEvent,
  type Executor,
  type NewJob,
  type Page,
  problems,
  toPage,
  users,
} from "@lectern/core";
import { and, asc, eq, lte, type SQL, sql } from "drizzle-orm";
import { validateAnswersBelongToQuestions } from "../answers.js";
import { gradeAttempt as gradeAnswers, passed as passes } from "../grading.js";
import type { AnswerInput } from "../model.js";
import {
  type AttemptStatus,
  attempts,
  type EndedBy,
  exams,
  type StoredAnswers,
  type StoredResult,
} from "../schema.js";
import {
  COMPLETION_JOB,
  clockTime,
  conflict,
  EXPIRY_BATCH,
  ExamsPart,
  hundredths,
  notFoundAttempt,
  notFoundExam,
} from "./context.js";
import type { Attempt, AttemptRow, GradeInput, Viewer } from "./types.js";

/** Taking exams: start, save answers, submit, manual grading, and ending overdue attempts. */
export class ExamAttempts extends ExamsPart {
  /**
   * Starts an attempt, or answers the one in progress (`created: false`). Two statements on the
   * hot path, each shared with the starts arriving meanwhile: the exam with the student's
   * enrollment and attempt counts, then the insert.
   * The unique indexes settle racing starts: at most one open attempt, never more than allowed.
   */
  async startAttempt(viewer: Viewer, examId: string): Promise<{ attempt: Attempt; created: boolean }> {
    // Read with the starts arriving meanwhile, in one statement.
    const row = await this.state.startReads.submit({ examId, userId: viewer.id });
    if (row?.exam.status !== "published" || !row.enrolled) throw notFoundExam();
    const exam = row.exam;
    const now = this.deps.clock.now();

    if (row.openId) {
      const open = await this.finishIfOverdue(row.openId, now);
      if (open.status === "in_progress")
        return { attempt: await this.views.studentAttempt(open, exam.allowReview), created: false };
    }
    if (exam.opensAt && exam.opensAt > now) {
      throw conflict(
        "exam-not-open",
        "The exam is not open yet",
        `This exam opens at ${clockTime(exam.opensAt)}.`,
        { opensAt: exam.opensAt.toISOString() },
      );
    }
    if (exam.closesAt && exam.closesAt <= now) {
      throw conflict(
        "exam-closed",
        "The exam is closed",
        `This exam closed at ${clockTime(exam.closesAt)}; no new attempts can start.`,
        { closesAt: exam.closesAt.toISOString() },
      );
    }
    if (row.used >= exam.maxAttempts) {
      throw conflict(
        "no-attempts-left",
        "No attempts left",
        `This exam allows ${exam.maxAttempts} attempt${exam.maxAttempts === 1 ? "" : "s"}, and you have used them.`,
        { maxAttempts: exam.maxAttempts },
      );
    }
    const byDuration = exam.durationMinutes ? new Date(now.getTime() + exam.durationMinutes * 60_000) : null;
    const ends = [byDuration, exam.closesAt].filter((d): d is Date => d !== null);
    const deadline = ends.length > 0 ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null;
    // Opened with the starts arriving meanwhile, in one statement; answered once it is committed.
    const created = await this.state.starts.submit({
      id: randomUUID(),
      examId,
      version: exam.version,
      courseId: exam.courseId,
      userId: viewer.id,
      number: row.used + 1,
      shuffle: exam.shuffle,
      startedAt: now,
      deadline,
      maxScore: exam.maxScore,
    });
    if (created) {
      this.state.rememberFacts(created);
      return {
        attempt: await this.views.studentAttempt(created, exam.allowReview),
        created: true,
      };
    }
    // Another request of the same student won the race: answer the attempt it opened.
    const [open] = await this.db
      .select()
      .from(attempts)
      .where(
        and(eq(attempts.examId, examId), eq(attempts.userId, viewer.id), eq(attempts.status, "in_progress")),
      );
    if (open) return { attempt: await this.views.studentAttempt(open, exam.allowReview), created: false };
    throw conflict("attempt-conflict", "Try again", "Another attempt was being started at the same time.");
  }

  /**
   * Saves answers: each replaces the earlier answer to its question, others keep theirs; the same
   * request twice changes nothing. Refused once the attempt's deadline has passed.
   */
  async saveAnswers(viewer: Viewer, attemptId: string, answers: AnswerInput[]): Promise<Attempt> {
    // The attempt's owner, exam and version never change: known from memory after its first use.
    let facts = this.state.facts.get(attemptId);
    let read: AttemptRow | undefined;
    if (!facts) {
      [read] = await this.state.prepared.attempt.execute({ attemptId });
      if (!read) throw notFoundAttempt();
      this.state.rememberFacts(read);
      facts = read;
    }
    if (facts.userId !== viewer.id) throw notFoundAttempt();
    const now = this.deps.clock.now();
    if (read) this.access.assertOpen(read, now);
    const version = await this.views.version(this.db, facts.examId, facts.version);
    const issues = validateAnswersBelongToQuestions(version.questions, answers);
    if (issues.length > 0)
      throw problems.validation(issues, "Some answers do not fit the attempt's questions.");
    const patch: StoredAnswers = {};
    for (const answer of answers) {
      const question = version.byId.get(answer.questionId)!;
      patch[answer.questionId] =
        question.type === "short_answer"
          ? { text: answer.text ?? "" }
          : { optionIds: answer.optionIds ?? [] };
    }
    // Written with the saves arriving meanwhile, in one statement; answered once it is committed.
    const updated = await this.state.saves.submit({
      id: attemptId,
      userId: viewer.id,
      patch,
      now: now.toISOString(),
    });
    if (!updated) {
      // Not changed: submitted or out of time (409), or gone (404).
      const [again] = await this.db.select().from(attempts).where(eq(attempts.id, attemptId));
      if (!again || again.userId !== viewer.id) throw notFoundAttempt();
      this.access.assertOpen(again, now);
      throw notFoundAttempt();
    }
    return this.views.studentAttempt(updated, false, version);
  }

  /**
   * Ends and grades the attempt exactly once, without a transaction: the answers read are graded,
   * and one statement ends the attempt — and writes its events — only if it is still open with
   * those same answers. A racing submit or answer save makes that statement change nothing, and
   * the attempt is read again: both submitters answer the one result. After the deadline the
   * saved answers are graded.
   */
  async submitAttempt(viewer: Viewer, attemptId: string): Promise<Attempt> {
    for (let tries = 0; ; tries++) {
      const [found] = await this.state.prepared.attemptWithReview.execute({ attemptId });
      if (!found || found.attempt.userId !== viewer.id) throw notFoundAttempt();
      const { attempt, allowReview } = found;
      if (attempt.status !== "in_progress") return this.views.studentAttempt(attempt, allowReview);
      const endedBy = this.access.overdue(attempt, this.deps.clock.now()) ? "deadline" : "student";
      const unchanged = sql`${attempts.answers} = ${JSON.stringify(attempt.answers)}::jsonb`;
      // Saves cannot outpace a submit for long; past a few losses, take the row lock instead.
      const ended =
        tries < 3
          ? await this.end(this.db, attempt, endedBy, unchanged)
          : await this.db.transaction(async (tx) => {
              const [locked] = await tx
                .select()
                .from(attempts)
                .where(eq(attempts.id, attemptId))
                .for("update");
              if (!locked) throw notFoundAttempt();
              return locked.status === "in_progress" ? this.finish(tx, locked, endedBy) : locked;
            });
      if (ended) return this.views.studentAttempt(ended, allowReview);
    }
  }

  /** The attempt for its student (key only after submission, and only if the exam allows review) or the course owner. */
  async getAttempt(viewer: Viewer, attemptId: string): Promise<Attempt> {
    const [found] = await this.db
      .select({ attempt: attempts, allowReview: exams.allowReview })
      .from(attempts)
      .innerJoin(exams, eq(exams.id, attempts.examId))
      .where(eq(attempts.id, attemptId));
    if (!found) throw notFoundAttempt();
    let row = found.attempt;
    if (row.userId === viewer.id) {
      if (row.status === "in_progress") row = await this.finishIfOverdue(row.id, this.deps.clock.now());
      return this.views.studentAttempt(row, found.allowReview);
    }
    if (!(await this.courses.canManage(this.db, { courseId: row.courseId, user: viewer })))
      throw notFoundAttempt();
    return this.views.ownerAttempt(this.db, row);
  }

  /** Every attempt at the exam, for its owner; with each student's name. */
  async listAttempts(
    viewer: Viewer,
    examId: string,
    query: { limit: number; cursor?: string; status?: AttemptStatus },
  ): Promise<Page<Attempt>> {
    await this.access.manageableExam(viewer, examId);
    const conditions: (SQL | undefined)[] = [eq(attempts.examId, examId)];
    if (query.status) conditions.push(eq(attempts.status, query.status));
    const after = decodeCursor(query.cursor);
    conditions.push(afterTimeAndId(after, attempts.startedAt, attempts.id, "asc"));
    const rows = await this.db
      .select({ attempt: attempts, user: { id: users.id, name: users.name, email: users.email } })
      .from(attempts)
      .innerJoin(users, eq(users.id, attempts.userId))
      .where(and(...conditions))
      .orderBy(asc(attempts.startedAt), asc(attempts.id))
      .limit(query.limit + 1);
    const page = toPage(
      rows,
      query.limit,
      (r) => [r.attempt.startedAt.toISOString(), r.attempt.id],
      (r) => r,
    );
    const items: Attempt[] = [];
    for (const r of page.items)
      items.push({ ...(await this.views.ownerAttempt(this.db, r.attempt)), user: r.user });
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * The instructor's marks and feedback for questions of an ended attempt (short answers that
   * need review, or any question to override). When nothing is left to review the attempt is graded.
   */
  async gradeManually(viewer: Viewer, attemptId: string, grades: GradeInput[]): Promise<Attempt> {
    const [found] = await this.db
      .select({ courseId: attempts.courseId })
      .from(attempts)
      .where(eq(attempts.id, attemptId));
    if (!found || !(await this.courses.canManage(this.db, { courseId: found.courseId, user: viewer })))
      throw notFoundAttempt();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(attempts).where(eq(attempts.id, attemptId)).for("update");
      if (!row) throw notFoundAttempt();
      if (row.status === "in_progress") {
        throw conflict(
          "attempt-in-progress",
          "The attempt is still in progress",
          "Grade an attempt once it has been submitted or its time has run out.",
        );
      }
      const version = await this.views.version(tx, row.examId, row.version);
      const issues: { path: string; message: string }[] = [];
      grades.forEach((grade, index) => {
        const question = version.byId.get(grade.questionId);
        if (!question) {
          issues.push({
            path: `grades.${index}.questionId`,
            message: "This question is not part of the attempt.",
          });
        } else if (grade.marks > question.marks) {
          issues.push({
            path: `grades.${index}.marks`,
            message: `This question is worth at most ${question.marks} marks.`,
          });
        }
      });
      if (issues.length > 0) throw problems.validation(issues);
      const results: Record<string, StoredResult> = { ...row.results };
      for (const grade of grades) {
        const question = version.byId.get(grade.questionId)!;
        results[grade.questionId] = {
          marks: hundredths(grade.marks) / 100,
          status: "graded",
          correct: hundredths(grade.marks) === hundredths(question.marks),
          manual: true,
          ...(grade.feedback ? { feedback: grade.feedback } : {}),
        };
      }
      const needsReview = Object.values(results).some((r) => r.status === "needs_review");
      const score = Object.values(results).reduce((sum, r) => sum + hundredths(r.marks), 0) / 100;
      const passed = needsReview ? null : passes(score, row.maxScore, version);
      const now = this.deps.clock.now();
      const [updated] = await tx
        .update(attempts)
        .set({
          results,
          score,
          passed,
          status: needsReview ? "needs_review" : "graded",
          gradedAt: needsReview ? null : now,
        })
        .where(eq(attempts.id, attemptId))
        .returning();
      if (!needsReview) {
        const { events, jobs } = this.graded(updated!, true);
        await this.deps.events.emitAll(tx, events);
        await this.deps.jobs.enqueueMany(tx, jobs);
      }
      return this.views.ownerAttempt(tx, updated!);
    });
  }

  /** Grades the open attempts whose deadline has passed, from their saved answers; returns how many. */
  async expireOverdue(maxBatches = 50): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const now = this.deps.clock.now();
      const done = await this.db.transaction(async (tx) => {
        const due = await tx
          .select()
          .from(attempts)
          .where(and(eq(attempts.status, "in_progress"), lte(attempts.deadline, now)))
          .orderBy(asc(attempts.deadline))
          .limit(EXPIRY_BATCH)
          .for("update", { skipLocked: true });
        for (const row of due) await this.finish(tx, row, "deadline");
        return due.length;
      });
      total += done;
      if (done < EXPIRY_BATCH) break;
    }
    if (total > 0) this.deps.logger.info({ graded: total }, "graded attempts whose time ran out");
    return total;
  }

  /**
   * Ends the attempts a student still had open in a course they left, grading what they saved:
   * without an enrollment they may not go on answering (courses' `enrollment.cancelled`).
   */
  async endForCancelledEnrollment(courseId: string, userId: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const open = await tx
        .select()
        .from(attempts)
        .where(
          and(
            eq(attempts.courseId, courseId),
            eq(attempts.userId, userId),
            eq(attempts.status, "in_progress"),
          ),
        )
        .for("update");
      for (const row of open) await this.finish(tx, row, "unenrolled");
      return open.length;
    });
  }

  /** Grades an open attempt whose deadline has passed (in its own transaction); answers the row as it now is. */
  private async finishIfOverdue(attemptId: string, now: Date): Promise<AttemptRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(attempts).where(eq(attempts.id, attemptId)).for("update");
      if (!row) throw notFoundAttempt();
      if (row.status === "in_progress" && this.access.overdue(row, now))
        return this.finish(tx, row, "deadline");
      return row;
    });
  }

  /** Ends a locked open attempt and grades it from its saved answers. */
  private async finish(tx: Executor, row: AttemptRow, endedBy: EndedBy): Promise<AttemptRow> {
    const ended = await this.end(tx, row, endedBy);
    if (!ended) throw new Error(`Attempt ${row.id} was locked open but could not be ended.`);
    return ended;
  }

  /**
   * Grades an open attempt from its saved answers and ends it in one statement with its events
   * (`exam.submitted`, and `exam.graded` unless a short answer needs review) — only if it is
   * still open and `condition` holds. Answers the ended attempt, or null when nothing changed.
   */
  private async end(
    executor: Executor,
    row: AttemptRow,
    endedBy: EndedBy,
    condition?: SQL,
  ): Promise<AttemptRow | null> {
    const version = await this.views.version(executor, row.examId, row.version);
    const answers = Object.entries(row.answers).map(([questionId, answer]) => ({ questionId, ...answer }));
    const grade = gradeAnswers(version.questions, answers);
    const results: Record<string, StoredResult> = {};
    for (const r of grade.results)
      results[r.questionId] = { marks: r.marks, status: r.status, correct: r.correct };
    const now = this.deps.clock.now();
    const changes = {
      status: grade.needsReview ? ("needs_review" as const) : ("graded" as const),
      submittedAt: endedBy === "deadline" && row.deadline && row.deadline < now ? row.deadline : now,
      endedBy,
      results,
      score: grade.score,
      maxScore: grade.maxScore,
      passed: grade.needsReview ? null : passes(grade.score, grade.maxScore, version),
      gradedAt: grade.needsReview ? null : now,
    };
    const ended: AttemptRow = { ...row, ...changes };
    const submitted: EmittedEvent = {
      name: "exam.submitted",
      data: { attemptId: row.id, examId: row.examId, courseId: row.courseId, userId: row.userId, endedBy },
    };
    const change = executor
      .update(attempts)
      .set(changes)
      .where(and(eq(attempts.id, row.id), eq(attempts.status, "in_progress"), condition))
      .returning({ id: attempts.id })
      .getSQL();
    const graded = grade.needsReview ? { events: [], jobs: [] } : this.graded(ended, false);
    const changed = await this.deps.events.emitIfChanged(executor, change, [submitted, ...graded.events], {
      jobs: graded.jobs,
    });
    return changed > 0 ? ended : null;
  }

  /**
   * What a graded attempt announces: `exam.graded`, and for a pass a check of the course's
   * completion — a job, so it happens even if this process stops right after the grade.
   */
  private graded(row: AttemptRow, manual: boolean): { events: EmittedEvent[]; jobs: NewJob[] } {
    const graded: EmittedEvent = {
      name: "exam.graded",
      data: {
        attemptId: row.id,
        examId: row.examId,
        courseId: row.courseId,
        userId: row.userId,
        score: row.score ?? 0,
        maxScore: row.maxScore,
        passed: row.passed ?? false,
        manual,
      },
    };
    // A failed attempt cannot complete a course; a pass may.
    const jobs: NewJob[] = row.passed
      ? [
          {
            name: COMPLETION_JOB,
            payload: { userId: row.userId, courseId: row.courseId },
            dedupeKey: `${COMPLETION_JOB}:${row.id}:${row.gradedAt?.toISOString()}`,
          },
        ]
      : [];
    return { events: [graded], jobs };
  }
}
