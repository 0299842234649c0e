import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import config from "../lectern.config.js";
import {
  axeProblems,
  rawProblemText,
  settled,
  sidewaysScroll,
  signInThroughDialog,
  WIDTHS,
} from "./browser.js";
import { campusTour } from "./tour-setup.js";

/**
 * Every campus page in each state a person reaches it in (empty, filled, a dialog open, a problem
 * shown), as a visitor, a student, an instructor and an admin: axe finds no serious or critical
 * violation and no heading that skips a level, nothing scrolls sideways at 390 px, and no raw
 * problem text is ever on screen.
 */

const installed = new Set(config.plugins.map((plugin) => plugin.definition.id));
const PASSWORD = "lectern-demo";
const [DESKTOP, PHONE] = WIDTHS;
/** Moderate, but a heading that skips a level misleads people who navigate by headings. */
const ALSO_FAILING = ["heading-order"];

/** What the pages visited by the current test got wrong; each test ends by asserting it is empty. */
const problems: string[] = [];
/** The addresses the checks ran on, to tell which of src/pages the tour reached. */
const visited = new Set<string>();

/** Checks the page as it is now at desktop width, then at phone width, and notes what is wrong. */
async function check(page: Page, label: string): Promise<void> {
  await settled(page);
  visited.add(new URL(page.url()).pathname);
  const note = (problem: string) => problem && problems.push(`${label}: ${problem}`);
  note(await rawProblemText(page).then((text) => text && `raw problem text "${text}"`));
  note(await axeProblems(page, ALSO_FAILING).then((found) => found && `axe at 1280 px\n${found}`));
  await page.setViewportSize(PHONE);
  // Layout settles a frame after the resize.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  note(await sidewaysScroll(page));
  note(await axeProblems(page, ALSO_FAILING).then((found) => found && `axe at 390 px\n${found}`));
  await page.setViewportSize(DESKTOP);
}

/** Goes to a page as a person following a link would, and checks it. */
async function visit(page: Page, path: string, label = path): Promise<void> {
  await page.goto(path);
  await check(page, label);
}

function expectNoProblems(): void {
  const found = problems.splice(0);
  expect(found.join("\n\n"), `${found.length} problems`).toBe("");
}

/** The first link on the page whose address starts with `prefix` (and is not one of `not`). */
async function firstLink(page: Page, prefix: string, not: RegExp = /^$/): Promise<string | null> {
  const hrefs = await page
    .locator(`a[href^="${prefix}"]`)
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.find((href) => href.length > prefix.length && !not.test(href)) ?? null;
}

/** The first link of a kind in the newest mail to `to`, waiting for the background job to send it. */
async function linkMailedTo(to: string, pattern: RegExp): Promise<string> {
  const dir = join(tour.campus.dataDir, "mail");
  let found = "";
  await expect
    .poll(
      async () => {
        for (const name of (await readdir(dir).catch(() => [])).sort().reverse()) {
          // Quoted-printable: soft line breaks and "=3D" for "=".
          const text = (await readFile(join(dir, name), "utf8")).replace(/=\r?\n/g, "").replace(/=3D/g, "=");
          if (!text.includes(to)) continue;
          found = pattern.exec(text)?.[0] ?? "";
          return found;
        }
        return "";
      },
      { timeout: 30_000, interval: 500 },
    )
    .not.toBe("");
  return found;
}

const STUDENT_PAGES = [
  "/student",
  "/student/courses",
  "/student/exams",
  "/student/grades",
  "/student/certificates",
  "/student/path",
  "/student/live",
  "/student/attendance",
  "/student/payments",
  "/student/profile",
];
const INSTRUCTOR_PAGES = [
  "/instructor",
  "/instructor/courses",
  "/instructor/grading",
  "/instructor/students",
  "/instructor/live",
  "/instructor/attendance",
  "/instructor/profile",
];
const ADMIN_PAGES = [
  "/admin",
  "/admin/users",
  "/admin/approvals",
  "/admin/certificates",
  "/admin/coupons",
  "/admin/payments",
  "/admin/attendance",
  "/admin/audit",
  "/admin/profile",
];

