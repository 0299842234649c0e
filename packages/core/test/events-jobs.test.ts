import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createLectern,
  createLogger,
  definePlugin,
  JobQueue,
  migrate,
  openDatabase,
  rowsOf,
} from "../src/index.js";
import { createTestDatabase, createTestLectern, type TestLectern } from "../src/testing/index.js";

/** A plugin whose handler fails a set number of times before it succeeds. */
function flakyPlugins(state: { failuresLeft: number; seen: string[] }) {
  const emitter = definePlugin({
    id: "emitter",
    version: "1.0.0",
    coreRange: "^0.1.0",
    events: { emits: { "thing.happened": z.object({ n: z.number() }) } },
    jobs: (ctx) => [
      {
        name: "emitter.nightly",
        schedule: "0 2 * * *",
        run: async () => void state.seen.push(`nightly@${ctx.clock.now().toISOString()}`),
      },
    ],
  });
  const listener = definePlugin({
    id: "listener",
    version: "1.0.0",
    coreRange: "^0.1.0",
    dependsOn: ["emitter"],
    events: {
      on: () => ({
        "thing.happened": {
          retry: { attempts: 3, backoffMs: 1_000 },
          handle: async (event) => {
            if (state.failuresLeft > 0) {
              state.failuresLeft--;
              throw new Error("handler is down");
            }
            state.seen.push(`handled ${(event.data as { n: number }).n} on attempt ${event.attempt}`);
          },
        },
      }),
    },
  });
  const other = definePlugin({
    id: "other",
    version: "1.0.0",
    coreRange: "^0.1.0",
    dependsOn: ["emitter"],
    events: {
      on: () => ({
        "thing.happened": async (event) =>
          void state.seen.push(`other saw ${(event.data as { n: number }).n}`),
      }),
    },
  });
  return [emitter(), listener(), other()];
}

declare module "../src/index.js" {
  interface LecternEvents {
    "thing.happened": { n: number };
  }
}

// Shuffled on purpose: each test starts from the same clock and an empty record, so none relies
// on what another did before it.
describe.shuffle("the outbox and the dispatcher", () => {
  const state = { failuresLeft: 0, seen: [] as string[] };
  let t: TestLectern;
  beforeAll(async () => {
    t = await createTestLectern({
      plugins: flakyPlugins(state),
      timeZone: "Europe/Berlin",
      now: "2026-03-02T10:00:00Z",
    });
  });
  beforeEach(async () => {
    await t.drain();
    t.clock.set("2026-03-02T10:00:00Z");
    state.failuresLeft = 0;
    state.seen.length = 0;
  });
  afterAll(() => t.close());

  it("emits nothing when the emitter's transaction rolls back", async () => {
    await t.lectern.db
      .transaction(async (tx) => {
        await t.lectern.events.emit(tx, "thing.happened", { n: 1 });
        throw new Error("rollback");
      })
      .catch(() => {});
    await t.drain();
    expect(state.seen).toEqual([]);
  });

  it("writes several events in one call, each delivered to every handler", async () => {
    const ids = await t.lectern.db.transaction((tx) =>
      t.lectern.events.emitAll(tx, [
        { name: "thing.happened", data: { n: 10 } },
        { name: "thing.happened", data: { n: 11 } },
      ]),
    );
    expect(new Set(ids).size).toBe(2);
    await t.drain();
    for (const n of [10, 11]) {
      expect(state.seen).toContain(`handled ${n} on attempt 1`);
      expect(state.seen.filter((s) => s === `other saw ${n}`)).toHaveLength(1);
    }
  });

  it("writes events with a change only when the change returned a row", async () => {
    const kept = await t.lectern.db.transaction((tx) =>
      t.lectern.events.emit(tx, "thing.happened", { n: 19 }),
    );
    await t.drain();
    const touch = (id: string) => sql`update lectern_events set name = name where id = ${id} returning id`;
    const missing = "00000000-0000-4000-8000-000000000000";
    const before = state.seen.length;
    expect(
      await t.lectern.events.emitIfChanged(t.lectern.db, touch(missing), [
        { name: "thing.happened", data: { n: 20 } },
      ]),
    ).toBe(0);
    expect(
      await t.lectern.events.emitIfChanged(
        t.lectern.db,
        touch(kept),
        [{ name: "thing.happened", data: { n: 21 } }],
        { jobs: [{ name: "emitter.nightly", payload: null }] },
      ),
    ).toBe(1);
    await t.drain();
    const seen = state.seen.slice(before);
    expect(seen.filter((s) => s.includes(" 20"))).toEqual([]);
    expect(seen).toContain("handled 21 on attempt 1");
    expect(seen).toContain("other saw 21");
    expect(seen.filter((s) => s.startsWith("nightly@"))).toHaveLength(1);
  });

  it("refuses a payload that does not match the declared schema", async () => {
    await expect(
      t.lectern.db.transaction((tx) => t.lectern.events.emit(tx, "thing.happened", { n: "one" } as never)),
    ).rejects.toThrow(/expected number/);
  });

  it("retries a failing handler with backoff, without replaying the handlers that succeeded", async () => {
    state.failuresLeft = 2;
    await t.lectern.db.transaction((tx) => t.lectern.events.emit(tx, "thing.happened", { n: 2 }));
    await t.lectern.jobs.runDue();
    await t.lectern.jobs.runDue();
    expect(state.seen).toContain("other saw 2");
    expect(state.seen).not.toContain("handled 2 on attempt 3");

    t.clock.advance(1_000); // first backoff
    await t.lectern.jobs.runDue();
    expect(state.seen).not.toContain("handled 2 on attempt 3");
    t.clock.advance(2_000); // doubled
    await t.drain();
    expect(state.seen).toContain("handled 2 on attempt 3");
    expect(state.seen.filter((s) => s === "other saw 2")).toHaveLength(1);
  });

  it("records a delivery it gave up on, with the error, and keeps the event", async () => {
    state.failuresLeft = 3;
    const eventId = await t.lectern.db.transaction((tx) =>
      t.lectern.events.emit(tx, "thing.happened", { n: 3 }),
    );
    for (let i = 0; i < 4; i++) {
      await t.drain();
      t.clock.advance(10_000);
    }
    const failed = await t.lectern.jobs.failed();
    expect(failed).toContainEqual(
      expect.objectContaining({
        name: "event:thing.happened:listener",
        attempts: 3,
        lastError: "handler is down",
      }),
    );
    const stored = rowsOf(
      await t.lectern.db.execute(sql`select id from lectern_events where id = ${eventId}`),
    );
    expect(stored).toHaveLength(1);
  });

  it("runs scheduled jobs at their time in the institution's time zone, once", async () => {
    t.clock.set("2026-03-03T00:30:00Z"); // 01:30 in Berlin
    await t.drain();
    expect(state.seen.filter((s) => s.startsWith("nightly"))).toEqual([]);
    t.clock.set("2026-03-03T01:00:30Z"); // 02:00:30 in Berlin
    await t.drain();
    await t.drain();
    expect(state.seen.filter((s) => s.startsWith("nightly"))).toEqual(["nightly@2026-03-03T01:00:30.000Z"]);
  });
});

