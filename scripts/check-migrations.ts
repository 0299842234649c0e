/**
 * Fails when a package's drizzle schema has changes that no committed migration holds:
 * runs `drizzle-kit generate` against a copy of each migrations folder and looks for new files.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const roots = ["packages", "plugins"].filter(existsSync);
const packages = roots.flatMap((root) =>
  readdirSync(root)
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, "drizzle.config.ts")) && existsSync(join(dir, "src", "schema.ts"))),
);

let stale = 0;
for (const dir of packages) {
  const copy = mkdtempSync(join(tmpdir(), "lectern-migrations-"));
  try {
    if (existsSync(join(dir, "migrations"))) cpSync(join(dir, "migrations"), copy, { recursive: true });
    const before = new Set(readdirSync(copy));
    execFileSync(
      join(process.cwd(), "node_modules", ".bin", "drizzle-kit"),
      ["generate", "--dialect", "postgresql", "--schema", "./src/schema.ts", "--out", copy],
      { cwd: dir, stdio: "pipe" },
    );
    const added = readdirSync(copy).filter((f) => !before.has(f) && f.endsWith(".sql"));
    if (added.length > 0) {
      stale++;
      console.error(
        `${dir}: schema.ts has changes without a migration. Run \`npx drizzle-kit generate\` in ${dir}.`,
      );
    } else {
      console.log(`${dir}: migrations match the schema.`);
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
process.exit(stale > 0 ? 1 : 0);
