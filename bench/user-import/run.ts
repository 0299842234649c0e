/**
 * User import benchmark: 10,000 CSV rows through `lectern.imports` (the work behind
 * `POST /api/admin/users/import` and `lectern users import`: parse, check, then the job's chunked
 * inserts, invitation tokens, `user.created` events and queued invitation mails) on PostgreSQL,
 * against a baseline measured in the same run: the same 10,000 accounts written by one bare
 * multi-row INSERT per 1,000 rows through postgres.js. Run: `npx tsx bench/user-import/run.ts` from
 * the repo root. BENCH_DATABASE_SERVER names the PostgreSQL server (a throwaway database is made).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLectern, createLogger } from "@lectern/core";
import postgres from "postgres";
import { freshDatabase } from "../lib/harness.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const csv = [
  "email,name,role",
  ...Array.from({ length: ROWS }, (_, i) => `Person.${i}@Example.org,Person Number ${i},student`),
].join("\n");

// Baseline: the accounts alone, written as fast as PostgreSQL takes them.
const base = await freshDatabase("lectern_bench_import_base");
const bare = postgres(base.url, { max: 1, onnotice: () => {} });
await bare.unsafe(
  "create table users (id uuid primary key, email text not null unique, name text not null, role text not null, created_at timestamptz not null)",
);
let started = performance.now();
for (let i = 0; i < ROWS; i += 1000) {
  const batch = Array.from({ length: Math.min(1000, ROWS - i) }, (_, k) => ({
    id: randomUUID(),
    email: `person.${i + k}@example.org`,
    name: `Person Number ${i + k}`,
    role: "student",
    created_at: new Date(),
  }));
  await bare`insert into users ${bare(batch)} on conflict do nothing`;
}
const baselineMs = performance.now() - started;
await bare.end();
await base.drop();

const db = await freshDatabase("lectern_bench_import");
const files = await mkdtemp(join(tmpdir(), "lectern-bench-import-"));
const lectern = await createLectern({
  database: { url: db.url },
  storage: files,
  worker: false,
  logger: createLogger({ level: "warn" }),
  mail: { outboxDir: join(files, "mail") },
});
try {
  started = performance.now();
  const queued = await lectern.imports.start(null, csv);
  const checkedMs = performance.now() - started;
  await lectern.imports.run(queued.id);
  const importMs = performance.now() - started;
  const result = (await lectern.imports.get(queued.id))!;
  if (result.created !== ROWS) throw new Error(`created ${result.created} of ${ROWS}`);
  console.log(
    JSON.stringify(
      {
        rows: ROWS,
        baselineBulkInsertMs: Math.round(baselineMs),
        fileCheckedMs: Math.round(checkedMs),
        importMs: Math.round(importMs),
        rowsPerSecond: Math.round(ROWS / (importMs / 1000)),
        ratioToBaseline: Math.round((importMs / baselineMs) * 10) / 10,
        underOneMinute: importMs < 60_000,
      },
      null,
      2,
    ),
  );
} finally {
  await lectern.stop();
  await db.drop();
  await rm(files, { recursive: true, force: true });
}
