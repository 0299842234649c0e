import { parse } from "csv-parse/sync";
import { z } from "zod";
import { problems } from "../http/problem.js";
import { ROLES, type Role } from "../types.js";

/** The columns of an import file; `courseIds` may be left out. */
export const IMPORT_COLUMNS = ["email", "name", "role", "courseIds"] as const;
const REQUIRED = ["email", "name", "role"];

export interface ImportRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  email: string;
  name: string;
  role: Role;
  courseIds: string[];
}

export interface ImportIssue {
  line: number;
  email?: string;
  reason: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  /** Rows that cannot be imported as written. */
  failed: ImportIssue[];
  /** Rows repeating an address met earlier in the file. */
  skipped: ImportIssue[];
  total: number;
}

/** C0 and C1 controls, DEL and the Unicode line separators: none belongs in a name. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}
const email = z.string().email().max(254);
const uuid = z.string().uuid();

/**
 * Reads an import file: a header naming the columns (any order, any case), then one user a line.
 * A wrong header refuses the whole file (422 naming the expected columns); a bad row is reported
 * with its line number and the others go ahead.
 */
export function parseImport(text: string): ParsedImport {
  let records: string[][];
  let lines: number[];
  try {
    const parsed = parse(text.replace(/^\uFEFF/, ""), {
      relax_column_count: true,
      // Spreadsheets write `=HYPERLINK("…")` unquoted; the quotes are kept as text.
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    records = parsed.map((p) => p.record);
    // `lines` is where a record ends; a quoted line break inside it moves its start up.
    lines = parsed.map((p) => p.info.lines - p.record.join("").split("\n").length + 1);
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw problems.validation(
      [{ path: "file", message: `The file is not valid CSV${line ? ` (near line ${line})` : ""}.` }],
      "The file is not valid CSV.",
    );
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const expected = `Expected the columns ${REQUIRED.join(", ")} and optionally courseIds, in a header line.`;
  const known = IMPORT_COLUMNS.map((c) => c.toLowerCase());
  if (
    !REQUIRED.every((c) => header.includes(c)) ||
    header.some((h) => !known.includes(h)) ||
    new Set(header).size !== header.length
  ) {
    throw problems.validation([{ path: "file", message: expected }], expected);
  }
  const at = (name: string) => header.indexOf(name.toLowerCase());

  const parsed: ParsedImport = { rows: [], failed: [], skipped: [], total: records.length - 1 };
  const seen = new Map<string, number>();
  for (const [index, record] of records.slice(1).entries()) {
    const line = lines[index + 1]!;
    const cell = (name: string) => (at(name) >= 0 ? (record[at(name)] ?? "") : "");
    const address = cell("email").toLowerCase();
    const fail = (reason: string) => parsed.failed.push({ line, email: address || undefined, reason });
    if (record.length > header.length) {
      fail(`The line has ${record.length} values; the header names ${header.length}.`);
      continue;
    }
    if (!email.safeParse(address).success) {
      fail("The email address is not valid.");
      continue;
    }
    const name = cell("name");
    if (!name) {
      fail("The name is empty.");
      continue;
    }
    if (name.length > 120) {
      fail("The name is longer than 120 characters.");
      continue;
    }
    if (hasControl(name)) {
      fail("The name contains control characters or line breaks.");
      continue;
    }
    const role = (cell("role") || "student").toLowerCase();
    if (!(ROLES as readonly string[]).includes(role)) {
      fail(`The role must be one of ${ROLES.join(", ")}.`);
      continue;
    }
    const courseIds = cell("courseIds")
      .split(/[\s;|]+/)
      .filter(Boolean);
    if (courseIds.some((id) => !uuid.safeParse(id).success)) {
      fail("A course id is not valid.");
      continue;
    }
    const earlier = seen.get(address);
    if (earlier) {
      parsed.skipped.push({ line, email: address, reason: `The same address is on line ${earlier}.` });
      continue;
    }
    seen.set(address, line);
    parsed.rows.push({ line, email: address, name, role: role as Role, courseIds: [...new Set(courseIds)] });
  }
  return parsed;
}
