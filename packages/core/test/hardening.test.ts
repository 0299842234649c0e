import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { Writable } from "node:stream";
import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLectern,
  createLogger,
  createRouter,
  definePlugin,
  defineRoute,
  json,
  users,
} from "../src/index.js";
import { createTestLectern, type TestLectern, type TestUser } from "../src/testing/index.js";
import { notes } from "./fixtures.js";

/** Routes that provoke real database failures and slowness, as a buggy or slow plugin would. */
const probe = definePlugin({
  id: "probe",
  version: "1.0.0",
  coreRange: "^0.1.0",
  routes: (ctx) => {
    const route = (method: "get" | "post", path: string) =>
      defineRoute({ method, path, access: "public", responses: { 200: json(z.object({}), "Never") } });
    return createRouter()
      .openapi(route("get", "/probe/encoding"), async (c) => {
        // A value built inside the server, past any input validation.
        await ctx.db.execute(sql`select ${"a\u0000b"}::text`);
        return c.json({}, 200);
      })
      .openapi(route("post", "/probe/duplicate-user"), async (c) => {
        const [first] = await ctx.db.select().from(users).limit(1);
        await ctx.db.insert(users).values({ ...first!, id: randomUUID() });
        return c.json({}, 200);
      })
      .openapi(route("get", "/probe/slow"), async (c) => {
        await new Promise((r) => setTimeout(r, 10_000));
        return c.json({}, 200);
      });
  },
});

const logLines: string[] = [];
let t: TestLectern;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestLectern({
    plugins: [notes(), probe()],
    http: { trustProxy: true, responseTimeoutMs: 1_500 },
    auth: { addressLimit: 6 },
    logger: createLogger({
      level: "info",
      destination: new Writable({
        write(chunk, _encoding, callback) {
          logLines.push(chunk.toString());
          callback();
        },
      }),
    }),
  });
  admin = await t.createUser("admin", { password: "admin-password-1" });
});
afterAll(() => t.close());

const from = (address: string) => ({ headers: { "x-forwarded-for": address } });

