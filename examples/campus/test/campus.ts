import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@lectern/core/testing";

const campusDir = fileURLToPath(new URL("..", import.meta.url));

export interface RunningCampus {
  url: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface CampusSnapshot {
  /** Holds `state/` (the data, files and mail folders) and `ready` once taken. */
  dir: string;
  /** In the PostgreSQL pass, the database the snapshot's campus ran on. */
  databaseUrl: string | null;
}

/**
 * Starts the campus as the README does: the package's `start` script (build if needed, demo data),
 * on a free port (or the one given) with its data in a fresh temporary folder; `env` adds settings.
 * In the PostgreSQL pass of the test command (LECTERN_TEST_DATABASE_URL set) the campus runs on a
 * fresh database of that server instead of PGlite, so every tour is walked on both.
 *
 * With a `snapshot`, the first start of a test run is that full first start, stopped and kept; every
 * start after it begins from a copy of what it left (built, migrated, seeded — the script finds the
 * demo data there and seeds nothing): 7 s to ready instead of 18 s on two cores.
 */
export async function startCampus(
  options: { port?: number; env?: Record<string, string>; snapshot?: CampusSnapshot } = {},
): Promise<RunningCampus> {
  const { snapshot } = options;
  if (snapshot) await snapshotTaken(snapshot);
  const dataDir = await mkdtemp(join(tmpdir(), "lectern-campus-"));
  if (snapshot) await cp(join(snapshot.dir, "state"), dataDir, { recursive: true });
  const database = process.env.LECTERN_TEST_DATABASE_URL
    ? await createTestDatabase({ copyOf: snapshot?.databaseUrl ?? undefined })
    : null;
  const campus = await launch({
    dataDir,
    databaseUrl: database ? (database.config as { url: string }).url : "",
    port: options.port ?? (await freePort()),
    env: options.env,
  });
  return {
    ...campus,
    async stop() {
      await campus.stop();
      await rm(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/**
 * Resolves once the run's snapshot is there. Test files run side by side: the first to claim the
 * snapshot takes it while the others wait; if taking it fails, its half-written folder is cleared
 * and the next waiting file tries.
 */
async function snapshotTaken(snapshot: CampusSnapshot): Promise<void> {
  const claim = join(snapshot.dir, "taking");
  while (!existsSync(join(snapshot.dir, "ready"))) {
    // mkdir is atomic: exactly one file makes the claim.
    const claimed = await mkdir(claim).then(
      () => true,
      () => false,
    );
    if (!claimed) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      await takeSnapshot(snapshot);
    } catch (error) {
      await rm(join(snapshot.dir, "state"), { recursive: true, force: true });
      throw error;
    } finally {
      await rm(claim, { recursive: true, force: true });
    }
  }
}

/** The first start of a run, into the snapshot's folder and database, stopped once it is ready. */
async function takeSnapshot(snapshot: CampusSnapshot): Promise<void> {
  const campus = await launch({
    dataDir: join(snapshot.dir, "state"),
    databaseUrl: snapshot.databaseUrl ?? "",
    port: await freePort(),
  });
  await campus.stop();
  await writeFile(join(snapshot.dir, "ready"), "");
}

/** Runs the `start` script with its folders under `dataDir`, until it says it is running. */
async function launch(options: {
  dataDir: string;
  databaseUrl: string;
  port: number;
  env?: Record<string, string>;
}): Promise<RunningCampus> {
  const { dataDir, port } = options;
  const { scripts } = JSON.parse(await readFile(join(campusDir, "package.json"), "utf8"));
  let log = "";
  const child: ChildProcess = spawn("sh", ["-c", scripts.start], {
    cwd: campusDir,
    env: {
      ...process.env,
      PATH: `${join(campusDir, "node_modules/.bin")}:${process.env.PATH}`,
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      LECTERN_DATA_DIR: join(dataDir, "data"),
      LECTERN_FILES_DIR: join(dataDir, "files"),
      LECTERN_MAIL_DIR: join(dataDir, "mail"),
      LECTERN_LOG_LEVEL: "warn",
      DATABASE_URL: options.databaseUrl,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = log.match(/Lectern campus is running at (http:\/\/\S+)/);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 100);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`The campus exited with ${code} before it was ready:\n${log}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // The start script runs under sh; signal the process group it leads (ours alone).
      process.kill(-child.pid!, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    },
  };
}
