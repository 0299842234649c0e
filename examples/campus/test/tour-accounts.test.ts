import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  expectAccessible,
  expectNoSidewaysScroll,
  screenshot,
  settled,
  signInThroughDialog,
  WIDTHS,
} from "./browser.js";
import { campusTour } from "./tour-setup.js";

const stamp = Date.now();
const TARA = { name: "Tara Tour", email: `tara.${stamp}@example.com`, password: "tara's first password" };
const NEW_PASSWORD = "tara's second password";
const NEW_EMAIL = `tara.new.${stamp}@example.com`;
const SAM = { name: "Sam Suspend", email: `sam.${stamp}@example.com`, password: "sam's own password" };
const RITA = { name: "Rita Role", email: `rita.${stamp}@example.com`, password: "rita's own password" };
const ADMIN = { email: "admin@example.com", password: "lectern-demo" };

/** Screenshots at both widths; axe, raw problem text and sideways scroll checked at each. */
async function check(page: Page, name: string, shot = true): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    if (shot) await screenshot(page, name);
    await expectAccessible(page, `${name} at ${size.width} px`);
    await expectNoSidewaysScroll(page, `${name} at ${size.width} px`);
  }
  await page.setViewportSize(WIDTHS[0]);
}

/** The first link matching `pattern` in the newest mail to `to`, waiting for the mail job. */
async function linkMailedTo(to: string, pattern: RegExp): Promise<string> {
  const dir = join(tour.campus.dataDir, "mail");
  let found = "";
  await expect
    .poll(
      async () => {
        for (const name of (await readdir(dir).catch(() => [])).sort().reverse()) {
          const text = (await readFile(join(dir, name), "utf8")).replace(/=\r?\n/g, "").replace(/=3D/g, "=");
          if (!text.includes(`To: ${to}`)) continue;
          const match = pattern.exec(text);
          if (match) {
            found = match[0];
            return found;
          }
        }
        return "";
      },
      { timeout: 30_000, interval: 500 },
    )
    .not.toBe("");
  const url = new URL(found);
  return url.pathname + url.search;
}

/** Whether a page's session still works: a dashboard, or the sign-in dialog it sends to. */
async function signedIn(page: Page, path: string): Promise<boolean> {
  await page.goto(path);
  return !page.url().includes("login=");
}

const tour = campusTour();

beforeAll(async () => {
  const page = await tour.open();
  for (const person of [TARA, SAM, RITA]) {
    const registered = await page.request.post("/api/auth/register", {
      data: person,
      headers: { "content-type": "application/json", origin: tour.campus.url },
    });
    expect(registered.status()).toBe(201);
  }
  await page.context().clearCookies();
});

