/**
 * Lectern as a new user meets it: every publishable package packed with `pnpm pack`, installed with
 * plain npm into a fresh folder outside the workspace, then a server and a plugin written against
 * the published packages — type-checked (NodeNext and Bundler, skipLibCheck false), started on
 * PGlite, drizzle-kit run on the plugin's schema, and the plugin's test run under vitest's default
 * timeouts. Run after `pnpm build`: `pnpm check:consumer` (`--keep` leaves the folder for a look).
 */
import { execFileSync, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const keep = process.argv.includes("--keep");
const PNPM = ["-y", "pnpm@10.34.9"];
// The consumer's own tools, at the versions the workspace uses.
const TOOLS = {
  typescript: "5.9.3",
  vitest: "4.1.12",
  "drizzle-kit": "0.31.11",
  "drizzle-orm": "0.45.4",
  tsx: "4.21.0",
  "@types/node": "20.19.43",
};

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const started = Date.now();
  process.stdout.write(`$ ${cmd} ${args.join(" ")}\n`);
  try {
    const out = execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(`  ok in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return out;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    process.stderr.write(`${e.stdout ?? ""}${e.stderr ?? ""}\n`);
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}`);
  }
}

/**
 * tsc with skipLibCheck false: Lectern's declarations and the consumer's code must be clean.
 * drizzle-orm's own declarations (its MySQL, SingleStore and SQLite builders) do not check under
 * these settings without the DOM library; those are counted, not failed on: they are not ours.
 */