describe("a crash", () => {
  it("between commit and dispatch loses nothing: the next process delivers the event", async () => {
    const database = await createTestDatabase({ persistent: true });
    const storage = await mkdtemp(join(tmpdir(), "lectern-files-"));
    const state = { failuresLeft: 0, seen: [] as string[] };
    const boot = (worker: boolean) =>
      createLectern({
        database: database.config,
        plugins: flakyPlugins(state),
        worker,
        storage,
        logger: createLogger({ level: "silent" }),
      });
    try {
      // The first process commits an event and dies before any worker touched it.
      const first = await boot(false);
      await first.db.transaction((tx) => first.events.emit(tx, "thing.happened", { n: 42 }));
      await first.stop();
      expect(state.seen).toEqual([]);

      // The next process, on the same database, delivers it with its own background worker.
      const second = await boot(true);
      const deadline = Date.now() + 20_000;
      while (state.seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await second.stop();
      expect(state.seen.sort()).toEqual(["handled 42 on attempt 1", "other saw 42"]);
    } finally {
      await database.drop();
      await rm(storage, { recursive: true, force: true });
    }
  });
});

describe("several workers on one database", () => {
  it("hand each job to exactly one worker", async () => {
    const { JobQueue, createLogger: logger } = await import("../src/index.js");
    const t = await createTestLectern();
    try {
      const ran: string[] = [];
      const makeQueue = () => {
        const queue = new JobQueue(t.lectern.db, t.clock, logger({ level: "silent" }), {
          timeZone: "UTC",
          concurrency: 3,
        });
        queue.define<{ n: number }>({
          name: "test.work",
          run: async ({ n }) => {
            await new Promise((r) => setTimeout(r, 5));
            ran.push(String(n));
          },
        });
        return queue;
      };
      const [a, b] = [makeQueue(), makeQueue()];
      for (let n = 0; n < 30; n++) await a.enqueue(t.lectern.db, "test.work", { n });
      await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
      expect(ran).toHaveLength(30);
      expect(new Set(ran).size).toBe(30);
    } finally {
      await t.close();
    }
  });
});

describe("several workers on PostgreSQL", () => {
  // Two processes' worth of connections racing for the same rows; PGlite has only one connection.
  it.runIf(process.env.LECTERN_TEST_DATABASE_URL)(
    "hand each job to exactly one worker, with two real connections claiming at once",
    async () => {
      const database = await createTestDatabase({ persistent: true });
      const [one, two] = [await openDatabase(database.config), await openDatabase(database.config)];
      try {
        await migrate(one.db, [{ owner: "core", folder: new URL("../migrations", import.meta.url) }]);
        const runs = new Map<string, number>();
        const byWorker = { a: 0, b: 0 };
        const makeQueue = (db: typeof one.db, worker: "a" | "b") => {
          const queue = new JobQueue(db, { now: () => new Date() }, createLogger({ level: "silent" }), {
            timeZone: "UTC",
            concurrency: 4,
          });
          queue.define<{ n: number }>({
            name: "test.work",
            run: async ({ n }) => {
              runs.set(String(n), (runs.get(String(n)) ?? 0) + 1);
              byWorker[worker]++;
              await new Promise((r) => setTimeout(r, 2));
            },
          });
          return queue;
        };
        const [a, b] = [makeQueue(one.db, "a"), makeQueue(two.db, "b")];
        await a.enqueueMany(
          one.db,
          Array.from({ length: 200 }, (_, n) => ({ name: "test.work", payload: { n } })),
        );
        await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
        expect(runs.size).toBe(200);
        // Both really took part in the race.
        expect(byWorker.a).toBeGreaterThan(0);
        expect(byWorker.b).toBeGreaterThan(0);
        expect([...runs.values()].filter((count) => count !== 1)).toEqual([]);
        const byStatus = rowsOf<{ status: string; n: number }>(
          await one.db.execute(sql`select status, count(*)::int as n from lectern_jobs group by status`),
        );
        expect(byStatus).toEqual([{ status: "done", n: 200 }]);
      } finally {
        await one.close();
        await two.close();
        await database.drop();
      }
    },
  );
});
