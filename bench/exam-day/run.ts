// Exam day: N students released together start the same 10-question exam, save an answer per
// question with short think times, and submit; then submit throughput at saturation against a
// bare Hono + postgres.js INSERT measured in the same run. Everything runs on 127.0.0.1.
// Run: npx tsx bench/exam-day/run.ts [--students 2000] [--saturation 1000] [--think 200-1000]
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";

const { values } = parseArgs({
  options: {
    role: { type: "string", default: "bench" },
    students: { type: "string", default: "2000" },
    saturation: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "50" },
    connections: { type: "string", default: "512" },
    think: { type: "string", default: "200-1000" },
    pool: { type: "string", default: "20" },
    database: { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    url: { type: "string" },
    out: { type: "string" },
    "time-limit": { type: "string", default: "600" },
  },
});

const SELF = fileURLToPath(import.meta.url);

// Servers

async function serveLectern(url: string, out: string, students: number, pool: number) {
  const { createLectern, createLogger, rowsOf } = await import("@lectern/core");
  const { courses } = await import("@lectern/courses");
  const { exams } = await import("@lectern/exams");
  const { sql } = await import("drizzle-orm");
  const tmp = await mkdtemp(join(os.tmpdir(), "exam-day-"));
  const lectern = await createLectern({
    database: { url, maxConnections: pool },
    plugins: [courses(), exams()],
    logger: createLogger({ level: "warn" }),
    storage: join(tmp, "files"),
    mail: { outboxDir: join(tmp, "mail") },
  });
  const ctx = lectern.context();
  const instructor = await ctx.auth.createUser({
    role: "instructor",
    email: "bench-instructor@example.com",
    name: "Bench Instructor",
    password: "bench-password",
  });
  const course = await lectern.services.get("courses").createCourse(instructor, {
    title: "Exam Day 101",
    summary: "The course of the exam-day benchmark.",
  });
  await lectern.db.execute(
    sql`update courses_courses set status = 'published', published_at = now() where id = ${course.id}`,
  );
  const service = lectern.services.get("exams");
  const choice = (i: number) => ({
    type: "single" as const,
    prompt: `Question ${i + 1}: which option is right?`,
    marks: 1 + (i % 3),
    options: ["A", "B", "C", "D"].map((letter, j) => ({ text: `Option ${letter}`, correct: j === i % 4 })),
  });
  const questions = Array.from({ length: 10 }, (_, i) =>
    i === 9
      ? {
          type: "short_answer" as const,
          prompt: "Name the capital of France.",
          marks: 2,
          accepted: ["Paris"],
        }
      : i === 8
        ? {
            type: "multiple" as const,
            prompt: "Pick the even numbers.",
            marks: 3,
            partialCredit: "proportional" as const,
            options: ["1", "2", "3", "4"].map((n) => ({ text: n, correct: Number(n) % 2 === 0 })),
          }
        : choice(i),
  );
  const draft = await service.createExam(instructor, course.id, {
    title: "Exam day",
    durationMinutes: 60,
    shuffle: true,
    questions,
  });
  // Published before anyone enrolls: the bench measures attempts, not the announcement mail.
  const exam = await service.publishExam(instructor, draft.id);

  const created = rowsOf<{ id: string }>(
    await lectern.db.execute(sql`insert into lectern_users (id, email, name, role, created_at)
      select gen_random_uuid(), 'student-' || g || '@bench.example', 'Student ' || g, 'student', now()
      from generate_series(1, ${students}) g returning id`),
  );
  const ids = created.map((r) => r.id);
  await lectern.db.execute(sql`insert into courses_enrollments (id, course_id, user_id, status, enrolled_at)
    select gen_random_uuid(), ${course.id}, id, 'active', now() from lectern_users where role = 'student'`);
  const tokens: string[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const made = await Promise.all(
      ids.slice(i, i + 50).map((id) => ctx.auth.sessions.create(lectern.db, id)),
    );
    tokens.push(...made.map((m) => m.token));
  }
  const [count] = rowsOf<{ n: string }>(
    await lectern.db.execute(sql`select count(*) as n from courses_enrollments`),
  );
  const { port } = await lectern.start({ port: 0, hostname: "127.0.0.1" });
  await writeFile(out, JSON.stringify({ port, examId: exam.id, tokens, enrolled: Number(count?.n) }));
  console.log("READY");
  process.on("SIGTERM", async () => {
    await lectern.stop();
    await rm(tmp, { recursive: true, force: true });
    process.exit(0);
  });
}

