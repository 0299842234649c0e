import { randomUUID } from "node:crypto";
import type { Clock, Database, Executor, JobQueue, Logger } from "@lectern/core";
import type { CourseSummary } from "@lectern/courses";
import { and, desc, eq } from "drizzle-orm";
import {
  buildRecommender,
  type CatalogCourse,
  type Interaction,
  mostPopular,
  type Recommendation,
  type RecommendContext,
  recommendFor,
} from "../recommender/index.js";
import { interests, models, neighbours, prerequisites, studentRecommendations } from "../schema.js";
import type { CatalogEntry, EnrollmentFact, Sources } from "../sources.js";

/** What one precomputed recommendation holds: the answer's item, ready to send. */
export interface StoredRecommendation extends Recommendation {
  course: CourseSummary;
}

export const REFRESH_JOB = "recommendations.refreshStudent";
/** How many recommendations are kept per student: enough to drop a few just enrolled in. */
const KEPT = 25;
export const MAX_LIMIT = 20;

interface RecommenderSummary {
  courses: number;
  enrollments: number;
  students: number;
  popular: StoredRecommendation[];
}

interface Deps {
  db: Database;
  clock: Clock;
  jobs: JobQueue;
  logger: Logger;
  sources: Sources;
}

/**
 * The recommender's jobs and its one read. The nightly rebuild recomputes the item-item model and
 * every student's list; enrollment and completion events refresh one student's list against the
 * current model; a request reads one precomputed row and drops what the student has enrolled in
 * since it was computed.
 */
