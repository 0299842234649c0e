// N WebSocket clients in one process: connect, follow the course channel, then on command
// trigger events on a server's control port and time each socket's receipt of each event.
import { readFile } from "node:fs/promises";
import WebSocket from "ws";

const COURSE = "00000000-0000-4000-8000-000000000001";
const targets = JSON.parse(process.env.TARGETS!) as { url: string; count: number; lectern: boolean }[];
const tokens = process.env.TOKENS ? (JSON.parse(await readFile(process.env.TOKENS, "utf8")) as string[]) : [];
const now = () => Date.now();

interface Client {
  target: number;
  received: Map<number, number>;
}
const clients: Client[] = [];
let next = 0;

async function open(target: number, url: string, lectern: boolean): Promise<void> {
  const token = tokens[next++ % Math.max(tokens.length, 1)];
  const socket = new WebSocket(lectern ? `${url}/api/realtime?token=${token}` : url);
  const client: Client = { target, received: new Map() };
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.type === "subscribed") resolve();
      if (message.type === "event") client.received.set(message.data.n, now());
    });
    socket.on("open", () => {
      if (!lectern) return resolve();
      socket.send(JSON.stringify({ type: "subscribe", channel: `course:${COURSE}` }));
    });
  });
}

for (const [i, t] of targets.entries()) {
  for (let c = 0; c < t.count; c += 200) {
    await Promise.all(Array.from({ length: Math.min(200, t.count - c) }, () => open(i, t.url, t.lectern)));
  }
}
console.log("CONNECTED");

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** Triggers `count` events through `control`, waits for every socket to have them, reports. */
async function round(control: string, count: number) {
  const { commits, ns: wanted } = (await (await fetch(`${control}/emit?count=${count}`)).json()) as {
    commits: number[];
    ns: number[];
  };
  const deadline = Date.now() + 60_000;
  while (clients.some((c) => wanted.some((n) => !c.received.has(n))) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const latencies: Record<number, number[]> = {};
  let missing = 0;
  let last = 0;
  for (const c of clients) {
    for (const [i, n] of wanted.entries()) {
      const at = c.received.get(n);
      if (at === undefined) {
        missing++;
        continue;
      }
      const list = latencies[c.target] ?? [];
      latencies[c.target] = list;
      list.push(at - commits[i]!);
      last = Math.max(last, at);
    }
  }
  return { commits, latencies, missing, last };
}

process.stdin.setEncoding("utf8");
for await (const line of process.stdin) {
  const command = JSON.parse(String(line));
  if (command.type === "fanout") {
    const all: Record<number, number[]> = {};
    let missing = 0;
    for (let r = 0; r < command.rounds; r++) {
      const result = await round(command.control, 1);
      missing += result.missing;
      for (const [t, values] of Object.entries(result.latencies))
        all[Number(t)] = [...(all[Number(t)] ?? []), ...values];
      await new Promise((r2) => setTimeout(r2, 200));
    }
    const summary = Object.fromEntries(
      Object.entries(all).map(([t, v]) => [
        t,
        { p50: percentile(v, 50), p99: percentile(v, 99), n: v.length },
      ]),
    );
    console.log(`RESULT ${JSON.stringify({ summary, missing })}`);
  } else if (command.type === "stream") {
    const result = await round(command.control, command.events);
    const delivered = Object.values(result.latencies).reduce((s, v) => s + v.length, 0);
    const seconds = (result.last - result.commits[0]!) / 1000;
    console.log(
      `RESULT ${JSON.stringify({ delivered, seconds, perSecond: delivered / seconds, missing: result.missing })}`,
    );
  } else if (command.type === "exit") {
    process.exit(0);
  }
}
