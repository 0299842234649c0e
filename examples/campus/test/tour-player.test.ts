import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  captureBothWidths,
  expectAccessible,
  expectNoSidewaysScroll,
  settled,
  signInThroughDialog,
} from "./browser.js";
import { campusTour } from "./tour-setup.js";

const PASSWORD = "lectern-demo";
const COURSE = "Python for Absolute Beginners";
const LESSON = "Getting started: listening exercise";
const CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:05.000\nA first tone, then two higher ones.\n";

/** At 390 px: nothing sticks out sideways; then back to the desktop width. */
async function checkPhone(page: Page, label: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  await expectNoSidewaysScroll(page, label);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const tour = campusTour();

describe.sequential("captions in the player and the student's charts, in Chromium", () => {
  it("an instructor adds WebVTT captions to a video; a wrong file is refused in a sentence", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
    await page.goto("/instructor/courses");
    await settled(page);
    await Promise.all([
      page.waitForURL(/\/instructor\/courses\/[0-9a-f-]{36}/),
      page.getByRole("link", { name: COURSE }).first().click(),
    ]);
    await settled(page);
    await page.getByRole("tab", { name: "Outline & materials" }).click();
    const row = page.getByTestId("outline-material").filter({ hasText: LESSON });
    await row.waitFor();
    const picker = page.getByLabel(`Captions for ${LESSON} (WebVTT)`);
    await picker.waitFor({ state: "attached" });

    // A subtitles file in another format: the server says why, next to the control.
    await picker.setInputFiles({
      name: "lesson.srt",
      mimeType: "application/x-subrip",
      buffer: Buffer.from("1\n00:00:00,000 --> 00:00:05,000\nHello\n"),
    });
    const error = row.getByTestId("captions-error");
    // An upload on a loaded machine can take a while; the answer is what counts.
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(/must start with the line "WEBVTT"/);
    await expectAccessible(page, "the outline with a refused captions file");
    await checkPhone(page, "the outline with a refused captions file");

    await picker.setInputFiles({ name: "lesson.vtt", mimeType: "text/vtt", buffer: Buffer.from(CAPTIONS) });
    await page.getByText("Captions added").waitFor({ timeout: 60_000 });
    await row.getByText("CC", { exact: true }).waitFor();
    await row.getByText("Replace captions").waitFor();
    expect(await row.getByTestId("captions-error").count()).toBe(0);
    await captureBothWidths(page, "instructor-captions");
    await checkPhone(page, "the outline with captions");
  });

  it("the student sees progress by course and upcoming deadlines as charts on the overview", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "student", "student@example.com", PASSWORD);
    await settled(page);
    const progress = page.getByTestId("progress-chart");
    await progress.and(page.locator("[data-ready]")).waitFor();
    const label = (await progress.getAttribute("aria-label")) ?? "";
    expect(label).toMatch(new RegExp(`${COURSE} \\d+%`));
    // The chart says what the course cards say: the same floored percentages, never "100%" while active.
    expect(label).not.toMatch(/100%(?!, completed)/);
    const deadlines = page.getByTestId("deadlines-chart");
    await deadlines.and(page.locator("[data-ready]")).waitFor();
    expect(await deadlines.getAttribute("aria-label")).toMatch(/Due in the next 14 days: (exam|live class) /);
    await captureBothWidths(page, "student-overview-charts");
    await checkPhone(page, "the student overview");
  });

  it("the student's player carries the captions as a track, and shows them as the recording plays", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "student", "student@example.com", PASSWORD);
    await page.getByRole("link", { name: "My courses" }).first().click();
    await page.waitForURL("**/student/courses");
    await settled(page);
    await Promise.all([
      page.waitForURL("**/student/courses/*"),
      page.getByRole("link", { name: COURSE }).first().click(),
    ]);
    await settled(page);
    await page
      .getByRole("navigation", { name: "Course outline" })
      .getByRole("button", { name: new RegExp(`^${LESSON}`) })
      .click();
    const track = page.locator("[data-testid=audio-player] track[kind=captions]");
    await track.waitFor({ state: "attached" });
    expect(await track.getAttribute("src")).toMatch(/^\/api\/materials\/[0-9a-f-]{36}\/captions$/);
    // The browser loaded it (served as text/vtt) and read its cue.
    await expect
      .poll(() =>
        track.evaluate((t: HTMLTrackElement) => (t.readyState === 2 ? (t.track.cues?.length ?? 0) : -1)),
      )
      .toBe(1);
    await page.getByTestId("audio-player").evaluate((a: HTMLAudioElement) => {
      a.muted = true;
      a.currentTime = 1;
    });
    await expect.poll(() => page.getByTestId("captions-text").textContent()).toContain("A first tone");
    await captureBothWidths(page, "student-course-captions");
    await checkPhone(page, "the player with captions");
  });

  it("the admin's enrollments chart has a term's shape, not one week", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "admin", "admin@example.com", PASSWORD);
    await settled(page);
    const chart = page.getByRole("img", { name: /^Enrollments per week/ });
    await chart.waitFor();
    const label = (await chart.getAttribute("aria-label")) ?? "";
    const busyWeeks = label.split("; ").filter((week) => /: [1-9]\d* enrollments?/.test(week));
    expect(busyWeeks.length, label).toBeGreaterThanOrEqual(8);
    await captureBothWidths(page, "admin-dashboard");
  });
});
