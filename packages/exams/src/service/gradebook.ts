import {
  type CsvValue,
  decodeCursor,
  type Executor,
  type Page,
  rowsOf,
  toCsv,
  toPage,
  users,
} from "@lectern/core";
import { coursesView, enrolledSql, enrollmentsView } from "@lectern/courses";
import { and, asc, eq, gt, or, type SQL, sql } from "drizzle-orm";
import { type AttemptStatus, attempts, exams, type GradePolicy } from "../schema.js";
import { ExamsPart, notFoundCourse } from "./context.js";
import type { ExamGrade, Gradebook, MyGrade, Viewer } from "./types.js";

export interface CountedRow {
  exam_id: string;
  user_id: string;
  attempt_id: string | null;
  attempts: number | string | null;
  status: AttemptStatus | null;
  score: string | number | null;
  max_score: string | number | null;
  passed: boolean | null;
  graded_at: string | Date | null;
}

/**
 * The attempt that counts for one student and exam: the best score or the last ended attempt,
 * per the exam's policy; an attempt awaiting review counts once nothing graded beats it.
 */
export function countedAttempt(examId: SQL, userId: SQL, policy: SQL): SQL {
  return sql`
    select a.id as attempt_id, a.status, a.score, a.max_score, a.passed, a.graded_at,
           (select count(*) from ${attempts} x where x.exam_id = ${examId} and x.user_id = ${userId}) as attempts
    from ${attempts} a
    where a.exam_id = ${examId} and a.user_id = ${userId} and a.status in ('graded', 'needs_review')
    order by case when ${policy} = 'best' then coalesce(a.score, -1) else a.number end desc, a.number desc
    limit 1`;
}

export function toGrade(row: CountedRow, examMaxScore: number): ExamGrade {
  const date = row.graded_at === null ? null : new Date(row.graded_at);
  return {
    examId: row.exam_id,
    attemptId: row.attempt_id,
    attempts: Number(row.attempts ?? 0),
    status: row.status,
    score: row.score === null ? null : Number(row.score),
    maxScore: row.max_score === null ? examMaxScore : Number(row.max_score),
    passed: row.passed,
    gradedAt: date ? date.toISOString() : null,
  };
}

/** Grades: a student's own, the course owner's gradebook (JSON and CSV), completion and student-list figures. */
export class ExamGradebook extends ExamsPart {
  /** The student's grade in each published exam of the courses they are enrolled in. */
  async myGrades(viewer: Viewer, query: { limit: number; cursor?: string }): Promise<Page<MyGrade>> {
    const after = decodeCursor(query.cursor);
    const rows = rowsOf<
      CountedRow & {
        course_id: string;
        course_title: string;
        exam_title: string;
        grade_policy: GradePolicy;
        exam_max_score: string;
      }
    >(
      await this.db.execute(sql`
        select e.id as exam_id, e.title as exam_title, e.course_id, c.title as course_title, e.grade_policy,
               e.max_score as exam_max_score, ${viewer.id}::uuid as user_id, counted.*
        from ${exams} e
        join ${enrollmentsView} en on en.course_id = e.course_id and en.user_id = ${viewer.id} and ${enrolledSql(sql`en.status`)}
        join ${coursesView} c on c.id = e.course_id
        left join lateral (${countedAttempt(sql`e.id`, sql`${viewer.id}::uuid`, sql`e.grade_policy`)}) counted on true
        where e.status = 'published'
          ${after ? sql`and (e.course_id, e.id) > (${String(after[0])}::uuid, ${String(after[1])}::uuid)` : sql``}
        order by e.course_id, e.id
        limit ${query.limit + 1}`),
    );
    return toPage(
      rows,
      query.limit,
      (r) => [r.course_id, r.exam_id],
      (r) => ({
        courseId: r.course_id,
        courseTitle: r.course_title,
        examTitle: r.exam_title,
        gradePolicy: r.grade_policy,
        ...toGrade(r, Number(r.exam_max_score)),
      }),
    );
  }

