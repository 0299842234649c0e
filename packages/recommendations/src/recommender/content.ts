import { topK } from "./top.js";
import type { CatalogCourse } from "./types.js";

const STOP = new Set(
  "a an and are as at be by for from how in into is it its of on or our that the this to with you your we will learn learning course courses introduction intro".split(
    " ",
  ),
);

export function tokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length > 2 && !STOP.has(t));
}

/**
 * Content similarity: cosine over TF-IDF vectors of each course's text, with its tags counted as
 * strong terms and its level as one more. Candidates come from an inverted index over each course's
 * top terms, so the cost grows with shared vocabulary, not with the square of the catalogue.
 */
export function contentNeighbours(
  catalog: CatalogCourse[],
  perCourse = 20,
): Map<string, { courseId: string; score: number }[]> {
  const docs = catalog.map((c) => {
    const tf = new Map<string, number>();
    for (const t of tokens(c.text)) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const tag of c.tags) tf.set(`#${tag}`, (tf.get(`#${tag}`) ?? 0) + 3);
    tf.set(`@${c.level}`, 1);
    return tf;
  });
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = catalog.length;
  const vectors = docs.map((doc) => {
    const weighted = [...doc].map(
      ([term, count]) => [term, (1 + Math.log(count)) * Math.log(1 + n / (df.get(term) ?? 1))] as const,
    );
    const norm = Math.hypot(...weighted.map(([, w]) => w)) || 1;
    // The top terms carry the similarity; dropping the tail keeps the index small.
    return new Map(
      weighted
        .map(([term, w]) => [term, w / norm] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 30),
    );
  });
  const postings = new Map<string, number[]>();
  vectors.forEach((v, i) => {
    for (const term of v.keys()) {
      const list = postings.get(term);
      if (list) list.push(i);
      else postings.set(term, [i]);
    }
  });
  const result = new Map<string, { courseId: string; score: number }[]>();
  vectors.forEach((v, i) => {
    const scores = new Map<number, number>();
    for (const [term, w] of v) {
      const list = postings.get(term) ?? [];
      // A term most of the catalogue shares (a level, a common word) says little: skip long lists.
      if (list.length > Math.max(50, n * 0.2) && !term.startsWith("#")) continue;
      for (const j of list) {
        if (j === i) continue;
        scores.set(j, (scores.get(j) ?? 0) + w * ((vectors[j] as Map<string, number>).get(term) ?? 0));
      }
    }
    result.set(
      (catalog[i] as CatalogCourse).id,
      topK(scores, perCourse, ([, score]) => score).map(([j, score]) => ({
        courseId: (catalog[j] as CatalogCourse).id,
        score,
      })),
    );
  });
  return result;
}
