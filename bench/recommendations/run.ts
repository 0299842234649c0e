/**
 * Recommendation quality, leave-last-out: each student's latest enrollment is hidden, every
 * recommender is built from the rest, and each student's top five (never a course they took) is
 * checked for the hidden one. Prints HR@5, NDCG@5 and catalogue coverage for Lectern's hybrid
 * recommender against popularity and item-kNN baselines measured in the same run.
 *
 *   npx tsx bench/recommendations/run.ts                      # a generated institution
 *   npx tsx bench/recommendations/run.ts --students 5000 --courses 300 --seed 42
 *   npx tsx bench/recommendations/run.ts --interactions file.csv   # user,item,timestamp
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  buildRecommender,
  type CatalogCourse,
  type Interaction,
  recommendFor,
} from "../../packages/recommendations/src/recommender/index.js";
import { generateInstitution, type Institution } from "./institution.js";

const { values } = parseArgs({
  options: {
    interactions: { type: "string" },
    students: { type: "string", default: "5000" },
    courses: { type: "string", default: "300" },
    seed: { type: "string", default: "42" },
  },
});

const K = 5;

function loadInteractions(path: string): Institution {
  const lines = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim());
  if (/[a-z]/i.test(lines[0]?.split(",")[2] ?? "")) lines.shift(); // a header row
  const interactions: Interaction[] = lines.map((line) => {
    const [userId, courseId, timestamp] = line.split(",").map((c) => c.trim());
    const n = Number(timestamp);
    const at = Number.isFinite(n) ? (n < 1e11 ? n * 1000 : n) : Date.parse(timestamp ?? "");
    return { userId: userId as string, courseId: courseId as string, at, completed: false };
  });
  const ids = [...new Set(interactions.map((i) => i.courseId))];
  const catalog: CatalogCourse[] = ids.map((id) => ({
    id,
    title: id,
    text: "",
    tags: [],
    level: "beginner",
    instructorId: "",
    open: true,
  }));
  return { catalog, prerequisites: new Map(), interests: new Map(), interactions };
}

function splitLastOut(interactions: Interaction[]) {
  const byUser = new Map<string, Interaction[]>();
  for (const i of interactions) byUser.set(i.userId, [...(byUser.get(i.userId) ?? []), i]);
  const train: Interaction[] = [];
  const held = new Map<string, string>();
  for (const [user, list] of byUser) {
    list.sort((a, b) => a.at - b.at || a.courseId.localeCompare(b.courseId));
    if (list.length < 2) {
      train.push(...list);
      continue;
    }
    held.set(user, (list[list.length - 1] as Interaction).courseId);
    train.push(...list.slice(0, -1));
  }
  return { train, held, byUser };
}

type Recommender = (userId: string, seen: Set<string>) => string[];

function evaluate(
  name: string,
  recommend: Recommender,
  held: Map<string, string>,
  seenOf: Map<string, Set<string>>,
  catalogSize: number,
) {
  let hits = 0;
  let ndcg = 0;
  const shown = new Set<string>();
  const started = performance.now();
  for (const [user, target] of held) {
    const top = recommend(user, seenOf.get(user) ?? new Set()).slice(0, K);
    for (const c of top) shown.add(c);
    const rank = top.indexOf(target);
    if (rank >= 0) {
      hits++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  }
  const ms = (performance.now() - started) / held.size;
  return { name, hr: hits / held.size, ndcg: ndcg / held.size, coverage: shown.size / catalogSize, ms };
}

const institution = values.interactions
  ? loadInteractions(values.interactions)
  : generateInstitution({
      students: Number(values.students),
      courses: Number(values.courses),
      seed: Number(values.seed),
    });
const { train, held } = splitLastOut(institution.interactions);
const seenOf = new Map<string, Set<string>>();
for (const i of train) seenOf.set(i.userId, (seenOf.get(i.userId) ?? new Set()).add(i.courseId));
const now = Math.max(...institution.interactions.map((i) => i.at));

// Popularity: most enrolled courses the student has not taken.
const counts = new Map<string, number>();
for (const i of train) counts.set(i.courseId, (counts.get(i.courseId) ?? 0) + 1);
const byPopularity = [...counts].sort((a, b) => b[1] - a[1]).map(([id]) => id);
const popularity: Recommender = (_u, seen) => byPopularity.filter((c) => !seen.has(c)).slice(0, K);

// Item-kNN: cosine over co-enrollment counts, summed over the student's courses.
const users = new Map<string, string[]>();
for (const i of train) users.set(i.userId, [...(users.get(i.userId) ?? []), i.courseId]);
const co = new Map<string, Map<string, number>>();
for (const list of users.values()) {
  for (const a of list) {
    const row = co.get(a) ?? new Map<string, number>();
    co.set(a, row);
    for (const b of list) if (a !== b) row.set(b, (row.get(b) ?? 0) + 1);
  }
}
const itemKnn: Recommender = (u, seen) => {
  const scores = new Map<string, number>();
  for (const a of users.get(u) ?? []) {
    for (const [b, c] of co.get(a) ?? []) {
      if (seen.has(b)) continue;
      scores.set(b, (scores.get(b) ?? 0) + c / Math.sqrt((counts.get(a) ?? 1) * (counts.get(b) ?? 1)));
    }
  }
  const ranked = [...scores].sort((x, y) => y[1] - x[1]).map(([id]) => id);
  return [...ranked, ...byPopularity.filter((c) => !seen.has(c) && !scores.has(c))].slice(0, K);
};

// Lectern: the plugin's own code, built from the same training interactions.
const buildStarted = performance.now();
const model = buildRecommender(institution.catalog, train, { now });
const buildMs = performance.now() - buildStarted;
const catalog = new Map(institution.catalog.map((c) => [c.id, c]));
const history = new Map<string, Interaction[]>();
for (const i of train) history.set(i.userId, [...(history.get(i.userId) ?? []), i]);
const lectern: Recommender = (u) =>
  recommendFor(
    { userId: u, history: history.get(u) ?? [], interests: institution.interests.get(u) ?? [] },
    { model, catalog, prerequisites: institution.prerequisites },
    K,
  ).map((r) => r.courseId);

const size = institution.catalog.length;
const results = [
  evaluate("popularity", popularity, held, seenOf, size),
  evaluate("item-kNN", itemKnn, held, seenOf, size),
  evaluate("Lectern", lectern, held, seenOf, size),
];
const base = results[0] as (typeof results)[number];
console.log(
  `Leave-last-out on ${values.interactions ?? `a generated institution (${values.students} students, ${values.courses} courses)`}: ${held.size} students evaluated, ${train.length} training enrollments; model built in ${buildMs.toFixed(0)} ms`,
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(11)} HR@5 ${r.hr.toFixed(3)} (×${(r.hr / base.hr).toFixed(2)} popularity)  NDCG@5 ${r.ndcg.toFixed(3)} (×${(r.ndcg / base.ndcg).toFixed(2)})  coverage ${(r.coverage * 100).toFixed(1)}%  ${r.ms.toFixed(2)} ms/student`,
  );
}
