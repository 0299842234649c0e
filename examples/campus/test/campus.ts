import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
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

/**
 * Starts the campus as the README does: the package's `start` script (build if needed, demo data),
 * on a free port (or the one given) with its data in a fresh temporary folder; `env` adds settings.
 * In the PostgreSQL pass of the test command (LECTERN_TEST_DATABASE_URL set) the campus runs on a
 * fresh database of that server instead of PGlite, so every tour is walked on both.
 */
export async function startCampus(
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<RunningCampus> {
  const dataDir = await mkdtemp(join(tmpdir(), "lectern-campus-"));
  const port = options.port ?? (await freePort());
  const { scripts } = JSON.parse(await readFile(join(campusDir, "package.json"), "utf8"));
  const database = process.env.LECTERN_TEST_DATABASE_URL ? await createTestDatabase() : null;
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
      DATABASE_URL: database ? (database.config as { url: string }).url : "",
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
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        // The start script runs under sh; signal the process group it leads (ours alone).
        process.kill(-child.pid!, "SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
      }
      await rm(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}
