// The servers of the realtime bench, one per process: a Lectern instance, or a bare `ws` server
// broadcasting the same frame. Each prints `READY <json>` and takes commands on a control port.
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { WebSocketServer } from "ws";

const role = process.env.ROLE!;
const port = Number(process.env.PORT);
const control = Number(process.env.CONTROL_PORT);
const COURSE = "00000000-0000-4000-8000-000000000001";

// Wall-clock milliseconds: the one clock the server and client processes share.
const now = () => Date.now();
const memory = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
};

function controlServer(handle: (path: URL) => Promise<unknown>) {
  http
    .createServer(async (req, res) => {
      const body = JSON.stringify(await handle(new URL(req.url ?? "/", "http://x")));
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    })
    .listen(control, "127.0.0.1");
}

if (role === "bare") {
  const wss = new WebSocketServer({ port, host: "127.0.0.1" });
  let seq = 0;
  controlServer(async (url) => {
    if (url.pathname === "/memory") return { ...memory(), sockets: wss.clients.size };
    const count = Number(url.searchParams.get("count") ?? 1);
    const commits: number[] = [];
    const ns: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = now();
      ns.push(seq + 1);
      const frame = JSON.stringify({
        type: "event",
        channel: `course:${COURSE}`,
        seq: ++seq,
        event: "bench.announced",
        data: { n: seq },
        at: new Date().toISOString(),
      });
      for (const client of wss.clients) client.send(frame);
      commits.push(at);
      await new Promise((r) => setImmediate(r));
    }
    return { commits, ns };
  });
  wss.on("listening", () => console.log(`READY ${JSON.stringify({ port })}`));
} else {
  const { createLectern, createLogger, definePlugin, z } = await import("@lectern/core");
  const bench = definePlugin({
    id: "bench",
    version: "1.0.0",
    coreRange: "^0.1.0",
    events: { emits: { "bench.announced": z.object({ courseId: z.string(), n: z.number() }) } },
    realtime: { "bench.announced": (e: { courseId: string }) => [`course:${e.courseId}`] } as never,
  });
  const tmp = await mkdtemp(join(os.tmpdir(), "bench-realtime-"));
  const lectern = await createLectern({
    database: { url: process.env.DATABASE_URL!, maxConnections: 10 },
    plugins: [bench()],
    logger: createLogger({ level: "warn" }),
    storage: join(tmp, "files"),
    mail: { outboxDir: join(tmp, "mail") },
    realtime: { connectionsPerMinute: 1_000_000 },
  });
  let tokens: string[] = [];
  const users = Number(process.env.USERS ?? 0);
  if (users > 0) {
    // Admins may follow any course's channel: the fan-out is the same, the setup needs no enrollments.
    const auth = lectern.context().auth;
    const { sql } = await import("drizzle-orm");
    await lectern.db.execute(sql`insert into lectern_users (id, email, name, role, created_at)
      select gen_random_uuid(), 'bench-' || i || '@example.com', 'Bench ' || i, 'admin', now() from generate_series(1, ${users}) i`);
    const { rowsOf } = await import("@lectern/core");
    const ids = rowsOf<{ id: string }>(
      await lectern.db.execute(sql`select id from lectern_users order by email`),
    );
    for (const { id } of ids) tokens.push((await auth.sessions.create(lectern.db, id)).token);
  }
  let n = 0;
  controlServer(async (url) => {
    if (url.pathname === "/memory") return { ...memory(), sockets: lectern.realtime.connections };
    const count = Number(url.searchParams.get("count") ?? 1);
    const commits: number[] = [];
    const ns: number[] = [];
    for (let i = 0; i < count; i++) {
      ns.push(n + 1);
      await lectern.events.emit(
        lectern.db,
        "bench.announced" as never,
        { courseId: COURSE, n: ++n } as never,
      );
      commits.push(now()); // the statement committed when it returned
    }
    return { commits, ns };
  });
  await lectern.start({ port, hostname: "127.0.0.1" });
  const file = join(tmp, "tokens.json");
  if (tokens.length > 0) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(file, JSON.stringify(tokens));
    tokens = [];
  }
  console.log(`READY ${JSON.stringify({ port, tokens: users > 0 ? file : null, id: randomUUID() })}`);
}
