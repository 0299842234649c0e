import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY } from "../clock.js";
import { jobs, users, userTokens } from "../schema.js";
import { authorizationMatrix, createTestLectern, type TestLectern } from "../testing/index.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern();
});
afterAll(() => t.close());

/** The download link of the newest "Your data is ready" mail sent to `email`. */
function exportLink(email: string): string {
  const message = t.mail.findLast(
    (m) => m.to.includes(email) && m.subject === "Your data is ready to download",
  );
  if (!message) throw new Error(`No export mail for ${email}`);
  const link = /https?:\/\/\S+\/api\/me\/exports\/\S+/.exec(message.text)?.[0];
  if (!link) throw new Error("No link in the export mail");
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

const rowOf = async (id: string) => (await t.lectern.db.select().from(users)).find((u) => u.id === id);

describe("data export", () => {
  it("answers 202, and a job mails a link to a JSON archive that only its owner can download", async () => {
    const ada = await t.createUser("student", { name: "Ada Exportable" });
    const queued = await t.as(ada).get("/api/me/export");
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({ id: expect.any(String), status: "queued" });
    await t.drain();

    const path = exportLink(ada.email);
    const download = await t.as(ada).get(path);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toContain("attachment");
    expect(download.headers.get("cache-control")).toBe("private, no-store");
    const archive = typeof download.body === "string" ? JSON.parse(download.body) : download.body;
    expect(archive.format).toBe("lectern.export/1");
    expect(archive.sections["core.account"].profile).toMatchObject({
      email: ada.email,
      name: "Ada Exportable",
    });
    expect(archive.sections["core.account"].sessions.length).toBeGreaterThan(0);
    // No secret of any kind travels in the archive.
    expect(JSON.stringify(archive)).not.toMatch(/secret|hash|\$argon2/i);

    const other = await t.createUser("admin");
    expect((await t.as(other).get(path)).status).toBe(404);
    expect((await t.anonymous.get(path)).status).toBe(401);
    const tampered = path.replace(/token=(\d+)\./, (_, n) => `token=${Number(n) + 1}.`);
    expect((await t.as(ada).get(tampered)).status).toBe(404);
    expect((await t.as(ada).get(path.replace(/token=.*/, "token="))).status).toBe(422);
  });

  it("expires the link after seven days (410), and the sweep deletes the archive", async () => {
    const bo = await t.createUser("student");
    await t.as(bo).get("/api/me/export");
    await t.drain();
    const path = exportLink(bo.email);
    expect((await t.as(bo).get(path)).status).toBe(200);
    t.clock.advance(7 * DAY + 1);
    const late = await t.as(bo).get(path);
    expect(late.status).toBe(410);
    expect(late.headers.get("content-type")).toContain("application/problem+json");
    expect(await t.lectern.privacy.sweepExpired()).toBeGreaterThan(0);
  });

  it("limits requests to three an hour (429)", async () => {
    const cy = await t.createUser("instructor");
    for (let i = 0; i < 3; i++) expect((await t.as(cy).get("/api/me/export")).status).toBe(202);
    const fourth = await t.as(cy).get("/api/me/export");
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get("retry-after")).toBeTruthy();
  });
});