async function serveRaw(url: string, out: string, pool: number) {
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const sql = postgres(url, { max: pool, onnotice: () => {} });
  await sql`create table if not exists bench_raw (id uuid primary key, user_id uuid not null, payload jsonb not null, created_at timestamptz not null)`;
  const app = new Hono();
  app.post("/insert", async (c) => {
    const body = await c.req.json();
    const [row] = await sql`insert into bench_raw (id, user_id, payload, created_at)
      values (${randomUUID()}, ${randomUUID()}, ${sql.json(body)}, now()) returning id, created_at`;
    return c.json(row, 201);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, async (info) => {
    await writeFile(out, JSON.stringify({ port: info.port }));
    console.log("READY");
  });
  process.on("SIGTERM", () => {
    server.close();
    void sql.end({ timeout: 2 }).then(() => process.exit(0));
  });
}

// Load

interface Sample {
  kind: string;
  ms: number;
  status: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number(values.connections) });

function request(
  port: number,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: unknown; ms: number }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {}
          resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - start });
        });
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, body: null, ms: performance.now() - start }));
    if (payload) req.write(payload);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const [thinkMin, thinkMax] = values.think.split("-").map(Number) as [number, number];
const think = () => thinkMin + Math.random() * (thinkMax - thinkMin);

interface AttemptQuestion {
  id: string;
  type: string;
  options?: { id: string }[];
}

function answerFor(q: AttemptQuestion) {
  if (q.type === "short_answer") return { questionId: q.id, text: Math.random() < 0.7 ? " paris " : "" };
  const options = q.options ?? [];
  if (q.type === "multiple")
    return { questionId: q.id, optionIds: options.filter(() => Math.random() < 0.5).map((o) => o.id) };
  return { questionId: q.id, optionIds: [options[Math.floor(Math.random() * options.length)]!.id] };
}

async function student(port: number, examId: string, token: string, samples: Sample[], deadline: number) {
  const record = (kind: string, r: { status: number; ms: number }) =>
    samples.push({ kind, ms: r.ms, status: r.status });
  const started = await request(port, "POST", `/api/exams/${examId}/attempts`, token);
  record("start", started);
  if (started.status !== 201 && started.status !== 200) return false;
  const attempt = started.body as { id: string; questions: AttemptQuestion[] };
  for (const q of attempt.questions) {
    if (performance.now() > deadline) return false;
    await sleep(think());
    const saved = await request(port, "PUT", `/api/attempts/${attempt.id}/answers`, token, {
      answers: [answerFor(q)],
    });
    record("save", saved);
  }
  await sleep(think());
  const submitted = await request(port, "POST", `/api/attempts/${attempt.id}/submit`, token);
  record("submit", submitted);
  return submitted.status === 200;
}

