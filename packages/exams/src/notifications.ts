import { defineNotificationKind, type PluginContext, type RealtimeRoutes } from "@lectern/core";

/** Where exams' events go live: a new exam to its course, results to their student, all to admins. */
export const examsRealtime: RealtimeRoutes = {
  "exam.published": (e) => [`course:${e.courseId}`, "role:admin"],
  "exam.submitted": (e) => [`user:${e.userId}`, "role:admin"],
  "exam.graded": (e) => [`user:${e.userId}`, "role:admin"],
};

const courseFacts = async (courseId: string, ctx: PluginContext) => {
  const course = await ctx.services.get("courses").findCourse(courseId);
  return course ? { title: course.title, slug: course.slug } : null;
};

export const examsNotificationKinds = [
  defineNotificationKind({
    kind: "exams.published",
    event: "exam.published",
    label: "A new exam is published in one of your courses",
    recipients: async (e, ctx) =>
      (await ctx.services.get("courses").activeStudents(ctx.db, e.courseId)).map((s) => s.userId),
    facts: (e, ctx) => courseFacts(e.courseId, ctx),
    title: (e) => `New exam: ${e.title}`,
    body: (_e, course) => `A new exam is published in "${course.title}".`,
    link: (e) => `/student/exams/${e.examId}`,
  }),
  defineNotificationKind({
    kind: "exams.graded",
    event: "exam.graded",
    label: "An exam of yours is graded",
    recipients: (e) => [e.userId],
    facts: (e, ctx) => courseFacts(e.courseId, ctx),
    title: (_e, course) => `Your exam in "${course.title}" is graded`,
    body: (e) => `You scored ${e.score} of ${e.maxScore}: ${e.passed ? "passed" : "not passed"}.`,
    link: () => "/student/grades",
  }),
];
