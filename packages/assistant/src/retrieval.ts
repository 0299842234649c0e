import type { Embeddings } from "@langchain/core/embeddings";
import { type Database, rowsOf } from "@lectern/core";
import { sql } from "drizzle-orm";
import { normalise } from "./models.js";
import type { VectorSearch } from "./vectors.js";

export interface EmbedderHandle {
  name: string;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

export function embedderHandle(embeddings: Embeddings, name: string): EmbedderHandle {
  return {
    name,
    embedDocuments: async (texts) => (await embeddings.embedDocuments(texts)).map(normalise),
    embedQuery: async (text) => normalise(await embeddings.embedQuery(text)),
  };
}

export interface Passage {
  id: string;
  courseId: string;
  materialId: string | null;
  title: string;
  page: number | null;
  /** Captions: seconds into the video where the passage begins. */
  at: number | null;
  content: string;
  score: number;
}

export interface SearchInput {
  question: string;
  /** The courses to search; `"all"` for an admin asking across every course. */
  courseIds: string[] | "all";
  limit: number;
  /** The question's embedding, when an embedding model is configured: hybrid ranking. */
  vector?: number[] | null;
  /** How vectors are compared (`detectVectorSearch`); `array` when omitted. */
  vectorSearch?: VectorSearch;
}

/** Candidates each ranking contributes before they are fused. */
const CANDIDATES = 24;
/** Reciprocal rank fusion's damping constant (the usual 60). */
const RRF_K = 60;

/**
 * The passages that best answer a question: PostgreSQL full-text search over the question's
 * words joined with OR (a question is not a conjunction of keywords), ranked by `ts_rank_cd`;
 * with a question vector too, fused with the vector ranking by reciprocal rank fusion.
 */
export async function searchPassages(db: Database, input: SearchInput): Promise<Passage[]> {
  if (input.courseIds !== "all" && input.courseIds.length === 0) return [];
  const scope =
    input.courseIds === "all"
      ? sql`true`
      : sql`p.course_id = any(${`{${input.courseIds.join(",")}}`}::uuid[])`;
  const fullText = rowsOf<Omit<Passage, "score"> & { rank: number }>(
    await db.execute(sql`
      with q as (select replace(plainto_tsquery('english', ${input.question})::text, ' & ', ' | ')::tsquery as query)
      select p.id, p.course_id as "courseId", p.material_id as "materialId", p.title, p.page, p.start_seconds as "at", p.content,
        ts_rank_cd(p.search, q.query, 1) as rank
      from assistant_passages p
      join assistant_documents d on d.id = p.document_id and d.status = 'indexed'
      cross join q
      where p.search @@ q.query and ${scope}
      order by rank desc, p.position
      limit ${input.vector ? CANDIDATES : input.limit}`),
  );
  if (!input.vector) return fullText.map(({ rank, ...p }) => ({ ...p, score: Number(rank) }));

  const vector = `{${input.vector.join(",")}}`;
  // Vectors are unit length, so the inner product is the cosine. Passages embedded by a model
  // of another size (before a change of model) are left out rather than compared.
  const similarity =
    input.vectorSearch === "pgvector"
      ? sql`(p.embedding::vector <#> ${vector}::real[]::vector) * -1`
      : sql`(select sum(a * b) from unnest(p.embedding, ${vector}::real[]) as v(a, b))`;
  const semantic = rowsOf<Omit<Passage, "score"> & { similarity: number }>(
    await db.execute(sql`
      select p.id, p.course_id as "courseId", p.material_id as "materialId", p.title, p.page, p.start_seconds as "at", p.content,
        ${similarity} as similarity
      from assistant_passages p
      join assistant_documents d on d.id = p.document_id and d.status = 'indexed'
      where p.embedding is not null and cardinality(p.embedding) = ${input.vector.length} and ${scope}
      order by similarity desc nulls last
      limit ${CANDIDATES}`),
  );
  const fused = new Map<string, Passage>();
  const add = (rows: Omit<Passage, "score">[], weight: number) => {
    rows.forEach((row, index) => {
      const { id, courseId, materialId, title, page, at, content } = row;
      const entry = fused.get(id) ?? { id, courseId, materialId, title, page, at, content, score: 0 };
      entry.score += weight / (RRF_K + index + 1);
      fused.set(id, entry);
    });
  };
  add(fullText, 1);
  add(
    semantic.filter((r) => Number(r.similarity) > 0),
    1,
  );
  return [...fused.values()].sort((a, b) => b.score - a.score).slice(0, input.limit);
}

const STOP = new Set(
  "a an and are as at be by can do does for from how i in is it its me my of on or so that the this to was what when where which who why will with you your".split(
    " ",
  ),
);

/** Lower-cased stems of a question's meaningful words, for picking excerpts. */
export function keywords(question: string): string[] {
  return [
    ...new Set(
      question
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 2 && !STOP.has(w))
        .map((w) => w.slice(0, 5)),
    ),
  ];
}

/** The sentences of a passage that say the most about the question, at most `max` characters. */
export function excerpt(content: string, question: string, max = 320): string {
  const text = content.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const sentences = text.match(/[^.!?]+[.!?]*\s*/g) ?? [text];
  const terms = keywords(question);
  const hits = (s: string) => {
    const lower = s.toLowerCase();
    return terms.reduce((n, term) => n + (lower.includes(term) ? 1 : 0), 0);
  };
  let best = 0;
  let bestScore = -1;
  sentences.forEach((s, i) => {
    const score = hits(s) * 10 - i * 0.01;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  let start = best;
  let out = sentences[best]!;
  // Grow with the following sentences, then the preceding ones, while they fit.
  for (let i = best + 1; i < sentences.length && out.length + sentences[i]!.length <= max; i++)
    out += sentences[i];
  while (start > 0 && out.length + sentences[start - 1]!.length <= max) out = sentences[--start]! + out;
  out = out.trim();
  if (out.length > max) out = `${out.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
  return (start > 0 ? "…" : "") + out + (out.endsWith("…") || /[.!?]$/.test(out) ? "" : "…");
}
