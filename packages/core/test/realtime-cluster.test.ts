import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
// The client package depends on core; its helper is taken from source to avoid a cycle.
import { connectRealtime, type RealtimeEvent } from "../../client/src/realtime.js";
import { createLectern, createLogger, type Lectern } from "../src/index.js";
import { createTestDatabase, openTestSocket } from "../src/testing/index.js";
import { board } from "./realtime-fixtures.js";

// Two instances need a database server: PGlite is one process's.
const serverUrl = process.env.LECTERN_TEST_DATABASE_URL;
// Free ports, asked of the system once: fixed ones could be taken by another run's client sockets.
let PORT_A = 0;
let PORT_B = 0;
let PORT_BALANCER = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts instance B as its own process, so it can be killed for real. */
async function startB(url: string): Promise<ChildProcess> {
  // Node itself (not the tsx launcher), so SIGKILL ends the server and not only a wrapper.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./realtime-instance.ts", import.meta.url))],
    {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, DATABASE_URL: url, PORT: String(PORT_B) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => String(chunk).includes("ready") && resolve());
    child.on("exit", (code) => reject(new Error(`instance B exited with ${code}`)));
  });
  return child;
}

/** A TCP load balancer: each new connection goes to B when B is up, else to A. No stickiness. */
function startBalancer(): Promise<Server> {
  const server = createServer((client: Socket) => {
    const tryPort = (ports: number[]) => {
      const [port, ...rest] = ports;
      if (port === undefined) return client.destroy();
      const upstream = createConnection({ port, host: "127.0.0.1" });
      upstream.once("connect", () => {
        client.pipe(upstream).pipe(client);
        upstream.on("error", () => client.destroy());
        upstream.on("close", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
      });
      upstream.once("error", () => tryPort(rest));
    };
    tryPort([PORT_B, PORT_A]);
  });
  return new Promise((resolve) => server.listen(PORT_BALANCER, "127.0.0.1", () => resolve(server)));
}

const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(!serverUrl)("realtime across two instances on one PostgreSQL", () => {
  let a: Lectern;
  let b: ChildProcess | null = null;
  let balancer: Server;
  let drop: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    [PORT_A, PORT_B, PORT_BALANCER] = [await freePort(), await freePort(), await freePort()];
    const database = await createTestDatabase();
    drop = database.drop;
    url = (database.config as { url: string }).url;
    a = await createLectern({
      database: { url, maxConnections: 4 },
      plugins: [board()],
      storage: await mkdtemp(join(tmpdir(), "lectern-a-")),
      logger: createLogger({ level: "silent" }),
    });
    await a.start({ port: PORT_A, hostname: "127.0.0.1" });
    b = await startB(url);
    balancer = await startBalancer();
  }, 60_000);

  afterAll(async () => {
    b?.kill("SIGKILL");
    balancer?.close();
    await a?.stop();
    await drop?.();
  });

  it("delivers an event committed on A to a socket on B, through B's restart and a failover to A", async () => {
    const auth = a.context().auth;
    const user = await auth.createUser({
      role: "student",
      email: "rt@test.example",
      name: "R",
      password: "correct horse battery",
    });
    const { token } = await auth.sessions.create(a.db, user.id);
    const emit = (text: string) => a.events.emit(a.db, "board.posted", { authorId: user.id, text });

    // A client behind the balancer lands on B.
    const received: RealtimeEvent[] = [];
    const reloads: string[] = [];
    const client = connectRealtime({
      baseUrl: `http://127.0.0.1:${PORT_BALANCER}`,
      token,
      WebSocket: WebSocket as never,
      reconnect: { minMs: 50, maxMs: 200 },
      onEvent: (e) => received.push(e),
      onReload: (c) => reloads.push(c),
    });
    try {
      const direct = await openTestSocket(`http://127.0.0.1:${PORT_B}`, { token });
      direct.send({ type: "ping" });
      await direct.next((m) => m.type === "pong");
      await new Promise((r) => setTimeout(r, 1_200)); // past the own channel's resume grace
      await emit("one");
      expect((await direct.next((m) => m.type === "event")).data.text).toBe("one");
      await until(() => received.length === 1);

      // B is killed with sockets open; what is committed meanwhile is not lost.
      b!.kill("SIGKILL");
      await direct.closed;
      b = null;
      await emit("two");
      await emit("three");
      // The client reconnects through the balancer, now to A, and resumes where it stopped.
      await until(() => received.length === 3);
      // Every message once, numbered without a gap. (Two events committed back to back are
      // numbered in the order their deliveries run, which is not always the commit order.)
      expect(received.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(received.map((e) => (e.data as { text: string }).text).sort()).toEqual(["one", "three", "two"]);
      expect(reloads).toEqual([]);

      // B comes back: a socket on the restarted B receives what A commits.
      b = await startB(url);
      const again = await openTestSocket(`http://127.0.0.1:${PORT_B}`, { token });
      again.send({ type: "subscribe", channel: `user:${user.id}` });
      await again.next((m) => m.type === "subscribed");
      await emit("four");
      expect((await again.next((m) => m.type === "event")).data).toEqual({ authorId: user.id, text: "four" });
      await until(() => received.length === 4);
      again.close();
    } finally {
      client.close();
    }
  }, 90_000);
});
