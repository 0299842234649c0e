import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { settled, signInThroughDialog } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const PASSWORD = "lectern-demo";

async function signedIn(role: "instructor" | "admin"): Promise<Page> {
  const page = await tour.open();
  await signInThroughDialog(page, role, `${role}@example.com`, PASSWORD);
  return page;
}

/** A same-origin API call from the page, as its scripts make them (cookie and Origin included). */
function call(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body ? { "Content-Type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { method, path, body },
  );
}

const tour = campusTour();

describe("live updates in Chromium", () => {
  it("shows the instructor a toast and an unread badge when an admin approves, without a reload", async () => {
    const instructor = await signedIn("instructor");
    const title = `Live Sound Design ${Date.now()}`;
    const created = await call(instructor, "POST", "/api/courses", {
      title,
      summary: "Mixing, mastering and live sound.",
      description: "Hands-on sessions.",
      tags: ["audio"],
      level: "beginner",
    });
    expect(created.status).toBe(201);
    // What the pre-submission checklist asks for: a section holding a material.
    const section = await call(instructor, "POST", `/api/courses/${created.body.id}/sections`, {
      title: "Week 1",
    });
    const material = await instructor.evaluate(
      async ({ courseId, sectionId }) => {
        const data = new FormData();
        data.append("title", "Mixing notes");
        data.append("kind", "link");
        data.append("url", "https://example.com/mixing");
        data.append("sectionId", sectionId);
        return (await fetch(`/api/courses/${courseId}/materials`, { method: "POST", body: data })).status;
      },
      { courseId: created.body.id as string, sectionId: section.body.id as string },
    );
    expect(material).toBe(201);
    expect((await call(instructor, "POST", `/api/courses/${created.body.id}/submit`)).status).toBe(200);
    await instructor.goto("/instructor");
    await settled(instructor);
    const badgeBefore = await instructor
      .getByTestId("unread-count")
      .textContent()
      .catch(() => "0");
    let reloaded = false;
    instructor.on("framenavigated", () => (reloaded = true));

    const overview = await signedIn("admin");
    const published = overview.getByTestId("kpi-Published courses");
    await published.waitFor();
    const countBefore = Number((await published.textContent())?.replace(/\D/g, ""));

    const admin = await signedIn("admin");
    await admin.goto("/admin/approvals");
    await settled(admin);
    const row = admin.getByTestId("approval").filter({ hasText: title });
    await row.getByRole("button", { name: "Approve" }).click();
    await admin.getByText("Course published").waitFor();

    // The instructor's page, untouched, shows the toast and a higher unread count.
    await instructor.getByText(`"${title}" is published`).first().waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => Number(await instructor.getByTestId("unread-count").textContent()))
      .toBeGreaterThan(Number(badgeBefore ?? 0));
    expect(reloaded).toBe(false);

    // The admin overview in another tab moves its counter by itself.
    await expect
      .poll(async () => Number((await published.textContent())?.replace(/\D/g, "")), { timeout: 15_000 })
      .toBe(countBefore + 1);

    // The panel lists it; following it marks it read and opens the course.
    await instructor.getByTestId("bell").click();
    const panel = instructor.getByTestId("notification-panel");
    await panel.getByText(`"${title}" is published`).click();
    await instructor.waitForURL(`**/instructor/courses/${created.body.id}`);
  });
});
