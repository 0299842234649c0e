// Zero-width and soft-hyphen characters are invisible to the student, so they must not decide a match.
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const FINAL_SIGMA = /\u03C2/g;
// Capital ẞ lower-cases to ß, which upper-casing alone never reaches.
const SHARP_S = /\u00DF/g;
// İ lower-cases to i + combining dot above; drop the dot so "İstanbul" matches "istanbul".
const DOTTED_I = /i\u0307/g;

/**
 * Normalises a short answer for comparison: NFKC, full case folding, invisible characters removed,
 * whitespace trimmed and collapsed.
 *
 * JavaScript has no case-folding API. Upper-casing before lower-casing gives the full folding of
 * most letters (ß → SS → ss, ﬁ → FI → fi). Two are mapped by hand: final ς to σ, because
 * `toLowerCase` restores it at the end of a word, and ß to ss, because capital ẞ lowers to ß.
 * NFKC runs before (compatibility forms such as ϐ, ſ, full-width letters) and after (case
 * mapping may decompose, e.g. ΐ).
 */
export function normaliseAnswer(answer: string): string {
  return answer
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .toUpperCase()
    .toLowerCase()
    .replace(FINAL_SIGMA, "\u03C3")
    .replace(SHARP_S, "ss")
    .replace(DOTTED_I, "i")
    .normalize("NFKC")
    .replace(/\s+/g, " ")
    .trim();
}
