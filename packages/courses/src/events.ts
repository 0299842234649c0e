import { z } from "@lectern/core";

/** The events `@lectern/courses` emits; payloads are checked against these at emit time. */
export const courseEvents = {
  "course.submitted": z.object({ courseId: z.string(), instructorId: z.string() }),
  "course.approved": z.object({ courseId: z.string(), instructorId: z.string(), approvedBy: z.string() }),
  "course.rejected": z.object({
    courseId: z.string(),
    instructorId: z.string(),
    rejectedBy: z.string(),
    reason: z.string(),
  }),
  "course.archived": z.object({ courseId: z.string(), archivedBy: z.string() }),
  "course.updated": z.object({ courseId: z.string() }),
  "course.deleted": z.object({ courseId: z.string(), deletedBy: z.string() }),
  "material.added": z.object({ materialId: z.string(), courseId: z.string() }),
  "material.updated": z.object({ materialId: z.string(), courseId: z.string() }),
  "material.deleted": z.object({ materialId: z.string(), courseId: z.string() }),
  "enrollment.created": z.object({ enrollmentId: z.string(), courseId: z.string(), userId: z.string() }),
  "enrollment.cancelled": z.object({ enrollmentId: z.string(), courseId: z.string(), userId: z.string() }),
  "material.completed": z.object({ materialId: z.string(), courseId: z.string(), userId: z.string() }),
  "course.completed": z.object({
    enrollmentId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    completedAt: z.string(),
  }),
};

type Payloads = { [K in keyof typeof courseEvents]: z.output<(typeof courseEvents)[K]> };

declare module "@lectern/core" {
  interface LecternEvents {
    "course.submitted": Payloads["course.submitted"];
    /** A course was published; `approvedBy` is the admin who approved it. */
    "course.approved": Payloads["course.approved"];
    "course.rejected": Payloads["course.rejected"];
    "course.archived": Payloads["course.archived"];
    /** The course's text changed: title, summary, description, or its sections. */
    "course.updated": Payloads["course.updated"];
    /** The course and everything in it were erased (a course nobody enrolled in). */
    "course.deleted": Payloads["course.deleted"];
    "material.added": Payloads["material.added"];
    /** Renamed, moved or made (not) required. */
    "material.updated": Payloads["material.updated"];
    "material.deleted": Payloads["material.deleted"];
    "enrollment.created": Payloads["enrollment.created"];
    "enrollment.cancelled": Payloads["enrollment.cancelled"];
    "material.completed": Payloads["material.completed"];
    /** Emitted once per enrollment, when everything the course requires is done. */
    "course.completed": Payloads["course.completed"];
  }
}
