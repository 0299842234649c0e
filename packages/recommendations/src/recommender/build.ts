import { contentNeighbours } from "./content.js";
import { topK } from "./top.js";
import type { CatalogCourse, Interaction, Neighbour, NeighbourSignal } from "./types.js";

export interface RecommenderModel {
  neighbours: Map<string, Neighbour[]>;
  /** The most popular courses, best first: the candidates every student also gets. */
  popular: string[];
  /** Recency-weighted enrollments, scaled so the most popular course has 1. */
  popularity: Map<string, number>;
  /** Share of finished enrollments that completed (smoothed toward the catalogue's mean). */
  completionRate: Map<string, number>;
}

export interface BuildOptions {
  now: number;
  /** An enrollment this old counts half as much as one made today. */
  halfLifeDays?: number;
  /** How much content similarity weighs against the collaborative signals. */
  contentWeight?: number;
  /** Use the catalogue's text and tags (false gives a purely collaborative model). */
  useContent?: boolean;
  perCourse?: number;
}

const DAY = 86_400_000;
/** The most recent enrollments per student that feed co-enrollment (bounds the pair count). */
const MAX_HISTORY = 50;

/**
 * Item-item model: for every pair of courses one student took, in the order taken, the later
 * enrollment's recency weight adds to "co-enrollment" both ways, and to "completion" one way when
 * the earlier course was completed. (A plain "taken after" link was measured and dropped: it
 * lowered HR@5 in the leave-last-out bench.) Scores are normalised like a cosine and
 * shrunk toward zero for courses few students took. Content neighbours join with a smaller weight.
 */
export function buildRecommender(
  catalog: CatalogCourse[],
  interactions: Interaction[],
  options: BuildOptions,
): RecommenderModel {
  const halfLife = (options.halfLifeDays ?? 365) * DAY;
  const weight = (at: number) => 0.5 ** (Math.max(0, options.now - at) / halfLife);
  const byUser = new Map<string, Interaction[]>();
  for (const i of interactions) {
    const list = byUser.get(i.userId);
    if (list) list.push(i);
    else byUser.set(i.userId, [i]);
  }

  const count = new Map<string, number>();
  const finished = new Map<string, { done: number; total: number }>();
  const pairs = new Map<string, Map<string, { co: number; completion: number }>>();
  const pair = (a: string, b: string) => {
    let row = pairs.get(a);
    if (!row) {
      row = new Map();
      pairs.set(a, row);
    }
    let cell = row.get(b);
    if (!cell) {
      cell = { co: 0, completion: 0 };
      row.set(b, cell);
    }
    return cell;
  };
  for (const history of byUser.values()) {
    const sorted = history.sort((x, y) => x.at - y.at).slice(-MAX_HISTORY);
    for (const i of sorted) {
      count.set(i.courseId, (count.get(i.courseId) ?? 0) + weight(i.at));
      const f = finished.get(i.courseId) ?? { done: 0, total: 0 };
      f.total++;
      if (i.completed) f.done++;
      finished.set(i.courseId, f);
    }
    for (let x = 0; x < sorted.length; x++) {
      const earlier = sorted[x] as Interaction;
      for (let y = x + 1; y < sorted.length; y++) {
        const later = sorted[y] as Interaction;
        if (later.courseId === earlier.courseId) continue;
        const w = weight(later.at);
        pair(earlier.courseId, later.courseId).co += w;
        pair(later.courseId, earlier.courseId).co += w;
        // Finishing a course and then taking another is a stronger, directed link.
        if (earlier.completed) pair(earlier.courseId, later.courseId).completion += w;
      }
    }
  }

  const perCourse = options.perCourse ?? 30;
  const contentWeight = options.contentWeight ?? 0.05;
  const content = options.useContent === false ? new Map() : contentNeighbours(catalog);
  const neighbours = new Map<string, Neighbour[]>();
  const ids = new Set([...catalog.map((c) => c.id), ...count.keys()]);
  for (const a of ids) {
    const merged = new Map<string, { score: number; via: NeighbourSignal; best: number }>();
    const na = count.get(a) ?? 0;
    for (const [b, cell] of pairs.get(a) ?? []) {
      const nb = count.get(b) ?? 0;
      // Shrinkage (the +5) keeps two students who happened to share rare courses from dominating.
      const norm = Math.sqrt(na * nb) + 5;
      const co = (0.5 * cell.co) / norm;
      const completion = (0.5 * cell.completion) / norm;
      const via: NeighbourSignal = completion >= co * 0.5 && completion > 0 ? "completion" : "co-enrollment";
      merged.set(b, { score: co + completion, via, best: co + completion });
    }
    for (const { courseId, score } of content.get(a) ?? []) {
      const cell = merged.get(courseId);
      const add = contentWeight * score;
      if (cell) {
        cell.score += add;
        if (add > cell.best) cell.via = "content";
      } else merged.set(courseId, { score: add, via: "content", best: add });
    }
    neighbours.set(
      a,
      topK(merged, perCourse, ([, m]) => m.score).map(([courseId, { score, via }]) => ({
        courseId,
        score: round(score),
        via,
      })),
    );
  }

  const top = Math.max(1e-9, ...count.values());
  const popularity = new Map([...count].map(([id, c]) => [id, c / top]));
  let done = 0;
  let total = 0;
  for (const f of finished.values()) {
    done += f.done;
    total += f.total;
  }
  const mean = total ? done / total : 0.5;
  const completionRate = new Map([...finished].map(([id, f]) => [id, (f.done + 5 * mean) / (f.total + 5)]));
  return { neighbours, popularity, completionRate, popular: mostPopular(popularity) };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function mostPopular(popularity: Map<string, number>, count = 200): string[] {
  return topK(popularity, count, ([, p]) => p).map(([id]) => id);
}
