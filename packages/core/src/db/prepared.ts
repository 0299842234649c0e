import type { Sql } from "postgres";

/**
 * Drizzle sends every query through postgres.js's `unsafe`, which never names its statements. An
 * unnamed statement with parameters costs two round trips each time (describe, then execute) and a
 * fresh plan; a named one costs the describe once per connection. So every parameterized query is
 * prepared, within a bound: each connection keeps its statements until postgres.js recycles it, and
 * query texts that vary with the data (`in ($1 … $n)` lists) must not grow that set without limit.
 * Past `limit` distinct texts, new texts run unnamed as before; the hot ones are long prepared.
 */
export function prepareStatements(client: Sql, limit = 500): Sql {
  const named = new Set<string>();
  const wantsName = (text: string) => {
    if (named.has(text)) return true;
    if (named.size >= limit) return false;
    named.add(text);
    return true;
  };
  patch(client, wantsName);
  return client;
}

type AnySql = Sql & {
  savepoint?: (...args: unknown[]) => Promise<unknown>;
};

/** Transactions and savepoints hand their callback a new `sql` bound to one connection: patch each. */
function patch(sql: AnySql, wantsName: (text: string) => boolean): void {
  const unsafe = sql.unsafe.bind(sql);
  sql.unsafe = ((text: string, args?: unknown[], options?: { prepare?: boolean }) =>
    unsafe(text, args as never, {
      ...options,
      // Drizzle asks for a name only for its own `.prepare(name)` queries; it says false otherwise.
      prepare: options?.prepare === true || (Array.isArray(args) && args.length > 0 && wantsName(text)),
    })) as Sql["unsafe"];
  for (const key of ["begin", "savepoint"] as const) {
    const original = sql[key] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!original) continue;
    (sql as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      const at = args.findIndex((a) => typeof a === "function");
      const callback = args[at] as (inner: AnySql) => unknown;
      args[at] = (inner: AnySql) => {
        patch(inner, wantsName);
        return callback(inner);
      };
      return original.apply(sql, args);
    };
  }
}
