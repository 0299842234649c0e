import { type Database, type Logger, rowsOf } from "@lectern/core";
import { sql } from "drizzle-orm";

/**
 * How passage vectors are compared: with pgvector's inner-product operator where the database
 * has the extension (pgvector on a server, the `vector` bundle loaded into PGlite), else as plain
 * `real[]` in SQL. The stored column is `real[]` either way, so turning the extension on or off
 * never needs a re-index, and pgvector casts it in place.
 */
export type VectorSearch = "pgvector" | "array";

/**
 * Uses pgvector when it is installed, and installs it when it is available and the database
 * user may (`create extension` needs the privilege on a server). Anything else: the `real[]`
 * path, which every PostgreSQL and PGlite runs.
 */
export async function detectVectorSearch(db: Database, logger: Logger): Promise<VectorSearch> {
  const installed = rowsOf(await db.execute(sql`select 1 from pg_extension where extname = 'vector'`));
  if (installed.length > 0) return "pgvector";
  const available = rowsOf(
    await db.execute(sql`select 1 from pg_available_extensions where name = 'vector'`),
  );
  if (available.length === 0) return "array";
  try {
    await db.execute(sql`create extension if not exists vector`);
    return "pgvector";
  } catch (error) {
    logger.info(
      { err: error },
      "pgvector is available but could not be installed (it needs a privileged user); comparing vectors as arrays",
    );
    return "array";
  }
}
