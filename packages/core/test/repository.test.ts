import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { is, isView } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";

/**
 * Rules every first-party package in this repository keeps, checked over the source: no plugin
 * reads another's tables (it calls the other's service, or joins a view the other publishes), and
 * a plugin's `coreRange` is a literal, so the core's version check can fail.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const packageDirs = ["packages", "plugins", "examples"]
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)))
  .filter((dir) => existsSync(join(dir, "src")));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const importsOf = (source: string) =>
  [...source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]!);

/** Import specifiers that reach into another package's storage or folder. */
export function boundaryViolations(packageDir: string, file: string, source: string): string[] {
  const problems: string[] = [];
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith(".")) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(packageDir + "/")) {
        problems.push(`imports ${specifier}, a file of another package: import the package instead`);
      }
    } else if (/^@lectern\/[^/]+\/.*schema/.test(specifier)) {
      problems.push(`imports ${specifier}, another package's schema`);
    }
  }
  return problems;
}

describe("package boundaries", () => {
  it("the check itself catches a reach into another package", () => {
    const dir = join(root, "packages", "exams");
    const file = join(dir, "src", "service.ts");
    expect(boundaryViolations(dir, file, `import { courses } from "../../courses/src/schema.js";`)).toEqual([
      "imports ../../courses/src/schema.js, a file of another package: import the package instead",
    ]);
    expect(
      boundaryViolations(dir, file, `import { enrollments } from "@lectern/courses/schema";`),
    ).toHaveLength(1);
    expect(boundaryViolations(dir, file, `import { attempts } from "./schema.js";`)).toEqual([]);
  });

  it("no package imports another package's files or schema", () => {
    const found: string[] = [];
    for (const dir of packageDirs) {
      for (const file of sourceFiles(join(dir, "src"))) {
        for (const problem of boundaryViolations(dir, file, readFileSync(file, "utf8")))
          found.push(`${relative(root, file)} ${problem}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("no plugin exports its tables (views for report joins are its published contract)", async () => {
    const exported: string[] = [];
    const tablesIn = (value: unknown, path: string): string[] => {
      if (!value || typeof value !== "object") return [];
      if (Object.getPrototypeOf(value) === null) {
        // A namespace re-export (`export * as schema from "./schema.js"`).
        return Object.entries(value).flatMap(([key, inner]) => tablesIn(inner, `${path}.${key}`));
      }
      if (isView(value)) return [];
      return is(value, PgTable) ? [path] : [];
    };
    // The core is not a plugin: its `users` table is part of its published contract.
    for (const dir of packageDirs.filter((d) => !d.endsWith("/packages/core"))) {
      const index = join(dir, "src", "index.ts");
      if (!existsSync(index) || !existsSync(join(dir, "src", "schema.ts"))) continue;
      const module = (await import(pathToFileURL(index).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module))
        exported.push(...tablesIn(value, `${relative(root, dir)}: ${name}`));
    }
    expect(exported).toEqual([]);
  });

  it("every problem type a plugin answers is declared, by it or by the core", async () => {
    const { CORE_PROBLEM_TYPES } = await import("../src/index.js");
    const undeclared: string[] = [];
    for (const dir of packageDirs.filter((d) => !d.endsWith("/packages/core"))) {
      const index = join(dir, "src", "index.ts");
      if (!existsSync(index)) continue;
      const module = (await import(pathToFileURL(index).href)) as Record<string, unknown>;
      const declared = new Set(Object.keys(CORE_PROBLEM_TYPES));
      for (const value of Object.values(module)) {
        if (typeof value === "function" && "pluginId" in value) {
          const plugin = (
            value as unknown as () => { definition: { problemTypes?: Record<string, unknown> } }
          )();
          for (const slug of Object.keys(plugin.definition.problemTypes ?? {})) declared.add(slug);
        }
      }
      for (const file of sourceFiles(join(dir, "src")).filter((f) => !f.endsWith(".test.ts"))) {
        const source = readFileSync(file, "utf8");
        for (const match of source.matchAll(/(?:type:\s*|conflict\(\s*)"([a-z]+(?:-[a-z]+)+)"/g)) {
          if (!declared.has(match[1]!)) undeclared.push(`${relative(root, file)}: ${match[1]}`);
        }
        if (/lectern\.dev\/problems\//.test(source))
          undeclared.push(`${relative(root, file)}: a full problem URI; write the slug`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it("every first-party plugin writes its coreRange as a literal", () => {
    const computed: string[] = [];
    // The core declares the field (`coreRange: string`); every other package sets it.
    for (const dir of packageDirs.filter((d) => !d.endsWith("/packages/core"))) {
      for (const file of sourceFiles(join(dir, "src"))) {
        for (const match of readFileSync(file, "utf8").matchAll(/coreRange:\s*([^,\n]+)/g)) {
          if (!/^"[^"]+"$/.test(match[1]!.trim())) computed.push(`${relative(root, file)}: ${match[1]}`);
        }
      }
    }
    expect(computed).toEqual([]);
  });

  it("no published package's README links outside its own folder (the tarball has nothing there)", () => {
    const outside: string[] = [];
    for (const group of ["packages", "plugins", "apps"]) {
      for (const name of readdirSync(join(root, group))) {
        const readme = join(root, group, name, "README.md");
        const manifest = join(root, group, name, "package.json");
        if (!existsSync(readme) || JSON.parse(readFileSync(manifest, "utf8")).private) continue;
        for (const match of readFileSync(readme, "utf8").matchAll(/\]\((\.\.\/[^)]*)\)/g)) {
          outside.push(`${group}/${name}/README.md: ${match[1]}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
