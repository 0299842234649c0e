// Exam day: N students released together start the same 10-question exam, save an answer per
// question with short think times, and submit; then each step alone at saturation, and a bare
// Hono + postgres.js INSERT measured in the same run. Everything runs on 127.0.0.1.
// Run: npx tsx bench/exam-day/run.ts [--students 2000] [--saturation 1000] [--think 200-1000]
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { serveBalancer } from "./balancer.js";
import { load, perRequest, type Sample, type Server, sleep, summary, type Usage, usage } from "./measure.js";
import { type ServerFlags, serveLectern, serveRaw, serveReplica } from "./servers.js";

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
    /** The throwaway database's name starts with this (lowercase letters, digits, _). */
    "db-prefix": { type: "string", default: "lectern_bench_exam_day_" },
    /** Lectern processes serving the wave, each with its own pool; students are spread over them. */
    instances: { type: "string", default: "1" },
    /** Answer saves per group-commit statement at most (1: each alone). */
    "save-batch": { type: "string", default: "500" },
    /** The servers' session cache lifetime in ms (0 turns it off). */
    "session-ttl": { type: "string", default: "30000" },
    /** "off", or the servers' admission limits as maxConcurrent:maxQueue. */
    admission: { type: "string", default: "256:4096" },
    /** Answer starts per group-commit statement at most (1: each alone). */
    "start-batch": { type: "string", default: "500" },
    /** With several instances: students connect to one TCP balancer in front of them. */
    balancer: { type: "boolean", default: false },
    upstreams: { type: "string" },
    /** "off": no job worker in the servers, so a step's costs are its request's alone (jobs queue up). */
    worker: { type: "string", default: "on" },
    /** How long the servers' job worker gives way to requests between claims, in ms (core's default if unset). */
    "give-way": { type: "string" },
    /** A folder: each server writes a V8 CPU profile there when it stops. */
    "cpu-prof": { type: "string" },
  },
});

const SELF = fileURLToPath(import.meta.url);

// Load

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

function startChild(role: string, url: string, out: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers.
    [
      ...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? []),
      ...(values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] : []),
      "--import",
      "tsx",
      SELF,
      "--role",
      role,
      "--session-ttl",
      values["session-ttl"],
      "--admission",
      values.admission,
      "--save-batch",
      values["save-batch"],
      "--start-batch",
      values["start-batch"],
      "--worker",
      values.worker,
      ...(values["give-way"] === undefined ? [] : ["--give-way", values["give-way"]]),
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

/** A timed phase at a fixed concurrency: latencies, req/s, and its costs per request. */
async function phase(
  label: string,
  count: number,
  concurrency: number,
  servers: Server[],
  measure: () => Promise<Usage>,
  before: Usage,
  task: (i: number, samples: Sample[]) => Promise<void>,
) {
  const samples: Sample[] = [];
  const ms = await bounded(count, concurrency, (i) => task(i, samples));
  const after = await measure();
  const rps = count / (ms / 1000);
  console.log(`  ${summary(samples, label)}  → ${rps.toFixed(0)} req/s; load ${load()}`);
  console.log(`          ${perRequest(before, after, count)} (${servers.length} instance(s))`);
  return { rps, after };
}

