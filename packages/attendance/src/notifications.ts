import { defineNotificationKind, type PluginContext, type RealtimeRoutes } from "@lectern/core";

/** Where attendance's events go live: the student concerned, their instructor, and admins. */
export const attendanceRealtime: RealtimeRoutes = {
  "attendance.low": (e) => [`user:${e.userId}`, `user:${e.instructorId}`, "role:admin"],
};

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

async function facts(e: { courseId: string; userId: string }, ctx: PluginContext) {
  const course = await ctx.services.get("courses").findCourse(e.courseId);
  if (!course) return null;
  const student = await ctx.auth.getUser(e.userId);
  return { title: course.title, student: student?.name ?? "A student" };
}

/**
 * One alert, two readers: the student reads about their own attendance, the instructor about a
 * student of theirs. Two kinds, so each reads a sentence written for them and can turn it off
 * on its own.
 */
export const attendanceNotificationKinds = [
  defineNotificationKind({
    kind: "attendance.low",
    event: "attendance.low",
    label: "Your attendance in a course is under what it expects",
    recipients: (e) => [e.userId],
    facts,
    title: (e, f) => `Your attendance in "${f.title}" is ${percent(e.rate)}`,
    body: (e) =>
      `You have attended ${percent(e.rate)} of the live classes so far; the course expects at least ${percent(e.threshold)}.`,
    link: () => "/student/attendance",
  }),
  defineNotificationKind({
    kind: "attendance.low-instructor",
    event: "attendance.low",
    label: "A student of yours is under the attendance threshold",
    recipients: (e) => [e.instructorId],
    facts,
    title: (e, f) => `${f.student} has attended ${percent(e.rate)} in "${f.title}"`,
    body: (e) => `The course expects at least ${percent(e.threshold)} of its live classes.`,
    link: (e) => `/instructor/attendance?course=${e.courseId}`,
  }),
];
