import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { launchChromium, newContext } from "./browser.js";
import { type RunningCampus, startCampus } from "./campus.js";

type CampusOptions = Omit<NonNullable<Parameters<typeof startCampus>[0]>, "snapshot">;

export interface Tour {
  readonly campus: RunningCampus;
  /**
   * A page in a context of its own (its own cookies: a new person), sized to `viewport` when one
   * is given, at `path` when one is given. Page errors are printed, so a tour's log shows them.
   */
  open(path?: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * The setup every tour file shares: the campus (a copy of the run's snapshot) and Chromium start
 * side by side before its tests (`options` may be a function, for settings known only once a fake
 * is running), and the contexts its pages opened, the browser and the campus are closed after them.
 */
export function campusTour(options: CampusOptions | (() => Promise<CampusOptions>) = {}): Tour {
  let campus: RunningCampus | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const campusOptions = typeof options === "function" ? await options() : options;
    const [started, launched] = await Promise.allSettled([
      startCampus({ ...campusOptions, snapshot: inject("campusSnapshot") }),
      launchChromium(),
    ]);
    if (started.status === "fulfilled") campus = started.value;
    if (launched.status === "fulfilled") browser = launched.value;
    for (const result of [started, launched]) if (result.status === "rejected") throw result.reason;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await campus?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (!value) throw new Error(`The tour's ${what} has not started.`);
    return value;
  };

  return {
    get campus() {
      return started(campus, "campus");
    },
    async open(path, viewport) {
      const context = await newContext(started(browser, "browser"), started(campus, "campus").url);
      contexts.push(context);
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on("pageerror", (error) => console.error(`page error on ${page.url()}: ${error.message}`));
      if (path) await page.goto(path);
      return page;
    },
  };
}
