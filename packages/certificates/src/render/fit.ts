import { type LoadedFont, measureText } from "./fonts.js";
import type { FitTextBox, FittedText } from "./model.js";

// Kerning and satori's own rounding can make a line a little wider than the sum of advances.
const SLACK = 0.96;

/** Greedy line breaking at spaces; a word wider than the line is broken between characters. */
function wrap(text: string, fits: (line: string) => boolean): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    for (const char of word) {
      if (line && !fits(line + char)) {
        lines.push(line);
        line = "";
      }
      line += char;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The largest font size (down to minSize) at which the text fits the box: width, height and line count. */
export function fitText(fonts: LoadedFont[], text: string, box: FitTextBox): FittedText {
  const layout = (size: number) =>
    wrap(text, (line) => measureText(fonts, line, { ...box, size }) <= box.width * SLACK);
  for (let size = box.maxSize; size > box.minSize; size -= 1) {
    const lines = layout(size);
    if (lines.length <= box.maxLines && lines.length * size * box.lineHeight <= box.height) {
      return { fontSize: size, lines };
    }
  }
  // Callers size the box so that the longest text they accept fits at minSize; clip rather than spill.
  const maxLines = Math.min(box.maxLines, Math.floor(box.height / (box.minSize * box.lineHeight)));
  const lines = layout(box.minSize);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1]!.slice(0, -1)}…`;
  }
  return { fontSize: box.minSize, lines };
}
