/** One CSV writer for every export (gradebooks, attendance, payments): RFC 4180, Excel-safe. */
export type CsvValue = string | number | boolean | Date | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

// A cell starting with one of these is run as a formula by spreadsheet programs.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<Row>(rows: Iterable<Row>, columns: CsvColumn<Row>[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Headers for a CSV download named `filename`. */
export function csvHeaders(filename: string): Record<string, string> {
  const safe = filename.replace(/[^\w.-]+/g, "-");
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${safe}"`,
  };
}

/** A CSV download as a whole response: the rows written by `toCsv`, named `filename`. */
export function csvResponse<Row>(rows: Iterable<Row>, columns: CsvColumn<Row>[], filename: string): Response {
  return new Response(toCsv(rows, columns), { status: 200, headers: csvHeaders(filename) });
}

/** A 0..1 rate as a percentage cell with one decimal (`87.5`); empty when there is none. */
export function percentCell(rate: number | null | undefined): CsvValue {
  return rate === null || rate === undefined ? "" : Math.round(rate * 1000) / 10;
}
