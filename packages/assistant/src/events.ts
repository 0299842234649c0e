import type { EventSubscriptions, PluginContext } from "@lectern/core";

export const INDEX_MATERIAL_JOB = "assistant.index-material";
export const INDEX_COURSE_JOB = "assistant.index-course";

declare module "@lectern/core" {
  interface LecternJobs {
    "assistant.index-material": { materialId: string };
    "assistant.index-course": { courseId: string };
  }
}

/**
 * Courses' events the assistant follows: each change queues an indexing job (extraction can take
 * a while and must not hold up the other handlers); deletions are applied at once.
 */
export function assistantSubscriptions(ctx: PluginContext): EventSubscriptions {
  const indexMaterial = (materialId: string) => ctx.jobs.enqueue(ctx.db, INDEX_MATERIAL_JOB, { materialId });
  const indexCourse = (courseId: string) => ctx.jobs.enqueue(ctx.db, INDEX_COURSE_JOB, { courseId });
  return {
    "material.added": (event) => indexMaterial(event.data.materialId),
    "material.updated": (event) => indexMaterial(event.data.materialId),
    "material.deleted": (event) =>
      ctx.services.get("assistant").indexer.removeMaterial(event.data.materialId),
    "course.updated": (event) => indexCourse(event.data.courseId),
    "course.approved": (event) => indexCourse(event.data.courseId),
    "course.submitted": (event) => indexCourse(event.data.courseId),
    "course.deleted": (event) => ctx.services.get("assistant").forgetCourse(event.data.courseId),
  };
}
