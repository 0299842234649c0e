import { z } from "@lectern/core";

/** The events `@lectern/attendance` emits; payloads are checked against these at emit time. */
export const attendanceEvents = {
  "attendance.low": z.object({
    userId: z.string(),
    courseId: z.string(),
    /** The course's instructor, so their dashboard shows it too. */
    instructorId: z.string(),
    rate: z.number(),
    threshold: z.number(),
    /** The ISO week the alert belongs to; one alert per student, course and period. */
    period: z.string(),
  }),
};

declare module "@lectern/core" {
  interface LecternEvents {
    /** A student's class attendance in a course is under the threshold; once per period. */
    "attendance.low": z.output<(typeof attendanceEvents)["attendance.low"]>;
  }
}
