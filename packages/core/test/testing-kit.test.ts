import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf } from "../src/db/index.js";
import { createTestDatabase, createTestLectern } from "../src/testing/index.js";
import { migrationsKey, testDatabasePrefix } from "../src/testing/templates.js";

const coreMigrations = fileURLToPath(new URL("../migrations", import.meta.url));

describe("the test kit's copied databases", () => {
  it("hands every test Lectern its own database: nothing one test wrote is seen by the next", async () => {
    const first = await createTestLectern();
    const user = await first.createUser("student", { email: "only-here@test.example" });
    expect((await first.as(user).get("/api/auth/me")).status).toBe(200);
    await first.close();

    const second = await createTestLectern();
    try {
      const count = rowsOf<{ n: number }>(
        await second.lectern.db.execute(sql`select count(*)::int as n from lectern_users`),
      );
      expect(count[0]?.n).toBe(0);
      // The migrations are all there, and recorded, so createLectern applied nothing new.
      const journal = rowsOf<{ owner: string }>(
        await second.lectern.db.execute(sql`select owner from lectern_migrations`),
      );
      expect(journal.map((row) => row.owner)).toContain("core");
    } finally {
      await second.close();
    }
  });

  describe("a template's identity", () => {
    const folders: string[] = [];
    afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

    it("changes when a migration changes, so a stale template is never copied", async () => {
      const folder = await mkdtemp(join(tmpdir(), "lectern-kit-"));
      folders.push(folder);
      await cp(coreMigrations, folder, { recursive: true });
      const sources = [{ owner: "core", folder }];
      const before = await migrationsKey(sources, "pglite");
      expect(await migrationsKey(sources, "pglite")).toBe(before);
      await appendFile(join(folder, "0000_init.sql"), "\n-- edited\n");
      expect(await migrationsKey(sources, "pglite")).not.toBe(before);
      expect(await migrationsKey([{ owner: "other", folder }], "pglite")).not.toBe(
        await migrationsKey(sources, "pglite"),
      );
    });
  });

  it("takes a database name prefix only when PostgreSQL accepts it unquoted", () => {
    expect(testDatabasePrefix("lectern_l_")).toBe("lectern_l_");
    expect(() => testDatabasePrefix("Bad-Prefix")).toThrow(/lowercase letters/);
    expect(() => testDatabasePrefix("x".repeat(30))).toThrow(/1–24/);
  });
});

describe.skipIf(!process.env.LECTERN_TEST_DATABASE_URL)("a test database copied from another", () => {
  it("holds what the other held when it was copied, and nothing written to it later", async () => {
    const seeded = await createTestDatabase();
    const copy = await (async () => {
      const handle = await openDatabase(seeded.config);
      try {
        await handle.db.execute(sql`create table seeded (name text)`);
        await handle.db.execute(sql`insert into seeded values ('demo')`);
      } finally {
        await handle.close();
      }
      return createTestDatabase({ copyOf: (seeded.config as { url: string }).url });
    })();
    try {
      const original = await openDatabase(seeded.config);
      await original.db.execute(sql`insert into seeded values ('later')`);
      await original.close();
      const handle = await openDatabase(copy.config);
      const rows = rowsOf<{ name: string }>(await handle.db.execute(sql`select name from seeded`));
      await handle.close();
      expect(rows.map((r) => r.name)).toEqual(["demo"]);
    } finally {
      await copy.drop();
      await seeded.drop();
    }
  });
});
