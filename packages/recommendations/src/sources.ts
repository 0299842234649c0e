import type {} from "@lectern/attendance";
import type { Executor, ServiceRegistry } from "@lectern/core";
import {
  type Course,
  type CourseSummary,
  enrolledSql,
  enrollmentsView,
  type StudentRow,
} from "@lectern/courses";
import type {} from "@lectern/exams";
import { and, eq, inArray, sql } from "drizzle-orm";
import { studentRecommendations } from "./schema.js";

/**
 * Everything this plugin learns from other plugins goes through this one module, and only
 * through what they publish: the courses catalogue, students and progress (courses' service), the
 * enrollment history (courses' published view `courses_enrollments_v`), and grades and exam dates
 * (exams' service, when installed), live-class attendance (attendance's service, when installed).
 * Never their tables.
 */
export interface CatalogEntry extends CourseSummary {
  /** The course takes enrollments now (published; free, or paid with a way to pay). */
  open: boolean;
}

export interface EnrollmentFact {
  userId: string;
  courseId: string;
  status: "active" | "completed" | "cancelled";
  enrolledAt: Date;
  completedAt: Date | null;
}

export interface StudentActivity {
  user: { id: string; name: string };
  status: "active" | "completed" | "cancelled";
  progress: number;
  enrolledAt: Date;
  lastActiveAt: Date;
  /** Marks (0–100) of the graded exams, one per exam. */
  marks: number[];
  /** Published exams whose closing date has passed with no attempt. */
  missed: number;
  /** Every published exam of the course has closed. */
  examsOver: boolean;
  attendance: number | null;
  /** When the course was completed; null otherwise. */
  completedAt: Date | null;
  /** The graded exams with when each was graded: what was known on an earlier day. */
  graded: { at: Date; mark: number }[];
  /** The published exams with a closing date, and whether the student attempted each. */
  closingExams: { closesAt: Date; attempted: boolean }[];
}

interface ExamColumn {
  exams?: {
    grades: {
      examId: string;
      attempts: number;
      score: number | null;
      maxScore: number;
      gradedAt: string | null;
    }[];
  };
}

export class Sources {
  constructor(
    private readonly services: ServiceRegistry,
    private readonly db: Executor,
  ) {}

