// What the exam-day bench reads besides latencies: CPU time of the servers and of their PostgreSQL
// backends, and the database's transactions, so a figure can be divided by the requests served.
import type { ChildProcess } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import type postgres from "postgres";

export interface Sample {
  kind: string;
  ms: number;
  status: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summary(samples: Sample[], kind: string) {
  const mine = samples.filter((s) => s.kind === kind);
  const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
  const failed = mine.filter((s) => s.status === 0 || s.status >= 400);
  const statuses = new Map<number, number>();
  for (const s of failed) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  const why = [...statuses].map(([status, n]) => `${n}×${status || "network"}`).join(", ");
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${kind.padEnd(7)} ${String(mine.length).padStart(6)} req  errors ${String(failed.length).padStart(4)}${why ? ` (${why})` : ""}  p50 ${f(percentile(ms, 50))} ms  p95 ${f(percentile(ms, 95))} ms  p99 ${f(percentile(ms, 99))} ms  max ${f(ms.at(-1) ?? Number.NaN)} ms`;
}

export interface Server {
  child: ChildProcess;
  out: string;
  port: number;
}

/** CPU ms used so far by one Lectern child (asked by signal: it writes `<out>.cpu`). */
async function serverCpu(server: Server): Promise<{ ms: number; rss: number }> {
  await rm(`${server.out}.cpu`, { force: true });
  server.child.kill("SIGUSR2");
  for (let i = 0; i < 100; i++) {
    try {
      return JSON.parse(await readFile(`${server.out}.cpu`, "utf8"));
    } catch {
      await sleep(20);
    }
  }
  return { ms: Number.NaN, rss: Number.NaN };
}

/** CPU ms used so far by the database's backends (/proc of the pids PostgreSQL reports). */
async function backendCpu(admin: postgres.Sql, database: string) {
  const pids = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`;
  const tick = 1000 / 100; // USER_HZ
  let ms = 0;
  for (const { pid } of pids) {
    try {
      const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
      ms += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {}
  }
  return { ms, backends: pids.length };
}

/**
 * The database's committed transactions so far. Every statement outside a transaction is one,
 * so this counts the statements a request costs (an explicit transaction counts once). Backends
 * report them at most once a second, and an idle one only after about 10 s; and the jobs a phase
 * queued (event deliveries, mail) run after it. So, when settling, read until at least 11 s have
 * passed and the count moves no faster than the job workers' idle polling (`quiet` a second).
 */
async function transactions(admin: postgres.Sql, database: string, settle: boolean, quiet: number) {
  const read = async () => {
    const [row] = await admin<
      { n: string }[]
    >`select xact_commit + xact_rollback as n from pg_stat_database where datname = ${database}`;
    return Number(row?.n ?? Number.NaN);
  };
  let last = await read();
  if (!settle) return last;
  for (let i = 0; i < 90; i++) {
    await sleep(1000);
    const now = await read();
    if (i >= 11 && now - last <= quiet) return now;
    last = now;
  }
  return last;
}

export interface Usage {
  server: number;
  rss: number;
  db: number;
  backends: number;
  transactions: number;
}

export async function usage(servers: Server[], admin: postgres.Sql, database: string, settle = true) {
  const tx = await transactions(admin, database, settle, 3 * servers.length);
  const each = await Promise.all(servers.map(serverCpu));
  const db = await backendCpu(admin, database);
  return {
    server: each.reduce((t, c) => t + c.ms, 0),
    rss: Math.max(...each.map((c) => c.rss)),
    db: db.ms,
    backends: db.backends,
    transactions: tx,
  } satisfies Usage;
}

/** "server 0.99 ms, PostgreSQL 0.63 ms, 2.1 transactions per request" between two readings. */
export function perRequest(before: Usage, after: Usage, requests: number) {
  const per = (n: number) => (n / requests).toFixed(2);
  return `server ${per(after.server - before.server)} ms, PostgreSQL backends ${per(after.db - before.db)} ms, ${per(after.transactions - before.transactions)} transactions per request`;
}
