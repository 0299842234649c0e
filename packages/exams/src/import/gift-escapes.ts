const TITLE = /^\s*::(?:\\.|[^\\:]|:(?!:))*::/;
const COMMENT_LINE = /^[ \t]*\/\//;

/**
 * gift-pegjs rejects `=`, `~`, `#` and `:` in question text and `:` in answers unless escaped,
 * while Moodle's own importer takes them (`::Q1:: 1+1=2 {T}` is in Moodle's docs). Escaping them
 * where they can carry no GIFT meaning lets hand-written files import as they would in Moodle.
 * The line count is unchanged, so syntax errors keep their line numbers.
 */
export function escapeLooseCharacters(question: string): string {
  const title = TITLE.exec(question)?.[0] ?? "";
  let escaped = title;
  let depth = 0;
  let numerical = false;
  let lineStart = title.length === 0;
  for (let i = title.length; i < question.length; i++) {
    const char = question[i]!;
    if (lineStart && depth === 0 && COMMENT_LINE.test(question.slice(i))) {
      const end = question.indexOf("\n", i);
      const stop = end === -1 ? question.length : end;
      escaped += question.slice(i, stop);
      i = stop - 1;
      lineStart = false;
      continue;
    }
    lineStart = char === "\n";
    if (char === "\\") {
      escaped += char + (question[i + 1] ?? "");
      i++;
    } else if (char === "{") {
      depth++;
      // In a numerical answer block `:` separates the value from its tolerance.
      numerical = /^\s*#/.test(question.slice(i + 1));
      escaped += char;
    } else if (char === "}") {
      depth = Math.max(0, depth - 1);
      escaped += char;
    } else if ((depth === 0 && "=~#:".includes(char)) || (depth > 0 && char === ":" && !numerical)) {
      escaped += `\\${char}`;
    } else {
      escaped += char;
    }
  }
  return escaped;
}