async function bench() {
  const students = Number(values.students);
  const saturation = Number(values.saturation);
  const concurrency = Number(values.concurrency);
  const instances = Number(values.instances);
  const pool = values.pool;
  const timeLimit = performance.now() + Number(values["time-limit"]) * 1000;
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(values["db-prefix"]))
    throw new Error("--db-prefix: lowercase letters, digits and _");
  const name = `${values["db-prefix"]}${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(values.database, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(values.database);
  url.pathname = `/${name}`;
  const tmp = await mkdtemp(join(os.tmpdir(), "exam-day-bench-"));
  const children: ReturnType<typeof spawn>[] = [];
  try {
    console.log(
      `exam-day: ${students} students released together, think ${values.think} ms; saturation ${saturation} at concurrency ${concurrency}; ${instances} instance(s)${values.balancer ? " behind a TCP balancer" : ""}, pool ${pool} each; session cache ${values["session-ttl"]} ms; admission ${values.admission}; save batch ${values["save-batch"]}; start batch ${values["start-batch"]}; job worker ${values.worker}${values["give-way"] === undefined ? "" : ` (gives way ${values["give-way"]} ms)`}; ${os.cpus().length} cores, Node ${process.version}, load average ${load()}`,
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
    const { examId } = setup;
    const servers: Server[] = [{ child: children.at(-1)!, out: lecternOut, port: setup.port }];
    for (let i = 1; i < instances; i++) {
      const out = join(tmp, `replica-${i}.json`);
      const child = await startChild("replica", url.toString(), out, ["--pool", pool]);
      children.push(child);
      servers.push({ child, out, port: (JSON.parse(await readFile(out, "utf8")) as { port: number }).port });
    }
    // What the students connect to: each instance in turn, or one balancer in front of them all.
    const measured = [...servers];
    let ports = servers.map((sv) => sv.port);
    if (values.balancer) {
      const out = join(tmp, "balancer.json");
      const child = await startChild("balancer", "", out, ["--upstreams", ports.join(",")]);
      children.push(child);
      const port = (JSON.parse(await readFile(out, "utf8")) as { port: number }).port;
      measured.push({ child, out, port });
      ports = [port];
    }
    const portFor = (i: number) => ports[i % ports.length]!;
    const dayTokens = setup.tokens.slice(0, students);
    const satTokens = setup.tokens.slice(students);
    const measure = () => usage(measured, admin, name);

    const samples: Sample[] = [];
    const before = await measure();
    const releasedAt = performance.now();
    const finished = await Promise.all(
      dayTokens.map((token, i) => student(portFor(i), examId, token, samples, timeLimit)),
    );
    const wall = (performance.now() - releasedAt) / 1000;
    const loadAtEnd = load();
    const completed = finished.filter(Boolean).length;
    console.log(`Exam day (${students} students, all released at once, ${servers.length} instance(s)):`);
    for (const kind of ["start", "save", "submit"]) console.log(`  ${summary(samples, kind)}`);
    const errors = samples.filter((s) => s.status === 0 || s.status >= 400).length;
    let after = await measure();
    console.log(
      `  per request: ${perRequest(before, after, samples.length)}; server RSS ${(after.rss / 2 ** 20).toFixed(0)} MiB; ${after.backends} connections (backends that came and went are not counted); load average at the end ${loadAtEnd}`,
    );
    console.log(
      `  completed ${completed}/${students} attempts in ${wall.toFixed(1)} s → ${(completed / wall).toFixed(1)} completed attempts/s; ${errors} errors; ${samples.length} requests (${(samples.length / wall).toFixed(0)} req/s)`,
    );

    // Each kind of request alone at a fixed concurrency: where the time goes, per request.
    console.log(
      `\nAt saturation (${satTokens.length} students, concurrency ${concurrency}), each step alone:`,
    );
    const attempts: { id: string; questions: AttemptQuestion[] }[] = new Array(satTokens.length);
    const start = await phase(
      "start",
      satTokens.length,
      concurrency,
      measured,
      measure,
      after,
      async (i, s) => {
        const r = await request(portFor(i), "POST", `/api/exams/${examId}/attempts`, satTokens[i]!);
        s.push({ kind: "start", ms: r.ms, status: r.status });
        attempts[i] = r.body as { id: string; questions: AttemptQuestion[] };
      },
    );
    const save = await phase(
      "save",
      satTokens.length,
      concurrency,
      measured,
      measure,
      start.after,
      async (i, s) => {
        const r = await request(
          portFor(i),
          "PUT",
          `/api/attempts/${attempts[i]!.id}/answers`,
          satTokens[i]!,
          {
            answers: attempts[i]!.questions.map(answerFor),
          },
        );
        s.push({ kind: "save", ms: r.ms, status: r.status });
      },
    );
    const submit = await phase(
      "submit",
      satTokens.length,
      concurrency,
      measured,
      measure,
      save.after,
      async (i, s) => {
        const r = await request(portFor(i), "POST", `/api/attempts/${attempts[i]!.id}/submit`, satTokens[i]!);
        s.push({ kind: "submit", ms: r.ms, status: r.status });
      },
    );
    // The core's floor on this machine now: an authenticated read with no query (session cached).
    const me = await phase(
      "auth/me",
      satTokens.length,
      concurrency,
      measured,
      measure,
      submit.after,
      async (i, s) => {
        const r = await request(portFor(i), "GET", "/api/auth/me", satTokens[i]!);
        s.push({ kind: "auth/me", ms: r.ms, status: r.status });
      },
    );
    after = me.after;
    for (const child of [...children]) {
      await stopChild(child);
      children.splice(children.indexOf(child), 1);
    }

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
    console.log(
      `  ${summary(rawSamples, "insert")}  → ${rawRps.toFixed(0)} req/s (bare Hono + postgres.js, one INSERT, pool 10); load ${load()}`,
    );
    console.log(`  submit / bare INSERT = ${((submit.rps / rawRps) * 100).toFixed(0)}% (target ≥ 30%)`);
  } finally {
    for (const child of children) await stopChild(child);
    agent.destroy();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    await rm(tmp, { recursive: true, force: true });
  }
}

const flags: ServerFlags = {
  saveBatch: Number(values["save-batch"]),
  startBatch: Number(values["start-batch"]),
  sessionTtl: Number(values["session-ttl"]),
  admission: values.admission,
  worker: values.worker !== "off",
  giveWayMs: values["give-way"] === undefined ? undefined : Number(values["give-way"]),
};
if (values.role === "lectern")
  await serveLectern(values.url!, values.out!, Number(values.students), Number(values.pool), flags);
else if (values.role === "replica") await serveReplica(values.url!, values.out!, Number(values.pool), flags);
else if (values.role === "raw") await serveRaw(values.url!, values.out!, Number(values.pool));
else if (values.role === "balancer")
  await serveBalancer(values.upstreams!.split(",").map(Number), values.out!);
else await bench();
