import { mkdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export type { Browser, BrowserContext, Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

const axeSource = readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now; serious and critical violations fail the test. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: await axeSource });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
    const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return result.violations as AxeViolation[];
  });
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = blocking
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`,
    )
    .join("\n");
  expect(report, `axe on ${label}`).toBe("");
}

const screenshotDir = process.env.CI
  ? join(tmpdir(), "lectern-campus-screenshots")
  : fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

/** A PNG of the viewport in docs/screenshots (a temporary folder under CI, so a run changes no file). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  const width = page.viewportSize()?.width ?? 1280;
  const path = join(screenshotDir, `${name}-${width}.png`);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, animations: "disabled" });
  expect((await stat(path)).size).toBeLessThan(1024 * 1024);
}

export const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** Screenshots at desktop and phone widths, with axe run at each. */
export async function captureBothWidths(page: Page, name: string): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await screenshot(page, name);
    await expectAccessible(page, `${name} at ${size.width} px`);
  }
  await page.setViewportSize(WIDTHS[0]);
}

export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: WIDTHS[0], reducedMotion: "reduce" });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Waits until the page's islands have hydrated (Astro drops their `ssr` mark) and loaded their data. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => document.querySelectorAll("astro-island[ssr], .skeleton").length === 0);
}

/** Signs in through the dialog on the home page, as a person would. */
export async function signInThroughDialog(
  page: Page,
  role: "student" | "instructor" | "admin",
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`/?login=${role}`);
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Password").fill(password);
  await Promise.all([page.waitForURL(`**/${role}`), dialog.getByRole("button", { name: "Sign in" }).click()]);
  await settled(page);
}