// A test that stopped half-way leaves its notes behind: the next one starts clean.
beforeEach(() => {
  problems.length = 0;
});

const port = Number(process.env.CAMPUS_TOUR_PORT ?? 0) || undefined;
const tour = campusTour({ port });

describe.sequential("every campus page in every state, in Chromium", () => {
  const invited = { name: "Nadia Newcomer", email: `nadia.${Date.now()}@example.com` };

  it("as a visitor: public pages, the dialogs open and with their problems shown", async () => {
    const page = await tour.open();
    for (const path of [
      "/",
      "/courses",
      "/verify",
      "/verify/NOT-A-CODE",
      "/reset-password",
      "/accept-invitation",
      "/confirm-email",
      "/about",
      "/contact",
      "/faq",
      "/no-such-page",
    ])
      await visit(page, path);
    if (installed.has("courses")) {
      await visit(page, "/courses?search=pyhton", "the catalog with a did-you-mean");
      await visit(page, "/courses?search=zzzzqqq", "the catalog finding nothing");
      await page.goto("/courses");
      const course = await firstLink(page, "/courses/");
      expect(course).not.toBeNull();
      await visit(page, course!, "a course page");
    }
    await visit(page, "/reset-password?token=not-a-token", "a reset link");
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.getByText("Use at least 8 characters.").waitFor();
    await check(page, "a reset link with a short password");

    await page.goto("/");
    await page.waitForFunction(() => document.documentElement.dataset.loginReady === "true");
    const dialog = page.getByRole("dialog");
    await page.getByRole("banner").getByRole("button", { name: "Sign in" }).click();
    await dialog.waitFor();
    await check(page, "the sign-in dialog");
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.locator("[aria-invalid=true]").first().waitFor();
    await check(page, "the sign-in dialog with its problems");
    await dialog.getByLabel("Email").fill("student@example.com");
    await dialog.getByLabel("Password").fill("not-the-password");
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.getByRole("alert").waitFor();
    await check(page, "the sign-in dialog refusing a password");
    await dialog.getByRole("tab", { name: "Instructor" }).click();
    await check(page, "the sign-in dialog for staff");
    await dialog.getByRole("tab", { name: "Student" }).click();
    await dialog.getByRole("button", { name: "Forgot password?" }).click();
    await dialog.getByLabel("Email").fill("");
    await dialog.getByRole("button", { name: "Send the reset link" }).click();
    await dialog.getByText("Enter an email address like name@example.com.").waitFor();
    await check(page, "the forgot-password form with its problem");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("banner").getByRole("button", { name: "Join for free" }).click();
    await dialog.getByRole("button", { name: "Create account" }).click();
    await dialog.locator("[aria-invalid=true]").first().waitFor();
    await check(page, "the sign-up dialog with its problems");

    await page.setViewportSize(PHONE);
    await page.goto("/");
    const menu = page.getByTestId("site-menu");
    await menu.getByLabel("Menu").click();
    await menu.getByRole("link", { name: "Verify a certificate" }).waitFor();
    await check(page, "the phone menu open");
    expectNoProblems();
  });

  it("as a new student with nothing yet: every student page empty, and pages not theirs", async () => {
    const page = await tour.open("/");
    await page.waitForFunction(() => document.documentElement.dataset.loginReady === "true");
    await page.getByRole("banner").getByRole("button", { name: "Join for free" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Full name").fill("Nico Newstudent");
    await dialog.getByLabel("Email").fill(`nico.${Date.now()}@example.com`);
    await dialog.getByLabel("Password").fill("a-long-password");
    await Promise.all([
      page.waitForURL("**/student", { timeout: 60_000 }),
      dialog.getByRole("button", { name: "Create account" }).click(),
    ]);
    for (const path of STUDENT_PAGES) await visit(page, path, `${path} (empty)`);
    await visit(page, "/admin", "another role's dashboard");
    await visit(page, "/student/courses/00000000-0000-0000-0000-000000000000", "a course not enrolled in");
    await visit(page, "/student/exams/00000000-0000-0000-0000-000000000000", "an exam that does not exist");
    await visit(
      page,
      "/live/00000000-0000-0000-0000-000000000000/join",
      "joining a class that does not exist",
    );
    await visit(page, "/dashboard", "the dashboard link");
    expectNoProblems();
  });

  it("as the demo student: every student page with data, the player, an exam and its dialogs", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "student", "student@example.com", PASSWORD);
    for (const path of STUDENT_PAGES) await visit(page, path);
    if (installed.has("courses")) {
      await page.goto("/student/courses");
      await settled(page);
      const course = await firstLink(page, "/student/courses/");
      expect(course).not.toBeNull();
      await visit(page, course!, "the course player");
    }
    if (installed.has("exams")) {
      await page.goto("/student/exams");
      await settled(page);
      const exam = await firstLink(page, "/student/exams/");
      if (exam) {
        await visit(page, exam, "an exam");
        const submit = page.getByRole("button", { name: /^Submit/ }).first();
        if (await submit.isVisible()) {
          await submit.click();
          await page.getByRole("dialog").waitFor();
          await check(page, "an exam's submit confirmation");
          await page.keyboard.press("Escape");
        }
      }
    }
    if (installed.has("payments")) {
      await page.goto("/student/payments");
      await settled(page);
      const payment = await firstLink(page, "/student/payments/");
      if (payment) await visit(page, payment, "a payment");
    }
    if (installed.has("certificates")) {
      await page.goto("/student/certificates");
      await settled(page);
      const code = await firstLink(page, "/verify/");
      if (code) await visit(page, code, "a valid certificate's verification");
    }
    expectNoProblems();
  });

  it("as an admin: every admin page, the new staff dialog empty, with problems, and sent", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "admin", "admin@example.com", PASSWORD);
    for (const path of ADMIN_PAGES) await visit(page, path);
    await visit(page, "/admin/users?search=nobody-at-all", "users finding nobody");
    await page.goto("/admin/users");
    await settled(page);
    await page.getByRole("button", { name: "New staff account" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await check(page, "the new staff dialog");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await dialog.locator(".text-danger").first().waitFor();
    await check(page, "the new staff dialog with its problems");
    await dialog.getByLabel("Name").fill(invited.name);
    await dialog.getByLabel("Email").fill(invited.email);
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await dialog.waitFor({ state: "hidden" });
    await check(page, "users after an invitation");
    if (installed.has("certificates")) {
      await page.goto("/admin/certificates");
      await settled(page);
      for (const tab of await page.getByRole("tab").all()) {
        await tab.click();
        await check(page, `certificates: ${await tab.textContent()}`);
      }
    }
    expectNoProblems();
  });

  it("as a newly invited instructor with nothing yet: every instructor page empty", async () => {
    const page = await tour.open();
    const link = await linkMailedTo(invited.email, /[?&]token=[A-Za-z0-9_-]+/);
    const token = link.split("token=")[1]!;
    const accepted = await page.request.post("/api/auth/invitations/accept", {
      data: { token, password: "a-long-password" },
      headers: { origin: tour.campus.url },
    });
    expect(accepted.status()).toBe(200);
    for (const path of INSTRUCTOR_PAGES) await visit(page, path, `${path} (empty)`);
    await visit(page, "/instructor/courses/new", "the new course form");
    expectNoProblems();
  });

  it.runIf(installed.has("courses"))(
    "as the demo instructor: every instructor page with data, the course form and editor in each tab",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      for (const path of INSTRUCTOR_PAGES) await visit(page, path);

      await page.goto("/instructor/courses/new");
      await settled(page);
      await page.getByRole("button", { name: "Create draft" }).click();
      await page.locator("#course-title-error").waitFor();
      await check(page, "the new course form with its problems");
      await page.getByRole("tab", { name: "Preview" }).click();
      await page.getByTestId("markdown-preview").waitFor();
      await check(page, "the new course form previewing its description");

      await page.goto("/instructor/courses");
      await settled(page);
      const course = await firstLink(page, "/instructor/courses/", /\/new$/);
      expect(course).not.toBeNull();
      await visit(page, course!, "the course editor");
      for (const tab of await page.getByRole("tablist", { name: "Course editor" }).getByRole("tab").all()) {
        const name = await tab.textContent();
        await tab.click();
        await check(page, `the course editor: ${name}`);
      }
      if (installed.has("live-classes")) {
        await page.goto("/instructor/live");
        await settled(page);
        await page.getByRole("button", { name: "Schedule the class" }).click();
        await check(page, "the schedule form with its problems");
        // The demo's classes belong to this course.
        await page.getByLabel("Course").selectOption({ label: "Statistics for Data Analysis" });
        await check(page, "live classes of a course");
        const live = await firstLink(page, "/instructor/live/");
        await visit(page, live ?? "/instructor/live/00000000-0000-0000-0000-000000000000", "a live class");
      }

      // A course waiting for review, so the admin's queue has something in it.
      const headers = { origin: tour.campus.url };
      const created = await page.request.post("/api/courses", {
        data: {
          title: `Field Recording ${Date.now() % 100000}`,
          summary: "Record sound outdoors.",
          description: "Microphones, wind and levels.",
        },
        headers,
      });
      expect(created.status()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      // What the pre-submission checklist asks for: a section holding a material.
      const section = await page.request.post(`/api/courses/${id}/sections`, {
        data: { title: "Week 1" },
        headers,
      });
      const { id: sectionId } = (await section.json()) as { id: string };
      const material = await page.request.post(`/api/courses/${id}/materials`, {
        multipart: { title: "Field notes", kind: "link", url: "https://example.com/field", sectionId },
        headers,
      });
      expect(material.status()).toBe(201);
      const submitted = await page.request.post(`/api/courses/${id}/submit`, {
        headers: { origin: tour.campus.url },
      });
      expect(submitted.status()).toBe(200);
      expectNoProblems();
    },
  );

  it.runIf(installed.has("courses"))(
    "as an admin: the approvals queue with a course and its dialog",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "admin", "admin@example.com", PASSWORD);
      await visit(page, "/admin/approvals", "approvals with a course waiting");
      await page.getByRole("button", { name: "Reject…" }).first().click();
      const dialog = page.getByRole("dialog");
      await dialog.waitFor();
      await check(page, "the reject dialog");
      await dialog
        .getByRole("button", { name: /Reject/ })
        .last()
        .click();
      await check(page, "the reject dialog with its problem");
      expectNoProblems();
    },
  );

  it("visited every page the campus has", async () => {
    const dir = fileURLToPath(new URL("../src/pages", import.meta.url));
    const files = (await readdir(dir, { recursive: true })).filter((name) => name.endsWith(".astro"));
    expect(files.length).toBeGreaterThan(30);
    const missed = files.filter((file) => {
      // The 404 page answers any unknown address; the tour visits one.
      if (file === "404.astro") return !visited.has("/no-such-page");
      // Only redirects, to the signed-in person's dashboard.
      if (file === "dashboard.astro") return false;
      const pattern = file
        .replace(/\.astro$/, "")
        .replace(/(^|\/)index$/, "")
        .replace(/\[[^\]]+\]/g, "[^/]+");
      const address = new RegExp(`^/${pattern}/?$`);
      return ![...visited].some((path) => address.test(path));
    });
    expect(missed, "pages the tour never reached").toEqual([]);
  });
});
