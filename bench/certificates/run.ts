// Certificates through the plugin (batch job: render, store, sign, issue, queue and send the mail)
// against the raw render pipeline alone, on the same template in the same run, in one process.
// Run: npx tsx bench/certificates/run.ts [--samples 40] [--rounds 3] [--batch 1000]
// BENCH_DATABASE_URL=postgres://… uses PostgreSQL (a throwaway database); the default is in-memory
// PGlite, which runs inside this process, so every cost of the plugin's path lands on the same core.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CertificateData, certificates, renderCertificatePdf } from "@lectern/certificates";
import { createLectern, createLogger, type DatabaseConfig, type Lectern, users } from "@lectern/core";
import { courses } from "@lectern/courses";
import nodemailer from "nodemailer";
import postgres from "postgres";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "40" },
    rounds: { type: "string", default: "3" },
    batch: { type: "string", default: "1000" },
  },
});
const samples = Number(values.samples);
const rounds = Number(values.rounds);
const batchSize = Number(values.batch);

const names = [
  "Zoë Ñúñez-Øberg",
  "Αλέξανδρος Παπαδόπουλος",
  "Анна Каренина",
  "Margaret Okafor",
  "Henrik Lindqvist",
];
const institution = { name: "Northfield Institute of Technology", primaryColor: "#1f3a5f" };
const signatories = [
  { name: "Dr. Margaret Okafor", title: "Dean of Continuing Education" },
  { name: "Prof. Henrik Lindqvist", title: "Course Director" },
];
const COURSE_TITLE = "Foundations of Data Engineering";
const holder = (i: number) => `${names[i % names.length]} ${i}`;
const raw = (i: number): CertificateData => ({
  institution,
  signatories,
  holderName: holder(i),
  courseTitle: COURSE_TITLE,
  issuedAt: new Date(),
  code: `7KQ2-M9XD-${String(i).padStart(4, "0").slice(-4)}`,
  verifyUrl: `https://campus.example.org/verify/7KQ2-M9XD-${i}`,
});

const MiB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

