import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import config from "../lectern.config.js";
import { captureBothWidths, expectAccessible, expectNoSidewaysScroll, settled } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const installed = new Set(config.plugins.map((plugin) => plugin.definition.id));
const PHONE = { width: 390, height: 844 };
// The institution pages come from configuration: the tour sets some values and leaves the rest.
const CONTACT_EMAIL = "office@tour-campus.example";
const FAQ = [{ question: "Is there a library card?", answer: "Yes: every enrolled student gets one." }];

/** Scrolls the image into view (covers load lazily) and waits until it has decoded pixels. */
async function expectLoaded(image: Locator): Promise<void> {
  await image.scrollIntoViewIfNeeded();
  await expect
    .poll(() => image.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), {
      timeout: 20_000,
    })
    .toBe(true);
}

async function atPhoneWidth(page: Page, label: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await expectNoSidewaysScroll(page, label);
  await expectAccessible(page, `${label} at 390 px`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const tour = campusTour({ env: { CAMPUS_CONTACT_EMAIL: CONTACT_EMAIL, CAMPUS_FAQ: JSON.stringify(FAQ) } });

describe.sequential("the public campus as a visitor sees it, in Chromium", () => {
  it.runIf(installed.has("courses"))(
    "shows a drawn cover for every course without an uploaded one: home, catalog and course page",
    async () => {
      const page = await tour.open("/");
      await settled(page);
      const covers = page.getByTestId("course-cover");
      expect(await covers.count()).toBeGreaterThan(3);
      const sources = new Set<string>();
      for (const cover of await covers.all()) {
        expect(await cover.evaluate((el) => el.tagName)).toBe("IMG");
        await expectLoaded(cover);
        sources.add((await cover.getAttribute("src")) ?? "");
      }
      // Demo courses have no uploaded cover: each is drawn, one per course.
      for (const src of sources) expect(src).toMatch(/^\/covers\/[0-9a-f-]{36}\.svg\?v=[0-9a-z]+$/);
      expect(sources.size).toBeGreaterThan(3);
      await page.evaluate(() => window.scrollTo(0, 0));
      await captureBothWidths(page, "home");

      // Served as an image, compressed, immutable at its versioned URL, revalidated by ETag otherwise.
      const [src] = [...sources];
      const answer = await page.request.get(src!, { headers: { "accept-encoding": "br" } });
      expect(answer.status()).toBe(200);
      expect(answer.headers()["content-type"]).toBe("image/svg+xml");
      expect(answer.headers()["content-encoding"]).toBe("br");
      expect(answer.headers()["cache-control"]).toContain("immutable");
      const svg = await answer.text();
      expect(svg).toMatch(/^<svg[^>]+width="640" height="360"/);
      expect(svg).not.toMatch(/<script|<text/);
      const etag = answer.headers().etag!;
      expect(etag).toBe(`"${src!.split("v=")[1]}"`);
      const again = await page.request.get(src!, { headers: { "if-none-match": etag } });
      expect(again.status()).toBe(304);
      const stale = await page.request.get(src!.replace(/v=.*/, "v=old"));
      expect(stale.status()).toBe(200);
      expect(stale.headers()["cache-control"]).toContain("no-cache");
      expect((await page.request.get("/covers/00000000-0000-4000-8000-000000000000.svg")).status()).toBe(404);

      await page.goto("/courses");
      const catalogCover = page.locator("article").first().getByTestId("course-cover");
      await expectLoaded(catalogCover);
      await captureBothWidths(page, "catalog");
      await page.locator("article").first().getByRole("link").click();
      await page.waitForURL("**/courses/*");
      const courseCover = page.getByTestId("course-cover");
      await expectLoaded(courseCover);
      expect(await courseCover.getAttribute("src")).toMatch(/^\/covers\//);
      await captureBothWidths(page, "course-page");
    },
  );

  it("reaches About, Contact and FAQ from the footer, with the configured content", async () => {
    const page = await tour.open("/");
    const footer = page.getByRole("contentinfo");
    await footer.getByRole("link", { name: "About" }).click();
    await page.waitForURL("**/about");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(/^About /);
    expect(await page.getByTestId("about").locator("p").count()).toBeGreaterThan(0);
    await captureBothWidths(page, "about");
    await atPhoneWidth(page, "about");

    await page.getByRole("contentinfo").getByRole("link", { name: "Contact" }).click();
    await page.waitForURL("**/contact");
    const email = page.getByTestId("contact").getByRole("link", { name: CONTACT_EMAIL });
    expect(await email.getAttribute("href")).toBe(`mailto:${CONTACT_EMAIL}`);
    await captureBothWidths(page, "contact");
    await atPhoneWidth(page, "contact");

    await page.getByRole("contentinfo").getByRole("link", { name: "FAQ" }).click();
    await page.waitForURL("**/faq");
    const faq = page.getByTestId("faq");
    // The configured questions replace the default ones.
    expect(await faq.locator("summary > span:not([aria-hidden])").allTextContents()).toEqual([
      FAQ[0]!.question,
    ]);
    await expect(faq.getByText(FAQ[0]!.answer).isVisible()).resolves.toBe(true);
    // A question folds away and opens again on a click, as a disclosure should.
    await faq.locator("summary").first().click();
    await expect(faq.getByText(FAQ[0]!.answer).isVisible()).resolves.toBe(false);
    await faq.locator("summary").first().click();
    await expect(faq.getByText(FAQ[0]!.answer).isVisible()).resolves.toBe(true);
    await captureBothWidths(page, "faq");
    await atPhoneWidth(page, "faq");
  });

  it.runIf(installed.has("courses"))("answers a misspelt search with “did you mean”", async () => {
    const page = await tour.open("/");
    await page.getByLabel("Search courses").fill("pyhton");
    await page.getByLabel("Search courses").press("Enter");
    await page.waitForURL("**/courses?search=pyhton");
    const hint = page.getByTestId("did-you-mean");
    await hint.waitFor();
    await expect(hint.textContent()).resolves.toContain("Did you mean python?");
    await captureBothWidths(page, "did-you-mean");
    await atPhoneWidth(page, "did you mean");
    await hint.getByRole("link", { name: "python" }).click();
    await page.waitForURL("**/courses?search=python");
    expect(await page.locator("article").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("did-you-mean").count()).toBe(0);
  });

  it("loads the sign-in dialog only when asked, and it opens on the first click", async () => {
    const page = await tour.open("/");
    await page.waitForFunction(() => document.documentElement.dataset.loginReady === "true");
    await page.waitForLoadState("networkidle");
    // The home page's first paint needs no React: the dialog's code is not fetched yet.
    const scripts = () =>
      page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .filter(
            (e) => (e as PerformanceResourceTiming).initiatorType === "script" || e.name.endsWith(".js"),
          )
          .map((e) => e.name),
      );
    expect((await scripts()).some((name) => /LoginDialog|mount-login/.test(name))).toBe(false);
    await page.getByRole("banner").getByRole("button", { name: "Sign in" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect((await scripts()).some((name) => /LoginDialog|mount-login/.test(name))).toBe(true);
    await expectAccessible(page, "the sign-in dialog, loaded on demand");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // The footer's "Create an account" opens the same dialog on the registration form.
    await page.getByRole("contentinfo").getByRole("button", { name: "Create an account" }).click();
    await page.getByRole("dialog").getByLabel("Name").waitFor();
  });
});