describe("control characters and encoding errors answer 422, never 500", () => {
  it("refuses NUL and control characters in query strings", async () => {
    for (const path of ["/api/admin/users?search=%00", "/api/admin/users?search=a%01b"]) {
      const res = await t.as(admin).get(path);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe("search");
    }
  });

  it("refuses NUL in any JSON string, however deep, with the field's path", async () => {
    const login = await t.anonymous.post("/api/auth/login", { email: "a\u0000@x.example", password: "p" });
    expect(login.status).toBe(422);
    expect(login.body.errors).toContainEqual({ path: "email", message: expect.stringMatching(/control/i) });
    const register = await t.anonymous.post("/api/auth/register", {
      email: "eve@example.com",
      password: "long enough",
      name: "Eve\u0000",
    });
    expect(register.status).toBe(422);
    const reset = await t.anonymous.post("/api/auth/password-reset", { email: "\u0000" });
    expect(reset.status).toBe(422);
    const instructor = await t.createUser("instructor");
    const note = await t.as(instructor).post("/api/notes", { text: "fine\u0000", tags: ["a"] });
    expect(note.status).toBe(422);
    expect(note.body.errors[0].path).toBe("text");
    // Tabs and line breaks are text; lone surrogates cannot be stored as UTF-8.
    expect((await t.as(instructor).post("/api/notes", { text: "a\tb\r\nc" })).status).toBe(201);
    expect((await t.as(instructor).post("/api/notes", { text: "\ud800" })).status).toBe(422);
  });

  it("refuses JSON nested deeper than any route needs", async () => {
    const instructor = await t.createUser("instructor");
    const deep = `{"text":"x","tags":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    const res = await t.as(instructor).post("/api/notes", deep, {
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(422);
  });

  it("maps PostgreSQL's encoding errors to 422", async () => {
    const res = await t.anonymous.get("/api/probe/encoding");
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("cursors", () => {
  it("a cursor that decodes to the wrong shape answers 422 Invalid cursor", async () => {
    for (const cursor of [
      "W10",
      "WzFd",
      "eyJhIjoxfQ",
      "%%%",
      Buffer.from('["x","y"]').toString("base64url"),
    ]) {
      const res = await t.as(admin).get(`/api/admin/users?cursor=${cursor}`);
      expect(res.status, cursor).toBe(422);
      expect(res.body.errors).toEqual([{ path: "cursor", message: "Invalid cursor." }]);
    }
  });
});

describe("logs", () => {
  it("never print a query's parameters, such as a password hash", async () => {
    await t.createUser("student", { password: "hash-me-please" });
    const res = await t.anonymous.post("/api/probe/duplicate-user");
    expect(res.status).toBe(500);
    const written = logLines.join("");
    expect(written).toContain("unexpected error");
    expect(written).not.toMatch(/\$argon2/);
  });
});

describe("login throttling without lock-outs", () => {
  it("a flood of failures from one address does not refuse a user who signed in from there before", async () => {
    const regular = await t.createUser("student", { password: "regular-password" });
    const ok = await t.anonymous.post(
      "/api/auth/login",
      { email: regular.email, password: regular.password },
      from("10.0.0.1"),
    );
    expect(ok.status).toBe(200);
    for (let i = 0; i < 8; i++) {
      await t.anonymous.post(
        "/api/auth/login",
        { email: `nobody-${i}@example.com`, password: "guess" },
        from("10.0.0.1"),
      );
    }
    const stranger = await t.anonymous.post(
      "/api/auth/login",
      { email: "nobody-else@example.com", password: "guess" },
      from("10.0.0.1"),
    );
    expect(stranger.status).toBe(429);
    const again = await t.anonymous.post(
      "/api/auth/login",
      { email: regular.email, password: regular.password },
      from("10.0.0.1"),
    );
    expect(again.status).toBe(200);
  });

  it("wrong passwords slow the attacker down progressively but never lock the owner out", async () => {
    const owner = await t.createUser("admin", { password: "owner-password" });
    const home = await t.anonymous.post(
      "/api/auth/login",
      { email: owner.email, password: owner.password },
      from("10.1.1.1"),
    );
    expect(home.status).toBe(200);
    const statuses: number[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.anonymous.post(
        "/api/auth/login",
        { email: owner.email, password: `guess-${i}` },
        from(`10.2.0.${i}`),
      );
      statuses.push(res.status);
      if (res.status === 429) waits.push(Number(res.headers.get("retry-after")));
      t.clock.advance(1_000);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toContain(429);
    // A delay of seconds that grows, not a 15-minute lock.
    expect(Math.max(...waits)).toBeLessThanOrEqual(4);
    const stillHome = await t.anonymous.post(
      "/api/auth/login",
      { email: owner.email, password: owner.password },
      from("10.1.1.1"),
    );
    expect(stillHome.status).toBe(200);
  });

  it("takes the rightmost untrusted X-Forwarded-For hop, so a forged left part changes nothing", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t.anonymous.post(
        "/api/auth/login",
        { email: `forger-${i}@example.com`, password: "guess" },
        from(`203.0.113.${i}, 10.9.9.9`),
      );
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });
});

describe("cookies behind TLS termination", () => {
  it("marks the session cookie Secure when the proxy says https, as it sends HSTS", async () => {
    const user = await t.createUser("student", { password: "cookie-password" });
    const res = await t.anonymous.post(
      "/api/auth/login",
      { email: user.email, password: user.password },
      { headers: { "x-forwarded-proto": "https", "x-forwarded-for": "10.3.3.3" } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toBeTruthy();
    expect(res.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
  });
});

describe("no request hangs", () => {
  it("answers 503 with Retry-After when a handler outlives the response deadline", async () => {
    const started = Date.now();
    const res = await t.anonymous.get("/api/probe/slow");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("an unavailable database", () => {
  let blackHole: Server;
  let port = 0;
  const held = new Set<import("node:net").Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: traffic silently dropped.
    blackHole = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    port = (blackHole.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  });

  const open = (url: string) =>
    createLectern({
      database: { url, maxConnections: 2, connectTimeoutMs: 1_000 },
      migrate: false,
      worker: false,
      logger: createLogger({ level: "silent" }),
      storage: "/tmp/lectern-unreachable",
    });

  it("answers 503 with Retry-After, not 500, when the server refuses connections", async () => {
    const lectern = await open("postgres://nobody@127.0.0.1:1/none");
    try {
      const res = await lectern.app.request("/api/auth/me", { headers: { authorization: "Bearer a.b" } });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBeTruthy();
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    } finally {
      await lectern.stop();
    }
  });

  it("answers health and requests within seconds when traffic is silently dropped", async () => {
    const lectern = await open(`postgres://nobody@127.0.0.1:${port}/none`);
    try {
      const started = Date.now();
      const [health, me] = await Promise.all([
        lectern.app.request("/api/health"),
        lectern.app.request("/api/auth/me", { headers: { authorization: "Bearer a.b" } }),
      ]);
      expect(health.status).toBe(503);
      expect(me.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await lectern.stop();
    }
  });
});

describe("names are single-line", () => {
  it("refuses line breaks in a registered or admin-created name", async () => {
    const register = await t.anonymous.post(
      "/api/auth/register",
      { email: "eve-lines@example.com", password: "long enough", name: "Eve\nBcc: victim@example.com" },
      from("10.4.0.1"),
    );
    expect(register.status).toBe(422);
    expect(register.body.errors[0].path).toBe("name");
    const created = await t
      .as(admin)
      .post("/api/admin/users", { email: "mallory@example.com", name: "Mallory\r\nX", role: "instructor" });
    expect(created.status).toBe(422);
  });
});

describe("uploads keep non-ASCII file names", () => {
  it("reads a UTF-8 file name as UTF-8", async () => {
    const { receiveUpload, LocalDiskStorage } = await import("../src/index.js");
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const storage = new LocalDiskStorage(await mkdtemp(`${tmpdir()}/lectern-upload-`));
    const boundary = "----lectern";
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="übung – 課題.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        "utf8",
      ),
      Buffer.from("%PDF-1.4\n%\n"),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const request = new Request("http://x/upload", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    const upload = await receiveUpload(request, {
      storage,
      key: () => "k",
      rule: () => ({ maxBytes: 1_000, accept: ["application/pdf"] }),
    });
    expect(upload.file?.filename).toBe("übung – 課題.pdf");
  });
});

describe("abuse limits on accounts", () => {
  it("limits password-reset requests and answers them in the same time whether or not the account exists", async () => {
    const user = await t.createUser("student");
    const time = async (email: string) => {
      const started = performance.now();
      const res = await t.anonymous.post("/api/auth/password-reset", { email }, from("10.5.0.1"));
      return { status: res.status, ms: performance.now() - started };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push((await time(user.email)).ms);
      unknown.push((await time(`nobody-${i}@example.com`)).ms);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    // The mail is written by a job: the answer does no per-account work.
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(15);
    await t.drain();
    expect(t.mail.some((m) => m.to.includes(user.email) && /reset/i.test(m.subject))).toBe(true);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await time(`flood-${i}@example.com`)).status);
    expect(statuses).toContain(429);
  });

  it("limits registrations per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await t.anonymous.post(
        "/api/auth/register",
        { email: `bulk-${i}@example.com`, password: "long enough", name: "Bulk" },
        from("10.6.0.1"),
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(statuses).toContain(429);
  });

  it("keeps at most a bounded number of sessions per user, ending the oldest", async () => {
    const user = await t.createUser("student", { password: "many-sessions" });
    const tokens: string[] = [];
    for (let i = 0; i < 55; i++) {
      const { token } = await t.lectern.context().auth.sessions.create(t.lectern.db, user.id);
      tokens.push(token);
      t.clock.advance(1);
    }
    expect((await t.as({ token: tokens[0]! }).get("/api/auth/me")).status).toBe(401);
    expect((await t.as({ token: tokens.at(-1)! }).get("/api/auth/me")).status).toBe(200);
    const count = await t.lectern.db.execute(
      sql`select count(*)::int as n from lectern_sessions where user_id = ${user.id}`,
    );
    const { rowsOf } = await import("../src/index.js");
    expect(rowsOf<{ n: number }>(count)[0]!.n).toBeLessThanOrEqual(50);
  });
});
