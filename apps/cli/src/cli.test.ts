import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLectern, createLogger } from "@lectern/core";
import { createTestDatabase } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "./main.js";

describe("the lectern command", () => {
  let dir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let configFile: string;
  const logs: string[] = [];

  beforeAll(async () => {
    process.env.LECTERN_LOG_LEVEL = "silent";
    dir = await mkdtemp(join(tmpdir(), "lectern-cli-"));
    database = await createTestDatabase({ persistent: true });
    configFile = join(dir, "lectern.config.ts");
    await writeFile(
      configFile,
      `export default {
  database: ${JSON.stringify(database.config)},
  storage: ${JSON.stringify(join(dir, "files"))},
  mail: { outboxDir: ${JSON.stringify(join(dir, "mail"))} },
};`,
    );
    vi.spyOn(console, "log").mockImplementation((line: string) => void logs.push(String(line)));
    vi.spyOn(console, "error").mockImplementation((line: string) => void logs.push(String(line)));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("migrates, seeds the demo accounts and creates users", async () => {
    expect(await main(["migrate", "--config", configFile])).toBe(0);
    expect(await main(["seed", "--demo", "--config", configFile])).toBe(0);
    expect(logs.join("\n")).toContain("student@example.com");
    expect(
      await main([
        "create-user",
        "--role",
        "instructor",
        "--email",
        "T@Example.com",
        "--name",
        "Teacher",
        "--password",
        "long enough",
        "--config",
        configFile,
      ]),
    ).toBe(0);

    const lectern = await createLectern({
      database: database.config,
      worker: false,
      logger: createLogger({ level: "silent" }),
      storage: join(dir, "files"),
    });
    try {
      const auth = lectern.context().auth;
      expect((await auth.findUserByEmail("t@example.com"))?.role).toBe("instructor");
      const demo = await auth.login({
        email: "admin@example.com",
        password: "lectern-demo",
        role: "admin",
        address: "cli-test",
      });
      expect(demo.user.role).toBe("admin");
    } finally {
      await lectern.stop();
    }
  });

  it("seeding twice changes nothing", async () => {
    expect(await main(["seed", "--demo", "--config", configFile])).toBe(0);
  });

  it("refuses bad input with a message and a non-zero exit", async () => {
    logs.length = 0;
    expect(
      await main([
        "create-user",
        "--role",
        "wizard",
        "--email",
        "w@example.com",
        "--name",
        "W",
        "--config",
        configFile,
      ]),
    ).toBe(1);
    expect(logs.join("\n")).toMatch(/--role must be one of student, instructor, admin/);
    expect(await main(["seed", "--config", configFile])).toBe(1);
    expect(await main(["migrate", "--config", join(dir, "missing.ts")])).toBe(1);
    expect(logs.join("\n")).toMatch(/No config at/);
    expect(await main(["frobnicate", "--config", configFile])).toBe(1);
  });
});