  get #courses() {
    return this.services.get("courses");
  }

  /** The published catalogue, through courses' public listing. */
  async catalog(): Promise<CatalogEntry[]> {
    const canPay = this.services.has("payments");
    const all: CatalogEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#courses.listCatalog({ limit: 100, cursor });
      for (const c of page.items) all.push({ ...c, open: c.price === null || canPay });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  async findCourse(idOrSlug: string): Promise<Course | null> {
    return this.#courses.findCourse(idOrSlug);
  }

  async canManage(viewer: { id: string; role: "student" | "instructor" | "admin" }, courseId: string) {
    return this.#courses.canManage(this.db, { courseId, user: viewer });
  }

  /** Every enrollment of the institution (history for the nightly rebuild). */
  async allEnrollments(): Promise<EnrollmentFact[]> {
    const e = enrollmentsView;
    return this.db
      .select({
        userId: e.userId,
        courseId: e.courseId,
        status: e.status,
        enrolledAt: e.enrolledAt,
        completedAt: e.completedAt,
      })
      .from(e);
  }

  /** One student's enrollments that still count (active or completed). */
  async enrollmentsOf(userId: string, executor: Executor = this.db): Promise<EnrollmentFact[]> {
    const e = enrollmentsView;
    return executor
      .select({
        userId: e.userId,
        courseId: e.courseId,
        status: e.status,
        enrolledAt: e.enrolledAt,
        completedAt: e.completedAt,
      })
      .from(e)
      .where(and(eq(e.userId, userId), enrolledSql(e.status)));
  }

  /**
   * The request path in one round trip: this plugin's precomputed row for the student, with the
   * courses they are enrolled in now (so one enrolled since the row was computed is never shown).
   */
  async precomputed<T>(userId: string): Promise<{ items: T[]; enrolled: Set<string> } | null> {
    const rows = await this.#precomputedQuery().execute({ userId });
    const row = rows[0];
    return row ? { items: row.items as T[], enrolled: new Set(row.enrolled) } : null;
  }

  // Prepared once: building a drizzle query costs more than running this one on a hot path.
  #prepared: ReturnType<Sources["buildPrecomputedQuery"]> | null = null;

  #precomputedQuery() {
    this.#prepared ??= this.buildPrecomputedQuery();
    return this.#prepared;
  }

  private buildPrecomputedQuery() {
    const e = enrollmentsView;
    const userId = sql.placeholder("userId");
    return this.db
      .select({
        items: studentRecommendations.items,
        // As JSON: both drivers parse it, whereas a bare array needs postgres.js's type fetch.
        enrolled: sql<
          string[]
        >`to_json(array(select ${e.courseId} from ${e} where ${e.userId} = ${userId} and ${enrolledSql(e.status)}))`,
      })
      .from(studentRecommendations)
      .where(eq(studentRecommendations.userId, userId))
      .prepare("recommendations_precomputed");
  }

  /** Which of these courses the student is enrolled in (active or completed). */
  async enrolledAmong(userId: string, courseIds: string[]): Promise<Set<string>> {
    if (courseIds.length === 0) return new Set();
    const e = enrollmentsView;
    const rows = await this.db
      .select({ courseId: e.courseId })
      .from(e)
      .where(and(eq(e.userId, userId), inArray(e.courseId, courseIds), enrolledSql(e.status)));
    return new Set(rows.map((r) => r.courseId));
  }

  /**
   * A course's students with what the at-risk model reads: progress (courses), grades and missed
   * exams (exams), and the last day they did something. Read as the course's instructor.
   */
  async studentsOf(
    course: Course,
    now: Date,
    statuses: ("active" | "completed" | "cancelled")[],
  ): Promise<StudentActivity[]> {
    const instructor = { id: course.instructor.id, role: "instructor" as const };
    const rows: StudentRow[] = [];
    for (const status of statuses) {
      let cursor: string | undefined;
      do {
        const page = await this.#courses.listStudents(instructor, course.id, { limit: 100, cursor, status });
        rows.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    const closedExams = await this.#closedExams(instructor, course.id, now);
    const attendance = await this.#attendance(course.id, rows, now);
    return rows.map((row) => {
      const grades = (row as ExamColumn).exams?.grades ?? [];
      const graded = grades.filter((g) => g.score !== null && g.maxScore > 0);
      // Exams list every published exam per student; an exam with no attempt has `attempts: 0`.
      const attempted = new Set(grades.filter((g) => g.attempts > 0).map((g) => g.examId));
      const activity = [
        new Date(row.enrollment.enrolledAt).getTime(),
        ...graded.map((g) => (g.gradedAt ? new Date(g.gradedAt).getTime() : 0)),
      ];
      const markOf = (g: (typeof graded)[number]) => ((g.score as number) / g.maxScore) * 100;
      return {
        user: { id: row.user.id, name: row.user.name },
        status: row.enrollment.status,
        progress: row.enrollment.progress,
        enrolledAt: new Date(row.enrollment.enrolledAt),
        lastActiveAt: new Date(Math.max(...activity)),
        marks: graded.map(markOf),
        missed: closedExams.closed.filter((id) => !attempted.has(id)).length,
        examsOver: closedExams.total > 0 && closedExams.closed.length === closedExams.total,
        attendance: attendance.get(row.user.id) ?? null,
        completedAt: row.enrollment.completedAt ? new Date(row.enrollment.completedAt) : null,
        graded: graded
          .filter((g) => g.gradedAt)
          .map((g) => ({ at: new Date(g.gradedAt as string), mark: markOf(g) })),
        closingExams: closedExams.closing.map((e) => ({
          closesAt: e.closesAt,
          attempted: attempted.has(e.id),
        })),
      };
    });
  }

  /** Live-class attendance rates, as of `now`; none when attendance is not installed. */
  async #attendance(courseId: string, rows: StudentRow[], now: Date): Promise<Map<string, number | null>> {
    const students = rows.map((r) => ({ userId: r.user.id, enrolledAt: new Date(r.enrollment.enrolledAt) }));
    return this.attendanceAsOf(courseId, students, now);
  }

  /** Attendance rates as they stood on each student's own day (`asOf`), or on `now`. */
  async attendanceAsOf(
    courseId: string,
    students: { userId: string; enrolledAt: Date; asOf?: Date }[],
    now?: Date,
  ): Promise<Map<string, number | null>> {
    if (!this.services.has("attendance") || students.length === 0) return new Map();
    return this.services.get("attendance").attendanceRates(courseId, students, now);
  }

  async #closedExams(instructor: { id: string; role: "instructor" }, courseId: string, now: Date) {
    const closing: { id: string; closesAt: Date }[] = [];
    if (!this.services.has("exams")) return { closed: [] as string[], total: 0, closing };
    const exams = this.services.get("exams");
    const closed: string[] = [];
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await exams.listExams(instructor, courseId, { limit: 100, cursor });
      for (const exam of page.items) {
        if (exam.status !== "published") continue;
        total++;
        if (exam.closesAt) closing.push({ id: exam.id, closesAt: new Date(exam.closesAt) });
        if (exam.closesAt && new Date(exam.closesAt) <= now) closed.push(exam.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { closed, total, closing };
  }
}
