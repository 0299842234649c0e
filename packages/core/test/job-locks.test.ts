import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, JobQueue } from "../src/index.js";
import { createTestLectern, type TestLectern } from "../src/testing/index.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern();
});
afterAll(() => t.close());

const never = () => new Promise<void>(() => {});
const logger = createLogger({ level: "silent" });
const worker = (options: { heartbeatMs?: number } = {}) =>
  new JobQueue(t.lectern.db, t.clock, logger, { timeZone: "UTC", ...options });

describe("job locks", () => {
  it("a job whose worker died is run again within seconds, not minutes", async () => {
    const crashed = worker({ heartbeatMs: 60_000 });
    crashed.define({ name: "test.crashes", run: never });
    await crashed.enqueue(t.lectern.db, "test.crashes", {});
    void crashed.runDue(); // claims it and never finishes: the process "died"
    await new Promise((r) => setTimeout(r, 200));

    const survivor = worker();
    const ran: number[] = [];
    survivor.define({ name: "test.crashes", run: async (_payload, job) => void ran.push(job.attempt) });
    t.clock.advance(10_000);
    expect(await survivor.runDue()).toBe(0);
    t.clock.advance(15_000);
    expect(await survivor.runDue()).toBe(1);
    expect(ran).toEqual([2]);
  });

  it("a long job that is still running keeps its lock by heartbeat", async () => {
    let release = () => {};
    const busy = worker({ heartbeatMs: 20 });
    busy.define({ name: "test.long", run: () => new Promise<void>((r) => (release = r)) });
    await busy.enqueue(t.lectern.db, "test.long", {});
    const running = busy.runDue();
    await new Promise((r) => setTimeout(r, 100));

    const other = worker();
    other.define({ name: "test.long", run: async () => {} });
    for (let i = 0; i < 4; i++) {
      t.clock.advance(15_000);
      await new Promise((r) => setTimeout(r, 100)); // heartbeats renew the lock from the new time
      expect(await other.runDue()).toBe(0);
    }
    release();
    await running;
  });
});
