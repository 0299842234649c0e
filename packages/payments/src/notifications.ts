import { defineNotificationKind, type PluginContext, type RealtimeRoutes } from "@lectern/core";
import type { PaymentStatus } from "./schema.js";

/** A payment's changes go live to its student (the return page waits on them) and to admins' lists. */
export const paymentsRealtime: RealtimeRoutes = {
  "payment.updated": (e) => [`user:${e.userId}`, "role:admin"],
};

const courseFacts = async (courseId: string, ctx: PluginContext) => {
  const course = await ctx.services.get("courses").findCourse(courseId);
  return course ? { title: course.title } : null;
};

const TITLES: Record<PaymentStatus, (course: string) => string> = {
  pending: (course) => `Your payment for "${course}" is waiting`,
  completed: (course) => `Payment received: "${course}"`,
  failed: (course) => `Your payment for "${course}" did not go through`,
  refunded: (course) => `Your payment for "${course}" was refunded`,
  needs_review: (course) => `Your payment for "${course}" is being checked`,
};

const BODIES: Record<PaymentStatus, string> = {
  pending: "We will tell you as soon as it is confirmed.",
  completed: "You are enrolled. Open the course whenever you are ready.",
  failed: "Nothing more will happen with this payment. You can try again from the course page.",
  refunded: "The money is on its way back to you.",
  needs_review: "The payment office is checking it by hand; you will hear from them soon.",
};

/** `paymentPagePath` is the campus's page of one payment (`/payments/:id`), where the link goes. */
export const paymentsNotificationKinds = (paymentPagePath: string) => [
  defineNotificationKind({
    kind: "payment.updated",
    event: "payment.updated",
    label: "A payment of yours is confirmed, fails or is refunded",
    // The receipt is the mail for a completed payment; this one stays in the app unless chosen.
    defaults: { inApp: true, email: false },
    recipients: (e) => [e.userId],
    facts: (e, ctx) => courseFacts(e.courseId, ctx),
    title: (e, course) => TITLES[e.status](course.title),
    body: (e) => BODIES[e.status],
    link: (e) =>
      e.status === "completed"
        ? `/student/courses/${e.courseId}`
        : paymentPagePath.replace(":id", e.paymentId),
  }),
];
