import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "./index.js";

export interface MigrationSource {
  /** Whose migrations these are: the journal keeps one sequence per plugin. */
  owner: string;
  /** A drizzle-kit output folder (with `meta/_journal.json`). */
  folder: string | URL;
}

interface JournalEntry {
  idx: number;
  tag: string;
}

const MIGRATION_LOCK = 727_001;

export async function readMigrations(folder: string | URL) {
  const dir = typeof folder === "string" ? folder : fileURLToPath(folder);
  const journal = JSON.parse(await readFile(join(dir, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  const entries = [...journal.entries].sort((a, b) => a.idx - b.idx);
  return Promise.all(
    entries.map(async (entry) => {
      const text = await readFile(join(dir, `${entry.tag}.sql`), "utf8");
      return {
        tag: entry.tag,
        hash: createHash("sha256").update(text).digest("hex"),
        statements: text
          .split("--> statement-breakpoint")
          .map((s) => s.trim())
          .filter(Boolean),
      };
    }),
  );
}

/**
 * Applies each owner's migrations in the order given, recording them in `lectern_migrations`.
 * An advisory lock makes concurrent instances take turns; a changed applied file is refused.
 */
export async function migrate(db: Database, sources: MigrationSource[]): Promise<string[]> {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`create table if not exists lectern_migrations (
      owner text not null,
      tag text not null,
      hash text not null,
      applied_at timestamptz not null default now(),
      primary key (owner, tag)
    )`);
    const done = await tx.execute(sql`select owner, tag, hash from lectern_migrations`);
    const known = new Map(
      rowsOf<{ owner: string; tag: string; hash: string }>(done).map((r) => [`${r.owner}/${r.tag}`, r.hash]),
    );
    for (const source of sources) {
      for (const migration of await readMigrations(source.folder)) {
        const key = `${source.owner}/${migration.tag}`;
        const previous = known.get(key);
        if (previous) {
          if (previous !== migration.hash) {
            throw new Error(
              `Migration ${key} was changed after it was applied. Add a new migration instead of editing an applied one.`,
            );
          }
          continue;
        }
        for (const statement of migration.statements) await tx.execute(sql.raw(statement));
        await tx.execute(
          sql`insert into lectern_migrations (owner, tag, hash) values (${source.owner}, ${migration.tag}, ${migration.hash})`,
        );
        applied.push(key);
      }
    }
  });
  return applied;
}
