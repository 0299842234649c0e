import { connect, createServer, type Server, type Socket } from "node:net";
import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLectern, createLogger, type Lectern, openDatabase, rowsOf, users } from "../src/index.js";
import { createTestDatabase } from "../src/testing/index.js";

/**
 * A TCP proxy in front of PostgreSQL that the test controls: "up" forwards, "refuse" resets every
 * connection (the server is down), "drop" freezes traffic without a word (a network partition).
 */
class FaultProxy {
  mode: "up" | "refuse" | "drop" | "cut-first-query" = "up";
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  constructor(private readonly target: { host: string; port: number }) {
    this.#server = createServer((client) => this.#accept(client));
  }
  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.#server.listen(0, "127.0.0.1", () => resolve((this.#server.address() as { port: number }).port)),
    );
  }
  #accept(client: Socket) {
    client.on("error", () => {});
    if (this.mode === "refuse") return client.destroy();
    const upstream = connect(this.target.port, this.target.host);
    upstream.on("error", () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on("data", (chunk) => {
        // A query message ('P'arse or 'Q'uery) from the client: the first one a connection sends.
        const isQuery = from === client && (chunk[0] === 0x50 || chunk[0] === 0x51);
        if (this.mode === "cut-first-query" && isQuery) return close();
        if (this.mode === "up" || this.mode === "cut-first-query") to.write(chunk);
        else held.push([to, chunk]);
      });
    const held: [Socket, Buffer][] = [];
    this.#held.add(held);
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.#pairs.delete(pair);
    };
    client.on("close", close);
    upstream.on("close", close);
  }
  readonly #held = new Set<[Socket, Buffer][]>();
  /** The server goes away: every open connection is reset and new ones are refused. */
  refuse() {
    this.mode = "refuse";
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
  }
  /** The server shuts down politely: every open connection is closed with a FIN, not a reset. */
  closeCleanly() {
    for (const [a, b] of this.#pairs) {
      a.end();
      b.end();
    }
  }
  /** Packets vanish: connections stay open, nothing arrives, new ones get no answer. */
  drop() {
    this.mode = "drop";
  }
  /** Back to normal; traffic held during a drop is delivered, as TCP retransmission would. */
  restore() {
    this.mode = "up";
    for (const held of this.#held) {
      for (const [to, chunk] of held.splice(0)) if (!to.destroyed) to.write(chunk);
    }
  }
  close() {
    this.refuse();
    return new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const serverUrl = process.env.LECTERN_TEST_DATABASE_URL;

// Needs a database behind a network connection: runs in the PostgreSQL pass of the test command.
describe.skipIf(!serverUrl)("a database outage under load", () => {
  let proxy: FaultProxy;
  let lectern: Lectern;
  let drop: () => Promise<void>;
  let proxiedUrl: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const url = new URL((database.config as { url: string }).url);
    proxy = new FaultProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${await proxy.listen()}`;
    proxiedUrl = url.toString();
    lectern = await createLectern({
      database: { url: url.toString(), maxConnections: 4, connectTimeoutMs: 1_000 },
      worker: false,
      logger: createLogger({ level: "silent" }),
      storage: "/tmp/lectern-outage-files",
      http: { responseTimeoutMs: 2_000 },
    });
  });
  afterAll(async () => {
    await lectern?.stop();
    await proxy?.close();
    await drop?.();
  });

  type Outcome = { status: number; ms: number; email?: string };
  const outcomes: Outcome[] = [];
  let running = true;

  async function worker(id: number) {
    for (let i = 0; running; i++) {
      const email = `load-${id}-${i}@example.com`;
      const started = performance.now();
      const res = await lectern.app.request("/api/auth/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "a long password", name: `Load ${id}` }),
      });
      outcomes.push({ status: res.status, ms: performance.now() - started, email });
      await res.arrayBuffer();
      const read = performance.now();
      const list = await lectern.app.request("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "a long password" }),
      });
      await list.arrayBuffer();
      outcomes.push({ status: list.status, ms: performance.now() - read });
    }
  }

  const health = async () => (await lectern.app.request("/api/health")).status;
  const waitFor = async (check: () => Promise<boolean>, ms: number) => {
    const started = Date.now();
    while (Date.now() - started < ms) {
      if (await check()) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`not recovered within ${ms} ms`);
  };

  it("answers 503 with Retry-After quickly, never hangs, recovers in seconds and loses nothing", async () => {
    const workers = [0, 1, 2, 3].map(worker);
    await new Promise((r) => setTimeout(r, 1_000));

    for (const fault of ["refuse", "drop"] as const) {
      proxy[fault]();
      const during: Response[] = [];
      const started = Date.now();
      while (Date.now() - started < 3_000) {
        const t0 = performance.now();
        const res = await lectern.app.request("/api/auth/me", { headers: { authorization: "Bearer a.b" } });
        expect(performance.now() - t0, `${fault}: a request hung`).toBeLessThan(3_500);
        during.push(res);
      }
      expect(
        during.some((r) => r.status === 503),
        `${fault}: some 503`,
      ).toBe(true);
      for (const res of during.filter((r) => r.status === 503)) {
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
      }
      expect(await health()).toBe(503);

      proxy.restore();
      const recoveredIn = await waitFor(async () => (await health()) === 200, 10_000);
      expect(recoveredIn).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    running = false;
    await Promise.all(workers);

    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5_000);
    // Every registration that was acknowledged is there.
    const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.email!);
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = await lectern.db
      .select({ email: users.email })
      .from(users)
      .where(inArray(users.email, acknowledged));
    expect(stored.length).toBe(acknowledged.length);
    // And the service works normally again.
    const after = await lectern.app.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: acknowledged[0], password: "a long password" }),
    });
    expect(after.status).toBe(200);
  });

  it("fails only the query when a new connection is cut at its first statement", async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    proxy.mode = "cut-first-query";
    const handle = await openDatabase({ url: proxiedUrl, maxConnections: 1, connectTimeoutMs: 1_000 });
    try {
      await expect(handle.db.execute(sql`select 1`)).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
    } finally {
      proxy.mode = "up";
      process.off("unhandledRejection", record);
      await handle.close();
    }
  });

  it("fails the transaction, not the process, when the server closes its connection mid-query", async () => {
    // postgres.js 3.4.9 wrote the transaction's ROLLBACK to the closed socket from an immediate and
    // crashed the process (porsager/postgres#1154); patches/postgres@3.4.9.patch settles it instead.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    const handle = await openDatabase({ url: proxiedUrl, maxConnections: 1, connectTimeoutMs: 1_000 });
    try {
      const transaction = handle.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        setTimeout(() => proxy.closeCleanly(), 100);
        await tx.execute(sql`select pg_sleep(0.5)`);
      });
      await expect(transaction).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      const [row] = rowsOf<{ ok: number }>(await handle.db.execute(sql`select 1 as ok`));
      expect(row?.ok).toBe(1);
    } finally {
      process.off("uncaughtException", record);
      await handle.close();
    }
  });
});