export class RecommendationsEngine {
  #cache: {
    modelId: string;
    context: Omit<RecommendContext, "prerequisites">;
    entries: Map<string, CatalogEntry>;
  } | null = null;

  constructor(private readonly deps: Deps) {}

  async forStudent(userId: string, limit: number): Promise<{ items: StoredRecommendation[] }> {
    const row = await this.deps.sources.precomputed<StoredRecommendation>(userId);
    let items = row?.items;
    let enrolled = row?.enrolled;
    if (!items || !enrolled) {
      // Not computed yet (a new student): the popular list now, a personal one after the job.
      items = (await this.#activeSummary())?.popular ?? [];
      enrolled = await this.deps.sources.enrolledAmong(
        userId,
        items.map((i) => i.course.id),
      );
      await this.deps.jobs.enqueue(
        this.deps.db,
        REFRESH_JOB,
        { userId },
        { dedupeKey: `${REFRESH_JOB}:${userId}` },
      );
    }
    const hidden = enrolled;
    return {
      items: items
        .filter((i) => !hidden.has(i.course.id) && i.course.instructor.id !== userId)
        .slice(0, limit),
    };
  }

  async queueRefresh(executor: Executor, userId: string): Promise<void> {
    await this.deps.jobs.enqueue(
      executor,
      REFRESH_JOB,
      { userId },
      { dedupeKey: `${REFRESH_JOB}:${userId}:${this.deps.clock.now().getTime()}` },
    );
  }

  /** The nightly rebuild: new neighbours and every student's list, switched over in one transaction. */
  async rebuild(): Promise<{ modelId: string; students: number }> {
    const { db, clock, sources } = this.deps;
    const started = Date.now();
    const now = clock.now();
    const entries = await sources.catalog();
    const enrollments = await sources.allEnrollments();
    const prereqs = await this.#prerequisites(db);
    const interestRows = await db.select().from(interests);
    const catalog = entries.map(toCatalogCourse);
    const history = enrollments.filter((e) => e.status !== "cancelled").map(toInteraction);
    const model = buildRecommender(catalog, history, { now: now.getTime() });
    const context: RecommendContext = {
      model,
      catalog: new Map(catalog.map((c) => [c.id, c])),
      prerequisites: prereqs,
    };
    const byId = new Map(entries.map((e) => [e.id, e]));
    const byUser = new Map<string, Interaction[]>();
    for (const i of history) byUser.set(i.userId, [...(byUser.get(i.userId) ?? []), i]);
    const interestsOf = new Map(interestRows.map((r) => [r.userId, r.tags]));
    const students = new Set([...byUser.keys(), ...interestsOf.keys()]);
    const lists = [...students].map((userId) => ({
      userId,
      items: stored(
        recommendFor(
          { userId, history: byUser.get(userId) ?? [], interests: interestsOf.get(userId) ?? [] },
          context,
          KEPT,
        ),
        byId,
      ),
      computedAt: now,
    }));
    const popular = stored(recommendFor({ userId: "", history: [], interests: [] }, context, KEPT), byId);
    const modelId = randomUUID();
    await db.transaction(async (tx) => {
      await tx.delete(neighbours);
      const rows = entries.map((entry) => ({
        courseId: entry.id,
        course: entry,
        neighbours: model.neighbours.get(entry.id) ?? [],
        popularity: model.popularity.get(entry.id) ?? 0,
        completionRate: model.completionRate.get(entry.id) ?? 0,
        computedAt: now,
      }));
      for (let i = 0; i < rows.length; i += 500) await tx.insert(neighbours).values(rows.slice(i, i + 500));
      await tx.delete(studentRecommendations);
      for (let i = 0; i < lists.length; i += 500)
        await tx.insert(studentRecommendations).values(lists.slice(i, i + 500));
      await tx
        .update(models)
        .set({ active: false })
        .where(and(eq(models.kind, "recommender"), eq(models.active, true)));
      const body: RecommenderSummary = {
        courses: entries.length,
        enrollments: history.length,
        students: lists.length,
        popular,
      };
      await tx.insert(models).values({
        id: modelId,
        kind: "recommender",
        active: true,
        body: body as unknown as Record<string, unknown>,
        trainedOn: history.length,
        trainedAt: now,
      });
    });
    this.#cache = null;
    this.deps.logger.info(
      {
        courses: entries.length,
        enrollments: history.length,
        students: lists.length,
        ms: Date.now() - started,
      },
      "recommendations rebuilt",
    );
    return { modelId, students: lists.length };
  }

  /** One student's list against the current model, after they enrolled, completed, or chose interests. */
  async refreshStudent(userId: string): Promise<void> {
    const { db, clock, sources } = this.deps;
    const cached = await this.#context();
    if (!cached) return; // no model yet: the first rebuild computes everyone
    const [history, interestRow, prereqs] = await Promise.all([
      sources.enrollmentsOf(userId),
      db.select({ tags: interests.tags }).from(interests).where(eq(interests.userId, userId)),
      this.#prerequisites(db),
    ]);
    const items = stored(
      recommendFor(
        { userId, history: history.map(toInteraction), interests: interestRow[0]?.tags ?? [] },
        { ...cached.context, prerequisites: prereqs },
        KEPT,
      ),
      cached.entries,
    );
    const now = clock.now();
    await db
      .insert(studentRecommendations)
      .values({ userId, items, computedAt: now })
      .onConflictDoUpdate({ target: studentRecommendations.userId, set: { items, computedAt: now } });
  }

  async #activeSummary(): Promise<(RecommenderSummary & { id: string }) | null> {
    const [row] = await this.deps.db
      .select({ id: models.id, body: models.body })
      .from(models)
      .where(and(eq(models.kind, "recommender"), eq(models.active, true)))
      .orderBy(desc(models.trainedAt))
      .limit(1);
    return row ? { ...(row.body as unknown as RecommenderSummary), id: row.id } : null;
  }

  /** The serving model, loaded once per rebuild (the refresh jobs reuse it). */
  async #context() {
    const active = await this.#activeSummary();
    if (!active) return null;
    if (this.#cache?.modelId === active.id) return this.#cache;
    const rows = await this.deps.db.select().from(neighbours);
    const entries = new Map(rows.map((r) => [r.courseId, r.course]));
    const popularity = new Map(rows.map((r) => [r.courseId, r.popularity]));
    const context = {
      catalog: new Map(rows.map((r) => [r.courseId, toCatalogCourse(r.course)])),
      model: {
        neighbours: new Map(rows.map((r) => [r.courseId, r.neighbours])),
        popularity,
        completionRate: new Map(rows.map((r) => [r.courseId, r.completionRate])),
        popular: mostPopular(popularity),
      },
    };
    this.#cache = { modelId: active.id, context, entries };
    return this.#cache;
  }

  async #prerequisites(executor: Executor): Promise<Map<string, string[]>> {
    const rows = await executor.select().from(prerequisites).orderBy(prerequisites.position);
    const map = new Map<string, string[]>();
    for (const r of rows) map.set(r.courseId, [...(map.get(r.courseId) ?? []), r.prerequisiteId]);
    return map;
  }
}

export function toCatalogCourse(entry: CatalogEntry & { description?: string }): CatalogCourse {
  return {
    id: entry.id,
    title: entry.title,
    text: `${entry.title}. ${entry.summary} ${entry.description ?? ""}`,
    tags: entry.tags,
    level: entry.level,
    instructorId: entry.instructor.id,
    open: entry.open,
  };
}

function toInteraction(e: EnrollmentFact): Interaction {
  return {
    userId: e.userId,
    courseId: e.courseId,
    at: e.enrolledAt.getTime(),
    completed: e.status === "completed",
  };
}

function stored(items: Recommendation[], entries: Map<string, CatalogEntry>): StoredRecommendation[] {
  return items.flatMap((item) => {
    const entry = entries.get(item.courseId);
    if (!entry) return [];
    const { open: _open, ...course } = entry;
    return [{ ...item, course }];
  });
}
