import {
  createRouter,
  currentUser,
  defineRoute,
  json,
  type PluginContext,
  problems,
  type StudentReportSection,
  users,
  z,
} from "@lectern/core";
import { eq } from "drizzle-orm";
import type { CoursesService } from "./service.js";

const Params = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: "id", in: "path" } }),
  userId: z
    .string()
    .uuid()
    .openapi({ param: { name: "userId", in: "path" } }),
});

const ReportSchema = z
  .object({
    course: z.object({ id: z.string(), title: z.string() }),
    student: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    sections: z.array(
      z.object({
        key: z.string().openapi({ description: "Which plugin's section, e.g. `exams.marks`" }),
        title: z.string(),
        data: z.unknown(),
      }),
    ),
  })
  .openapi("StudentReport");

/** Courses' own section of a student's report: the enrollment and progress. */
export function progressSection(service: () => CoursesService): StudentReportSection {
  return {
    key: "courses.progress",
    title: "Progress",
    load: async (executor, input) => {
      if (!input.courseId) return null;
      const enrollment = await service().enrollmentOf(executor, {
        courseId: input.courseId,
        userId: input.userId,
      });
      return enrollment
        ? {
            status: enrollment.status,
            progress: enrollment.progress,
            enrolledAt: enrollment.enrolledAt,
            completedAt: enrollment.completedAt,
          }
        : null;
    },
  };
}

/**
 * `GET /api/courses/:id/students/:userId/report`: one student's report in a course, for its owner
 * or an admin, assembled from every installed plugin's `core.studentReport` section.
 */
export function studentReportRoutes(ctx: PluginContext, service: CoursesService) {
  const app = createRouter();
  app.openapi(
    defineRoute({
      method: "get",
      path: "/courses/{id}/students/{userId}/report",
      tags: ["Courses"],
      summary: "One student's report: progress, marks, attendance, certificates (owner, admin)",
      access: "courses.manage",
      request: { params: Params },
      responses: { 200: json(ReportSchema, "Each installed plugin's section, in install order") },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      const viewer = currentUser(c);
      const db = ctx.db;
      if (!(await service.canManage(db, { courseId: id, user: viewer }))) {
        throw problems.notFound("There is no such course among yours.");
      }
      const enrollment = await service.enrollmentOf(db, { courseId: id, userId });
      const [student] = enrollment
        ? await db
            .select({ id: users.id, name: users.name, email: users.email })
            .from(users)
            .where(eq(users.id, userId))
        : [];
      if (!student) throw problems.notFound("This student is not enrolled in the course.");
      const course = (await service.courseSummaries(db, [id])).get(id)!;
      const sections = [];
      for (const { value } of ctx.contributions("core.studentReport")) {
        sections.push({
          key: value.key,
          title: value.title,
          data: await value.load(db, { userId, courseId: id }),
        });
      }
      return c.json({ course: { id: course.id, title: course.title }, student, sections }, 200);
    },
  );
  return app;
}
