import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LecternConfig } from "@lectern/core";
import { createTestLectern } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHOICES, resolveChoices } from "./catalog.js";
import { main } from "./main.js";
import { scaffold } from "./scaffold.js";

const here = fileURLToPath(new URL("..", import.meta.url));
let work: string;
let templateDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "create-lectern-"));
  // The published package's template/ is made at build time from the plugin guide's example.
  templateDir = join(work, "template");
  const example = fileURLToPath(new URL("../../../examples/bookmarks-plugin/", import.meta.url));
  for (const part of ["src", "migrations"])
    await cp(join(example, part), join(templateDir, part), { recursive: true });
});
afterAll(() => rm(work, { recursive: true, force: true }));

const base = () => ({ lecternRange: "^0.1.0", templateDir });

describe("create-lectern", () => {
  it("scaffolds an ESM project with the default plugins, scripts and the sample plugin", async () => {
    const result = await scaffold({ ...base(), directory: join(work, "my-campus") });
    expect(result.plugins).toEqual(["courses", "exams", "certificates"]);
    const manifest = JSON.parse(await readFile(join(result.directory, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ name: "my-campus", type: "module", private: true });
    expect(Object.keys(manifest.scripts)).toEqual(
      expect.arrayContaining(["start", "dev", "migrate", "seed", "db:generate", "typecheck", "test"]),
    );
    expect(manifest.dependencies).toMatchObject({
      "@lectern/core": "^0.1.0",
      "@lectern/cli": "^0.1.0",
      "@lectern/courses": "^0.1.0",
      "@lectern/exams": "^0.1.0",
      "@lectern/certificates": "^0.1.0",
    });
    expect(manifest.dependencies["@lectern/payments"]).toBeUndefined();
    const plugin = await readdir(join(result.directory, "plugins", "bookmarks", "src"));
    expect(plugin).toEqual(expect.arrayContaining(["index.ts", "schema.ts", "bookmarks.test.ts"]));
    const migrations = await readdir(join(result.directory, "plugins", "bookmarks", "migrations"));
    expect(migrations.some((file) => file.endsWith(".sql"))).toBe(true);
  });

  it("adds what a chosen plugin needs and refuses an unknown one by listing the known", () => {
    expect(resolveChoices(["attendance"]).map((c) => c.id)).toEqual(["courses", "attendance"]);
    expect(() => resolveChoices(["exams", "chess"])).toThrow(
      /Unknown plugin chess\. Choose from: courses, exams/,
    );
  });

  it("never writes into a folder that has files, or under a name npm refuses", async () => {
    const full = join(work, "full");
    await mkdir(full);
    await writeFile(join(full, "notes.txt"), "mine");
    await expect(scaffold({ ...base(), directory: full })).rejects.toThrow(/not empty/);
    expect(await readdir(full)).toEqual(["notes.txt"]);
    await expect(scaffold({ ...base(), directory: join(work, "My Campus") })).rejects.toThrow(
      /npm package name/,
    );
  });

  it("answers --help with 0 and a missing folder with 1", async () => {
    expect(await main(["--help"])).toBe(0);
    expect(await main(["--yes"])).toBe(1);
  });

  it("writes a config whose every plugin boots and serves its routes", async () => {
    // Inside this package, so the generated config resolves the workspace's Lectern packages.
    const directory = join(here, ".scaffold-test", `all-${process.pid}`);
    await rm(directory, { recursive: true, force: true });
    try {
      await scaffold({
        ...base(),
        directory,
        plugins: CHOICES.map((c) => c.id),
        institution: "Northwind College",
      });
      const config = (await import(pathToFileURL(join(directory, "lectern.config.ts")).href)) as {
        default: LecternConfig;
      };
      const t = await createTestLectern({ plugins: config.default.plugins });
      try {
        const paths = Object.keys((await t.anonymous.get("/api/openapi.json")).body.paths);
        for (const prefix of [
          "/api/courses",
          "/api/exams",
          "/api/certificates",
          "/api/payments",
          "/api/live-classes",
          "/api/me/attendance",
          "/api/me/recommendations",
          "/api/assistant",
          "/api/me/bookmarks",
        ]) {
          expect(
            paths.some((path) => path.startsWith(prefix)),
            prefix,
          ).toBe(true);
        }
      } finally {
        await t.close();
      }
    } finally {
      await rm(join(here, ".scaffold-test"), { recursive: true, force: true });
    }
  });
});
