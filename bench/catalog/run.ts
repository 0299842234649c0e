/**
 * Catalog benchmark: `GET /api/courses?search=<word>` over 10,000 published courses, Lectern with
 * the courses plugin against a bare Hono + postgres.js route running the same full-text query,
 * measured in the same run with autocannon (a separate process). Then a 200 MB upload and download
 * through Lectern, sampling the server's RSS. Run: `npx tsx bench/catalog/run.ts` from the repo root.
 * Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names a
 * server where a throwaway database is created and dropped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";
import postgres from "postgres";
import { PORTS } from "./query.js";

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, "..");
const COURSES = Number(process.env.BENCH_COURSES ?? 10_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 200);

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `lectern_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();

/** A small deterministic PRNG, so every run seeds the same catalog. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS =
  `python databases statistics algorithms design typography spanish english marketing finance accounting
  chemistry physics biology astronomy geology history philosophy music painting photography writing poetry economics
  psychology sociology nutrition fitness gardening cooking robotics electronics networking security cloud kubernetes
  linux javascript typescript rust golang swift`.split(/\s+/);
const ADJECTIVES =
  "Practical Modern Applied Essential Advanced Hands-on Complete Intensive Creative Introductory".split(" ");
const FILLER =
  "learn understand practise build explore master apply analyse create review projects exercises weekly lessons examples".split(
    " ",
  );

async function seedCatalog(sql: postgres.Sql) {
  const random = mulberry32(42);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const instructors = Array.from({ length: 50 }, (_, i) => ({
    id: randomUUID(),
    email: `bench-instructor-${i}@example.com`,
    name: `Instructor ${i}`,
    role: "instructor",
    created_at: new Date(),
  }));
  await sql`insert into lectern_users ${sql(instructors)}`;
  const start = Date.now() - COURSES * 60_000;
  for (let offset = 0; offset < COURSES; offset += 1000) {
    const rows = Array.from({ length: Math.min(1000, COURSES - offset) }, (_, j) => {
      const i = offset + j;
      const [a, b] = [pick(TOPICS), pick(TOPICS)];
      const words = Array.from({ length: 30 }, () => (random() < 0.15 ? pick(TOPICS) : pick(FILLER)));
      // One course in a hundred mentions photosynthesis: the "rare word" search.
      if (i % 100 === 7) words.push("photosynthesis");
      const at = new Date(start + i * 60_000);
      return {
        id: randomUUID(),
        slug: `bench-${i}`,
        title: `${pick(ADJECTIVES)} ${a} and ${b} ${i}`,
        summary: `Learn ${a} with ${b} through ${pick(FILLER)} and ${pick(FILLER)}.`,
        description: words.join(" "),
        tags: [a, b],
        level: pick(["beginner", "intermediate", "advanced"]),
        price_amount: random() < 0.4 ? 1900 + Math.floor(random() * 80) * 100 : null,
        price_currency: null as string | null,
        status: "published",
        instructor_id: pick(instructors).id,
        enrolled_count: Math.floor(random() * 500),
        created_at: at,
        updated_at: at,
        published_at: at,
      };
    });
    for (const row of rows) row.price_currency = row.price_amount === null ? null : "USD";
    await sql`insert into courses_courses ${sql(rows)}`;
  }
  await sql`analyze courses_courses`;
}

function startServer(script: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, script)], {
      cwd: benchRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
  });
}

interface Measured {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function autocannon(url: string, seconds: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(benchRoot, "node_modules/autocannon/autocannon.js"),
        "-c",
        String(CONNECTIONS),
        "-d",
        String(seconds),
        "-j",
        url,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c;
    });
    child.on("error", reject);
    child.on("exit", () => {
      try {
        const r = JSON.parse(out);
        resolve({
          reqPerSec: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          errors: r.errors,
          non2xx: r.non2xx,
        });
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
}

/** Samples a process's RSS while `work` runs; answers the peak. */
async function peakRss(pid: number, work: () => Promise<void>): Promise<number> {
  let peak = await rssOf(pid);
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await rssOf(pid));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await sampler;
  }
  return Math.max(peak, await rssOf(pid));
}

const MB = 1024 * 1024;

/** Streams a multipart upload of a `megabytes` WAV file, generated on the fly (never held whole). */
function uploadLarge(
  courseId: string,
  token: string,
  megabytes: number,
): Promise<{ status: number; body: string }> {
  const boundary = `----lectern-bench-${randomUUID()}`;
  const size = megabytes * MB;
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + size - 44, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(size - 44, 40);
  const preamble = Buffer.from(
    [
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nLong lecture`,
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nvideo`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lecture.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    ].join("\r\n"),
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: PORTS.lectern,
        method: "POST",
        path: `/api/courses/${courseId}/materials`,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": String(preamble.length + size + epilogue.length),
        },
      },
      (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(256 * 1024, 0x11);
    let written = 0;
    req.write(preamble);
    req.write(header);
    written = header.length;
    const pump = () => {
      while (written < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - written));
        written += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end(epilogue);
    };
    pump();
  });
}