/** Runs `count` tasks with at most `concurrency` at once; answers the wall time in ms. */
async function bounded(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - start;
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(samples: Sample[], kind: string) {
  const mine = samples.filter((s) => s.kind === kind);
  const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
  const errors = mine.filter((s) => s.status === 0 || s.status >= 400).length;
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${kind.padEnd(7)} ${String(mine.length).padStart(6)} req  errors ${String(errors).padStart(4)}  p50 ${f(percentile(ms, 50))} ms  p95 ${f(percentile(ms, 95))} ms  p99 ${f(percentile(ms, 99))} ms  max ${f(ms.at(-1) ?? Number.NaN)} ms`;
}

function startChild(role: string, url: string, out: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers.
    [
      ...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      SELF,
      "--role",
      role,
      "--url",
      url,
      "--out",
      out,
      ...extra,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise<typeof child>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("READY")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
}

async function stopChild(child: ReturnType<typeof spawn>) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
}

async function bench() {
  const students = Number(values.students);
  const saturation = Number(values.saturation);
  const concurrency = Number(values.concurrency);
  const pool = values.pool;
  const timeLimit = performance.now() + Number(values["time-limit"]) * 1000;
  const name = `lectern_bench_exam_day_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(values.database, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(values.database);
  url.pathname = `/${name}`;
  const tmp = await mkdtemp(join(os.tmpdir(), "exam-day-bench-"));
  const children: ReturnType<typeof spawn>[] = [];
  try {
    console.log(
      `exam-day: ${students} students released together, think ${values.think} ms; saturation ${saturation} submits at concurrency ${concurrency}; server pool ${pool}; ${os.cpus().length} cores, Node ${process.version}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    const setupStart = performance.now();
    const lecternOut = join(tmp, "lectern.json");
    children.push(
      await startChild("lectern", url.toString(), lecternOut, [
        "--students",
        String(students + saturation),
        "--pool",
        pool,
      ]),
    );
    const setup = JSON.parse(await readFile(lecternOut, "utf8")) as {
      port: number;
      examId: string;
      tokens: string[];
    };
    console.log(
      `setup: ${setup.tokens.length} enrolled students with sessions in ${((performance.now() - setupStart) / 1000).toFixed(1)} s\n`,
    );
    const { port, examId } = setup;
    const dayTokens = setup.tokens.slice(0, students);
    const satTokens = setup.tokens.slice(students);

    const samples: Sample[] = [];
    const releasedAt = performance.now();
    const finished = await Promise.all(
      dayTokens.map((token) => student(port, examId, token, samples, timeLimit)),
    );
    const wall = (performance.now() - releasedAt) / 1000;
    const completed = finished.filter(Boolean).length;
    console.log(`Exam day (${students} students, all released at once):`);
    for (const kind of ["start", "save", "submit"]) console.log(`  ${summary(samples, kind)}`);
    const errors = samples.filter((s) => s.status === 0 || s.status >= 400).length;
    console.log(
      `  completed ${completed}/${students} attempts in ${wall.toFixed(1)} s → ${(completed / wall).toFixed(1)} completed attempts/s; ${errors} errors; ${samples.length} requests (${(samples.length / wall).toFixed(0)} req/s)`,
    );

    // Submit at saturation: attempts started and answered first (untimed), then submitted at a fixed concurrency.
    const attemptIds: string[] = new Array(satTokens.length);
    await bounded(satTokens.length, concurrency, async (i) => {
      const started = await request(port, "POST", `/api/exams/${examId}/attempts`, satTokens[i]!);
      const attempt = started.body as { id: string; questions: AttemptQuestion[] };
      attemptIds[i] = attempt.id;
      await request(port, "PUT", `/api/attempts/${attempt.id}/answers`, satTokens[i]!, {
        answers: attempt.questions.map(answerFor),
      });
    });
    const satSamples: Sample[] = [];
    const submitMs = await bounded(satTokens.length, concurrency, async (i) => {
      const r = await request(port, "POST", `/api/attempts/${attemptIds[i]}/submit`, satTokens[i]!);
      satSamples.push({ kind: "submit", ms: r.ms, status: r.status });
    });
    const submitRps = satTokens.length / (submitMs / 1000);
    // The core's floor on this machine now: an authenticated read with one query.
    const meSamples: Sample[] = [];
    const meMs = await bounded(satTokens.length, concurrency, async (i) => {
      const r = await request(port, "GET", "/api/auth/me", satTokens[i]!);
      meSamples.push({ kind: "auth/me", ms: r.ms, status: r.status });
    });
    const meRps = satTokens.length / (meMs / 1000);
    await stopChild(children.pop()!);

    const rawOut = join(tmp, "raw.json");
    children.push(await startChild("raw", url.toString(), rawOut, ["--pool", "10"]));
    const raw = JSON.parse(await readFile(rawOut, "utf8")) as { port: number };
    await bounded(500, concurrency, async () => {
      await request(raw.port, "POST", "/insert", null, { warm: true });
    });
    const rawSamples: Sample[] = [];
    const rawMs = await bounded(satTokens.length, concurrency, async () => {
      const r = await request(raw.port, "POST", "/insert", null, { attempt: randomUUID(), score: 7 });
      rawSamples.push({ kind: "insert", ms: r.ms, status: r.status });
    });
    const rawRps = satTokens.length / (rawMs / 1000);
    await stopChild(children.pop()!);

    console.log(`\nSubmit at saturation (${satTokens.length} submits, concurrency ${concurrency}):`);
    console.log(`  ${summary(satSamples, "submit")}  → ${submitRps.toFixed(0)} req/s`);
    console.log(
      `  ${summary(rawSamples, "insert")}  → ${rawRps.toFixed(0)} req/s (bare Hono + postgres.js, one INSERT, pool 10)`,
    );
    console.log(
      `  ${summary(meSamples, "auth/me")}  → ${meRps.toFixed(0)} req/s (Lectern's GET /api/auth/me: the core's floor)`,
    );
    console.log(`  submit / bare INSERT = ${((submitRps / rawRps) * 100).toFixed(0)}% (target ≥ 30%)`);
  } finally {
    for (const child of children) await stopChild(child);
    agent.destroy();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (values.role === "lectern")
  await serveLectern(values.url!, values.out!, Number(values.students), Number(values.pool));
else if (values.role === "raw") await serveRaw(values.url!, values.out!, Number(values.pool));
else await bench();
