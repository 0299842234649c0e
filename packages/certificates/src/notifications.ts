import { defineNotificationKind, type RealtimeRoutes } from "@lectern/core";

/** Where certificates' events go live: their student and the admins who approve them. */
export const certificatesRealtime: RealtimeRoutes = {
  "certificate.requested": () => ["role:admin"],
  "certificate.issued": (e) => [`user:${e.userId}`, "role:admin"],
  "certificate.rejected": (e) => [`user:${e.userId}`, "role:admin"],
  "certificate.revoked": (e) => [`user:${e.userId}`, "role:admin"],
};

export const certificatesNotificationKinds = [
  defineNotificationKind({
    kind: "certificates.issued",
    event: "certificate.issued",
    label: "A certificate of yours is issued",
    recipients: (e) => [e.userId],
    facts: async (e, ctx) => {
      const course = await ctx.services.get("courses").findCourse(e.courseId);
      return course ? { title: course.title } : null;
    },
    title: (_e, course) => `Your certificate for "${course.title}" is issued`,
    body: (e) => `Anyone can verify it with the code ${e.code}.`,
    link: () => "/student/certificates",
  }),
];
