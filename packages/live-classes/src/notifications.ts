import { defineNotificationKind, type RealtimeRoutes } from "@lectern/core";

/**
 * Where live-class events go live: schedule changes to the course (its students, owner and
 * admins see the list move). The reminder goes to the course without its list of recipients,
 * which is nobody's business but the server's.
 */
export const liveClassesRealtime: RealtimeRoutes = {
  "live-class.scheduled": (e) => [`course:${e.courseId}`],
  "live-class.updated": (e) => [`course:${e.courseId}`],
  "live-class.cancelled": (e) => [`course:${e.courseId}`],
  "live-class.starting": {
    channels: (e) => [`course:${e.courseId}`],
    data: ({ userIds: _recipients, ...rest }) => rest,
  },
};

/** "14:30", in the institution's time zone: the time students read on the campus. */
export function clockTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone }).format(
    new Date(iso),
  );
}

export const liveClassesNotificationKinds = [
  defineNotificationKind({
    kind: "live-class.starting",
    event: "live-class.starting",
    label: "A live class of yours starts soon",
    recipients: (e) => e.userIds,
    facts: async (e, ctx) => {
      const course = await ctx.services.get("courses").findCourse(e.courseId);
      return course ? { title: course.title, timeZone: ctx.config.timeZone } : null;
    },
    title: (e) => `Starting soon: ${e.title}`,
    body: (e, course) =>
      `"${e.title}" in ${course.title} starts at ${clockTime(e.startsAt, course.timeZone)} and lasts ${e.durationMinutes} minutes.`,
    link: () => "/student/live",
  }),
];
