import { z } from "@lectern/core";
import { ENDED_BY } from "./schema.js";

/** The events `@lectern/exams` emits; payloads are checked against these at emit time. */
export const examEvents = {
  "exam.published": z.object({
    examId: z.string(),
    courseId: z.string(),
    version: z.number().int(),
    title: z.string(),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    durationMinutes: z.number().int().nullable(),
  }),
  "exam.submitted": z.object({
    attemptId: z.string(),
    examId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    endedBy: z.enum(ENDED_BY),
  }),
  "exam.graded": z.object({
    attemptId: z.string(),
    examId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    score: z.number(),
    maxScore: z.number(),
    passed: z.boolean(),
    manual: z.boolean(),
  }),
};

type Payloads = { [K in keyof typeof examEvents]: z.output<(typeof examEvents)[K]> };

declare module "@lectern/core" {
  interface LecternEvents {
    /** An exam was published; its course's enrolled students are mailed. Emitted once per exam. */
    "exam.published": Payloads["exam.published"];
    /** An attempt ended, by the student's submit or by its deadline; emitted once per attempt. */
    "exam.submitted": Payloads["exam.submitted"];
    /** An attempt has its final score: at once when auto-graded, or when the instructor finishes grading. */
    "exam.graded": Payloads["exam.graded"];
  }
}
