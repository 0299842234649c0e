import type { Executor, PluginContext, Storage, User } from "@lectern/core";
import type {} from "@lectern/courses";

/**
 * Everything the assistant asks of `@lectern/courses`, in one place: who may read which course,
 * and what a material or a course says. Only the courses plugin's published service is used.
 */
export interface CoursesPort {
  /** Whether the user may read the course's materials (enrolled, its instructor, or an admin). */
  canRead(user: Pick<User, "id" | "role">, courseId: string): Promise<boolean>;
  /** Whether the user may manage the course (its instructor or an admin). */
  canManage(user: Pick<User, "id" | "role">, courseId: string): Promise<boolean>;
  /** The courses whose materials the user may read; `"all"` for an admin. */
  readableCourseIds(user: Pick<User, "id" | "role">): Promise<string[] | "all">;
  material(materialId: string): Promise<MaterialSource | null>;
  course(courseId: string): Promise<CourseText | null>;
  /** The bytes of a stored file, or null when it is gone. */
  readFile(key: string, maxBytes: number): Promise<Uint8Array | null>;
}

export interface MaterialSource {
  id: string;
  courseId: string;
  title: string;
  kind: string;
  contentType: string | null;
  filename: string | null;
  storageKey: string | null;
  size: number | null;
}

export interface CourseText {
  id: string;
  title: string;
  summary: string;
  description: string;
  sections: { id: string; title: string }[];
  materialIds: string[];
}

export function coursesPort(ctx: PluginContext, executor: Executor = ctx.db): CoursesPort {
  const courses = () => ctx.services.get("courses");
  return {
    canRead: (user, courseId) => courses().canReadMaterials(executor, { courseId, user }),
    canManage: (user, courseId) => courses().canManage(executor, { courseId, user }),
    readableCourseIds: (user) => courses().readableCourseIds(executor, user),
    material: (id) => courses().materialSource(executor, id),
    course: (id) => courses().courseText(executor, id),
    readFile: (key, maxBytes) => readAll(ctx.storage, key, maxBytes),
  };
}

async function readAll(storage: Storage, key: string, maxBytes: number): Promise<Uint8Array | null> {
  const object = await storage.get(key);
  if (!object) return null;
  if (object.size > maxBytes) {
    object.body.destroy();
    throw new TooLargeError(object.size, maxBytes);
  }
  const bytes = new Uint8Array(object.size);
  let offset = 0;
  for await (const chunk of object.body as AsyncIterable<Buffer>) {
    bytes.set(chunk.subarray(0, Math.max(0, bytes.length - offset)), offset);
    offset += chunk.length;
  }
  return offset === bytes.length ? bytes : bytes.subarray(0, offset);
}

export class TooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`The file is ${size} bytes; the assistant reads files up to ${limit} bytes.`);
  }
}