async function database(): Promise<{ config: DatabaseConfig; label: string; drop(): Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) return { config: {}, label: "in-memory PGlite (in this process)", drop: async () => {} };
  const name = `lectern_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    config: { url: target.toString() },
    label: `PostgreSQL (${target.host})`,
    async drop() {
      const cleanup = postgres(url, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Mail leaves through a transport that accepts and drops it: SMTP's network time is not rendering. */
const sink = nodemailer.createTransport({
  name: "bench-sink",
  version: "1.0.0",
  send: (mail, done) => done(null, { envelope: mail.message.getEnvelope(), messageId: "bench" } as never),
});

interface Setup {
  lectern: Lectern;
  admin: { id: string; role: "admin" };
  courseId: string;
  next: number;
}

/** `count` students who completed the course, each with a pending request (inserted directly: setup is not measured). */
async function pendingRequests(s: Setup, count: number): Promise<void> {
  const service = s.lectern.services.get("certificates");
  const rows = Array.from({ length: count }, () => {
    const i = s.next++;
    return {
      id: randomUUID(),
      email: `student-${i}@bench.example`,
      name: holder(i),
      role: "student" as const,
      createdAt: new Date(),
    };
  });
  for (let start = 0; start < rows.length; start += 500) {
    await s.lectern.db.insert(users).values(rows.slice(start, start + 500));
  }
  await s.lectern.db.transaction(async (tx) => {
    for (const row of rows) await service.requestCertificate(tx, { userId: row.id, courseId: s.courseId });
  });
}

/** Approves every pending request as the admin's batch does: one job per chunk, drained here. */
async function runBatch(s: Setup, onItem?: () => void): Promise<number> {
  const service = s.lectern.services.get("certificates");
  const batch = await service.startBatch(s.admin, { courseId: s.courseId });
  const sampler = onItem ? setInterval(onItem, 50) : null;
  await s.lectern.jobs.drain(100_000);
  if (sampler) clearInterval(sampler);
  const done = await service.getBatch(batch.id);
  if (done.issued !== batch.total)
    throw new Error(`batch issued ${done.issued} of ${batch.total}: ${JSON.stringify(done.failures[0])}`);
  return done.total;
}

function cpuSeconds(start: NodeJS.CpuUsage) {
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1e6;
}

async function measure(run: () => Promise<number>) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const count = await run();
  return { count, seconds: (performance.now() - wall) / 1000, cpu: cpuSeconds(cpu) };
}

const files = await mkdtemp(join(tmpdir(), "lectern-bench-certificates-"));
const db = await database();
const lectern = await createLectern({
  database: db.config,
  storage: join(files, "files"),
  logger: createLogger({ level: "warn" }),
  worker: false,
  publicUrl: "https://campus.example.org",
  mail: { transport: sink },
  plugins: [courses(), certificates({ institution, signatories })],
});
try {
  const { auth } = lectern.context();
  const admin = await auth.createUser({
    role: "admin",
    email: "admin@bench.example",
    name: "Admin",
    password: "bench-password",
  });
  const instructor = await auth.createUser({
    role: "instructor",
    email: "instructor@bench.example",
    name: "Instructor",
    password: "bench-password",
  });
  const course = await lectern.services.get("courses").createCourse(instructor, { title: COURSE_TITLE });
  const s: Setup = { lectern, admin: { id: admin.id, role: "admin" }, courseId: course.id, next: 0 };

  console.log(
    `Node ${process.version}; ${db.label}; ${rounds} rounds of ${samples} certificates per side; load average ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  // Warm both paths: fonts, code paths, the issuer key.
  await renderCertificatePdf(raw(0));
  await pendingRequests(s, 2);
  await runBatch(s);

  const totals = { raw: { count: 0, seconds: 0, cpu: 0 }, plugin: { count: 0, seconds: 0, cpu: 0 } };
  for (let round = 1; round <= rounds; round++) {
    // Alternating blocks, so that load from other processes falls on both sides alike.
    const r = await measure(async () => {
      for (let i = 0; i < samples; i++) await renderCertificatePdf(raw(round * 1000 + i));
      return samples;
    });
    await pendingRequests(s, samples);
    const p = await measure(() => runBatch(s));
    for (const [side, m] of [
      ["raw", r],
      ["plugin", p],
    ] as const) {
      totals[side].count += m.count;
      totals[side].seconds += m.seconds;
      totals[side].cpu += m.cpu;
    }
    console.log(
      `round ${round}: raw ${(r.count / r.seconds).toFixed(2)}/s (${(r.count / r.cpu).toFixed(2)} per CPU-s), ` +
        `plugin ${(p.count / p.seconds).toFixed(2)}/s (${(p.count / p.cpu).toFixed(2)} per CPU-s)`,
    );
  }
  const rate = (m: { count: number; seconds: number }) => m.count / m.seconds;
  const perCpu = (m: { count: number; cpu: number }) => m.count / m.cpu;
  console.log(
    `\nraw pipeline:   ${rate(totals.raw).toFixed(2)} certificates/s by wall time, ${perCpu(totals.raw).toFixed(2)} per CPU-second` +
      `\nplugin (batch): ${rate(totals.plugin).toFixed(2)} certificates/s by wall time, ${perCpu(totals.plugin).toFixed(2)} per CPU-second` +
      `\nplugin / raw:   ${((100 * rate(totals.plugin)) / rate(totals.raw)).toFixed(0)} % by wall time, ` +
      `${((100 * perCpu(totals.plugin)) / perCpu(totals.raw)).toFixed(0)} % per CPU-second (target ≥ 80 %)`,
  );

  if (batchSize > 0) {
    await pendingRequests(s, batchSize);
    const startRss = process.memoryUsage().rss;
    let peak = startRss;
    const service = lectern.services.get("certificates");
    const trail: string[] = [];
    let lastMark = 0;
    const result = await measure(() =>
      runBatch(s, () => {
        const rss = process.memoryUsage().rss;
        peak = Math.max(peak, rss);
        const now = performance.now();
        if (now - lastMark > 20_000) {
          lastMark = now;
          trail.push(mib(rss));
        }
      }),
    );
    void service;
    console.log(
      `\nbatch of ${batchSize} through the batch job: ${(result.count / result.seconds).toFixed(2)} certificates/s ` +
        `(${result.seconds.toFixed(0)} s), ${(result.count / result.cpu).toFixed(2)} per CPU-second` +
        `\nRSS before ${mib(startRss)}, peak ${mib(peak)} (+${mib(peak - startRss)}); every 20 s: ${trail.join(", ")}; after ${mib(process.memoryUsage().rss)}`,
    );
  }
  console.log(`load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  await lectern.stop();
  await db.drop();
  await rm(files, { recursive: true, force: true });
}
