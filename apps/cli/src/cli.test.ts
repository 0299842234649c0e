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
  const logLevel = process.env.LECTERN_LOG_LEVEL;

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
    // Test files share their worker's process: leave it as this file found it.
    if (logLevel === undefined) delete process.env.LECTERN_LOG_LEVEL;
    else process.env.LECTERN_LOG_LEVEL = logLevel;
    vi.restoreAllMocks();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers --help with its usage and success", async () => {
    logs.length = 0;
    expect(await main(["--help"])).toBe(0);
    expect(await main(["-h"])).toBe(0);
    expect(logs.join("\n")).toMatch(/^Usage: lectern <command>/);
    expect(logs.join("\n")).not.toContain("Unknown command");
  });

  it("migrates, seeds the demo accounts and creates users", async () => {
    logs.length = 0;
    expect(await main(["migrate", "--config", configFile])).toBe(0);
    // A fresh database: the applied migrations are listed, and nothing claims it was up to date.
    expect(logs.join("\n")).toMatch(/Applied \d+ migrations?:\n {2}core\/0000_init/);
    expect(logs.join("\n")).not.toContain("up to date");
    logs.length = 0;
    expect(await main(["migrate", "--config", configFile])).toBe(0);
    expect(logs).toEqual(["Nothing to apply: the database is up to date."]);
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

  it("runs a subcommand a plugin contributes, and lists it in help", async () => {
    // A plugin written as the plain object definePlugin makes, so the config needs no imports.
    const pluginConfig = join(dir, "with-plugin.config.ts");
    await writeFile(
      pluginConfig,
      `const greeter = {
  definition: {
    id: "greeter",
    version: "1.0.0",
    coreRange: "^0.1.0",
    contributes: () => ({
      "core.cliCommands": {
        name: "greet",
        usage: "greet <name> [--loud]",
        summary: "Greets",
        run: async ({ args, io, lectern }) => {
          const bar = io.progress(2, "greeting");
          bar.update(2);
          bar.stop();
          io.log((args.includes("--loud") ? "HELLO " : "hello ") + args[0] + " from " + (lectern.services.has("greeter") ? "?" : "core"));
          return args[0] === "nobody" ? 3 : 0;
        },
      },
    }),
  },
  rawOptions: {},
};
export default {
  database: ${JSON.stringify(database.config)},
  storage: ${JSON.stringify(join(dir, "files"))},
  mail: { outboxDir: ${JSON.stringify(join(dir, "mail"))} },
  plugins: [greeter],
};`,
    );
    logs.length = 0;
    expect(await main(["greet", "Ada", "--loud", "--config", pluginConfig])).toBe(0);
    expect(logs).toEqual(["2/2", "HELLO Ada from core"]);
    expect(await main(["greet", "nobody", "--config", pluginConfig])).toBe(3);
    logs.length = 0;
    expect(await main(["help", "--config", pluginConfig])).toBe(0);
    expect(logs.join("\n")).toMatch(/Commands of installed plugins:\n {2}greet <name> \[--loud\]/);
    logs.length = 0;
    expect(await main(["certificates", "approve", "--config", pluginConfig])).toBe(1);
    expect(logs.join("\n")).toMatch(/Unknown command "certificates"[\s\S]*greet <name>/);
  });

  it("imports users from a CSV file with progress, and names the expected columns of a wrong one", async () => {
    await main(["migrate", "--config", configFile]);
    const file = join(dir, "people.csv");
    await writeFile(
      file,
      "email,name,role\nimported.one@example.com,Imported One,student\nIMPORTED.ONE@example.com,Again,student\nbad,Bad,student\n",
    );
    logs.length = 0;
    expect(await main(["users", "import", file, "--config", configFile])).toBe(2);
    const text = logs.join("\n");
    expect(text).toContain("3/3");
    expect(text).toContain("1 created, 1 skipped, 1 failed");
    expect(text).toContain("line 4 failed: The email address is not valid.");

    const wrong = join(dir, "wrong.csv");
    await writeFile(wrong, "mail,fullname\na@example.com,A\n");
    logs.length = 0;
    expect(await main(["users", "import", wrong, "--config", configFile])).toBe(1);
    expect(logs.join("\n")).toContain("Expected the columns email, name, role and optionally courseIds");
    logs.length = 0;
    expect(await main(["users", "import", "--config", configFile])).toBe(1);
    expect(logs.join("\n")).toContain("lectern users import <file.csv>");
  }, 240_000);
});
