import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, users } from "../schema.js";
import { createTestLectern, openTestSocket, type TestLectern } from "../testing/index.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern();
});
afterAll(() => t.close());

const rowOf = async (id: string) => (await t.lectern.db.select().from(users).where(eq(users.id, id)))[0]!;

describe("PATCH /api/admin/users/:id", () => {
  it("changes role and name, recorded in the audit log with who, what, when and from where", async () => {
    const admin = await t.createUser("admin");
    const user = await t.createUser("student", { name: "Sam" });
    const res = await t.request("PATCH", `/api/admin/users/${user.id}`, {
      token: admin.token,
      body: { role: "instructor", name: "Samuel" },
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, role: "instructor", name: "Samuel", suspendedAt: null });
    // The session sees the new role at once.
    expect((await t.as(user).get("/api/auth/me")).body.user.role).toBe("instructor");

    const audit = await t.as(admin).get(`/api/admin/audit?userId=${user.id}&action=auth.user.role-changed`);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actorId: admin.id,
      targetUserId: user.id,
      action: "auth.user.role-changed",
      detail: { from: "student", to: "instructor" },
      // Names as they are now, so the log reads as people, not ids.
      actorName: admin.name,
      targetName: "Samuel",
    });
    expect(audit.body.items[0].address).toBeTruthy();
    expect(Date.parse(audit.body.items[0].at)).toBe(t.clock.now().getTime());
  });

  it("suspension ends sessions and closes sockets at once; logins answer the generic 401; reactivation lets them in", async () => {
    const admin = await t.createUser("admin");
    const user = await t.createUser("student", { password: "suspend me please" });
    const server = await t.lectern.start({ port: 0, hostname: "127.0.0.1" });
    const socket = await openTestSocket(`http://127.0.0.1:${server.port}`, { token: user.token });
    try {
      const res = await t.as(admin).patch(`/api/admin/users/${user.id}`, { suspended: true });
      expect(res.status).toBe(200);
      expect(res.body.suspendedAt).toBeTruthy();
      expect((await t.as(user).get("/api/auth/me")).status).toBe(401);
      expect(await socket.closed).toBe(4001);
    } finally {
      socket.close();
    }
    const wrong = await t.anonymous.post("/api/auth/login", {
      email: user.email,
      password: "wrong password",
    });
    const suspended = await t.anonymous.post("/api/auth/login", {
      email: user.email,
      password: "suspend me please",
    });
    expect(suspended.status).toBe(401);
    expect(suspended.body.detail).toBe(wrong.body.detail);
    expect(suspended.body.type).toBe(wrong.body.type);

    expect((await t.as(admin).patch(`/api/admin/users/${user.id}`, { suspended: false })).status).toBe(200);
    const back = await t.anonymous.post("/api/auth/login", {
      email: user.email,
      password: "suspend me please",
    });
    expect(back.status).toBe(200);
    const actions = (await t.as(admin).get(`/api/admin/audit?userId=${user.id}`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(["auth.user.suspended", "auth.user.reactivated", "auth.login"]),
    );
  });

  it("the last active admin can be neither suspended nor demoted (409); with two, one can", async () => {
    const fresh = await createTestLectern();
    try {
      const only = await fresh.createUser("admin");
      for (const body of [{ suspended: true }, { role: "instructor" }]) {
        const res = await fresh.as(only).patch(`/api/admin/users/${only.id}`, body);
        expect(res.status).toBe(409);
        expect(res.body.type).toContain("last-admin");
      }
      const second = await fresh.createUser("admin");
      // A suspended admin does not count as active.
      expect((await fresh.as(only).patch(`/api/admin/users/${second.id}`, { suspended: true })).status).toBe(
        200,
      );
      expect((await fresh.as(only).patch(`/api/admin/users/${only.id}`, { role: "student" })).status).toBe(
        409,
      );
      expect((await fresh.as(only).patch(`/api/admin/users/${second.id}`, { suspended: false })).status).toBe(
        200,
      );
      // Suspension ended the second admin's sessions: a new one after reactivation.
      const again = await fresh.lectern.context().auth.sessions.create(fresh.lectern.db, second.id);
      expect((await fresh.as(again).patch(`/api/admin/users/${only.id}`, { role: "student" })).status).toBe(
        200,
      );
      expect((await fresh.as(again).patch(`/api/admin/users/${second.id}`, { role: "student" })).status).toBe(
        409,
      );
    } finally {
      await fresh.close();
    }
  });

  it("bad input answers problem+json and changes nothing", async () => {
    const admin = await t.createUser("admin");
    const user = await t.createUser("student", { name: "Unchanged" });
    const cases: [unknown, number, string][] = [
      [{}, 422, "body"],
      [{ role: "superuser" }, 422, "role"],
      [{ name: "" }, 422, "name"],
      [{ name: "A\u0000B" }, 422, "name"],
      [{ suspended: "yes" }, 422, "suspended"],
      [{ email: "new@example.com" }, 422, ""],
    ];
    for (const [body, status, path] of cases) {
      const res = await t.as(admin).patch(`/api/admin/users/${user.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await t.as(admin).patch("/api/admin/users/not-a-uuid", { name: "x" })).status).toBe(422);
    expect((await t.as(admin).patch(`/api/admin/users/${crypto.randomUUID()}`, { name: "x" })).status).toBe(
      404,
    );
    expect((await t.as(admin).patch(`/api/admin/users/${admin.id}`, { suspended: true })).status).toBe(409);
    const row = await rowOf(user.id);
    expect(row).toMatchObject({ name: "Unchanged", role: "student", suspendedAt: null });
  });
});

describe("the audit log", () => {
  it("is append-only in the database itself", async () => {
    const admin = await t.createUser("admin");
    await t.as(admin).patch(`/api/admin/users/${admin.id}`, { name: "Renamed Admin" });
    await expect(t.lectern.db.update(auditLog).set({ action: "auth.forged" })).rejects.toThrow();
    await expect(t.lectern.db.delete(auditLog)).rejects.toThrow();
    expect((await t.lectern.db.select().from(auditLog)).length).toBeGreaterThan(0);
  });

  it("pages newest first, filters by action, and exports CSV through the core writer", async () => {
    const admin = await t.createUser("admin");
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1_000);
      await t.as(admin).patch(`/api/admin/users/${admin.id}`, { name: `Admin ${i}` });
    }
    const first = await t
      .as(admin)
      .get(`/api/admin/audit?userId=${admin.id}&action=auth.user.renamed&limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await t
      .as(admin)
      .get(
        `/api/admin/audit?userId=${admin.id}&action=auth.user.renamed&limit=2&cursor=${first.body.nextCursor}`,
      );
    expect(second.body.items).toHaveLength(1);
    expect(Date.parse(first.body.items[0].at)).toBeGreaterThan(Date.parse(first.body.items[1].at));

    const csv = await t
      .as(admin)
      .get(`/api/admin/audit?userId=${admin.id}&action=auth.user.renamed&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("At,Action,Actor,User,Subject,Address,Detail");
    expect(lines).toHaveLength(4);

    for (const bad of ["userId=nope", "action=DROP%20TABLE", "limit=0", "cursor=%%%", "format=xml"]) {
      const res = await t.as(admin).get(`/api/admin/audit?${bad}`);
      expect(res.status, bad).toBe(422);
    }
  });

  it("plugins record through ctx.audit, only under their own id", async () => {
    const { definePlugin } = await import("../plugin.js");
    const seen = definePlugin({ id: "seen", version: "0.0.0", coreRange: "*" });
    const p = await createTestLectern({ plugins: [seen()] });
    try {
      const ctx = p.lectern.context("seen");
      await ctx.audit.record(p.lectern.db, { action: "seen.thing.done", actorId: null, subject: "thing:1" });
      await expect(ctx.audit.record(p.lectern.db, { action: "auth.user.suspended" })).rejects.toThrow(
        /seen\./,
      );
      const page = await p.lectern.audit.list({ action: "seen.thing.done", limit: 10 });
      expect(page.items[0]).toMatchObject({ subject: "thing:1", actorId: null, address: null });
    } finally {
      await p.close();
    }
  });
});

describe("who may call the new routes", () => {
  it("answers 401 without a session and 403 for students and instructors on admin routes", async () => {
    const student = await t.createUser("student");
    const instructor = await t.createUser("instructor");
    const target = await t.createUser("student");
    const admin = await t.createUser("admin");
    const routes: [string, string, unknown][] = [
      ["PATCH", `/api/admin/users/${target.id}`, { name: "X" }],
      ["GET", "/api/admin/audit", undefined],
      ["GET", "/api/admin/audit?format=csv", undefined],
      ["GET", `/api/admin/users/imports/${crypto.randomUUID()}`, undefined],
      ["POST", "/api/admin/users/import", undefined],
    ];
    for (const [method, path, body] of routes) {
      expect((await t.request(method, path, { body })).status, `${method} ${path}`).toBe(401);
      for (const who of [student, instructor]) {
        expect((await t.request(method, path, { body, token: who.token })).status, `${method} ${path}`).toBe(
          403,
        );
      }
      const allowed = (await t.request(method, path, { body, token: admin.token })).status;
      expect([200, 404, 415], `${method} ${path}`).toContain(allowed);
    }
    const own: [string, string, unknown][] = [
      ["PATCH", "/api/auth/me", { name: "Y" }],
      ["GET", "/api/auth/sessions", undefined],
      ["POST", "/api/auth/sessions/end-others", undefined],
      ["DELETE", `/api/auth/sessions/${"0".repeat(32)}`, undefined],
      ["POST", "/api/auth/password", { currentPassword: "x", newPassword: "long enough" }],
      ["POST", "/api/auth/email", { newEmail: "q@example.com", password: "x" }],
    ];
    for (const [method, path, body] of own) {
      expect((await t.request(method, path, { body })).status, `${method} ${path}`).toBe(401);
      for (const who of [student, instructor, admin]) {
        const status = (await t.request(method, path, { body, token: who.token })).status;
        expect([200, 204, 403, 404], `${method} ${path}`).toContain(status);
      }
    }
    expect(target.name).toBe("Test student");
  });
});
