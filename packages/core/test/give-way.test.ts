import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLectern, createLogger, createRouter, definePlugin, migrationSources } from "../src/index.js";
import { createTestDatabase } from "../src/testing/index.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A route that answers only when the test lets it, and a job that records when it ran. */
function slowPlugin(state: { release: () => void; ran: number[] }) {
  return definePlugin({
    id: "slow",
    version: "1.0.0",
    coreRange: "^0.1.0",
    routes: () => {
      const router = createRouter();
      router.get("/slow", async (c) => {
        await new Promise<void>((resolve) => {
          state.release = resolve;
        });
        return c.json({ done: true });
      });
      return router;
    },
    jobs: () => [{ name: "slow.tick", run: async () => void state.ran.push(Date.now()) }],
  });
}

describe("the job worker in a serving process", () => {
  it("gives way to a request in flight, and runs the job as soon as the request ends", async () => {
    const state = { release: () => {}, ran: [] as number[] };
    const plugins = [slowPlugin(state)()];
    const database = await createTestDatabase({ migrations: migrationSources(plugins) });
    const storage = await mkdtemp(join(tmpdir(), "lectern-files-"));
    const lectern = await createLectern({
      database: database.config,
      plugins,
      storage,
      // Longer than the test: only the request's end can let the job through.
      worker: { giveWayMs: 60_000 },
      logger: createLogger({ level: "silent" }),
    });
    try {
      // The worker is idle; let it see one empty round before the request starts.
      await wait(200);
      const answer = lectern.app.request("/api/slow");
      await wait(50);
      await lectern.jobs.enqueue(lectern.db, "slow.tick", {});
      await wait(1_500);
      expect(state.ran).toEqual([]);

      const released = Date.now();
      state.release();
      expect((await answer).status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (state.ran.length === 0 && Date.now() < deadline) await wait(20);
      expect(state.ran).toHaveLength(1);
      expect(state.ran[0]! - released).toBeLessThan(5_000);
    } finally {
      await lectern.stop();
      await database.drop();
      await rm(storage, { recursive: true, force: true });
    }
  });

  it("stops at once while giving way, and claims nothing after it was told to stop", async () => {
    const state = { release: () => {}, ran: [] as number[] };
    const plugins = [slowPlugin(state)()];
    const database = await createTestDatabase({ migrations: migrationSources(plugins) });
    const storage = await mkdtemp(join(tmpdir(), "lectern-files-"));
    const lectern = await createLectern({
      database: database.config,
      plugins,
      storage,
      worker: { giveWayMs: 60_000 },
      logger: createLogger({ level: "silent" }),
    });
    try {
      await wait(200);
      const answer = lectern.app.request("/api/slow");
      await wait(50);
      await lectern.jobs.enqueue(lectern.db, "slow.tick", {});
      await wait(300); // the worker is now giving way to the request

      const stopping = Date.now();
      await lectern.jobs.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
      state.release();
      expect((await answer).status).toBe(200);
      await wait(500);
      expect(state.ran).toEqual([]);
    } finally {
      await lectern.stop();
      await database.drop();
      await rm(storage, { recursive: true, force: true });
    }
  });
});
