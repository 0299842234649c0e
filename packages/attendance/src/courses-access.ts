import type { Executor, ServiceRegistry, User } from "@lectern/core";
import { ENROLLED_STATUSES, enrollmentsView } from "@lectern/courses";
import { and, eq, inArray } from "drizzle-orm";

const view = enrollmentsView;

/** What attendance asks of courses, in one place, through courses' published read API. */
export class CourseAccess {
  constructor(
    private readonly services: ServiceRegistry,
    private readonly db: Executor,
  ) {}

  get #courses() {
    return this.services.get("courses");
  }

  async course(courseId: string, executor: Executor = this.db) {
    return (await this.#courses.courseSummaries(executor, [courseId])).get(courseId) ?? null;
  }

  canManage(
    viewer: Pick<User, "id" | "role">,
    courseId: string,
    executor: Executor = this.db,
  ): Promise<boolean> {
    return this.#courses.canManage(executor, { courseId, user: viewer });
  }

  /** Enrolled students (active or completed) of these courses, with when they enrolled. */
  async activeStudents(
    executor: Executor,
    courseIds: string[],
  ): Promise<{ courseId: string; userId: string; enrolledAt: Date }[]> {
    const lists = await Promise.all(
      courseIds.map(async (courseId) =>
        (await this.#courses.activeStudents(executor, courseId)).map((s) => ({ courseId, ...s })),
      ),
    );
    return lists.flat();
  }

  /** The courses a student is enrolled in (active or completed), with when. */
  async enrollmentsOf(executor: Executor, userId: string): Promise<{ courseId: string; enrolledAt: Date }[]> {
    return executor
      .select({ courseId: view.courseId, enrolledAt: view.enrolledAt })
      .from(view)
      .where(and(eq(view.userId, userId), inArray(view.status, [...ENROLLED_STATUSES])));
  }
}
