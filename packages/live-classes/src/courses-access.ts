import type { Executor, ServiceRegistry, User } from "@lectern/core";
import { ENROLLED_STATUSES, enrollmentsView } from "@lectern/courses";
import { and, eq, inArray } from "drizzle-orm";

/** Everything live classes asks of courses, in one place, through courses' published read API. */
export class CourseAccess {
  constructor(
    private readonly services: ServiceRegistry,
    private readonly db: Executor,
  ) {}

  get #courses() {
    return this.services.get("courses");
  }

  /** The course, if it exists: its title, slug and owner. */
  async course(courseId: string, executor: Executor = this.db) {
    return (await this.#courses.courseSummaries(executor, [courseId])).get(courseId) ?? null;
  }

  /** Its owner, or an admin. */
  canManage(
    viewer: Pick<User, "id" | "role">,
    courseId: string,
    executor: Executor = this.db,
  ): Promise<boolean> {
    return this.#courses.canManage(executor, { courseId, user: viewer });
  }

  /** The one definition of enrolled: an active or completed enrollment. */
  isEnrolled(executor: Executor, input: { courseId: string; userId: string }): Promise<boolean> {
    return this.#courses.isEnrolled(executor, input);
  }

  /** The course's enrolled students, with when they enrolled. */
  activeStudents(executor: Executor, courseId: string): Promise<{ userId: string; enrolledAt: Date }[]> {
    return this.#courses.activeStudents(executor, courseId);
  }

  /** The ids of the courses the user studies (enrolled) or teaches. */
  async courseIdsOf(user: Pick<User, "id" | "role">, executor: Executor = this.db): Promise<string[]> {
    const studied = await executor
      .select({ courseId: enrollmentsView.courseId })
      .from(enrollmentsView)
      .where(
        and(eq(enrollmentsView.userId, user.id), inArray(enrollmentsView.status, [...ENROLLED_STATUSES])),
      );
    const taught: string[] = [];
    if (user.role !== "student") {
      let cursor: string | undefined;
      do {
        const page = await this.#courses.listCourses({ instructorId: user.id, limit: 100, cursor });
        taught.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return [...new Set([...studied.map((r) => r.courseId), ...taught])];
  }
}
