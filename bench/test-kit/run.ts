/**
 * What a test pays to get a migrated database: a fresh in-memory PGlite with every migration
 * applied (the baseline, what the kit did before templates) against `createTestDatabase`'s copy
 * of a cached template, alternating in one run. `npx tsx test-kit/run.ts [--rounds 5]`
 */
import { loadavg } from "node:os";
import { migrate, migrationSources, openDatabase } from "@lectern/core";
import { createTestDatabase } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 5;
const sources = migrationSources([courses(), exams()]);

async function fresh(): Promise<number> {
  const started = performance.now();
  const handle = await openDatabase({});
  await migrate(handle.db, sources);
  const ms = performance.now() - started;
  await handle.close();
  return ms;
}

async function copied(): Promise<number> {
  const started = performance.now();
  const database = await createTestDatabase({ migrations: sources });
  const ms = performance.now() - started;
  await database.drop();
  return ms;
}

await copied(); // the one-off template build (or a cache read) is not what each test pays
const times = { fresh: [] as number[], copied: [] as number[] };
for (let i = 0; i < rounds; i++) {
  times.fresh.push(await fresh());
  times.copied.push(await copied());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = median(times.fresh);
const c = median(times.copied);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(`fresh PGlite + migrations (baseline): median ${f.toFixed(0)} ms`);
console.log(
  `copy of the template:                 median ${c.toFixed(0)} ms  (${(f / c).toFixed(1)}× faster)`,
);
