import type { RecommenderModel } from "./build.js";
import { type CatalogCourse, type Interaction, LEVEL_ORDER, type Recommendation } from "./types.js";

export interface StudentInput {
  userId: string;
  /** The student's enrollments (any status but cancelled), in any order. */
  history: Interaction[];
  interests: string[];
  /** Courses the student must never be offered: enrolled, owned, or shown elsewhere. */
  exclude?: Set<string>;
}

export interface RecommendContext {
  model: RecommenderModel;
  catalog: Map<string, CatalogCourse>;
  /** course id → the ids of its prerequisites */
  prerequisites: Map<string, string[]>;
}

const tagIndexes = new WeakMap<Map<string, CatalogCourse>, Map<string, CatalogCourse[]>>();

/** Courses by tag, built once per catalogue (students' interests look courses up by tag). */
function tagIndex(catalog: Map<string, CatalogCourse>): Map<string, CatalogCourse[]> {
  let index = tagIndexes.get(catalog);
  if (!index) {
    index = new Map();
    for (const course of catalog.values()) {
      for (const tag of course.tags) {
        const list = index.get(tag);
        if (list) list.push(course);
        else index.set(tag, [course]);
      }
    }
    tagIndexes.set(catalog, index);
  }
  return index;
}

interface Candidate {
  score: number;
  reasons: Map<string, number>;
}

/** How strongly each signal counts; the bench measures the whole against its baselines. */
/** Each older course of the student counts this much less than the next newer one. */
const RECENCY = 0.95;
const WEIGHTS = {
  neighbours: 1,
  nextStep: 0.05,
  nextLevel: 0.05,
  interest: 0.2,
  popularity: 0.1,
  lockedOut: 0.3,
};

/**
 * A student's recommendations, best first, each with up to two short reasons: the neighbours of
 * the courses they took (recent ones count more), the next step of a prerequisite chain they
 * started, the next level of a topic they finished, their interests, and a small popularity prior
 * (well-completed courses first). A student with no history gets interests and popularity alone.
 */
export function recommendFor(student: StudentInput, ctx: RecommendContext, limit: number): Recommendation[] {
  const taken = new Map(student.history.map((h) => [h.courseId, h]));
  const completed = new Set(student.history.filter((h) => h.completed).map((h) => h.courseId));
  const recentFirst = [...student.history].sort((a, b) => b.at - a.at);
  const interests = new Set(student.interests.map((t) => t.toLowerCase()));
  const candidates = new Map<string, Candidate>();
  const add = (id: string, score: number, reason?: string) => {
    let c = candidates.get(id);
    if (!c) {
      c = { score: 0, reasons: new Map() };
      candidates.set(id, c);
    }
    c.score += score;
    if (reason) c.reasons.set(reason, (c.reasons.get(reason) ?? 0) + score);
  };
  const title = (id: string) => ctx.catalog.get(id)?.title ?? "a course you took";

  recentFirst.forEach((h, rank) => {
    const recency = RECENCY ** rank;
    for (const n of ctx.model.neighbours.get(h.courseId) ?? []) {
      const reason =
        n.via === "completion"
          ? `Students who finished ${title(h.courseId)} often take this`
          : n.via === "co-enrollment"
            ? `Students who took ${title(h.courseId)} also took this`
            : `Similar to ${title(h.courseId)}`;
      add(n.courseId, recency * n.score, reason);
    }
  });
  // Collaborative scores are relative to this student's best, so the other signals weigh the same
  // for a student with a long history as for one with a short one.
  const strongest = Math.max(1e-9, ...[...candidates.values()].map((c) => c.score));
  for (const c of candidates.values()) {
    c.score = (WEIGHTS.neighbours * c.score) / strongest;
    for (const [r, v] of c.reasons) c.reasons.set(r, (WEIGHTS.neighbours * v) / strongest);
  }
  // The next step of a chain: a course whose prerequisites the student has all taken.
  for (const [courseId, required] of ctx.prerequisites) {
    if (required.length === 0 || !required.every((p) => taken.has(p))) continue;
    const last = required
      .map((p) => taken.get(p) as Interaction)
      .sort((a, b) => b.at - a.at)[0] as Interaction;
    add(courseId, WEIGHTS.nextStep, `Next step after ${title(last.courseId)}`);
  }
  for (const done of completed) {
    const course = ctx.catalog.get(done);
    if (!course) continue;
    for (const n of ctx.model.neighbours.get(done) ?? []) {
      const next = ctx.catalog.get(n.courseId);
      if (
        next &&
        LEVEL_ORDER[next.level] === LEVEL_ORDER[course.level] + 1 &&
        next.tags.some((t) => course.tags.includes(t))
      ) {
        add(n.courseId, WEIGHTS.nextLevel, `Next level after ${course.title}`);
      }
    }
  }
  if (interests.size > 0) {
    const byTag = tagIndex(ctx.catalog);
    const matching = new Set([...interests].flatMap((t) => byTag.get(t) ?? []));
    for (const course of matching) {
      const match = course.tags.filter((t) => interests.has(t));
      // Within an interest, beginner courses suit a student who has not started the topic.
      const started = student.history.some((h) =>
        ctx.catalog.get(h.courseId)?.tags.some((t) => match.includes(t)),
      );
      const levelFit = started ? 1 : 1 / (1 + LEVEL_ORDER[course.level]);
      add(
        course.id,
        WEIGHTS.interest * levelFit * (match.length / course.tags.length) ** 0.5,
        `Matches your interest in ${match[0]}`,
      );
    }
  }

  const results: Recommendation[] = [];
  for (const id of ctx.model.popular)
    if (!candidates.has(id)) candidates.set(id, { score: 0, reasons: new Map() });
  for (const [id, c] of candidates) {
    const course = ctx.catalog.get(id);
    if (!course?.open || taken.has(id) || student.exclude?.has(id) || course.instructorId === student.userId)
      continue;
    const popularity = ctx.model.popularity.get(id) ?? 0;
    const completionRate = ctx.model.completionRate.get(id) ?? 0.5;
    let score = c.score + WEIGHTS.popularity * popularity * completionRate;
    // A course whose prerequisites the student has not taken is not for them yet.
    const required = ctx.prerequisites.get(id) ?? [];
    if (required.some((p) => !taken.has(p))) score *= WEIGHTS.lockedOut;
    const reasons = [...c.reasons]
      .sort((a, b) => b[1] - a[1])
      .map(([r]) => r)
      .slice(0, 2);
    if (reasons.length === 0) {
      reasons.push(
        completionRate >= 0.6
          ? "Popular with students, and most who start it finish"
          : "Popular with students",
      );
    }
    results.push({ courseId: id, score, reasons });
  }
  // Ties broken by id with a plain comparison: localeCompare is slow enough to show here.
  results.sort(
    (a, b) => b.score - a.score || (a.courseId < b.courseId ? -1 : a.courseId > b.courseId ? 1 : 0),
  );
  const best = results[0]?.score || 1;
  return results.slice(0, limit).map((r) => ({ ...r, score: Math.round((r.score / best) * 1000) / 1000 }));
}
