/**
 * Course covers: the instructor's upload when there is one, otherwise a cover the campus draws
 * (`/covers/<course id>.svg`, see `cover-art.ts`). The generated cover's URL carries a hash of
 * everything drawn on it, so a browser may keep it for a year: a new title or colour is a new URL.
 */

export type Subject = "code" | "data" | "design" | "language" | "business" | "science" | "general";

/** What a generated cover shows. */
export interface CoverInput {
  title: string;
  tags: readonly string[];
  primaryColor: string;
}

// Bumped when the drawing changes, so browsers fetch the new look.
const ART_VERSION = "1";

const SUBJECT_WORDS: [Subject, RegExp][] = [
  ["data", /data|statistic|machine-learning|\bml\b|\bai\b|analytic|math|calculus|algebra/],
  [
    "code",
    /program|python|javascript|typescript|\bweb\b|sql|database|postgres|algorithm|computer|software|code|coding|rust|java\b|devops/,
  ],
  ["design", /design|\bui\b|\bux\b|accessib|art|photo|illustrat|typograph/],
  ["language", /language|english|spanish|french|german|writing|academic|literature|grammar|chinese|japanese/],
  ["business", /business|finance|account|market|manage|econom|leader|startup/],
  ["science", /science|biolog|chemi|physic|astronom|medic|health|ecolog/],
];

/** The subject a course's tags point to, in tag order: the first tag that names one decides. */
export function subjectOf(tags: readonly string[]): Subject {
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    for (const [subject, words] of SUBJECT_WORDS) if (words.test(lower)) return subject;
  }
  return "general";
}

/** FNV-1a, 32 bits, base 36: short, stable, and the same in the server and the browser. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** The version of a generated cover: changes whenever anything drawn on it changes. */
export function coverVersion(input: CoverInput): string {
  return hash(
    JSON.stringify([
      ART_VERSION,
      input.title,
      input.tags[0] ?? "",
      subjectOf(input.tags),
      input.primaryColor,
    ]),
  );
}

/** The image to show for a course: its uploaded cover, or the generated one. */
export function coverSrc(
  course: { id: string; title: string; tags: readonly string[]; coverUrl?: string | null },
  primaryColor: string,
): string {
  if (course.coverUrl) return course.coverUrl;
  const v = coverVersion({ title: course.title, tags: course.tags, primaryColor });
  return `/covers/${encodeURIComponent(course.id)}.svg?v=${v}`;
}