describe.sequential("accounts in Chromium", () => {
  let tara: Page;
  let taraElsewhere: Page;
  /** The admin signed in by the role-and-suspension step; the import and audit steps go on as them. */
  let admin: Page;

  it("lets a student rename themselves and sign out another device", async () => {
    tara = await tour.open();
    taraElsewhere = await tour.open();
    await signInThroughDialog(tara, "student", TARA.email, TARA.password);
    await signInThroughDialog(taraElsewhere, "student", TARA.email, TARA.password);
    await tara.locator("[data-user-menu] summary").click();
    await tara.locator("[data-user-menu]").getByRole("link", { name: "Profile" }).click();
    await tara.waitForURL("**/student/profile");
    await settled(tara);
    await check(tara, "accounts-profile");

    await tara.getByLabel("Name", { exact: true }).fill("Tara Renamed");
    await tara.getByRole("button", { name: "Save name" }).click();
    await tara.getByText("Your name is now Tara Renamed.").waitFor();
    await expect.poll(() => tara.locator("[data-user-name]").first().textContent()).toBe("Tara Renamed");

    // Registering signed Tara in too: three sessions, this one marked.
    const sessions = tara.getByRole("list", { name: "Your sessions" });
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(3);
    await expect.poll(() => sessions.getByText("This device").count()).toBe(1);
    await sessions
      .getByRole("button", { name: /^Sign out .*last seen/ })
      .first()
      .click();
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(2);
    await tara.getByRole("button", { name: "Sign out everywhere else" }).click();
    await tara.getByText("One other device was signed out.").waitFor();
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(1);
    await check(tara, "accounts-sessions", false);
    expect(await signedIn(taraElsewhere, "/student")).toBe(false);
  });

  it("changes the password: a wrong current one is refused under the field, then other sessions end", async () => {
    await signInThroughDialog(taraElsewhere, "student", TARA.email, TARA.password);
    await tara.reload();
    await settled(tara);
    await tara.getByLabel("Current password").fill("not my password");
    await tara.getByLabel("New password").fill(NEW_PASSWORD);
    await tara.getByRole("button", { name: "Change password" }).click();
    const wrong = tara.locator("p", { hasText: "The current password is not correct." });
    await wrong.waitFor();
    expect(await tara.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    await check(tara, "accounts-password-wrong");

    await tara.getByLabel("Current password").fill(TARA.password);
    await tara.getByLabel("New password").fill(NEW_PASSWORD);
    await tara.getByRole("button", { name: "Change password" }).click();
    await tara.getByText("Your password is changed. Your other session was signed out.").waitFor();
    await expect.poll(() => wrong.count()).toBe(0);
    await expect
      .poll(() => tara.getByRole("list", { name: "Your sessions" }).getByRole("listitem").count())
      .toBe(1);
    expect(await signedIn(taraElsewhere, "/student/profile")).toBe(false);
    expect(await signedIn(tara, "/student/profile")).toBe(true);
  });

  it("changes the email address through the link mailed to the new one", async () => {
    await settled(tara);
    await tara.getByLabel("New email address").fill(NEW_EMAIL);
    await tara.getByLabel("Your password").fill(NEW_PASSWORD);
    await tara.getByRole("button", { name: "Send the link" }).click();
    await tara.getByText(`We sent a link to ${NEW_EMAIL}.`).waitFor();
    await check(tara, "accounts-email-sent", false);

    const link = await linkMailedTo(NEW_EMAIL, /https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]+/);
    await tara.goto(link);
    await tara.getByText(`Your email address is now ${NEW_EMAIL}.`).waitFor();
    await check(tara, "accounts-email-confirmed");
    // The same link again: used, said in words, nothing changed.
    await tara.goto(link);
    await tara.getByText("This link has been used already or has expired").waitFor();
    await check(tara, "accounts-email-link-used", false);

    // An address another account has: refused only when the link is used.
    await tara.goto("/student/profile");
    await settled(tara);
    await tara.getByLabel("New email address").fill(SAM.email);
    await tara.getByLabel("Your password").fill(NEW_PASSWORD);
    await tara.getByRole("button", { name: "Send the link" }).click();
    await tara.getByText(`We sent a link to ${SAM.email}.`).waitFor();
    await tara.goto(await linkMailedTo(SAM.email, /https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]+/));
    await tara.getByText("Another account already uses this address").waitFor();
    await check(tara, "accounts-email-taken", false);
  });

  it("lets an admin change a role and suspend and reactivate a user, whose session ends", async () => {
    const sam = await tour.open();
    await signInThroughDialog(sam, "student", SAM.email, SAM.password);
    admin = await tour.open();
    await signInThroughDialog(admin, "admin", ADMIN.email, ADMIN.password);
    await admin
      .getByRole("navigation", { name: "Dashboard" })
      .first()
      .getByRole("link", { name: "Users" })
      .click();
    await admin.waitForURL("**/admin/users");
    await settled(admin);
    await admin.getByLabel("Role", { exact: true }).selectOption("");
    await settled(admin);
    await check(admin, "accounts-admin-users");

    await admin.getByRole("button", { name: `Change role of ${RITA.name}` }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Instructor").check();
    await check(admin, "accounts-admin-role", false);
    await dialog.getByRole("button", { name: "Change role" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const rita = admin.getByRole("row", { name: new RegExp(RITA.name) });
    await rita.getByText("instructor", { exact: true }).waitFor();

    // The last active admin stays: said as a sentence in the dialog.
    await admin.getByRole("button", { name: "Change role of Ada Admin" }).click();
    await dialog.getByLabel("Student").check();
    await dialog.getByRole("button", { name: "Change role" }).click();
    await dialog.getByText("This is the last active administrator").waitFor();
    await check(admin, "accounts-admin-last-admin", false);
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await admin.getByRole("button", { name: `Suspend ${SAM.name}` }).click();
    await dialog.getByText("They are signed out everywhere at once").waitFor();
    await check(admin, "accounts-admin-suspend", false);
    await dialog.getByRole("button", { name: "Suspend", exact: true }).click();
    await admin
      .getByRole("row", { name: new RegExp(SAM.name) })
      .getByText("Suspended", { exact: true })
      .waitFor();
    expect(await signedIn(sam, "/student")).toBe(false);

    await admin.getByRole("button", { name: `Reactivate ${SAM.name}` }).click();
    await dialog.getByRole("button", { name: "Reactivate", exact: true }).click();
    await admin
      .getByRole("row", { name: new RegExp(SAM.name) })
      .getByText("Active", { exact: true })
      .waitFor();
    await signInThroughDialog(sam, "student", SAM.email, SAM.password);
    expect(sam.url()).toContain("/student");
  });

  it("imports users from a CSV file and shows the progress and the result", async () => {
    await admin.goto("/admin/users");
    await settled(admin);
    await admin.getByRole("button", { name: "Import from CSV" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await dialog.getByText("Choose a CSV file first.").waitFor();
    await dialog.getByLabel("CSV file").setInputFiles({
      name: "people.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        [
          "email,name,role",
          `new.one.${stamp}@example.com,Noor One,student`,
          `new.two.${stamp}@example.com,Nils Two,instructor`,
          `${SAM.email},Sam Again,student`,
          "not-an-address,Nobody,student",
        ].join("\n"),
      ),
    });
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await dialog.locator('[data-import-status="done"]').waitFor({ timeout: 30_000 });
    await dialog.getByText("Import finished: 4 of 4 rows read.").waitFor();
    expect(await dialog.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    await dialog.getByText(`Line 4 (${SAM.email})`).waitFor();
    await dialog.getByText(/^Line 5/).waitFor();
    await check(admin, "accounts-admin-import");
    await dialog.getByRole("button", { name: "Close" }).click();
    await admin.getByLabel("Search by name or email").fill("Noor One");
    await admin.getByRole("row", { name: /Noor One/ }).waitFor();
  });

  it("shows the audit log, filtered by action and person, and downloads it as CSV", async () => {
    await admin.getByRole("link", { name: "audit log", exact: true }).click();
    await admin.waitForURL("**/admin/audit");
    await settled(admin);
    const table = admin.getByRole("table");
    await table.getByText("Suspended a user").waitFor();
    await table.getByText("Signed in").first().waitFor();
    await check(admin, "accounts-audit");

    await admin.getByLabel("Action").selectOption({ label: "Changed a role" });
    await settled(admin);
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    await table.getByText("Changed a role: student → instructor").waitFor();
    await table.getByText(RITA.name).waitFor();
    await table.getByText("Ada Admin").waitFor();

    await admin.getByLabel("Action").selectOption("");
    await admin.getByLabel("Person: name or email").fill("Sam Suspend");
    await admin.getByRole("button", { name: new RegExp(`^${SAM.name}`) }).click();
    await settled(admin);
    await table.getByText("Suspended a user").waitFor();
    await table.getByText("Reactivated a user").waitFor();
    await expect.poll(() => table.getByText("Changed a role").count()).toBe(0);
    await check(admin, "accounts-audit-filtered");

    const [download] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    const csv = await readFile((await download.path())!, "utf8");
    expect(csv.split("\n")[0]).toContain("Action");
    expect(csv).toContain("auth.user.suspended");
    expect(csv).not.toContain("auth.user.role-changed");
  });
});
