import type { Executor } from "../db/index.js";
import type { ServiceRegistry } from "../plugin.js";
import type { User } from "../types.js";
import { parseChannel } from "./types.js";

/**
 * The part of the courses plugin's published service that channel access needs. Kept here, in
 * one place, so the core never reads the courses tables and a change of that API is one edit.
 */
interface CourseMembership {
  canManage(
    executor: Executor,
    input: { courseId: string; user: Pick<User, "id" | "role"> },
  ): Promise<boolean>;
  isEnrolled(executor: Executor, input: { courseId: string; userId: string }): Promise<boolean>;
}

/** Whether the user may follow the channel: their own, their courses' (as student, owner or admin), admins'. */
export async function mayRead(
  services: ServiceRegistry,
  db: Executor,
  user: User,
  channel: string,
): Promise<boolean> {
  const parsed = parseChannel(channel);
  if (!parsed) return false;
  if (parsed.kind === "user") return parsed.id === user.id;
  if (parsed.kind === "role") return user.role === "admin";
  if (user.role === "admin") return true;
  if (!services.has("courses")) return false;
  const courses = services.get("courses" as never) as CourseMembership;
  if (await courses.canManage(db, { courseId: parsed.id, user })) return true;
  return courses.isEnrolled(db, { courseId: parsed.id, userId: user.id });
}
