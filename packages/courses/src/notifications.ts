import { defineNotificationKind, type PluginContext, type RealtimeRoutes } from "@lectern/core";

/** Where courses' events go live: the instructor concerned, admins' dashboards, and the student. */
export const coursesRealtime: RealtimeRoutes = {
  "course.submitted": () => ["role:admin"],
  "course.approved": (e) => [`user:${e.instructorId}`, "role:admin"],
  "course.rejected": (e) => [`user:${e.instructorId}`, "role:admin"],
  "course.archived": () => ["role:admin"],
  "enrollment.created": (e) => [`user:${e.userId}`, "role:admin"],
  "enrollment.cancelled": (e) => [`user:${e.userId}`, "role:admin"],
  "course.completed": (e) => [`user:${e.userId}`],
};

const courseFacts = async (courseId: string, ctx: PluginContext) => {
  const course = await ctx.services.get("courses").findCourse(courseId);
  return course ? { title: course.title, slug: course.slug } : null;
};

export const coursesNotificationKinds = [
  defineNotificationKind({
    kind: "courses.approved",
    event: "course.approved",
    label: "A course of yours is approved and published",
    recipients: (e) => [e.instructorId],
    facts: (e, ctx) => courseFacts(e.courseId, ctx),
    title: (_e, course) => `"${course.title}" is published`,
    body: () => "An administrator approved your course. It is now in the catalog.",
    link: (e) => `/instructor/courses/${e.courseId}`,
  }),
  defineNotificationKind({
    kind: "courses.rejected",
    event: "course.rejected",
    label: "A course of yours needs changes",
    recipients: (e) => [e.instructorId],
    facts: (e, ctx) => courseFacts(e.courseId, ctx),
    title: (_e, course) => `"${course.title}" needs changes`,
    body: (e) => `An administrator did not approve it yet: ${e.reason}`,
    link: (e) => `/instructor/courses/${e.courseId}`,
  }),
  defineNotificationKind({
    kind: "courses.enrolled",
    event: "enrollment.created",
    label: "You are enrolled in a course",
    defaults: { email: false },
    recipients: (e) => [e.userId],
    facts: (e, ctx) => courseFacts(e.courseId, ctx),
    title: (_e, course) => `You are enrolled in "${course.title}"`,
    body: () => "Its materials are open to you now.",
    link: (e) => `/student/courses/${e.courseId}`,
  }),
];