function typeCheck(app: string, project: string) {
  const started = Date.now();
  process.stdout.write(`$ tsc -p ${project}\n`);
  let output = "";
  try {
    execFileSync("npx", ["tsc", "-p", project], {
      cwd: app,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    output = `${(error as { stdout?: string }).stdout ?? ""}`;
  }
  const errors = output.split("\n").filter((line) => /^\S.*\(\d+,\d+\): error TS/.test(line));
  const foreign = errors.filter((line) => /^node_modules\/(?!@lectern\/)/.test(line));
  const ours = errors.filter((line) => !foreign.includes(line));
  if (ours.length > 0) {
    process.stderr.write(`${ours.join("\n")}\n`);
    throw new Error(
      `${project}: ${ours.length} type errors in Lectern's declarations or the consumer's code`,
    );
  }
  const owners = [...new Set(foreign.map((line) => line.split("/")[1]))].join(", ");
  const note = foreign.length ? ` (${foreign.length} in third-party declarations: ${owners})` : "";
  process.stdout.write(`  ok in ${((Date.now() - started) / 1000).toFixed(1)} s${note}\n`);
}

async function publishablePackages(): Promise<string[]> {
  const dirs: string[] = [];
  for (const group of ["packages", "plugins", "apps"]) {
    const entries = await readdir(join(root, group)).catch(() => [] as string[]);
    for (const entry of entries) {
      const manifest = join(root, group, entry, "package.json");
      const pkg = JSON.parse(await readFile(manifest, "utf8").catch(() => '{"private":true}'));
      if (!pkg.private) dirs.push(join(root, group, entry));
    }
  }
  return dirs;
}

async function pack(dirs: string[], into: string): Promise<Record<string, string>> {
  const tarballs: Record<string, string> = {};
  for (const dir of dirs) {
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    if (pkg.scripts?.build) {
      await stat(join(dir, "dist")).catch(() => {
        throw new Error(`${pkg.name} is not built: run \`pnpm build\` first.`);
      });
    }
    const out = run("npx", [...PNPM, "pack", "--pack-destination", into], dir);
    const file = out.trim().split("\n").pop()!.trim();
    tarballs[pkg.name] = `file:${file.startsWith("/") ? file : join(into, file)}`;
  }
  return tarballs;
}

const tsconfig = (module: "NodeNext" | "ESNext", moduleResolution: "NodeNext" | "Bundler") => ({
  compilerOptions: {
    target: "ES2022",
    module,
    moduleResolution,
    lib: ["ES2023"],
    types: ["node"],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ["*.ts", "src"],
});

const SERVER = `import { createLectern } from "@lectern/core";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { certificates } from "@lectern/certificates";
import { bookmarks } from "./src/index.js";

// As the README writes it: an unset DATABASE_URL means embedded PGlite.
const lectern = await createLectern({
  database: { url: process.env.DATABASE_URL, dataDir: ".lectern/data" },
  plugins: [courses(), exams(), certificates(), bookmarks()],
});
const { url } = await lectern.start({ port: Number(process.env.PORT), hostname: "127.0.0.1" });
const health = await fetch(\`\${url}/api/health\`);
const openapi = (await (await fetch(\`\${url}/api/openapi.json\`)).json()) as { paths: Record<string, unknown> };
await lectern.stop();
if (health.status !== 200) throw new Error(\`health answered \${health.status}\`);
if (!openapi.paths["/api/me/bookmarks"]) throw new Error("the consumer plugin's route is not served");
console.log("consumer server answered health 200 and serves the plugin's routes");
`;

const REQUIRE_CHECK = `const core = require("@lectern/core");
const testing = require("@lectern/core/testing");
if (typeof core.createLectern !== "function" || typeof testing.createTestLectern !== "function") {
  throw new Error("require() did not load @lectern/core");
}
console.log("require('@lectern/core') works");
`;

/** Polls a URL until it answers 200, or fails after `ms`. */
async function waitFor(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer 200 within ${ms / 1000} s`);
}

/**
 * The starter as `npm create lectern` runs it: create-lectern from its tarball scaffolds a project,
 * whose Lectern dependencies are pointed at the tarballs (what the registry would serve); then the
 * project's own scripts: install, typecheck, test (vitest's defaults), migrate, and start.
 */
async function checkStarter(work: string, tarballs: Record<string, string>) {
  const starter = tarballs["create-lectern"]!.slice("file:".length);
  const plugins = "exams,certificates,payments,live-classes,attendance,recommendations,assistant";
  run(
    "npm",
    [
      "exec",
      "--yes",
      `--package=${starter}`,
      "--",
      "create-lectern",
      "campus",
      "--yes",
      `--plugins=${plugins}`,
    ],
    work,
  );
  const project = join(work, "campus");
  const manifestFile = join(project, "package.json");
  const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
  for (const name of Object.keys(manifest.dependencies)) {
    if (name.startsWith("@lectern/")) {
      if (!tarballs[name]) throw new Error(`the starter depends on ${name}, which is not published`);
      manifest.dependencies[name] = tarballs[name];
    }
  }
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
  run("npm", ["run", "typecheck"], project);
  run("npm", ["test"], project, { LECTERN_TEST_DATABASE_URL: "" });
  run("npm", ["run", "migrate"], project, { DATABASE_URL: "" });
  const port = "42781";
  const server = spawn("npm", ["start"], {
    cwd: project,
    env: { ...process.env, PORT: port, DATABASE_URL: "" },
    stdio: "ignore",
    detached: true,
  });
  try {
    await waitFor(`http://127.0.0.1:${port}/api/health`, 120_000);
    const openapi = (await (await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    if (!openapi.paths["/api/me/bookmarks"]) throw new Error("the starter's sample plugin is not served");
    console.log("  the starter's project installs, type-checks, passes its tests and serves");
  } finally {
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}

async function main() {
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), "lectern-consumer-"));
  const tarballDir = join(work, "tarballs");
  const app = join(work, "app");
  await mkdir(tarballDir, { recursive: true });
  await mkdir(app, { recursive: true });
  try {
    const tarballs = await pack(await publishablePackages(), tarballDir);

    // A project outside the workspace: the packages and a plugin of its own (the guide's example).
    const plugin = join(root, "examples", "bookmarks-plugin");
    await cp(join(plugin, "src"), join(app, "src"), { recursive: true });
    await cp(join(plugin, "drizzle.config.ts"), join(app, "drizzle.config.ts"));
    const manifest = {
      name: "lectern-consumer",
      private: true,
      type: "module",
      dependencies: { ...tarballs, "drizzle-orm": TOOLS["drizzle-orm"] },
      devDependencies: Object.fromEntries(Object.entries(TOOLS).filter(([name]) => name !== "drizzle-orm")),
    };
    await writeFile(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(app, "tsconfig.json"), JSON.stringify(tsconfig("NodeNext", "NodeNext"), null, 2));
    await writeFile(
      join(app, "tsconfig.bundler.json"),
      JSON.stringify(tsconfig("ESNext", "Bundler"), null, 2),
    );
    await writeFile(join(app, "server.ts"), SERVER);
    await writeFile(join(app, "require-check.cjs"), REQUIRE_CHECK);

    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app);
    if (await stat(join(app, "node_modules", "@scarf", "scarf")).catch(() => null)) {
      throw new Error("@scarf/scarf (a telemetry postinstall) was installed");
    }
    const size = run("du", ["-sm", "node_modules"], app).split("\t")[0];
    console.log(`  node_modules: ${size} MB`);

    typeCheck(app, "tsconfig.json");
    typeCheck(app, "tsconfig.bundler.json");
    run("node", ["require-check.cjs"], app);

    // Step 2 of the plugin guide: drizzle-kit reads a schema that imports core's users table.
    run("npx", ["drizzle-kit", "generate"], app);
    const migrations = await readdir(join(app, "migrations"));
    if (!migrations.some((file) => file.endsWith(".sql"))) throw new Error("drizzle-kit wrote no migration");

    run("npx", ["tsx", "server.ts"], app, { PORT: "42780", DATABASE_URL: "" });
    // vitest with no config: its default 5 s test and 10 s hook timeouts.
    run("npx", ["vitest", "run"], app, { LECTERN_TEST_DATABASE_URL: "" });
    await checkStarter(work, tarballs);
    console.log(`Consumer check passed in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    if (keep) console.log(`Left in ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