describe("erasure", () => {
  it("DELETE /api/me needs the password: wrong → 403, missing → 422, and nothing changes", async () => {
    const di = await t.createUser("student", { name: "Di Careful" });
    const wrong = await t.as(di).delete("/api/me", { body: { password: "not the password" } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.type).toContain("wrong-password");
    const missing = await t.as(di).delete("/api/me", { body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toContainEqual(expect.objectContaining({ path: "password" }));
    const control = await t.as(di).delete("/api/me", { body: { password: "a\u0000b" } });
    expect(control.status).toBe(422);
    expect((await rowOf(di.id))?.name).toBe("Di Careful");
    expect((await t.as(di).get("/api/auth/me")).status).toBe(200);
  });

  it("erases the account: the row is anonymised, every session ends, signing in fails", async () => {
    const ed = await t.createUser("student", { name: "Ed Leaving", password: "ed's long password" });
    const { token: second } = await t.lectern.context().auth.sessions.create(t.lectern.db, ed.id);
    const erased = await t.as(ed).delete("/api/me", { body: { password: "ed's long password" } });
    expect(erased.status).toBe(204);
    expect(erased.headers.get("set-cookie")).toMatch(/lectern_session=;/);
    expect((await t.as(ed).get("/api/auth/me")).status).toBe(401);
    expect((await t.as({ token: second }).get("/api/auth/me")).status).toBe(401);
    const row = await rowOf(ed.id);
    expect(row).toMatchObject({
      name: "Former user",
      email: `erased-${ed.id}@erased.invalid`,
      passwordHash: null,
    });
    const login = await t.anonymous.post("/api/auth/login", {
      email: ed.email,
      password: "ed's long password",
    });
    expect(login.status).toBe(401);
    // The address is free again.
    const again = await t.anonymous.post("/api/auth/register", {
      email: ed.email,
      password: "another long one",
      name: "Ed Returning",
    });
    expect(again.status).toBe(201);
  });

  it("lets an admin erase a user (404 for no one), never the last admin (409)", async () => {
    const fresh = await createTestLectern();
    try {
      const admin = await fresh.createUser("admin");
      const student = await fresh.createUser("student", { name: "Fay Erased" });
      expect((await fresh.as(student).delete(`/api/admin/users/${admin.id}`)).status).toBe(403);
      expect((await fresh.anonymous.delete(`/api/admin/users/${student.id}`)).status).toBe(401);
      expect(
        (await fresh.as(admin).delete("/api/admin/users/00000000-0000-4000-8000-000000000000")).status,
      ).toBe(404);
      expect((await fresh.as(admin).delete("/api/admin/users/not-a-uuid")).status).toBe(422);

      const last = await fresh.as(admin).delete(`/api/admin/users/${admin.id}`);
      expect(last.status).toBe(409);
      expect(last.body.type).toContain("last-admin");
      const self = await fresh.as(admin).delete("/api/me", { body: { password: admin.password } });
      expect(self.status).toBe(409);
      expect((await fresh.as(admin).get("/api/auth/me")).status).toBe(200);

      expect((await fresh.as(admin).delete(`/api/admin/users/${student.id}`)).status).toBe(204);
      expect((await fresh.as(student).get("/api/auth/me")).status).toBe(401);

      // With a second admin, the first may go.
      const second = await fresh.createUser("admin");
      expect((await fresh.as(second).delete(`/api/admin/users/${admin.id}`)).status).toBe(204);
      expect((await fresh.as(admin).get("/api/auth/me")).status).toBe(401);
    } finally {
      await fresh.close();
    }
  });

  it("removes the account's notifications, mailed links, queued mail and export archives", async () => {
    const gus = await t.createUser("student", { name: "Gus Traces" });
    await t.as(gus).get("/api/me/export");
    await t.drain();
    await t.anonymous.post("/api/auth/password-reset", { email: gus.email });
    await t.drain();
    const before = await t.lectern.privacy.collect(gus.id);
    expect((before.sections["core.account"] as { mailedLinks: unknown[] }).mailedLinks.length).toBe(1);

    expect((await t.as(gus).delete("/api/me", { body: { password: gus.password } })).status).toBe(204);
    const tokens = await t.lectern.db.select().from(userTokens).where(eq(userTokens.userId, gus.id));
    expect(tokens).toEqual([]);
    const mentioning = await t.lectern.db
      .select()
      .from(jobs)
      .where(sql`strpos(${jobs.payload}::text, ${gus.email}) > 0`);
    expect(mentioning).toEqual([]);
    const files = (await t.lectern.context().storage.list?.(`privacy/exports/${gus.id}/`)) ?? [];
    expect(files).toEqual([]);
  });
});

describe("the core.privacy point", () => {
  it("refuses at boot two plugins contributing the same section key, naming both", async () => {
    const { definePlugin } = await import("../plugin.js");
    const section = { key: "shared.notes", export: async () => null, erase: async () => undefined };
    const one = definePlugin({
      id: "one",
      version: "0.1.0",
      coreRange: "^0.1.0",
      contributes: () => ({ "core.privacy": section }),
    });
    const two = definePlugin({
      id: "two",
      version: "0.1.0",
      coreRange: "^0.1.0",
      contributes: () => ({ "core.privacy": section }),
    });
    await expect(createTestLectern({ plugins: [one(), two()] })).rejects.toThrow(
      /Plugin "two" contributes the privacy section "shared.notes", which "one" already contributes/,
    );
  });
});

describe("authorization", () => {
  it("every route answers its declared access rule", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
  });
});
