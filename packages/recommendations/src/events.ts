import { z } from "@lectern/core";

/** The events `@lectern/recommendations` emits; payloads are checked against these at emit time. */
export const recommendationEvents = {
  "student.at-risk": z.object({
    courseId: z.string(),
    userId: z.string(),
    /** Predicted risk of failing, 0–1. */
    risk: z.number(),
    /** The period (an ISO week such as `2026-W49`, or a day) this warning belongs to. */
    period: z.string(),
  }),
};

type Payloads = { [K in keyof typeof recommendationEvents]: z.output<(typeof recommendationEvents)[K]> };

declare module "@lectern/core" {
  interface LecternEvents {
    /** A student's predicted risk reached the threshold; emitted once per course and period. */
    "student.at-risk": Payloads["student.at-risk"];
  }
}
