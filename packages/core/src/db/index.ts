import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { prepareStatements } from "./prepared.js";

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
  /**
   * A PostgreSQL server, through postgres.js. An empty or undefined `url` (an unset
   * `process.env.DATABASE_URL`) means embedded PGlite in `dataDir` (default `.lectern/data`):
   * never a server guessed from libpq's defaults.
   */
  | {
      url: string | undefined;
      maxConnections?: number;
      dataDir?: string;
      /** Give up connecting after this long (an unreachable server answers 503, not a hang). Default 5 s. */
      connectTimeoutMs?: number;
      /** The server cancels a statement running longer than this. Default 30 s. */
      statementTimeoutMs?: number;
      /**
       * Where LISTEN connects, when `url` goes through a pooler in transaction mode (PgBouncer),
       * which cannot carry LISTEN: the server itself, or a session-mode pool. Default `url`.
       */
      listenUrl?: string;
      /**
       * Named prepared statements (default true). A pooler in transaction mode needs support for
       * them (PgBouncer 1.21+ with `max_prepared_statements`); set false for one without it.
       */
      prepare?: boolean;
    }
  /**
   * Embedded PGlite: data kept in `dataDir`, or in memory when it is omitted. `extensions` are
   * PGlite extension bundles loaded at start (`{ vector }` from `@electric-sql/pglite-pgvector`),
   * which a plugin may then `create extension`.
   */
  | { dataDir?: string; extensions?: PGliteExtensions }
  /** An already opened PGlite instance, which the caller closes (the test kit's copies). */
  | { pglite: PGliteInstance };

/**
 * A `new PGlite()` from @electric-sql/pglite. Described by the little Lectern needs, so these
 * declarations don't pull in PGlite's, which need the DOM and Emscripten typings to check.
 */
/** PGlite's `extensions` option, typed loosely for the same reason as `PGliteInstance`. */
export type PGliteExtensions = Record<string, unknown>;

export interface PGliteInstance {
  readonly waitReady: Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** Subscribe to a NOTIFY channel (the handler gets each payload); returns an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The embedded database's folder when nothing else is said. */
export const DEFAULT_DATA_DIR = ".lectern/data";

export async function openDatabase(config: DatabaseConfig = {}): Promise<DatabaseHandle> {
  if ("url" in config && config.url) {
    if (!/^postgres(ql)?:\/\//.test(config.url)) {
      throw new Error(
        "database.url must be a PostgreSQL connection string (postgres://user:password@host:5432/name).",
      );
    }
    const client = postgres(config.url, {
      max: config.maxConnections ?? 10,
      prepare: config.prepare ?? true,
      onnotice: () => {},
      // The driver's start-up query for array types drops its promise: if a connection fails at
      // that moment (an outage, a shutdown) the rejection is unhandled and Node exits
      // (porsager/postgres#1192). Drizzle parses array columns itself, so nothing needs it.
      fetch_types: false,
      connect_timeout: Math.max(1, Math.ceil((config.connectTimeoutMs ?? 5_000) / 1000)),
      connection: {
        statement_timeout: config.statementTimeoutMs ?? 30_000,
        // A transaction left open by a crashed request must not hold its locks for long.
        idle_in_transaction_session_timeout: 60_000,
      },
    });
    // postgres.js keeps one connection of its own for every LISTEN of a client.
    const listener = config.listenUrl
      ? postgres(config.listenUrl, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 5 })
      : client;
    if (config.prepare !== false) prepareStatements(client);
    return {
      db: drizzlePostgres(client) as unknown as Database,
      driver: "postgres",
      async listen(channel, onNotify) {
        const { unlisten } = await listener.listen(channel, (payload) => onNotify(payload));
        return unlisten;
      },
      close: async () => {
        if (listener !== client) await listener.end({ timeout: 5 });
        await client.end({ timeout: 5 });
      },
    };
  }
  if ("url" in config) config = { dataDir: config.dataDir ?? DEFAULT_DATA_DIR };
  // PGlite creates its own folder but not the ones above it (`.lectern/` on a fresh checkout).
  if ("dataDir" in config && config.dataDir && !config.dataDir.includes("://")) {
    await mkdir(config.dataDir, { recursive: true });
  }
  const pglite =
    "pglite" in config
      ? (config.pglite as PGlite)
      : new PGlite({
          ...(config.dataDir && { dataDir: config.dataDir }),
          ...(config.extensions && {
            extensions: config.extensions as NonNullable<
              ConstructorParameters<typeof PGlite>[0]
            >["extensions"],
          }),
        });
  const ownsInstance = !("pglite" in config);
  return {
    db: drizzlePglite(pglite) as unknown as Database,
    driver: "pglite",
    async listen(channel, onNotify) {
      return pglite.listen(channel, (payload) => onNotify(payload));
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
