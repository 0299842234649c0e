import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLectern, createLogger, openDatabase } from "../src/index.js";

describe("database: { url } with no URL", () => {
  it("starts on embedded PGlite in the data folder, never on a server found by default settings", async () => {
    const root = await mkdtemp(join(tmpdir(), "lectern-nourl-"));
    const unset: string | undefined = process.env.LECTERN_SURELY_UNSET_DATABASE_URL;
    try {
      const lectern = await createLectern({
        database: { url: unset, dataDir: join(root, "data") },
        storage: join(root, "files"),
        worker: false,
        logger: createLogger({ level: "silent" }),
      });
      try {
        expect((await lectern.app.request("/api/health")).status).toBe(200);
        // PGlite's cluster is in the folder: the data went there, not to a PostgreSQL server.
        await expect(access(join(root, "data", "PG_VERSION"))).resolves.toBeUndefined();
      } finally {
        await lectern.stop();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("refuses a URL that is not a PostgreSQL connection string, saying what it expects", async () => {
    await expect(openDatabase({ url: "mysql://root@localhost/db" })).rejects.toThrow(
      /must be a PostgreSQL connection string/,
    );
  });
});
