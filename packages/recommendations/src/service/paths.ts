import { type Database, problems } from "@lectern/core";
import type { Course } from "@lectern/courses";
import { sql } from "drizzle-orm";
import { findCycle, learningPath } from "../recommender/index.js";
import { prerequisites } from "../schema.js";
import type { CatalogEntry, Sources } from "../sources.js";
import { toCatalogCourse } from "./recommendations.js";

type Viewer = { id: string; role: "student" | "instructor" | "admin" };

export const MAX_PREREQUISITES = 20;
// Two instructors saving prerequisites at once must not together close a cycle: they take turns.
const PREREQUISITE_LOCK = 727_517;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Prerequisites (owned here, edited by a course's instructor) and the learning paths built on them. */
export class Paths {
  constructor(
    private readonly db: Database,
    private readonly sources: Sources,
  ) {}

  async get(viewer: Viewer | null, courseId: string): Promise<{ courseIds: string[] }> {
    const course = await this.#visible(viewer, courseId);
    return { courseIds: await this.#of(course.id) };
  }

  async set(viewer: Viewer, courseId: string, courseIds: string[]): Promise<{ courseIds: string[] }> {
    const course = UUID.test(courseId) ? await this.sources.findCourse(courseId) : null;
    if (!course || !(await this.sources.canManage(viewer, course.id)))
      throw problems.notFound("There is no such course.");
    const wanted = [...new Set(courseIds.map((id) => id.toLowerCase()))];
    const errors: { path: string; message: string }[] = [];
    const titles = new Map<string, string>([[course.id, course.title]]);
    for (const [i, id] of wanted.entries()) {
      if (id === course.id)
        errors.push({ path: `courseIds.${i}`, message: "A course cannot be its own prerequisite." });
      const other = UUID.test(id) ? await this.sources.findCourse(id) : null;
      if (
        !other ||
        (other.status !== "published" &&
          other.status !== "archived" &&
          other.instructor.id !== course.instructor.id)
      )
        errors.push({ path: `courseIds.${i}`, message: "There is no such course." });
      else titles.set(other.id, other.title);
    }
    if (errors.length) throw problems.validation(errors);
    const cycle = await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${PREREQUISITE_LOCK})`);
      const rows = await tx.select().from(prerequisites);
      const edges = new Map<string, string[]>();
      for (const r of rows) {
        if (r.courseId !== course.id)
          edges.set(r.courseId, [...(edges.get(r.courseId) ?? []), r.prerequisiteId]);
      }
      edges.set(course.id, wanted);
      const found = findCycle(edges, course.id);
      if (found) return found;
      await tx.delete(prerequisites).where(sql`${prerequisites.courseId} = ${course.id}`);
      if (wanted.length) {
        await tx
          .insert(prerequisites)
          .values(
            wanted.map((prerequisiteId, position) => ({ courseId: course.id, prerequisiteId, position })),
          );
      }
      return null;
    });
    if (cycle) {
      // Named after the transaction: lookups go through courses' service, on its own connection.
      for (const id of cycle)
        if (!titles.has(id)) titles.set(id, (await this.sources.findCourse(id))?.title ?? id);
      const named = cycle.map((id) => titles.get(id)).join(" → ");
      throw problems.validation(
        [{ path: "courseIds", message: `These prerequisites would make a cycle: ${named}.` }],
        `These prerequisites would make a cycle: ${named}.`,
      );
    }
    return { courseIds: wanted };
  }

  /** An ordered path to a goal (a course id or slug, or a tag), for one student. */
  async path(viewer: Viewer, goal: string) {
    const trimmed = goal.trim();
    let goals: CatalogEntry[] = [];
    let label = trimmed;
    const course = trimmed ? await this.sources.findCourse(trimmed).catch(() => null) : null;
    if (course && course.status === "published") {
      goals = [entryOf(course)];
      label = course.title;
    } else {
      const tag = trimmed.toLowerCase().replace(/\s+/g, "-");
      goals = tag ? (await this.sources.catalog()).filter((c) => c.tags.includes(tag)) : [];
      label = tag;
    }
    if (goals.length === 0) throw problems.notFound("There is no course or topic by that name.");
    const rows = await this.db.select().from(prerequisites).orderBy(prerequisites.position);
    const edges = new Map<string, string[]>();
    for (const r of rows) edges.set(r.courseId, [...(edges.get(r.courseId) ?? []), r.prerequisiteId]);
    const entries = new Map(goals.map((g) => [g.id, g]));
    // Pull in every prerequisite reachable from the goals.
    const queue = [...entries.keys()];
    while (queue.length) {
      const id = queue.shift() as string;
      for (const p of edges.get(id) ?? []) {
        if (entries.has(p)) continue;
        const found = await this.sources.findCourse(p);
        if (found) {
          entries.set(p, entryOf(found));
          queue.push(p);
        }
      }
    }
    const mine = await this.sources.enrollmentsOf(viewer.id);
    const completed = new Set(mine.filter((e) => e.status === "completed").map((e) => e.courseId));
    const enrolled = new Set(mine.map((e) => e.courseId));
    const steps = learningPath({
      goals: goals.map((g) => g.id),
      goalLabel: label,
      catalog: new Map([...entries].map(([id, e]) => [id, toCatalogCourse(e)])),
      prerequisites: edges,
      completed,
      enrolled,
    });
    return {
      goal: label,
      steps: steps.map((s) => {
        const { open: _open, ...summary } = entries.get(s.courseId) as CatalogEntry;
        return { course: summary, reason: s.reason, completed: s.completed };
      }),
    };
  }

  async #of(courseId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: prerequisites.prerequisiteId })
      .from(prerequisites)
      .where(sql`${prerequisites.courseId} = ${courseId}`)
      .orderBy(prerequisites.position);
    return rows.map((r) => r.id);
  }

  async #visible(viewer: Viewer | null, courseId: string): Promise<Course> {
    const course = UUID.test(courseId) ? await this.sources.findCourse(courseId) : null;
    if (
      course &&
      (course.status === "published" || (viewer && (await this.sources.canManage(viewer, course.id))))
    )
      return course;
    throw problems.notFound("There is no such course.");
  }
}

function entryOf(course: Course): CatalogEntry & { description: string } {
  return {
    id: course.id,
    slug: course.slug,
    title: course.title,
    summary: course.summary,
    description: course.description,
    tags: course.tags,
    level: course.level,
    price: course.price,
    instructor: course.instructor,
    enrolledCount: course.enrolledCount,
    coverUrl: course.coverUrl,
    open: course.status === "published",
  };
}
