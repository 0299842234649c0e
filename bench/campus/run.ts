/**
 * Campus front-end benchmark: time to first byte and time to interactive of the home page and the
 * student dashboard in Chromium, cold (a fresh browser profile) and warm (the same profile again),
 * the JavaScript each page ships, and the bytes each page moves over the wire: "before" is every
 * response's decoded size (what an uncompressing server sends), "after" what was transferred with the
 * server's brotli/gzip, both from the browser's own Resource Timing in the same visit.
 * Starts the campus the way the README does, on a free port with throwaway data.
 * Run: `npx tsx bench/campus/run.ts` from the repo root (BENCH_RUNS, default 5, per measurement).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type Browser, launchChromium, type Page } from "../../examples/campus/test/browser.js";
import { startCampus } from "../../examples/campus/test/campus.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = dirname(fileURLToPath(import.meta.url));

interface Sample {
  ttfb: number;
  domContentLoaded: number;
  interactive: number;
}

interface Target {
  name: string;
  path: string;
  signIn: boolean;
  /** Resolves when the page is usable: its islands hydrated and their data shown. */
  ready: (page: Page) => Promise<unknown>;
}

const TARGETS: Target[] = [
  {
    name: "home",
    path: "/",
    signIn: false,
    ready: (page) => page.waitForFunction(() => document.documentElement.dataset.loginReady === "true"),
  },
  {
    name: "student dashboard",
    path: "/student",
    signIn: true,
    ready: (page) =>
      page.waitForFunction(
        () =>
          document.querySelector("#continue-title") !== null &&
          document.querySelectorAll(".skeleton").length === 0,
      ),
  },
];

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function measure(page: Page, target: Target): Promise<Sample> {
  await page.goto(target.path, { waitUntil: "commit" });
  await target.ready(page);
  const interactive = await page.evaluate(() => performance.now());
  const nav = await page.evaluate(() => {
    const entry = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return {
      ttfb: entry.responseStart - entry.startTime,
      dcl: entry.domContentLoadedEventEnd - entry.startTime,
    };
  });
  return { ttfb: nav.ttfb, domContentLoaded: nav.dcl, interactive };
}

async function signIn(page: Page, origin: string): Promise<void> {
  const response = await page.request.post(`${origin}/api/auth/login`, {
    data: { email: "student@example.com", password: "lectern-demo" },
    headers: { origin },
  });
  if (!response.ok()) throw new Error(`sign-in failed: ${response.status()}`);
}

async function javascriptOf(browser: Browser, origin: string, target: Target) {
  const context = await browser.newContext({ baseURL: origin });
  const page = await context.newPage();
  if (target.signIn) await signIn(page, origin);
  const scripts = new Map<string, Promise<Buffer>>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") scripts.set(response.url(), response.body());
  });
  await page.goto(target.path);
  await target.ready(page);
  await page.waitForLoadState("networkidle");
  let raw = 0;
  let gzip = 0;
  for (const body of await Promise.all(scripts.values())) {
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  const inline = await page.evaluate(() =>
    Array.from(document.querySelectorAll("script:not([src])")).reduce(
      (n, s) => n + (s.textContent?.length ?? 0),
      0,
    ),
  );
  await context.close();
  return { files: scripts.size, raw, gzip, inline };
}

/** Decoded ("before") and transferred ("after") bytes of one cold visit, every response counted. */
async function bytesOf(browser: Browser, origin: string, target: Target) {
  const context = await browser.newContext({ baseURL: origin });
  const page = await context.newPage();
  if (target.signIn) await signIn(page, origin);
  await page.goto(target.path);
  await target.ready(page);
  await page.waitForLoadState("networkidle");
  const totals = await page.evaluate(() => {
    const entries = [
      ...performance.getEntriesByType("navigation"),
      ...performance.getEntriesByType("resource"),
    ] as PerformanceResourceTiming[];
    return {
      responses: entries.length,
      decoded: entries.reduce((n, e) => n + e.decodedBodySize, 0),
      transferred: entries.reduce((n, e) => n + e.transferSize, 0),
    };
  });
  await context.close();
  return totals;
}

const campus = await startCampus();
const browser = await launchChromium();
const results: Record<string, unknown> = {};
try {
  for (const target of TARGETS) {
    const cold: Sample[] = [];
    const warm: Sample[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ baseURL: campus.url });
      const page = await context.newPage();
      if (target.signIn) await signIn(page, campus.url);
      cold.push(await measure(page, target));
      warm.push(await measure(page, target));
      await context.close();
    }
    const js = await javascriptOf(browser, campus.url, target);
    const bytes = await bytesOf(browser, campus.url, target);
    const summary = (samples: Sample[]) => ({
      ttfbMs: Math.round(median(samples.map((s) => s.ttfb))),
      domContentLoadedMs: Math.round(median(samples.map((s) => s.domContentLoaded))),
      interactiveMs: Math.round(median(samples.map((s) => s.interactive))),
    });
    results[target.name] = { cold: summary(cold), warm: summary(warm), javascript: js, bytes };
    console.log(`\n${target.name} (median of ${RUNS})`);
    console.log(`  cold: ${JSON.stringify(summary(cold))}`);
    console.log(`  warm: ${JSON.stringify(summary(warm))}`);
    console.log(
      `  JavaScript: ${js.files} files, ${(js.raw / 1024).toFixed(1)} KB raw, ${(js.gzip / 1024).toFixed(1)} KB gzipped, ${js.inline} B inline`,
    );
    console.log(
      `  Bytes: ${bytes.responses} responses, ${(bytes.decoded / 1024).toFixed(1)} KB before compression, ${(bytes.transferred / 1024).toFixed(1)} KB transferred`,
    );
  }
  await mkdir(join(here, "../results"), { recursive: true });
  await writeFile(
    join(here, "../results/campus.json"),
    JSON.stringify({ at: new Date().toISOString(), runs: RUNS, results }, null, 2),
  );
} finally {
  await browser.close();
  await campus.stop();
}
