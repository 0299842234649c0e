import { describe, expect, it } from "vitest";
import { captureBothWidths, settled, signInThroughDialog } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const PASSWORD = "lectern-demo";

const tour = campusTour();

describe.sequential("recommendations, learning paths and students at risk, in Chromium", () => {
  it("shows the demo student courses recommended for them, with the reasons", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "student", "student@example.com", PASSWORD);
    const list = page.getByRole("list", { name: "Recommended courses" });
    await list.waitFor();
    await expect(list.getByRole("link").first().textContent()).resolves.toBeTruthy();
    const text = (await list.textContent()) ?? "";
    // Co-enrolment from the demo classmates, or the student's interests: a sentence, never machinery.
    expect(text).toMatch(
      /Students who (took|finished) .+ (also took|often take) this|Matches your interest in/,
    );
    expect(text).not.toMatch(/undefined|courseId|score/);
    // Never a course the student is enrolled in (it may appear in a reason, never as an item).
    const titles = await list.locator(":scope > li > a").allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles).not.toContain("Python for Absolute Beginners");
    expect(titles).not.toContain("Statistics for Data Analysis");
    await captureBothWidths(page, "recommended-for-you");
  });

  it("plans a learning path to a topic, prerequisites first, with a reason for each step", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "student", "student@example.com", PASSWORD);
    await page.getByRole("link", { name: "Plan a learning path" }).click();
    await page.waitForURL("**/student/path");
    await settled(page);
    await page.getByLabel("Your goal").fill("knitting");
    await page.getByRole("button", { name: "Show my path" }).click();
    await page.getByText('We found no course or topic called "knitting"').waitFor();
    await page.getByLabel("Your goal").fill("data-science");
    await page.getByRole("button", { name: "Show my path" }).click();
    const steps = page.getByRole("list", { name: "Learning path" });
    await steps.waitFor();
    const titles = await steps.getByRole("link").allTextContents();
    expect(titles.indexOf("Data Visualisation with Python")).toBeLessThan(
      titles.indexOf("Machine Learning Foundations"),
    );
    expect(await steps.textContent()).toContain(
      "You are taking this now; it comes before Data Visualisation with Python",
    );
    await captureBothWidths(page, "learning-path");
  });

  it("shows the instructor each student's risk and a bar chart of what drives it", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
    await page.goto("/instructor/courses");
    await settled(page);
    await page.getByRole("link", { name: "Statistics for Data Analysis" }).first().click();
    await settled(page);
    await page.getByRole("tab", { name: "At risk" }).click();
    const students = page.getByRole("list", { name: "Students by risk" });
    await students.waitFor();
    // The demo classmate who handed in the midterm blank is flagged by the marks rule; the list is
    // riskiest first.
    const rows = await students.getByRole("listitem").allTextContents();
    expect(rows.find((row) => row.startsWith("Classmate 3"))).toMatch(/40% risk$/);
    const risks = rows.map((row) => Number(/(\d+)% risk$/.exec(row)?.[1]));
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    expect(await students.textContent()).toMatch(/Sofia Student.*\d+% risk/);
    await expect(page.getByRole("img", { name: /What raises or lowers/ }).count()).resolves.toBe(1);
    await captureBothWidths(page, "at-risk-panel");
  });
});
