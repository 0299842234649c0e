/**
 * Speed of `GET /api/me/recommendations` on PostgreSQL with 10,000 courses and 200,000 enrollments,
 * against a bare Hono + postgres.js route that reads the same precomputed row, both measured in
 * the same run with autocannon (c=50, its own process). Also times the nightly rebuild.
 *
 *   npx tsx bench/recommendations/speed.ts     (BENCH_COURSES, BENCH_STUDENTS, BENCH_PER_STUDENT, BENCH_DURATION)
 */
import { randomUUID } from "node:crypto";
import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { recommendations } from "@lectern/recommendations";
import postgres from "postgres";
import { freshDatabase, type LoadResult, load, startServer } from "../lib/harness.js";
import { rng } from "./institution.js";

const COURSES = Number(process.env.BENCH_COURSES ?? 10_000);
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 10_000);
const PER_STUDENT = Number(process.env.BENCH_PER_STUDENT ?? 20);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const PORTS = { lectern: 47_101, bare: 47_102 };
const TOPICS =
  "python statistics algebra biology chemistry physics history economics design writing spanish music databases networks security".split(
    " ",
  );

const db = await freshDatabase("lectern_c_bench");
try {
  // Migrate through Lectern itself, then seed with plain SQL (fast, and the same rows the API makes).
  const setup = await createLectern({
    database: { url: db.url, maxConnections: 4 },
    plugins: [recommendations(), exams(), courses()],
    logger: createLogger({ level: "warn" }),
    storage: "/tmp/lectern-bench-files",
    worker: false,
  });
  const sql = postgres(db.url, { max: 4, onnotice: () => {} });
  const random = rng(7);
  const now = new Date();
  const instructors = Array.from({ length: 100 }, (_, i) => ({
    id: randomUUID(),
    email: `teacher-${i}@bench.example`,
    name: `Teacher ${i}`,
    role: "instructor",
    created_at: now,
  }));
  await sql`insert into lectern_users ${sql(instructors)}`;
  const courseIds: string[] = [];
  for (let offset = 0; offset < COURSES; offset += 1000) {
    const rows = Array.from({ length: Math.min(1000, COURSES - offset) }, (_, j) => {
      const i = offset + j;
      const topic = TOPICS[i % TOPICS.length] as string;
      const id = randomUUID();
      courseIds.push(id);
      return {
        id,
        slug: `course-${i}`,
        title: `${topic} course ${i}`,
        summary: `A course about ${topic}.`,
        description: `Learn ${topic} step by step.`,
        tags: [topic],
        level: ["beginner", "intermediate", "advanced"][i % 3],
        price_amount: null,
        price_currency: null,
        status: "published",
        instructor_id: (instructors[i % instructors.length] as { id: string }).id,
        enrolled_count: 0,
        created_at: now,
        updated_at: now,
        published_at: new Date(now.getTime() - i * 1000),
      };
    });
    await sql`insert into courses_courses ${sql(rows)}`;
  }
  const students: string[] = [];
  for (let offset = 0; offset < STUDENTS; offset += 2000) {
    const rows = Array.from({ length: Math.min(2000, STUDENTS - offset) }, (_, j) => {
      const id = randomUUID();
      students.push(id);
      return {
        id,
        email: `student-${offset + j}@bench.example`,
        name: `Student ${offset + j}`,
        role: "student",
        created_at: now,
      };
    });
    await sql`insert into lectern_users ${sql(rows)}`;
  }
  // Each student stays mostly inside one topic, with a popularity skew: collaborative signal to find.
  let enrollments: Record<string, unknown>[] = [];
  let total = 0;
  for (const userId of students) {
    const topic = Math.floor(random() * TOPICS.length);
    const taken = new Set<number>();
    while (taken.size < PER_STUDENT) {
      const index =
        random() < 0.7
          ? topic + TOPICS.length * Math.floor(random() ** 2 * (COURSES / TOPICS.length - 1))
          : Math.floor(random() ** 3 * COURSES);
      taken.add(Math.min(COURSES - 1, index));
    }
    let at = now.getTime() - 400 * 86_400_000;
    for (const index of taken) {
      at += Math.floor(random() * 20) * 86_400_000;
      const completed = random() < 0.5;
      enrollments.push({
        id: randomUUID(),
        course_id: courseIds[index],
        user_id: userId,
        status: completed ? "completed" : "active",
        enrolled_at: new Date(at),
        completed_at: completed ? new Date(at + 30 * 86_400_000) : null,
      });
    }
    if (enrollments.length >= 5000) {
      await sql`insert into courses_enrollments ${sql(enrollments)}`;
      total += enrollments.length;
      enrollments = [];
    }
  }
  if (enrollments.length) await sql`insert into courses_enrollments ${sql(enrollments)}`;
  total += enrollments.length;
  await sql`update courses_courses c set enrolled_count = (select count(*) from courses_enrollments e where e.course_id = c.id)`;
  await sql`analyze`;

  const started = performance.now();
  const rebuilt = await setup.services.get("recommendations").engine.rebuild();
  const rebuildSeconds = (performance.now() - started) / 1000;
  const studentId = students[Math.floor(students.length / 2)] as string;
  const { token } = await setup.context().auth.sessions.create(setup.db, studentId);
  await setup.stop();

  const lectern = await startServer(new URL("./server-lectern.ts", import.meta.url), {
    DATABASE_URL: db.url,
    PORT: String(PORTS.lectern),
  });
  const bare = await startServer(new URL("./server-bare.ts", import.meta.url), {
    DATABASE_URL: db.url,
    PORT: String(PORTS.bare),
  });
  try {
    const measure = (url: string, headers: Record<string, string>) =>
      load(url, { connections: 50, duration: DURATION, headers });
    // A short warm-up each, then the measured runs.
    await load(`http://127.0.0.1:${PORTS.lectern}/api/me/recommendations?limit=5`, {
      connections: 10,
      duration: 2,
      headers: { authorization: `Bearer ${token}` },
    });
    await load(`http://127.0.0.1:${PORTS.bare}/api/me/recommendations?limit=5`, {
      connections: 10,
      duration: 2,
      headers: { "x-user": studentId },
    });
    const ours = await measure(`http://127.0.0.1:${PORTS.lectern}/api/me/recommendations?limit=5`, {
      authorization: `Bearer ${token}`,
    });
    const base = await measure(`http://127.0.0.1:${PORTS.bare}/api/me/recommendations?limit=5`, {
      "x-user": studentId,
    });
    console.log(
      `GET /api/me/recommendations — ${COURSES} courses, ${total} enrollments, ${STUDENTS} students, PostgreSQL, c=50, ${DURATION} s`,
    );
    console.log(`nightly rebuild: ${rebuildSeconds.toFixed(1)} s for ${rebuilt.students} students`);
    const line = (name: string, r: LoadResult) =>
      `${name.padEnd(30)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50} ms   p90 ${r.p90} ms   p97.5 ${r.p97_5} ms   p99 ${r.p99} ms   errors ${r.errors + r.non2xx}`;
    console.log(line("bare row read (baseline)", base));
    console.log(line("Lectern", ours));
    console.log(
      `ratio: ${(ours.rps / base.rps).toFixed(2)}× the baseline's throughput; p97.5 ${(ours.p97_5 / Math.max(1, base.p97_5)).toFixed(2)}× (p95 ≤ p97.5)`,
    );
  } finally {
    await lectern.stop();
    await bare.stop();
  }
  await sql.end();
} finally {
  await db.drop();
}
