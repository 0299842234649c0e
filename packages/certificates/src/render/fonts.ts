import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as fontkit from "fontkit";

const require = createRequire(import.meta.url);

export type FontWeight = 400 | 700;
export type FontStyle = "normal" | "italic";

/** One font file: what satori needs (`name`, `data`, `weight`, `style`) plus a parsed face to check glyphs and measure. */
export interface LoadedFont {
  /** Satori's name for this file: unique per subset, because satori falls back between names, not files. */
  name: string;
  family: string;
  data: Buffer;
  weight: FontWeight;
  style: FontStyle;
  face: fontkit.Font;
}

export class UnsupportedScriptError extends Error {
  override readonly name = "UnsupportedScriptError";
  constructor(readonly characters: string[]) {
    super(
      `No certificate font can draw ${characters.map((c) => `"${c}" (U+${codePointHex(c)})`).join(", ")}. ` +
        "Install a font package that covers this script (Chinese/Japanese: @fontsource/noto-sans-sc), or spell the name in a supported script.",
    );
  }
}

// Subsets fontsource cuts Noto into; a certificate needs all the alphabets a holder's name may use.
const SUBSETS = ["latin", "latin-ext", "greek", "greek-ext", "cyrillic", "cyrillic-ext", "vietnamese"];
const FACES: { pkg: string; name: string; weight: FontWeight; style: FontStyle }[] = [
  { pkg: "noto-serif", name: "Noto Serif", weight: 400, style: "normal" },
  { pkg: "noto-serif", name: "Noto Serif", weight: 700, style: "normal" },
  { pkg: "noto-serif", name: "Noto Serif", weight: 400, style: "italic" },
  { pkg: "noto-sans", name: "Noto Sans", weight: 400, style: "normal" },
  { pkg: "noto-sans", name: "Noto Sans", weight: 700, style: "normal" },
];
const FALLBACK_PKG = "noto-sans-sc";
const FALLBACK_NAME = "Noto Sans SC";

function codePointHex(char: string): string {
  return char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
}

function loadFile(
  family: string,
  name: string,
  weight: FontWeight,
  style: FontStyle,
  path: string,
): LoadedFont {
  const data = readFileSync(path);
  // fontkit.create may return a collection for .ttc; fontsource only ships single faces.
  const face = fontkit.create(data) as fontkit.Font;
  return { name, family, data, weight, style, face };
}

const subsetName = (family: string, subset: string) => (subset === "latin" ? family : `${family} ${subset}`);

/** A CSS font-family list naming every subset of a family, for templates' `fontFamily`. */
export function fontStack(family: string): string {
  return SUBSETS.map((subset) => `'${subsetName(family, subset)}'`).join(", ");
}
export const SERIF = fontStack("Noto Serif");
export const SANS = fontStack("Noto Sans");

/** The family a `fontFamily` value starts with: "'Noto Serif', 'Noto Serif greek'" → "Noto Serif". */
export function primaryFamily(fontFamily: string): string {
  return fontFamily
    .split(",")[0]!
    .trim()
    .replace(/^['"]|['"]$/g, "");
}

let baseFonts: LoadedFont[] | undefined;

/** The built-in faces, read once per process: satori caches parsed fonts by buffer identity, so reuse matters. */
export function loadBaseFonts(): LoadedFont[] {
  baseFonts ??= FACES.flatMap(({ pkg, name, weight, style }) =>
    SUBSETS.map((subset) =>
      loadFile(
        name,
        subsetName(name, subset),
        weight,
        style,
        require.resolve(`@fontsource/${pkg}/files/${pkg}-${subset}-${weight}-${style}.woff`),
      ),
    ),
  );
  return baseFonts;
}

interface FallbackSubset {
  key: string;
  file: string;
  ranges: [number, number][];
}

let fallbackSubsets: FallbackSubset[] | null | undefined;
const fallbackCache = new Map<string, LoadedFont>();

/** The CJK fallback is ~100 slices of one big font: read its unicode map, and load only the slices a name needs. */
function loadFallbackIndex(): FallbackSubset[] | null {
  if (fallbackSubsets !== undefined) return fallbackSubsets;
  try {
    const unicodeJson = require.resolve(`@fontsource/${FALLBACK_PKG}/unicode.json`);
    const index = JSON.parse(readFileSync(unicodeJson, "utf8")) as Record<string, string>;
    fallbackSubsets = Object.entries(index).map(([key, range]) => ({
      key: key.replace(/[[\]]/g, ""),
      file: unicodeJson.replace(
        /unicode\.json$/,
        `files/${FALLBACK_PKG}-${key.replace(/[[\]]/g, "")}-400-normal.woff`,
      ),
      ranges: range.split(",").map((part) => {
        const [from, to = from] = part.replace(/^U\+/i, "").split("-");
        return [Number.parseInt(from!, 16), Number.parseInt(to, 16)];
      }),
    }));
  } catch {
    // Optional dependency not installed: names in those scripts fail with UnsupportedScriptError.
    fallbackSubsets = null;
  }
  return fallbackSubsets;
}

function fallbackFontFor(codePoint: number): LoadedFont | undefined {
  const subset = loadFallbackIndex()?.find((s) =>
    s.ranges.some(([a, b]) => codePoint >= a && codePoint <= b),
  );
  if (!subset) return undefined;
  let font = fallbackCache.get(subset.file);
  if (!font) {
    font = loadFile(FALLBACK_NAME, `${FALLBACK_NAME} ${subset.key}`, 400, "normal", subset.file);
    fallbackCache.set(subset.file, font);
  }
  return font.face.hasGlyphForCodePoint(codePoint) ? font : undefined;
}

// Layout-only characters that need no glyph of their own.
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/u;

/**
 * Checks every character of the texts against the loaded fonts and returns the fallback slices
 * needed; throws UnsupportedScriptError naming the characters nothing can draw (so no tofu, no "?").
 */
export function resolveFontsFor(texts: string[]): LoadedFont[] {
  const base = loadBaseFonts();
  const extra = new Set<LoadedFont>();
  const missing = new Set<string>();
  for (const char of new Set(texts.join(""))) {
    if (INVISIBLE.test(char)) continue;
    const codePoint = char.codePointAt(0)!;
    if (base.some((f) => f.face.hasGlyphForCodePoint(codePoint))) continue;
    const fallback = fallbackFontFor(codePoint);
    if (fallback) extra.add(fallback);
    else missing.add(char);
  }
  if (missing.size > 0) throw new UnsupportedScriptError([...missing]);
  return [...base, ...extra];
}

/** The face that draws a character in a family, falling back to any loaded face, as satori does. */
export function faceFor(
  fonts: LoadedFont[],
  codePoint: number,
  family: string,
  weight: FontWeight,
  style: FontStyle,
): LoadedFont | undefined {
  const has = (f: LoadedFont) => f.face.hasGlyphForCodePoint(codePoint);
  return (
    fonts.find((f) => f.family === family && f.weight === weight && f.style === style && has(f)) ??
    fonts.find((f) => f.family === family && has(f)) ??
    fonts.find(has)
  );
}

/** Advance width of a text in px at a font size, glyph by glyph (kerning ignored; callers leave slack). */
export function measureText(
  fonts: LoadedFont[],
  text: string,
  font: { family: string; weight: FontWeight; style?: FontStyle; size: number },
): number {
  let units = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const f = faceFor(fonts, codePoint, primaryFamily(font.family), font.weight, font.style ?? "normal");
    if (!f) continue;
    units += (f.face.glyphForCodePoint(codePoint).advanceWidth / f.face.unitsPerEm) * font.size;
  }
  return units;
}
