import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { captureBothWidths, settled, signInThroughDialog } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const PASSWORD = "lectern-demo";
const COURSE = "statistics-for-data-analysis";
const QUESTION = "What is a p-value?";

/** The demo readings are indexed by a job after the seed; wait until the assistant can find them. */
async function waitForIndex(page: Page, courseId: string) {
  for (let i = 0; i < 60; i++) {
    const res = await page.request.post("/api/assistant/chat", {
      data: { message: "standard deviation", courseId },
      // A cookie-authenticated change must come from the site's own origin, as the browser's does.
      headers: { "content-type": "application/json", origin: tour.campus.url },
    });
    if (res.status() === 200 && ((await res.json()) as { sources: unknown[] }).sources.length > 0) return;
    await page.waitForTimeout(1_000);
  }
  throw new Error("The demo readings were not indexed within a minute.");
}

const tour = campusTour();

describe.sequential("the course assistant in Chromium", () => {
  let student: Page;
  let courseId = "";

  it("a student asks on the course page: a quoted answer, labelled as such, with sources at their page", async () => {
    student = await tour.open();
    await signInThroughDialog(student, "student", "student@example.com", PASSWORD);
    const course = await student.request.get(`/api/courses/${COURSE}`);
    courseId = ((await course.json()) as { id: string }).id;
    await waitForIndex(student, courseId);

    await student.goto(`/courses/${COURSE}`);
    await settled(student);
    const panel = student.getByTestId("ask-panel");
    await panel.getByRole("heading", { name: "Ask about this course" }).waitFor();
    await panel.getByLabel("Your question").fill(QUESTION);
    await panel.getByRole("button", { name: "Ask" }).click();
    const answer = panel.getByTestId("answer").last();
    await answer.getByText("Quoted from the materials, not generated.").waitFor();
    await expect(answer.textContent()).resolves.toContain("The p-value is the probability of seeing data");
    await expect(panel.getByTestId("quoted-notice").textContent()).resolves.toContain(
      "No language model is configured",
    );
    const source = answer.getByRole("link").first();
    await expect(source.textContent()).resolves.toMatch(/Inference: reading, page \d/);
    await expect(source.getAttribute("href")).resolves.toMatch(
      /^\/api\/materials\/[0-9a-f-]+\/content#page=\d$/,
    );
    // The link opens the PDF itself.
    const pdf = await student.request.get((await source.getAttribute("href"))!.split("#")[0]!);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    await panel.scrollIntoViewIfNeeded();
    await captureBothWidths(student, "assistant-course");
  });

  it("keeps the conversation in the list, and says so when the materials do not cover a question", async () => {
    const panel = student.getByTestId("ask-panel");
    await panel.getByLabel("Your question").fill("Who won the football world cup in 1998?");
    await panel.getByRole("button", { name: "Ask" }).click();
    await panel.getByText("ask your instructor", { exact: false }).waitFor();
    await panel.getByRole("button", { name: /Conversations/ }).click();
    await panel.getByRole("list", { name: "Past conversations" }).getByText(QUESTION).waitFor();
  });

  it("the student dashboard asks across every course the student is enrolled in", async () => {
    await student.goto("/student");
    await settled(student);
    const panel = student.getByTestId("ask-panel");
    await panel.getByRole("heading", { name: "Ask about your courses" }).waitFor();
    await panel.getByLabel("Your question").fill("How do I check which version of Python I installed?");
    await panel.getByRole("button", { name: "Ask" }).click();
    const answer = panel.getByTestId("answer").last();
    await answer.getByText("python --version", { exact: false }).waitFor();
    await expect(answer.getByRole("link").first().textContent()).resolves.toContain(
      "Getting started: reading",
    );
    await panel.scrollIntoViewIfNeeded();
    await captureBothWidths(student, "assistant-dashboard");
  });

  it("the instructor sees the course's top questions, with no student names, and what the assistant can read", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
    await page.goto(`/instructor/courses/${courseId}`);
    await settled(page);
    await page.getByRole("tab", { name: "Assistant" }).click();
    const top = page.getByTestId("top-questions");
    await top.getByText(QUESTION).waitFor();
    await expect(top.textContent()).resolves.not.toContain("Sofia");
    await page.getByText("Inference: reading").first().waitFor();
    await captureBothWidths(page, "assistant-instructor");
  });
});
