// The servers of the exam-day bench, one per child process: Lectern (the first sets up the
// course, the exam and the students), further Lectern instances on the same database, and the
// bare Hono + postgres.js baseline.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import postgres from "postgres";

/** The settings the bench's flags vary, passed on to every Lectern process. */
export interface ServerFlags {
  saveBatch: number;
  startBatch: number;
  sessionTtl: number;
  /** "off", or maxConcurrent:maxQueue. */
  admission: string;
  worker: boolean;
  /** Unset: core's default. */
  giveWayMs?: number;
}

/** A Lectern process serving courses + exams with the bench's settings. */
async function openLectern(url: string, pool: number, flags: ServerFlags) {
  const { createLectern, createLogger } = await import("@lectern/core");
  const { courses } = await import("@lectern/courses");
  const { exams } = await import("@lectern/exams");
  const tmp = await mkdtemp(join(os.tmpdir(), "exam-day-"));
  const lectern = await createLectern({
    database: { url, maxConnections: pool },
    plugins: [courses(), exams({ saveBatch: flags.saveBatch, startBatch: flags.startBatch })],
    logger: createLogger({ level: "warn" }),
    storage: join(tmp, "files"),
    mail: { outboxDir: join(tmp, "mail") },
    ...serverTuning(flags),
  });
  return { lectern, tmp };
}

/** Answers the bench's questions by signal (CPU time, see measure.ts) and stops on SIGTERM. */
function serveSignals(out: string, stop: () => Promise<void>) {
  process.on("SIGUSR2", () => {
    const { user, system } = process.cpuUsage();
    void writeFile(
      `${out}.cpu`,
      JSON.stringify({ ms: (user + system) / 1000, rss: process.memoryUsage().rss }),
    );
  });
  process.on("SIGTERM", async () => {
    await stop();
    process.exit(0);
  });
}

export async function serveLectern(
  url: string,
  out: string,
  students: number,
  pool: number,
  flags: ServerFlags,
) {
  const { rowsOf } = await import("@lectern/core");
  const { sql } = await import("drizzle-orm");
  const { lectern, tmp } = await openLectern(url, pool, flags);
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
  serveSignals(out, async () => {
    await lectern.stop();
    await rm(tmp, { recursive: true, force: true });
  });
}

/** A further instance on the same database: nothing to set up, it only serves. */
export async function serveReplica(url: string, out: string, pool: number, flags: ServerFlags) {
  const { lectern, tmp } = await openLectern(url, pool, flags);
  const { port } = await lectern.start({ port: 0, hostname: "127.0.0.1" });
  await writeFile(out, JSON.stringify({ port }));
  console.log("READY");
  serveSignals(out, async () => {
    await lectern.stop();
    await rm(tmp, { recursive: true, force: true });
  });
}

/** The settings the bench's flags vary, passed on to every Lectern process. */
function serverTuning(flags: ServerFlags) {
  const [maxConcurrent, maxQueue] = flags.admission.split(":").map(Number);
  return {
    auth: { sessionCache: { ttlMs: flags.sessionTtl } },
    http: { admission: flags.admission === "off" ? (false as const) : { maxConcurrent, maxQueue } },
    worker: flags.worker && (flags.giveWayMs === undefined ? true : { giveWayMs: flags.giveWayMs }),
  };
}

export async function serveRaw(url: string, out: string, pool: number) {
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
