// The course assistant's benchmark: retrieval quality over the demo courses (recall@3 and MRR,
// full-text search alone and, with --embeddings, hybrid), the offline answer's latency against
// a plain course read in the same run, and ingestion speed and peak memory for long PDFs
// against a one-page PDF. Everything runs in-process or on 127.0.0.1.
// Run: npx tsx bench/assistant/run.ts [--database postgres://postgres@127.0.0.1:5432/postgres]
//      [--embeddings [--pgvector]] [--pages 300] [--big 1000] [--answers 200] [--quality-only]
// --pgvector loads PGlite's vector bundle (on a server, pgvector is used when it is installed).
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { vector } from "@electric-sql/pglite-pgvector";
import { type AssistantOptions, assistant, searchPassages } from "@lectern/assistant";
import { createLectern, createLogger, type Lectern } from "@lectern/core";
import { courses, slugify } from "@lectern/courses";
import postgres from "postgres";
import { makeTextPdf, startFakeOpenAI } from "../../packages/assistant/src/testing.js";
import { DEMO_READINGS } from "../../packages/courses/src/demo-readings.js";
import { QUESTIONS } from "./questions.js";

const { values } = parseArgs({
  options: {
    role: { type: "string", default: "bench" },
    database: { type: "string" },
    embeddings: { type: "boolean", default: false },
    pages: { type: "string", default: "300" },
    big: { type: "string", default: "1000" },
    answers: { type: "string", default: "200" },
    "fake-url": { type: "string" },
    pgvector: { type: "boolean", default: false },
    "quality-only": { type: "boolean", default: false },
  },
});

const SELF = fileURLToPath(import.meta.url);

