import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database } from "../db/index.js";
import { type MigrationSource, migrate, readMigrations } from "../db/migrate.js";

/*
 * Starting PostgreSQL from nothing (initdb) and applying every migration costs seconds; copying a
 * migrated database costs a fraction of one. So each set of migrations is applied once, into a
 * template — a PGlite data-folder dump cached on disk, or a template database on the server — and
 * every test database is a copy of it. A template's name is a hash of the migrations it holds, so
 * a changed or added migration makes a new template and a stale one is never used.
 */

const DEFAULT_PREFIX = "lectern_test_";

/** The prefix of every database the kit creates on a PostgreSQL server (templates included). */
export function testDatabasePrefix(
  prefix = process.env.LECTERN_TEST_DATABASE_PREFIX || DEFAULT_PREFIX,
): string {
  if (!/^[a-z_][a-z0-9_]{0,23}$/.test(prefix)) {
    throw new Error(
      `Test database prefix "${prefix}" must be 1–24 lowercase letters, digits or underscores, starting with a letter or underscore.`,
    );
  }
  return prefix;
}

/** A hash of the migrations (owners, order and file contents): the template's identity. */
export async function migrationsKey(sources: MigrationSource[], engine: string): Promise<string> {
  const hash = createHash("sha256").update(engine);
  for (const source of sources) {
    hash.update(`\0${source.owner}`);
    for (const migration of await readMigrations(source.folder))
      hash.update(`\0${migration.tag}:${migration.hash}`);
  }
  return hash.digest("hex").slice(0, 24);
}

// ---- PGlite: a data-folder dump per set of migrations, on disk and in this process's memory ----

const dumps = new Map<string, Promise<Blob>>();

/** A new in-memory PGlite holding exactly `sources`' migrations, with `extensions` loaded. */
export async function clonePglite(
  sources: MigrationSource[],
  extensions?: Record<string, unknown>,
): Promise<PGlite> {
  if (process.env.LECTERN_TEST_TEMPLATES === "off") return migrateFresh(sources, extensions);
  const key = await migrationsKey(sources, `pglite ${await pgliteVersion()}`);
  let dump = dumps.get(key);
  if (!dump) {
    const template = readOrBuild(key, sources);
    dump = template.then((t) => t.dump);
    dumps.set(key, dump);
    dump.catch(() => dumps.delete(key));
    // The database just migrated is the first copy: booting another from its dump would cost
    // a second start, which is most of a plugin author's first test.
    const { migrated } = await template;
    if (migrated) return migrated;
  }
  const pglite = new PGlite({
    loadDataDir: await dump,
    ...(extensions && {
      extensions: extensions as NonNullable<ConstructorParameters<typeof PGlite>[0]>["extensions"],
    }),
  });
  await pglite.waitReady;
  return pglite;
}

/**
 * What every test database cost before templates: a new PGlite with each migration applied. Kept
 * behind `LECTERN_TEST_TEMPLATES=off` so the saving can be measured on the same tests.
 */
async function migrateFresh(sources: MigrationSource[], extensions?: Record<string, unknown>) {
  const pglite = new PGlite({
    ...(extensions && {
      extensions: extensions as NonNullable<ConstructorParameters<typeof PGlite>[0]>["extensions"],
    }),
  });
  await migrate(drizzlePglite(pglite) as unknown as Database, sources).catch(async (error) => {
    await pglite.close();
    throw error;
  });
  return pglite;
}

function cacheDir(): string {
  return process.env.LECTERN_TEST_CACHE_DIR || join(tmpdir(), "lectern-test-templates");
}

async function readOrBuild(
  key: string,
  sources: MigrationSource[],
): Promise<{ dump: Blob; migrated?: PGlite }> {
  const file = join(cacheDir(), `pglite-${key}.tar.gz`);
  try {
    return { dump: new Blob([await promisify(gunzip)(await readFile(file))]) };
  } catch {
    // Not cached yet (or unreadable): build it below.
  }
  const pglite = new PGlite();
  try {
    await migrate(drizzlePglite(pglite) as unknown as Database, sources);
    const tar = new Uint8Array(await (await pglite.dumpDataDir("none")).arrayBuffer());
    // Kept for the next run in the background: nothing here waits for the disk.
    void persist(file, tar).catch(() => {});
    return { dump: new Blob([tar]), migrated: pglite };
  } catch (error) {
    await pglite.close();
    throw error;
  }
}

/** Written under a unique name, then renamed: a parallel worker never reads half a file. */
async function persist(file: string, tar: Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.${randomUUID().slice(0, 8)}`;
  await writeFile(partial, await promisify(gzip)(tar, { level: 1 }));
  await rename(partial, file);
}

let version: Promise<string> | undefined;
function pgliteVersion(): Promise<string> {
  // The dump format belongs to a PGlite release: a template made by another version is not reused.
  version ??= (async () => {
    try {
      const entry = fileURLToPath(import.meta.resolve("@electric-sql/pglite"));
      const pkg = JSON.parse(await readFile(join(dirname(entry), "..", "package.json"), "utf8"));
      return String(pkg.version);
    } catch {
      return "unknown";
    }
  })();
  return version;
}

// ---- PostgreSQL: a template database per set of migrations, copied by CREATE DATABASE … TEMPLATE ----

/** Creates `name` on the server as a copy of the template holding `sources`' migrations. */
export async function clonePostgres(
  serverUrl: string,
  name: string,
  sources: MigrationSource[],
  prefix: string,
): Promise<void> {
  const template = `${prefix}tpl_${await migrationsKey(sources, "postgres")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    if (!(await databaseExists(admin, template))) await buildTemplate(admin, serverUrl, template, sources);
    await admin.unsafe(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
}

/** Creates `name` on the server as a copy of the database at `sourceUrl` (same server). */
export async function copyPostgres(serverUrl: string, name: string, sourceUrl: string): Promise<void> {
  const source = decodeURIComponent(new URL(sourceUrl).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(source)) throw new Error(`Cannot copy the database "${source}".`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${source}`);
  } finally {
    await admin.end();
  }
}

async function databaseExists(admin: postgres.Sql, name: string): Promise<boolean> {
  return (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
}

async function buildTemplate(
  admin: postgres.Sql,
  serverUrl: string,
  template: string,
  sources: MigrationSource[],
) {
  // Parallel workers take turns; the loser finds the template built. It is migrated under
  // another name and renamed at the end, so a half-built template is never copied.
  const lock = createHash("sha256").update(template).digest().readInt32BE(0);
  await admin`select pg_advisory_lock(${lock})`;
  try {
    if (await databaseExists(admin, template)) return;
    const building = `${template}_b${randomUUID().slice(0, 8)}`;
    await admin.unsafe(`create database ${building}`);
    const client = postgres(databaseUrl(serverUrl, building), { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzlePostgres(client) as unknown as Database, sources);
    } finally {
      await client.end();
    }
    await admin.unsafe(`alter database ${building} rename to ${template}`);
  } finally {
    await admin`select pg_advisory_unlock(${lock})`;
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
