import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { captureBothWidths, settled, signInThroughDialog } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const EMAIL = "rosa.leaving@example.com";
const PASSWORD = "rosa's long password";

let page: Page;

/** The download link in the "Your data is ready" mail the campus wrote to its mail folder. */
async function exportLink(): Promise<string> {
  const folder = join(tour.campus.dataDir, "mail");
  for (let i = 0; i < 60; i++) {
    const files = await readdir(folder).catch(() => [] as string[]);
    for (const file of files) {
      const text = (await readFile(join(folder, file), "utf8")).replace(/=\r?\n/g, "");
      if (text.includes(EMAIL) && text.includes("Your data is ready")) {
        const link = /https?:\/\/[^\s]+\/api\/me\/exports\/[^\s]+/.exec(text.replace(/=3D/g, "="))?.[0];
        if (link) return new URL(link).pathname + new URL(link).search;
      }
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error("No export mail arrived within a minute.");
}

const tour = campusTour();

beforeAll(async () => {
  page = await tour.open();
  const registered = await page.request.post("/api/auth/register", {
    data: { email: EMAIL, password: PASSWORD, name: "Rosa Leaving" },
    headers: { "content-type": "application/json", origin: tour.campus.url },
  });
  expect(registered.status()).toBe(201);
});

describe.sequential("a student's data in Chromium", () => {
  it("downloads their data from the profile page: a toast, then a mailed link to the archive", async () => {
    await signInThroughDialog(page, "student", EMAIL, PASSWORD);
    await page.goto("/student/profile");
    await settled(page);
    await page.getByRole("button", { name: "Download my data" }).click();
    await page.getByText("We are preparing your data").waitFor();
    await page.getByText(`A download link will arrive at ${EMAIL}`).waitFor();
    await captureBothWidths(page, "profile-your-data");

    const archive = await page.request.get(await exportLink());
    expect(archive.status()).toBe(200);
    const body = (await archive.json()) as { sections: Record<string, { profile?: { email: string } }> };
    expect(body.sections["core.account"]?.profile?.email).toBe(EMAIL);
    expect(Object.keys(body.sections)).toEqual(
      expect.arrayContaining([
        "courses.enrollments",
        "exams.attempts",
        "payments.payments",
        "assistant.conversations",
      ]),
    );
  });

  it("deleting the account asks for the password, says so when it is wrong, then signs out", async () => {
    await page.getByRole("button", { name: "Delete my account" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await dialog.waitFor();
    await dialog.getByText("Issued certificates keep the name they were issued to").waitFor();
    await dialog.getByLabel("Your password").fill("not my password");
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await dialog.getByText("That password is not correct.").waitFor();
    await captureBothWidths(page, "profile-delete-account");

    await dialog.getByLabel("Your password").fill(PASSWORD);
    await Promise.all([
      page.waitForURL("**/?account=deleted"),
      dialog.getByRole("button", { name: "Delete my account" }).click(),
    ]);
    await page.getByTestId("account-deleted").waitFor();
    await expect(page.getByTestId("account-deleted").textContent()).resolves.toContain(
      "Your account has been deleted",
    );
    expect((await page.request.get("/api/auth/me")).status()).toBe(401);
    const again = await page.request.post("/api/auth/login", {
      data: { email: EMAIL, password: PASSWORD },
      headers: { "content-type": "application/json", origin: tour.campus.url },
    });
    expect(again.status()).toBe(401);
  });
});