function downloadAll(path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(
      { host: "127.0.0.1", port: PORTS.lectern, path, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
        });
        res.on("end", () => resolve(bytes));
        res.on("error", reject);
      },
    )
      .on("error", reject)
      .end();
  });
}

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const storageDir = await mkdtemp(join(tmpdir(), "lectern-bench-files-"));
const children: ChildProcess[] = [];
try {
  console.log(`database ${dbName}: migrating and seeding ${COURSES} published courses …`);
  const setup = await createLectern({
    database: { url: dbUrl },
    plugins: [courses()],
    storage: storageDir,
    worker: false,
    logger: createLogger({ level: "warn" }),
  });
  const auth = setup.context().auth;
  const instructor = await auth.createUser({
    email: "bench-owner@example.com",
    name: "Bench Owner",
    role: "instructor",
    password: "bench-password",
  });
  const { token } = await auth.sessions.create(setup.db, instructor.id);
  const uploadCourse = await setup.services
    .get("courses")
    .createCourse(instructor, { title: "Upload bench course" });
  await setup.stop();
  const seeder = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const seeded = Date.now();
  await seedCatalog(seeder);
  await seeder.end();
  console.log(`seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  const env = { BENCH_DATABASE_URL: dbUrl, BENCH_STORAGE_DIR: storageDir };
  const lectern = await startServer("server-lectern.ts", env);
  children.push(lectern);
  children.push(await startServer("server-bare.ts", env));

  const results: Record<string, { lectern: Measured; bare: Measured }> = {};
  for (const word of ["python", "photosynthesis"]) {
    const path = `/api/courses?search=${word}`;
    const lecternUrl = `http://127.0.0.1:${PORTS.lectern}${path}`;
    const bareUrl = `http://127.0.0.1:${PORTS.bare}${path}`;
    const [a, b] = await Promise.all([
      fetch(lecternUrl).then((r) => r.json()),
      fetch(bareUrl).then((r) => r.json()),
    ]);
    if (JSON.stringify(a.items) !== JSON.stringify(b.items))
      throw new Error(`The two servers disagree on "${word}".`);
    console.log(`"${word}": ${a.items.length} items on the first page; warming up …`);
    await autocannon(lecternUrl, 3);
    await autocannon(bareUrl, 3);
    const lecternRun = await autocannon(lecternUrl, DURATION);
    const bareRun = await autocannon(bareUrl, DURATION);
    results[word] = { lectern: lecternRun, bare: bareRun };
  }

  console.log(
    `\nGET /api/courses?search=<word>, ${COURSES} courses, autocannon -c ${CONNECTIONS} -d ${DURATION}`,
  );
  console.log("word            server    req/s     p50 ms  p99 ms  errors  | ratio req/s  p99 ×");
  for (const [word, r] of Object.entries(results)) {
    for (const name of ["lectern", "bare"] as const) {
      const m = r[name];
      const ratio =
        name === "lectern"
          ? `| ${((100 * m.reqPerSec) / r.bare.reqPerSec).toFixed(0).padStart(6)} %    ${(m.p99 / Math.max(1, r.bare.p99)).toFixed(2)}`
          : "|";
      console.log(
        `${word.padEnd(15)} ${name.padEnd(8)} ${m.reqPerSec.toFixed(0).padStart(7)} ${String(m.p50).padStart(8)} ${String(m.p99).padStart(7)} ${String(m.errors + m.non2xx).padStart(7)}  ${ratio}`,
      );
    }
  }

  const baseline = await rssOf(lectern.pid!);
  let uploaded: { status: number; body: string } = { status: 0, body: "" };
  const started = Date.now();
  const uploadPeak = await peakRss(lectern.pid!, async () => {
    uploaded = await uploadLarge(uploadCourse.id, token, UPLOAD_MB);
  });
  const uploadSeconds = (Date.now() - started) / 1000;
  if (uploaded.status !== 201) throw new Error(`Upload failed: ${uploaded.status} ${uploaded.body}`);
  const material = JSON.parse(uploaded.body) as { id: string; size: number };
  const beforeDownload = await rssOf(lectern.pid!);
  let downloaded = 0;
  const downloadStarted = Date.now();
  const downloadPeak = await peakRss(lectern.pid!, async () => {
    downloaded = await downloadAll(`/api/materials/${material.id}/content`, token);
  });
  const downloadSeconds = (Date.now() - downloadStarted) / 1000;
  if (downloaded !== material.size) throw new Error(`Downloaded ${downloaded} of ${material.size} bytes.`);

  const mb = (n: number) => (n / MB).toFixed(1);
  console.log(`\n${UPLOAD_MB} MB through Lectern (server RSS, sampled every 20 ms)`);
  console.log(
    `upload:   ${uploadSeconds.toFixed(1)} s, RSS ${mb(baseline)} → peak ${mb(uploadPeak)} MB, growth ${mb(uploadPeak - baseline)} MB`,
  );
  console.log(
    `download: ${downloadSeconds.toFixed(1)} s, RSS ${mb(beforeDownload)} → peak ${mb(downloadPeak)} MB, growth ${mb(downloadPeak - beforeDownload)} MB`,
  );

  await mkdir(join(benchRoot, "results"), { recursive: true });
  await writeFile(
    join(benchRoot, "results", `catalog-${new Date().toISOString().replace(/[:.]/g, "-")}.json`),
    JSON.stringify(
      {
        courses: COURSES,
        connections: CONNECTIONS,
        duration: DURATION,
        search: results,
        upload: { megabytes: UPLOAD_MB, seconds: uploadSeconds, baselineRss: baseline, peakRss: uploadPeak },
        download: { seconds: downloadSeconds, baselineRss: beforeDownload, peakRss: downloadPeak },
      },
      null,
      2,
    ),
  );
} finally {
  for (const child of children) {
    child.removeAllListeners("exit");
    child.kill();
  }
  if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${dbName}`);
  else await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await rm(storageDir, { recursive: true, force: true });
}
