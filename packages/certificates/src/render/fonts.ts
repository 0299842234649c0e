import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { inflateSync } from "node:zlib";
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
  /** The same font as plain TrueType, for PDFKit's text layer (see woffToSfnt). */
  sfnt: () => Buffer;
}

export class UnsupportedScriptError extends Error {
  override readonly name = "UnsupportedScriptError";
  constructor(readonly characters: string[]) {
    super(
      `No certificate font can draw ${characters.map((c) => `"${c}" (U+${codePointHex(c)})`).join(", ")}. ` +
        "Install a font package that covers this script (Chinese and Japanese: @fontsource/noto-sans-sc, Korean: @fontsource/noto-sans-kr), or give the name in Latin, Greek or Cyrillic letters.",
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
// Big fonts sliced by fontsource into ~100 unicode ranges, used when installed. noto-sans-sc is an
// optional peer dependency (Chinese, Japanese kana), installed by apps that need it; noto-sans-kr (Korean) is picked up if an app installs it.
const FALLBACKS = [
  { pkg: "noto-sans-sc", name: "Noto Sans SC" },
  { pkg: "noto-sans-kr", name: "Noto Sans KR" },
];

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
  let sfnt: Buffer | undefined;
  return { name, family, data, weight, style, face, sfnt: () => (sfnt ??= woffToSfnt(data)) };
}

/**
 * Unpacks WOFF 1.0 into the TrueType it wraps. PDFKit re-parses a font for every document, and
 * inflating WOFF tables in pure JS there cost more than drawing the whole certificate.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString("latin1", 0, 4) !== "wOFF") return woff;
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const entry = 44 + i * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const raw = woff.subarray(offset, offset + compLength);
    return {
      tag: woff.subarray(entry, entry + 4),
      checksum: woff.readUInt32BE(entry + 16),
      data: compLength < origLength ? inflateSync(raw) : raw,
    };
  });
  const header = Buffer.alloc(12 + 16 * numTables);
  woff.copy(header, 0, 4, 8); // sfnt version
  const log2 = Math.floor(Math.log2(numTables));
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(16 * 2 ** log2, 6);
  header.writeUInt16BE(log2, 8);
  header.writeUInt16BE(16 * numTables - 16 * 2 ** log2, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tables.forEach((table, i) => {
    const entry = 12 + 16 * i;
    table.tag.copy(header, entry);
    header.writeUInt32BE(table.checksum, entry + 4);
    header.writeUInt32BE(offset, entry + 8);
    header.writeUInt32BE(table.data.length, entry + 12);
    const padded = Buffer.alloc((table.data.length + 3) & ~3);
    table.data.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
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
  family: string;
  name: string;
  file: string;
  ranges: [number, number][];
}

let fallbackSubsets: FallbackSubset[] | undefined;
const fallbackCache = new Map<string, LoadedFont>();

/** Reads the fallbacks' unicode maps, so that only the slices a name needs are ever loaded. */
function loadFallbackIndex(): FallbackSubset[] {
  fallbackSubsets ??= FALLBACKS.flatMap(({ pkg, name }) => {
    let unicodeJson: string;
    try {
      unicodeJson = require.resolve(`@fontsource/${pkg}/unicode.json`);
    } catch {
      return []; // not installed: names in its script fail with UnsupportedScriptError
    }
    const index = JSON.parse(readFileSync(unicodeJson, "utf8")) as Record<string, string>;
    return Object.entries(index).map(([key, range]) => {
      const slice = key.replace(/[[\]]/g, "");
      return {
        family: name,
        name: `${name} ${slice}`,
        file: unicodeJson.replace(/unicode\.json$/, `files/${pkg}-${slice}-400-normal.woff`),
        ranges: range.split(",").map((part): [number, number] => {
          const [from = "", to = from] = part.replace(/^U\+/i, "").split("-");
          return [Number.parseInt(from, 16), Number.parseInt(to, 16)];
        }),
      };
    });
  });
  return fallbackSubsets;
}

function fallbackFontFor(codePoint: number): LoadedFont | undefined {
  for (const subset of loadFallbackIndex()) {
    if (!subset.ranges.some(([from, to]) => codePoint >= from && codePoint <= to)) continue;
    let font = fallbackCache.get(subset.file);
    if (!font) {
      font = loadFile(subset.family, subset.name, 400, "normal", subset.file);
      fallbackCache.set(subset.file, font);
    }
    if (font.face.hasGlyphForCodePoint(codePoint)) return font;
  }
  return undefined;
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
