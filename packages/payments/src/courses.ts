import type { Executor, Money, ServiceRegistry } from "@lectern/core";
import type {} from "@lectern/courses";

/* Every call this package makes into courses, in one place: courses' published service, never its tables. */

export interface CourseForSale {
  id: string;
  title: string;
  slug: string;
  status: string;
  price: Money | null;
}

export class CoursesGateway {
  constructor(private readonly services: ServiceRegistry) {}

  async course(executor: Executor, courseId: string): Promise<CourseForSale | null> {
    const course = await this.services.get("courses").findCourse(courseId, executor);
    if (!course) return null;
    return {
      id: course.id,
      title: course.title,
      slug: course.slug,
      status: course.status,
      price: course.price,
    };
  }

  /** Enrolled means an active or completed enrollment. */
  async isEnrolled(executor: Executor, input: { courseId: string; userId: string }): Promise<boolean> {
    const enrollment = await this.services
      .get("courses")
      .findEnrollment(input.userId, input.courseId, executor);
    return !!enrollment && (enrollment.status === "active" || enrollment.status === "completed");
  }

  async enroll(tx: Executor, input: { courseId: string; userId: string }): Promise<{ created: boolean }> {
    const { created } = await this.services.get("courses").enroll(tx, input);
    return { created };
  }

  async cancelEnrollment(
    tx: Executor,
    input: { courseId: string; userId: string; reason: string },
  ): Promise<void> {
    await this.services.get("courses").cancelEnrollment(tx, input);
  }
}