/** A fresh database on the server, or in-memory PGlite. */
async function freshDatabase(): Promise<{
  config: { url: string } | { extensions?: Record<string, unknown> };
  drop(): Promise<void>;
}> {
  if (!values.database)
    return { config: values.pgvector ? { extensions: { vector } } : {}, drop: async () => {} };
  const name = `lectern_a_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(values.database, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(values.database);
  url.pathname = `/${name}`;
  return {
    config: { url: url.toString() },
    drop: async () => {
      const sql = postgres(values.database!, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

async function open(options: AssistantOptions) {
  const database = await freshDatabase();
  const tmp = await mkdtemp(join(os.tmpdir(), "assistant-bench-"));
  const lectern = await createLectern({
    database: database.config,
    plugins: [courses(), assistant(options)],
    logger: createLogger({ level: "warn" }),
    storage: join(tmp, "files"),
    mail: { outboxDir: join(tmp, "mail") },
    worker: false,
  });
  return {
    lectern,
    async close() {
      await lectern.stop();
      await database.drop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** A long PDF: the demo readings over and over, each page numbered. */
function longPdf(pages: number): Buffer {
  const texts = Object.values(DEMO_READINGS).flatMap(([a, b]) => [...a, ...b]);
  return makeTextPdf(
    Array.from(
      { length: pages },
      (_, i) => `Page ${i + 1}. ${texts[i % texts.length]} ${texts[(i + 7) % texts.length]}`,
    ),
  );
}

// Child: index one PDF of --pages pages; print the time and the process's peak memory.
async function ingestChild() {
  const pages = Number(values.pages);
  const { lectern, close } = await open({});
  const ctx = lectern.context();
  const instructor = await ctx.auth.createUser({
    role: "instructor",
    email: "bench@example.com",
    name: "Bench",
    password: "bench-password",
  });
  const service = lectern.services.get("courses");
  const course = await service.createCourse(instructor, { title: "Ingestion bench" });
  const key = `bench/${randomUUID()}`;
  let bytes: Buffer | null = longPdf(pages);
  const { size } = await ctx.storage.put(key, Readable.from([bytes]));
  bytes = null;
  const material = await service.addMaterial(instructor, course.id, {
    title: "Long reading",
    kind: "pdf",
    file: { key, size, contentType: "application/pdf", filename: "long.pdf" },
  });
  global.gc?.();
  const before = process.resourceUsage().maxRSS;
  const started = performance.now();
  const outcome = await lectern.services.get("assistant").indexer.indexMaterial(material.id);
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({ pages, ms, outcome, maxRssKb: process.resourceUsage().maxRSS, beforeKb: before, size }),
  );
  await close();
}

function runChild(pages: number) {
  const args = ["--import", "tsx", SELF, "--role", "ingest", "--pages", String(pages)];
  if (values.database) args.push("--database", values.database);
  const out = execFileSync(process.execPath, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as {
    pages: number;
    ms: number;
    maxRssKb: number;
    beforeKb: number;
    outcome: { status: string; passages?: number };
  };
}

const normalise = (s: string) => s.replace(/\s+/g, " ").toLowerCase();

async function evaluate(lectern: Lectern, label: string, withVectors: boolean) {
  const db = lectern.db;
  const ids = new Map<string, string>();
  for (const title of new Set(QUESTIONS.map((q) => q.course))) {
    const course = await lectern.services.get("courses").findCourse(slugify(title));
    if (!course) throw new Error(`The demo course "${title}" is missing.`);
    ids.set(title, course.id);
  }
  const service = lectern.services.get("assistant");
  const results = { course: { hits3: 0, rr: 0 }, all: { hits3: 0, rr: 0 } };
  const misses: string[] = [];
  const vectorSearch = withVectors ? ((await service.vectorSearch()) ?? undefined) : undefined;
  const timings: number[] = [];
  for (const item of QUESTIONS) {
    const embedded = withVectors ? await service.embedQuestion(item.question) : null;
    for (const scope of ["course", "all"] as const) {
      const started = performance.now();
      const found = await searchPassages(db, {
        question: item.question,
        courseIds: scope === "course" ? [ids.get(item.course)!] : "all",
        limit: 10,
        vector: embedded,
        vectorSearch,
      });
      timings.push(performance.now() - started);
      const rank = found.findIndex((p) => normalise(p.content).includes(normalise(item.answer))) + 1;
      if (rank >= 1 && rank <= 3) results[scope].hits3++;
      if (rank >= 1) results[scope].rr += 1 / rank;
      if (scope === "course" && (rank === 0 || rank > 3))
        misses.push(`${item.question} (rank ${rank || ">10"})`);
    }
  }
  const n = QUESTIONS.length;
  const line = (scope: "course" | "all") =>
    `recall@3 ${(results[scope].hits3 / n).toFixed(3)}, MRR ${(results[scope].rr / n).toFixed(3)}`;
  const how = vectorSearch ? ` [vectors compared as ${vectorSearch}]` : "";
  console.log(
    `${label}${how}, ${n} questions — within the course: ${line("course")}; across all courses: ${line("all")}; search p50 ${percentile(timings, 50).toFixed(1)} ms, p95 ${percentile(timings, 95).toFixed(1)} ms`,
  );
  if (misses.length) console.log(`  not in the top 3 (within the course): ${misses.join("; ")}`);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function latency(lectern: Lectern) {
  const ctx = lectern.context();
  const student = await ctx.auth.findUserByEmail("student@example.com");
  const { token } = await ctx.auth.sessions.create(lectern.db, student!.id);
  const course = await lectern.services.get("courses").findCourse(slugify(QUESTIONS[0]!.course));
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const count = Number(values.answers);
  const time = async (fn: () => Response | Promise<Response>) => {
    const started = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - started;
  };
  const chat: number[] = [];
  const read: number[] = [];
  const enrolled = QUESTIONS.filter(
    (q) => q.course === QUESTIONS[0]!.course || q.course.startsWith("Statistics"),
  );
  for (let i = 0; i < count; i++) {
    const item = enrolled[i % enrolled.length]!;
    const courseId = (await lectern.services.get("courses").findCourse(slugify(item.course)))!.id;
    read.push(await time(() => lectern.app.request(`/api/courses/${course!.id}`, { headers })));
    chat.push(
      await time(() =>
        lectern.app.request("/api/assistant/chat", {
          method: "POST",
          headers,
          body: JSON.stringify({ message: item.question, courseId }),
        }),
      ),
    );
  }
  const search: number[] = [];
  for (let i = 0; i < count; i++) {
    const item = enrolled[i % enrolled.length]!;
    const courseId = (await lectern.services.get("courses").findCourse(slugify(item.course)))!.id;
    const started = performance.now();
    await searchPassages(lectern.db, { question: item.question, courseIds: [courseId], limit: 4 });
    search.push(performance.now() - started);
  }
  console.log(
    `  of which the passage search alone: p50 ${percentile(search, 50).toFixed(1)} ms, p95 ${percentile(search, 95).toFixed(1)} ms`,
  );
  const p95 = percentile(chat, 95);
  const base = percentile(read, 95);
  console.log(
    `offline (quoted) answer, ${count} requests in-process: p50 ${percentile(chat, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; GET /api/courses/:id p95 ${base.toFixed(1)} ms (ratio ${(p95 / base).toFixed(2)})`,
  );
}

async function main() {
  console.log(`database: ${values.database ? "PostgreSQL" : "PGlite (in memory)"}; node ${process.version}`);
  const fake = values.embeddings ? await startFakeOpenAI(48900) : null;
  const options: AssistantOptions = {
    budget: { requestsPerDay: 1_000_000 },
    storeConversations: false,
    ...(fake && { embeddings: { provider: "openai", model: "fake-embed", baseUrl: fake.baseUrl } }),
  };
  const { lectern, close } = await open(options);
  try {
    const started = performance.now();
    await lectern.seedDemo();
    await lectern.jobs.drain();
    console.log(`demo seeded and indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await evaluate(lectern, "full-text search", false);
    if (fake) await evaluate(lectern, "hybrid (full-text + bag-of-words fake embeddings)", true);
    if (!values["quality-only"]) await latency(lectern);
  } finally {
    await close();
    await fake?.close();
  }
  if (values["quality-only"]) return;

  const one = runChild(1);
  const long = runChild(Number(values.pages));
  const big = runChild(Number(values.big));
  const rate = (r: typeof long) => r.pages / (r.ms / 1000);
  console.log(
    `ingestion: ${long.pages}-page PDF in ${(long.ms / 1000).toFixed(1)} s = ${rate(long).toFixed(0)} pages/s (${long.outcome.passages} passages); 1-page PDF ${one.ms.toFixed(0)} ms`,
  );
  console.log(
    `peak RSS: ${big.pages}-page PDF ${(big.maxRssKb / 1024).toFixed(0)} MiB (before indexing ${(big.beforeKb / 1024).toFixed(0)} MiB, ${rate(big).toFixed(0)} pages/s); 1-page PDF ${(one.maxRssKb / 1024).toFixed(0)} MiB (ratio ${(big.maxRssKb / one.maxRssKb).toFixed(2)})`,
  );
}

if (values.role === "ingest") await ingestChild();
else await main();
