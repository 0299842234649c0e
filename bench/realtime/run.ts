// Realtime fan-out: N sockets (default 10,000) follow one course channel on one Lectern
// instance; one event committed → receipt on every socket (p50/p99), server memory per idle
// socket, and messages/s for a steady stream; then the same across two instances. A bare `ws`
// server broadcasting the same frame is measured in the same run as the baseline.
// Run: npx tsx bench/realtime/run.ts [--sockets 10000] [--rounds 5] [--stream 20]
import { type ChildProcess, execSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freshDatabase } from "../lib/harness.js";

const { values } = parseArgs({
  options: {
    sockets: { type: "string", default: "10000" },
    rounds: { type: "string", default: "5" },
    stream: { type: "string", default: "20" },
  },
});
const N = Number(values.sockets);
const ROUNDS = Number(values.rounds);
const STREAM = Number(values.stream);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

// Each child raises its own soft open-files limit to the hard one: 10,000 sockets need 10,000 fds.
const hardLimit = execSync("ulimit -Hn", { shell: "/bin/sh" }).toString().trim();
function node(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  const command = `ulimit -n ${hardLimit} && exec "${process.execPath}" ${args.join(" ")} --import tsx "${here(script)}"`;
  return spawn("/bin/sh", ["-c", command], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
}

function lines(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk;
      const line = buffered.split("\n").find((l) => l.startsWith(prefix));
      if (line) {
        child.stdout!.off("data", onData);
        resolve(line.slice(prefix.length).trim());
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code} before ${prefix}`)));
  });
}

async function server(role: "lectern" | "bare", port: number, env: Record<string, string> = {}) {
  const child = node(
    "servers.ts",
    { ROLE: role, PORT: String(port), CONTROL_PORT: String(port + 10), ...env },
    ["--expose-gc"],
  );
  const info = JSON.parse(await lines(child, "READY ")) as { tokens?: string };
  return { child, info, control: `http://127.0.0.1:${port + 10}` };
}

const memory = async (control: string) =>
  (await (await fetch(`${control}/memory`)).json()) as { rss: number; heap: number; sockets: number };

async function clients(targets: { url: string; count: number; lectern: boolean }[], tokens?: string) {
  const child = node("clients.ts", { TARGETS: JSON.stringify(targets), TOKENS: tokens ?? "" });
  await lines(child, "CONNECTED");
  const ask = async (command: object) => {
    const result = lines(child, "RESULT ");
    child.stdin!.write(`${JSON.stringify(command)}\n`);
    return JSON.parse(await result);
  };
  return { child, ask };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const stop = (child: ChildProcess) => child.kill("SIGKILL");

const db = await freshDatabase("lectern_r_bench");
const children: ChildProcess[] = [];
try {
  console.log(`realtime bench: ${N} sockets, ${ROUNDS} fan-outs, a stream of ${STREAM} events`);
  // Below the ephemeral range (32768+): 10,000 client sockets must not take a server's port.
  const bare = await server("bare", 31102);
  const a = await server("lectern", 31101, { DATABASE_URL: db.url, USERS: String(N) });
  children.push(bare.child, a.child);

  const rows: Record<string, Record<string, string>> = {};
  for (const [name, target] of [
    ["bare ws", bare],
    ["lectern", a],
  ] as const) {
    const before = await memory(target.control);
    const c = await clients(
      [
        {
          url: `ws://127.0.0.1:${name === "bare ws" ? 31102 : 31101}`,
          count: N,
          lectern: name === "lectern",
        },
      ],
      a.info.tokens,
    );
    children.push(c.child);
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await memory(target.control);
    const fan = await c.ask({ type: "fanout", control: target.control, rounds: ROUNDS });
    const stream = await c.ask({ type: "stream", control: target.control, events: STREAM });
    rows[name] = {
      "fan-out p50": ms(fan.summary[0].p50),
      "fan-out p99": ms(fan.summary[0].p99),
      missing: String(fan.missing + stream.missing),
      "memory/socket (rss)": kb((after.rss - before.rss) / N),
      "memory/socket (heap+ext)": kb((after.heap - before.heap) / N),
      "stream msgs/s": Math.round(stream.perSecond).toLocaleString("en"),
    };
    c.child.stdin!.write('{"type":"exit"}\n');
    await new Promise((r) => c.child.once("exit", r));
  }
  console.table(rows);
  const l = rows.lectern!;
  const b = rows["bare ws"]!;
  console.log(
    `ratios vs bare ws: p99 ${(parseFloat(l["fan-out p99"]!) / parseFloat(b["fan-out p99"]!)).toFixed(1)}×, ` +
      `memory/socket (rss) ${(parseFloat(l["memory/socket (rss)"]!) / parseFloat(b["memory/socket (rss)"]!)).toFixed(1)}×, ` +
      `stream ${(parseFloat(l["stream msgs/s"]!.replace(/,/g, "")) / parseFloat(b["stream msgs/s"]!.replace(/,/g, ""))).toFixed(2)}×`,
  );

  // Two instances on one PostgreSQL: half the sockets on each; events committed on A.
  const second = await server("lectern", 31103, { DATABASE_URL: db.url });
  children.push(second.child);
  const both = await clients(
    [
      { url: "ws://127.0.0.1:31101", count: N / 2, lectern: true },
      { url: "ws://127.0.0.1:31103", count: N / 2, lectern: true },
    ],
    a.info.tokens,
  );
  children.push(both.child);
  const fan = await both.ask({ type: "fanout", control: a.control, rounds: ROUNDS });
  console.table({
    "sockets on A (commits here)": { p50: ms(fan.summary[0].p50), p99: ms(fan.summary[0].p99) },
    "sockets on B (via NOTIFY)": { p50: ms(fan.summary[1].p50), p99: ms(fan.summary[1].p99) },
  });
  console.log(`missing across two instances: ${fan.missing}`);
} finally {
  for (const child of children) stop(child);
  await new Promise((r) => setTimeout(r, 500));
  await db.drop();
}
