import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";

/** The drizzle database every service receives; the same type on PGlite and PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;
/** Anything a query can run on: the database itself or an open transaction. */
export type Executor = Database | Transaction;

export type DatabaseConfig =
  /** A PostgreSQL server, through postgres.js. */
  | { url: string; maxConnections?: number }
  /** Embedded PGlite: data kept in `dataDir`, or in memory when it is omitted. */
  | { dataDir?: string }
  /** An already opened PGlite instance (the test kit shares one per file). */
  | { pglite: PGlite };

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** Subscribe to a NOTIFY channel; returns an unsubscribe function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig = {}): Promise<DatabaseHandle> {
  if ("url" in config) {
    const client = postgres(config.url, {
      max: config.maxConnections ?? 10,
      onnotice: () => {},
    });
    return {
      db: drizzlePostgres(client) as unknown as Database,
      driver: "postgres",
      async listen(channel, onNotify) {
        const { unlisten } = await client.listen(channel, () => onNotify());
        return unlisten;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  // PGlite creates its own folder but not the ones above it (`.lectern/` on a fresh checkout).
  if ("dataDir" in config && config.dataDir && !config.dataDir.includes("://")) {
    await mkdir(config.dataDir, { recursive: true });
  }
  const pglite = "pglite" in config ? config.pglite : new PGlite(config.dataDir);
  const ownsInstance = !("pglite" in config);
  return {
    db: drizzlePglite(pglite) as unknown as Database,
    driver: "pglite",
    async listen(channel, onNotify) {
      return pglite.listen(channel, () => onNotify());
    },
    close: async () => {
      if (ownsInstance) await pglite.close();
    },
  };
}

/** Rows of a raw `db.execute(sql)` result, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
