import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Lectern } from "@lectern/core";
import { precompress } from "./compress.js";
import { mountCovers } from "./covers.js";
import { hashInlineScripts } from "./csp.js";
import type { Branding } from "./src/lib/branding.js";
import type { Institution } from "./src/lib/institution.js";

const root = fileURLToPath(new URL(".", import.meta.url));
const dist = join(root, "dist");
const stampFile = join(dist, ".source-hash");

/** A hash of everything the built site depends on, so a start rebuilds only after a change. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else {
      hash.update(relative(root, path));
      hash.update(readFileSync(path));
    }
  };
  for (const entry of ["src", "public", "astro.config.mjs", "package.json", "compress.ts"]) {
    if (existsSync(join(root, entry))) visit(join(root, entry));
  }
  for (const dependency of [
    "../../packages/client/src/index.ts",
    "../../packages/client/src/schema.gen.ts",
  ]) {
    const path = join(root, dependency);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest("hex");
}

/** Builds the Astro site when `dist/` is missing or older than its sources; one build at a time. */
export async function ensureSiteBuilt(log: (line: string) => void): Promise<void> {
  const wanted = sourceHash();
  const current = existsSync(stampFile) ? await readFile(stampFile, "utf8") : null;
  if (current === wanted && existsSync(join(dist, "server/entry.mjs"))) return;

  const lockPath = join(root, ".astro-build.lock");
  const lock = await acquireLock(lockPath);
  try {
    if (existsSync(stampFile) && (await readFile(stampFile, "utf8")) === wanted) return;
    log("Building the campus site (first start, or its sources changed)…");
    const started = Date.now();
    await rm(dist, { recursive: true, force: true });
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(root, "node_modules/astro/astro.js"), "build", "--silent"],
        {
          cwd: root,
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" },
        },
      );
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`astro build exited with ${code}`)),
      );
    });
    await mkdir(dist, { recursive: true });
    const compressed = await precompress(join(dist, "client"));
    log(
      `Precompressed ${compressed.files} assets: ${Math.round(compressed.bytes / 1024)} KB → ${Math.round(compressed.brotli / 1024)} KB with brotli.`,
    );
    await writeFile(stampFile, wanted);
    log(`Built the site in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await lock.release();
  }
}

async function acquireLock(path: string): Promise<{ release(): Promise<void> }> {
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch {
      // Another start is building; a lock older than ten minutes is a crashed build's.
      if (existsSync(path) && Date.now() - statSync(path).mtimeMs > 600_000) await rm(path, { force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Mounts the built site on Lectern's Hono app, after `/api`: hashed assets from `dist/client`,
 * then every other path through Astro's Node handler in middleware mode.
 */
export async function mountSite(
  lectern: Lectern,
  branding: Branding,
  installed: readonly string[] = [],
  institution?: Institution,
): Promise<void> {
  const { handler } = (await import(join(dist, "server/entry.mjs"))) as {
    handler: (req: unknown, res: unknown, next?: (error?: unknown) => void, locals?: object) => Promise<void>;
  };
  const client = relative(process.cwd(), join(dist, "client")) || ".";
  // Covers drawn for courses without an uploaded one (src/lib/covers.ts names their URLs).
  mountCovers(lectern, branding);
  lectern.app.use(
    "/_astro/*",
    serveStatic({
      root: client,
      // Hashed names: a changed file is a new URL, so browsers may keep these for a year.
      onFound: (_path, c) => c.header("Cache-Control", "public, max-age=31536000, immutable"),
      // The .br/.gz written at build, chosen by Accept-Encoding.
      precompressed: true,
    }),
  );
  lectern.app.use(
    "*",
    serveStatic({
      root: client,
      precompressed: true,
      // Unhashed files (favicon, fonts' CSS) may change with a new build: revalidate daily.
      onFound: (_path, c) => c.header("Cache-Control", "public, max-age=86400"),
    }),
  );
  // Browsers ask for /favicon.ico whatever the page says; answer with the site's icon.
  const favicon = await readFile(join(dist, "client", "favicon.svg")).catch(() => null);
  lectern.app.get("/favicon.ico", (c) =>
    favicon
      ? c.body(favicon, 200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" })
      : c.notFound(),
  );
  lectern.app.all("*", async (c) => {
    const env = c.env as {
      incoming?: import("node:http").IncomingMessage;
      outgoing?: import("node:http").ServerResponse;
    };
    if (!env?.incoming || !env.outgoing) return c.text("The campus site needs the Node server.", 500);
    const { incoming, outgoing } = env;
    const cookie = c.req.header("cookie");
    const origin = new URL(c.req.url).origin;
    // Server-side rendering reaches the API in-process, as the visitor (their cookie), by HTTP semantics.
    const lecternFetch = (request: Request) => {
      const headers = new Headers(request.headers);
      if (cookie) headers.set("cookie", cookie);
      const url = new URL(request.url);
      return Promise.resolve(
        lectern.app.fetch(
          new Request(origin + url.pathname + url.search, {
            method: request.method,
            headers,
            body: request.body,
            duplex: "half",
          } as RequestInit),
        ),
      );
    };
    outgoing.setHeader("X-Content-Type-Options", "nosniff");
    outgoing.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    outgoing.setHeader("X-Frame-Options", "DENY");
    // A late write after the server-wide deadline answered must not crash the process.
    outgoing.on("error", () => {});
    hashInlineScripts(outgoing, c.req.header("accept-encoding"));
    const locals = { lecternFetch, branding, installed, institution };
    const render = () =>
      new Promise<"answered" | "no page">((resolve, reject) => {
        outgoing.once("finish", () => resolve("answered"));
        outgoing.once("close", () => resolve("answered"));
        // Astro calls next() when no page matches the path: nothing has been written yet.
        handler(incoming, outgoing, (error) => (error ? reject(error) : resolve("no page")), locals).catch(
          reject,
        );
      });
    if ((await render()) === "no page" && !outgoing.headersSent) {
      // The site's own 404 page, with the 404 status (robots, /.env probes, mistyped links).
      incoming.url = "/404";
      const writeHead = outgoing.writeHead;
      outgoing.writeHead = ((_status: number, ...rest: []) =>
        writeHead.call(outgoing, 404, ...rest)) as never;
      if ((await render()) === "no page" && !outgoing.headersSent) {
        outgoing.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
        outgoing.end("Not found");
      }
    }
    return RESPONSE_ALREADY_SENT;
  });
}
