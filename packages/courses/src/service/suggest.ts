import { rowsOf } from "@lectern/core";
import { sql } from "drizzle-orm";
import { courses } from "../schema.js";
import { CoursesPart } from "./context.js";

/**
 * Below pg_trgm's default 0.3 on purpose: one swapped pair of letters in a six-letter word
 * ("pyhton" for "python") shares 3 of 11 trigrams, about 0.27.
 */
export const SUGGESTION_THRESHOLD = 0.2;
/** Words shorter than this are left as typed: too few trigrams to judge. */
const MIN_WORD = 3;
/** The fallback reads this many of the newest published courses' titles and tags. */
const FALLBACK_COURSES = 2000;

function trigrams(word: string): Set<string> {
  const padded = `  ${word.toLowerCase()} `;
  const grams = new Set<string>();
  for (let i = 0; i < padded.length - 2; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** pg_trgm's `similarity`: shared trigrams over all trigrams of both words. */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let shared = 0;
  for (const gram of x) if (y.has(gram)) shared++;
  return shared / (x.size + y.size - shared);
}

/** The catalog's words: each title's words and each tag, lower case, at least three characters. */
export function vocabularyOf(items: { title: string; tags: string[] }[]): Set<string> {
  const words = new Set<string>();
  for (const c of items)
    for (const word of [...c.title.split(/[^\p{L}\p{N}+#]+/u), ...c.tags])
      if (word.length >= MIN_WORD) words.add(word.toLowerCase());
  return words;
}

/** "Did you mean": a search that found nothing, corrected word by word against the catalog's words. */
export class CourseSuggestions extends CoursesPart {
  #trigram: Promise<boolean> | null = null;

  /**
   * Whether PostgreSQL's pg_trgm can answer. It is created when missing and the database allows it
   * (it is a trusted extension: a database owner may); PGlite and locked-down servers use the
   * fallback, which computes the same similarity here.
   */
  trigramAvailable(): Promise<boolean> {
    this.#trigram ??= this.detectTrigram();
    return this.#trigram;
  }

  private async detectTrigram(): Promise<boolean> {
    const installed = async () =>
      rowsOf<{ ok: boolean }>(
        await this.db.execute(
          sql`select exists (select 1 from pg_extension where extname = 'pg_trgm') as ok`,
        ),
      )[0]?.ok === true;
    if (await installed()) return true;
    try {
      await this.db.execute(sql`create extension if not exists pg_trgm`);
    } catch {
      // Not permitted, or not shipped with this PostgreSQL (PGlite without the extension): fall back.
      return false;
    }
    return installed();
  }

  /** The corrected search, or null when every word is known or no word is close to a known one. */
  async suggestSearch(search: string): Promise<string | null> {
    const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    if (words.length === 0) return null;
    const correct = (await this.trigramAvailable())
      ? (word: string) => this.closestInDatabase(word)
      : await this.closestInMemory();
    let changed = false;
    const corrected: string[] = [];
    for (const word of words) {
      const better = word.length >= MIN_WORD ? await correct(word) : null;
      if (better && better !== word) changed = true;
      corrected.push(better ?? word);
    }
    return changed ? corrected.join(" ") : null;
  }

  /** pg_trgm ranks the published catalog's words; a word the catalog has comes back as itself. */
  private async closestInDatabase(word: string): Promise<string | null> {
    const rows = rowsOf<{ word: string }>(
      await this.db.execute(sql`
        with words as (
          select distinct lower(w) as word
          from ${courses} c,
            lateral unnest(regexp_split_to_array(c.title, '[^[:alnum:]+#]+') || c.tags) as w
          where c.status = 'published' and char_length(w) >= ${MIN_WORD}
        )
        select word from words
        where word = ${word} or similarity(word, ${word}) > ${SUGGESTION_THRESHOLD}
        order by word = ${word} desc, similarity(word, ${word}) desc, word
        limit 1`),
    );
    return rows[0]?.word ?? null;
  }

  private async closestInMemory(): Promise<(word: string) => Promise<string | null>> {
    const rows = rowsOf<{ title: string; tags: string[] }>(
      await this.db.execute(sql`
        select ${courses.title} as title, ${courses.tags} as tags from ${courses}
        where ${courses.status} = 'published'
        order by ${courses.publishedAt} desc limit ${FALLBACK_COURSES}`),
    );
    const vocabulary = vocabularyOf(rows);
    return async (word) => {
      if (vocabulary.has(word)) return word;
      let best: string | null = null;
      let score = SUGGESTION_THRESHOLD;
      for (const candidate of [...vocabulary].sort()) {
        const s = similarity(word, candidate);
        if (s > score) [best, score] = [candidate, s];
      }
      return best;
    };
  }
}