  /** Students × published exams, with the counted attempt of each; for the course owner. */
  async gradebook(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Gradebook> {
    if (!(await this.courses.canManage(this.db, { courseId: courseId, user: viewer })))
      throw notFoundCourse();
    const examRows = await this.db
      .select({ id: exams.id, title: exams.title, maxScore: exams.maxScore, gradePolicy: exams.gradePolicy })
      .from(exams)
      .where(and(eq(exams.courseId, courseId), eq(exams.status, "published")))
      .orderBy(asc(exams.publishedAt), asc(exams.id));
    const enrollments = enrollmentsView;
    const after = decodeCursor(query.cursor);
    const students = await this.db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(
        and(
          eq(enrollments.courseId, courseId),
          enrolledSql(enrollments.status),
          after
            ? or(
                gt(users.name, String(after[0])),
                and(eq(users.name, String(after[0])), gt(users.id, String(after[1]))),
              )
            : undefined,
        ),
      )
      .orderBy(asc(users.name), asc(users.id))
      .limit(query.limit + 1);
    const page = toPage(
      students,
      query.limit,
      (s) => [s.name, s.id],
      (s) => s,
    );
    const grades = await this.countedGrades(
      this.db,
      courseId,
      page.items.map((s) => s.id),
    );
    return {
      exams: examRows,
      items: page.items.map((user) => ({
        user,
        grades: examRows.map(
          (exam) =>
            grades.get(`${exam.id}:${user.id}`) ?? {
              examId: exam.id,
              attemptId: null,
              attempts: 0,
              status: null,
              score: null,
              maxScore: exam.maxScore,
              passed: null,
              gradedAt: null,
            },
        ),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** The whole gradebook as CSV: one row per student, score and passed per exam. */
  async gradebookCsv(viewer: Viewer, courseId: string): Promise<string> {
    let cursor: string | undefined;
    let header: string[] | null = null;
    const rows: CsvValue[][] = [];
    do {
      const page = await this.gradebook(viewer, courseId, { limit: 100, cursor });
      if (!header) {
        header = ["student", "email"];
        for (const exam of page.exams)
          header.push(`${exam.title} (/${exam.maxScore})`, `${exam.title} passed`);
      }
      for (const row of page.items) {
        const cells: CsvValue[] = [row.user.name, row.user.email];
        for (const grade of row.grades) {
          const passed =
            grade.passed === null
              ? grade.status === "needs_review"
                ? "review"
                : ""
              : grade.passed
                ? "yes"
                : "no";
          cells.push(grade.score, passed);
        }
        rows.push(cells);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return toCsv(
      rows,
      (header ?? ["student", "email"]).map((title, i) => ({
        header: title,
        value: (row: CsvValue[]) => row[i],
      })),
    );
  }

  /** Marks for `GET /api/courses/:id/students`: each student's counted attempt per published exam. */
  async studentColumns(executor: Executor, input: { courseId: string; userIds: string[] }) {
    const grades = await this.countedGrades(executor, input.courseId, input.userIds);
    const examIds = await executor
      .select({ id: exams.id })
      .from(exams)
      .where(and(eq(exams.courseId, input.courseId), eq(exams.status, "published")))
      .orderBy(asc(exams.publishedAt), asc(exams.id));
    const columns: Record<string, { exams: { passed: number; total: number; grades: ExamGrade[] } }> = {};
    for (const userId of input.userIds) {
      const mine = examIds.flatMap((e) => grades.get(`${e.id}:${userId}`) ?? []);
      columns[userId] = {
        exams: { passed: mine.filter((g) => g.passed).length, total: examIds.length, grades: mine },
      };
    }
    return columns;
  }

  /** The completion rule: a course with published exams is complete only when each is passed. */
  async examsPassed(
    executor: Executor,
    input: { userId: string; courseId: string },
  ): Promise<"met" | "unmet" | "none"> {
    const { required, met } = await this.examsTally(executor, input);
    if (required === 0) return "none";
    return met === required ? "met" : "unmet";
  }

  /** The same rule as items for progress: each published exam is one, met once passed. */
  async examsTally(
    executor: Executor,
    input: { userId: string; courseId: string },
  ): Promise<{ required: number; met: number }> {
    const [row] = rowsOf<{ total: number | string; passed: number | string }>(
      await executor.execute(sql`
        select count(*) as total,
               count(*) filter (where exists (
                 select 1 from ${attempts} a where a.exam_id = e.id and a.user_id = ${input.userId} and a.passed
               )) as passed
        from ${exams} e
        where e.course_id = ${input.courseId} and e.status = 'published'`),
    );
    return { required: Number(row?.total ?? 0), met: Number(row?.passed ?? 0) };
  }

  private async countedGrades(
    executor: Executor,
    courseId: string,
    userIds: string[],
  ): Promise<Map<string, ExamGrade>> {
    const grades = new Map<string, ExamGrade>();
    if (userIds.length === 0) return grades;
    const found = rowsOf<CountedRow & { exam_max_score: string }>(
      await executor.execute(sql`
        select e.id as exam_id, e.max_score as exam_max_score, u.id as user_id, counted.*
        from ${exams} e
        join ${users} u on u.id in (${sql.join(
          userIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
        left join lateral (${countedAttempt(sql`e.id`, sql`u.id`, sql`e.grade_policy`)}) counted on true
        where e.course_id = ${courseId} and e.status = 'published'`),
    );
    for (const r of found) grades.set(`${r.exam_id}:${r.user_id}`, toGrade(r, Number(r.exam_max_score)));
    return grades;
  }
}
