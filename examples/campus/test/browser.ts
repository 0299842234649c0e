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

/** Words that only machinery says: route names, validator messages, field paths, stack frames, raw titles. */
export const RAW_PROBLEM_TEXT =
  /\broutes?\b|expected (string|number|array|object)|Too small|Too big|Invalid input|Not found –|[a-z]+\.\d+\.[a-z]+|\bat [\w$.<>]+ \((file|node|https?):/i;

/** The visible text around the first raw problem on the page; empty when there is none. */
export async function rawProblemText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: what is visible is what counts, not hidden nodes' text
  const text = await page.evaluate(() => document.body.innerText);
  const found = RAW_PROBLEM_TEXT.exec(text);
  return found ? text.slice(Math.max(0, found.index - 60), found.index + 60) : "";
}

/** Fails when the page shows a person anything from {@link RAW_PROBLEM_TEXT}. */
export async function expectNoRawProblems(page: Page, label: string): Promise<void> {
  expect(await rawProblemText(page), `raw text on ${label}`).toBe("");
}

/** How the page sticks out sideways (width and widest element); empty when it fits its window. */
export async function sidewaysScroll(page: Page): Promise<string> {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const width = window.innerWidth;
    // Names the widest element sticking out, so a failure says where to look.
    let widest = "";
    let right = width;
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      const box = el.getBoundingClientRect();
      if (box.right > right + 1 && getComputedStyle(el).position !== "fixed") {
        right = box.right;
        widest = `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join(".")} (${Math.round(box.right)} px)`;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, widest };
  });
  return scrollWidth <= innerWidth ? "" : `${scrollWidth} px wide at ${innerWidth} px: ${widest}`;
}

/** Fails when the page scrolls sideways (wider than the window). */
export async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  expect(await sidewaysScroll(page), `${label} scrolls sideways`).toBe("");
}

/**
 * axe-core's serious and critical violations on the page as it is now, one paragraph each (empty
 * when clean); `rules` names lesser ones that count too (say "heading-order").
 */
export async function axeProblems(page: Page, rules: readonly string[] = []): Promise<string> {
  // A transition caught at its start (a button just enabled, still at its disabled opacity) is a
  // frame no person reads: let finite animations end first (spinners and shimmers never do).
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity)))
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]),
  );
  // Evaluated through DevTools, not as an inline <script>: the site's CSP rightly refuses those.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
    const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || rules.includes(v.id))
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`,
    )
    .join("\n");
}

/** Runs axe-core on the page as it is now; serious and critical violations fail the test. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await expectNoRawProblems(page, label);
  expect(await axeProblems(page), `axe on ${label}`).toBe("");
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
  // Signing in hashes a password and loads a dashboard: on shared, loaded machines that can take a while.
  await Promise.all([
    page.waitForURL(`**/${role}`, { timeout: 60_000 }),
    // Enter in the password field, as most people submit it.
    dialog.getByLabel("Password").press("Enter"),
  ]);
  await settled(page);
}
