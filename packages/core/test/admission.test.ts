import { Writable } from "node:stream";
import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createRouter, definePlugin, defineRoute, json } from "../src/index.js";
import { createTestLectern, type TestLectern } from "../src/testing/index.js";

// A route that answers only when the test opens its gate: requests stay in flight on purpose.
let gate: () => void = () => {};
let gated = new Promise<void>((resolve) => (gate = resolve));
const reopen = () => {
  gated = new Promise<void>((resolve) => (gate = resolve));
};
const slow = definePlugin({
  id: "slow",
  version: "1.0.0",
  coreRange: "^0.1.0",
  routes: () =>
    createRouter()
      .openapi(
        defineRoute({
          method: "get",
          path: "/slow",
          access: "public",
          responses: { 200: json(z.object({ ok: z.boolean() }), "ok") },
        }),
        async (c) => {
          await gated;
          return c.json({ ok: true }, 200);
        },
      )
      .openapi(
        defineRoute({
          method: "get",
          path: "/fails",
          access: "public",
          responses: { 200: json(z.object({}), "never") },
        }),
        () => {
          throw new Error("boom");
        },
      ),
});

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({
    plugins: [slow()],
    http: { admission: { maxConcurrent: 2, maxQueue: 1, maxWaitMs: 500, retryAfterSeconds: 3 } },
  });
});
afterAll(() => t.close());

const settle = () => new Promise((r) => setTimeout(r, 50));

describe("admission control", () => {
  it("handles maxConcurrent at once, queues maxQueue, and answers 503 with Retry-After beyond", async () => {
    const first = t.anonymous.get("/api/slow");
    const second = t.anonymous.get("/api/slow");
    await settle();
    const queued = t.anonymous.get("/api/slow");
    await settle();
    const refused = await t.anonymous.get("/api/slow");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("3");
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/unavailable$/),
      status: 503,
      retryAfter: 3,
    });
    expect(refused.body.detail).toMatch(/busy/);
    // The health check is never held in line.
    expect((await t.anonymous.get("/api/health")).status).toBe(200);
    gate();
    const answered = await Promise.all([first, second, queued]);
    expect(answered.map((r) => r.status)).toEqual([200, 200, 200]);
    reopen();
  });

  it("answers 503 to a request that waited in line longer than maxWaitMs", async () => {
    const held = [t.anonymous.get("/api/slow"), t.anonymous.get("/api/slow")];
    await settle();
    const late = await t.anonymous.get("/api/slow");
    expect(late.status).toBe(503);
    expect(late.headers.get("retry-after")).toBe("3");
    gate();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    reopen();
  });
});

describe("the access log under load", () => {
  it("samples successful requests while busy, and always writes failures", async () => {
    const logged = createTestLectern({
      plugins: [slow()],
      http: { accessLog: { busyAt: 2, sampleOneIn: 2 } },
      logger: createLogger({ level: "info", destination: sink }),
    });
    const l = await logged;
    try {
      gate(); // the slow route answers at once now
      lines.length = 0;
      // Calm: every request is logged, unsampled.
      for (let i = 0; i < 3; i++) await l.anonymous.get("/api/slow");
      const calm = lines.filter((line) => line.msg === "request");
      expect(calm).toHaveLength(3);
      expect(calm.every((line) => line.sampled === undefined)).toBe(true);

      reopen();
      lines.length = 0;
      const held = [1, 2, 3, 4].map(() => l.anonymous.get("/api/slow"));
      await settle();
      // Busy: each failure is logged.
      const failures = await Promise.all([l.anonymous.get("/api/fails"), l.anonymous.get("/api/fails")]);
      expect(failures.map((f) => f.status)).toEqual([500, 500]);
      gate();
      expect((await Promise.all(held)).every((r) => r.status === 200)).toBe(true);
      const requests = lines.filter((line) => line.msg === "request");
      expect(requests.filter((line) => line.status === 500)).toHaveLength(2);
      // Four successes finish with 4, 3, 2 and 1 in flight: of the three while busy, one in two is written.
      const successes = requests.filter((line) => line.status === 200);
      expect(successes).toHaveLength(3);
      expect(successes.filter((line) => line.sampled === 2)).toHaveLength(2);
    } finally {
      reopen();
      await l.close();
    }
  });
});
