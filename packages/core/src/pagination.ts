import { z } from "@hono/zod-openapi";
import { type AnyColumn, and, eq, gt, lt, or, type SQL } from "drizzle-orm";

/** `?limit=&cursor=` as every list in the API takes them. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(500).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor that is not one this API handed out; the HTTP layer answers 422 (path `cursor`). */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
  constructor() {
    super("Invalid cursor.");
  }
}

/** Cursors are opaque to clients: base64url JSON of the sort key of the last item. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** Every cursor Lectern makes is a sort value and a tie-breaking id. */
const CursorKey = z.tuple([
  z.union([z.string().max(500), z.number().finite()]),
  z.union([z.string().max(500), z.number().finite()]),
]);

/**
 * The sort key a cursor carries, checked after decoding: anything else (not base64url JSON, an
 * empty array, an object, a wrong shape) answers 422 "Invalid cursor." rather than reaching SQL.
 * Pass `shape` when a list's key is not two strings or numbers.
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: z.ZodType<readonly (string | number)[]> = CursorKey,
): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return [...parsed.data];
  } catch {}
  throw new InvalidCursorError();
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says that there is more. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => readonly (string | number)[],
  toItem: (row: Row) => Item,
): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null,
  };
}

/**
 * The keyset condition for lists ordered by (time, id): the rows after the cursor's
 * `[time, id]` in the list's direction. Undefined without a cursor; a cursor whose time is not a
 * date answers 422, as any other invalid cursor.
 */
export function afterTimeAndId(
  cursor: readonly (string | number)[] | null,
  time: AnyColumn,
  id: AnyColumn,
  direction: "asc" | "desc",
): SQL | undefined {
  if (!cursor) return undefined;
  const at = new Date(String(cursor[0]));
  if (cursor.length !== 2 || Number.isNaN(at.getTime())) throw new InvalidCursorError();
  const past = direction === "asc" ? gt : lt;
  return or(past(time, at), and(eq(time, at), past(id, String(cursor[1]))));
}
