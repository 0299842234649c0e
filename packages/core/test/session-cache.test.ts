import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionCache } from "../src/auth/session-cache.js";
import { createLectern, createLogger, type Lectern, ManualClock } from "../src/index.js";
import { createTestDatabase } from "../src/testing/index.js";

// Two instances on one database: two processes' worth of Lectern sharing a PostgreSQL server
// (or one PGlite, whose NOTIFY reaches every listener of that instance).
let a: Lectern;
let b: Lectern;
let drop: () => Promise<void>;
let dir: string;
const clock = new ManualClock();

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  dir = await mkdtemp(join(tmpdir(), "lectern-session-cache-"));
  const make = (name: string) =>
    createLectern({
      database: database.config,
      clock,
      worker: false,
      storage: join(dir, name),
      logger: createLogger({ level: "silent" }),
    });
  a = await make("a");
  b = await make("b");
  // Each instance turns its cache on once its LISTEN is in place (done in the background at boot).
  await eventually(async () => [a, b].every((l) => l.context().auth.sessions.cache.enabled));
}, 60_000);

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await drop?.();
  await rm(dir, { recursive: true, force: true });
});

const me = (lectern: Lectern, token: string) =>
  lectern.app.request("/api/auth/me", { headers: { authorization: `Bearer ${token}` } });

async function signedIn(name: string) {
  const auth = a.context().auth;
  const user = await auth.createUser({
    role: "student",
    email: `${name}@test.example`,
    name,
    password: "correct horse battery",
  });
  const { token } = await auth.sessions.create(a.db, user.id);
  return { user, token };
}

/** NOTIFY arrives asynchronously; the manual clock never moves here, so only it can end the entry. */
async function eventually(check: () => Promise<boolean>) {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("not within 10 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the session cache", () => {
  it("serves a validated session from memory until its short lifetime ends", async () => {
    const { user, token } = await signedIn("cached");
    expect((await me(b, token)).status).toBe(200);
    // Removed behind the store's back: no instance is told, so B trusts its entry for the TTL.
    await a.db.execute(sql`delete from lectern_sessions where user_id = ${user.id}`);
    expect((await me(b, token)).status).toBe(200);
    clock.advance(30_000);
    expect((await me(b, token)).status).toBe(401);
  });

  it("refuses a wrong secret for a cached session id", async () => {
    const { token } = await signedIn("forged");
    expect((await me(b, token)).status).toBe(200);
    const [id] = token.split(".");
    expect((await me(b, `${id}.forgedsecretforgedsecret`)).status).toBe(401);
  });

  it("ends a session on every instance at once when it signs out on one", async () => {
    const { token } = await signedIn("logout");
    expect((await me(a, token)).status).toBe(200);
    expect((await me(b, token)).status).toBe(200);
    const out = await a.app.request("/api/auth/logout", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.status).toBe(204);
    expect((await me(a, token)).status).toBe(401);
    await eventually(async () => (await me(b, token)).status === 401);
  });

  it("ends every session of a user everywhere on a password change", async () => {
    const { user, token } = await signedIn("password");
    const second = await a.context().auth.sessions.create(a.db, user.id);
    expect((await me(b, token)).status).toBe(200);
    expect((await me(b, second.token)).status).toBe(200);
    // What password reset and change run, in their transaction.
    await a.db.transaction((tx) => a.context().auth.sessions.invalidateAllFor(tx, user.id));
    await eventually(async () => (await me(b, token)).status === 401);
    expect((await me(b, second.token)).status).toBe(401);
  });

  it("reads a changed user again everywhere after forgetCached (suspension, role, name)", async () => {
    const { user, token } = await signedIn("renamed");
    expect(((await (await me(b, token)).json()) as { user: { name: string } }).user.name).toBe("renamed");
    await a.db.transaction(async (tx) => {
      await tx.execute(
        sql`update lectern_users set name = 'Renamed', role = 'instructor' where id = ${user.id}`,
      );
      await a.context().auth.sessions.forgetCached(tx, { userId: user.id });
    });
    await eventually(async () => {
      const body = (await (await me(b, token)).json()) as { user: { name: string; role: string } };
      return body.user.name === "Renamed" && body.user.role === "instructor";
    });
  });

  it("tells no one when the transaction that would forget rolls back", async () => {
    const { user, token } = await signedIn("rolledback");
    expect((await me(b, token)).status).toBe(200);
    await a.db
      .transaction(async (tx) => {
        await a.context().auth.sessions.invalidateAllFor(tx, user.id);
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    // The session still exists, so both instances go on admitting it.
    expect((await me(a, token)).status).toBe(200);
    expect((await me(b, token)).status).toBe(200);
  });
});

describe("SessionCache", () => {
  const entry = {
    secretHash: "h",
    expiresAt: new Date("2030-01-01"),
    user: { id: "u1", email: "e", name: "n", role: "student" as const, createdAt: new Date() },
  };
  const connected = async (options: ConstructorParameters<typeof SessionCache>[1] = {}) => {
    let now = 0;
    const cache = new SessionCache(() => now, options);
    await cache.connect(async () => async () => {});
    return { cache, advance: (ms: number) => (now += ms) };
  };

  it("is off until it hears the other instances", () => {
    const cache = new SessionCache(() => 0);
    cache.set("s1", entry, cache.generation);
    expect(cache.get("s1")).toBeUndefined();
  });

  it("does not store what a lookup read before an invalidation", async () => {
    const { cache } = await connected();
    const before = cache.generation;
    await cache.forget({ execute: async () => [] } as never, { userId: "u1" });
    cache.set("s1", entry, before);
    expect(cache.get("s1")).toBeUndefined();
    cache.set("s1", entry, cache.generation);
    expect(cache.get("s1")).toMatchObject({ secretHash: "h" });
  });

  it("keeps at most maxEntries, the oldest out first, each for ttlMs", async () => {
    const { cache, advance } = await connected({ maxEntries: 2, ttlMs: 1000 });
    for (const id of ["s1", "s2", "s3"]) cache.set(id, entry, cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.get("s1")).toBeUndefined();
    expect(cache.get("s3")).toBeDefined();
    advance(1000);
    expect(cache.get("s3")).toBeUndefined();
  });
});
