import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import config from "../lectern.config.js";
import { captureBothWidths, expectAccessible, settled, signInThroughDialog } from "./browser.js";
import { GIFT_QUESTIONS, tinyPdf } from "./fixtures.js";
import { campusTour } from "./tour-setup.js";

const installed = new Set(config.plugins.map((plugin) => plugin.definition.id));
const PASSWORD = "lectern-demo";
/** The student's answer to the short-answer question: right, but not one of the accepted answers. */
const SHORT_ANSWER = "ECMAScript";
const FEEDBACK = "Right: ECMAScript is the standard behind JavaScript.";

/** A JSON answer of the API, as the page's signed-in user (the context shares the session cookie). */
async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  expect(response.status(), `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

const itemsOf = <T>(list: T[] | { items: T[] }): T[] => (Array.isArray(list) ? list : list.items);

const tour = campusTour();

describe.sequential("a tour of the campus in Chromium", () => {
  const student = {
    name: "Lena Learner",
    email: `lena.${Date.now()}@example.com`,
    password: "a-long-password",
  };
  let studentPage: Page;
  let courseTitle = "";

  it("serves the home page with the catalog, accessible at desktop and phone widths", async () => {
    const page = await tour.open("/");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Learn something");
    if (installed.has("courses")) expect(await page.locator("article").count()).toBeGreaterThan(0);
    await captureBothWidths(page, "home");
  });

  it("opens the sign-in dialog: focus moves in and stays in, Escape closes it and focus returns", async () => {
    const page = await tour.open("/");
    await page.waitForFunction(() => document.documentElement.dataset.loginReady === "true");
    const trigger = page.getByRole("banner").getByRole("button", { name: "Sign in" });
    await trigger.click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await expect(dialog.getByRole("tab").allTextContents()).resolves.toEqual([
      "Student",
      "Instructor",
      "Admin",
    ]);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await captureBothWidths(page, "dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    // The dialog hands focus back once it has unmounted, a frame or so after it is hidden.
    await trigger.evaluate(
      (el) =>
        new Promise<void>((resolve, reject) => {
          const started = performance.now();
          const check = () => {
            if (el === document.activeElement) resolve();
            else if (performance.now() - started > 2_000)
              reject(new Error("focus did not return to the trigger"));
            else requestAnimationFrame(check);
          };
          check();
        }),
    );

    // Only the Student tab offers registration.
    await trigger.click();
    await dialog.getByRole("tab", { name: "Instructor" }).click();
    expect(await dialog.getByRole("button", { name: "Create an account" }).count()).toBe(0);
    await dialog.getByRole("tab", { name: "Student" }).click();
    expect(await dialog.getByRole("button", { name: "Create an account" }).count()).toBe(1);
  });

  it("answers a wrong password with the generic message and keeps the typed email", async () => {
    const page = await tour.open("/?login=student");
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email").fill("student@example.com");
    await dialog.getByLabel("Password").fill("not-the-password");
    await dialog.getByRole("button", { name: "Sign in" }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/password/i);
    expect(await dialog.getByLabel("Email").inputValue()).toBe("student@example.com");
    expect(await dialog.getByLabel("Password").inputValue()).toBe("");
    await page.waitForFunction(
      () => !document.querySelector<HTMLButtonElement>("[role=dialog] button[type=submit]")?.disabled,
    );
    await page.waitForTimeout(300);
    await expectAccessible(page, "the dialog with an error");
  });

  it("lets a new student register from the dialog and land on the dashboard", async () => {
    studentPage = await tour.open("/");
    await studentPage.waitForFunction(() => document.documentElement.dataset.loginReady === "true");
    await studentPage.getByRole("banner").getByRole("button", { name: "Join for free" }).click();
    const dialog = studentPage.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Create your student account" }).waitFor();
    // Only students register: no account-type tabs; the first field has the focus.
    expect(await dialog.getByRole("tab").count()).toBe(0);
    await studentPage.waitForFunction(() => document.activeElement?.getAttribute("autocomplete") === "name");
    await dialog.getByRole("button", { name: "Create account" }).click();
    await dialog.getByText("Enter your name.").waitFor();
    await dialog.getByLabel("Full name").fill(student.name);
    await dialog.getByLabel("Email").fill(student.email);
    await dialog.getByLabel("Password").fill(student.password);
    await Promise.all([
      studentPage.waitForURL("**/student"),
      dialog.getByRole("button", { name: "Create account" }).click(),
    ]);
    await settled(studentPage);
    await studentPage.getByRole("heading", { name: /Lena/ }).waitFor();
    await captureBothWidths(studentPage, "student-dashboard");
  });

  it.runIf(installed.has("courses"))(
    "lets the student enroll in a free course and read its PDF in the page",
    async () => {
      await studentPage.goto("/courses?search=Python");
      const card = studentPage.getByRole("link", { name: "Python for Absolute Beginners" });
      await card.click();
      await studentPage.getByRole("heading", { level: 1, name: "Python for Absolute Beginners" }).waitFor();
      await expectAccessible(studentPage, "the course page");
      await Promise.all([
        studentPage.waitForURL("**/student/courses/*"),
        studentPage.getByTestId("enroll").click(),
      ]);
      await settled(studentPage);
      const outline = studentPage.getByRole("navigation", { name: "Course outline" });
      const pdf = outline
        .getByRole("button")
        .filter({ hasText: /pdf|guide|notes|handout|slides|reading/i })
        .first();
      if (await pdf.count()) await pdf.click();
      await studentPage
        .locator("[data-testid=pdf-viewer] canvas[data-rendered-page='1']")
        .waitFor({ timeout: 30_000 });
      await captureBothWidths(studentPage, "student-course");
      await studentPage.getByRole("button", { name: "Mark as complete" }).click();
      await studentPage.getByText("Marked as complete").waitFor();
    },
  );

  it("shows every student page with its data or a clear problem, never a blank page", async () => {
    for (const [path, name] of [
      ["/student/courses", "student-courses"],
      ["/student/exams", "student-exams"],
      ["/student/grades", "student-grades"],
      ["/student/certificates", "student-certificates"],
      ["/student/profile", "student-profile"],
    ] as const) {
      await studentPage.goto(path);
      await settled(studentPage);
      expect((await studentPage.locator("main").textContent())?.trim().length ?? 0, path).toBeGreaterThan(20);
      if (name === "student-courses" || name === "student-grades" || name === "student-certificates")
        await captureBothWidths(studentPage, name);
      else await expectAccessible(studentPage, path);
    }
  });

  it.runIf(installed.has("courses"))(
    "lets an instructor write a course with Markdown, upload a PDF and submit it",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      await captureBothWidths(page, "instructor-dashboard");

      courseTitle = `Field Recording ${Date.now() % 100000}`;
      await page.goto("/instructor/courses/new");
      await settled(page);
      await page.getByLabel("Title").fill(courseTitle);
      await page.getByLabel(/Summary/).fill("Capture clean sound outdoors, from microphones to metadata.");
      await page
        .getByRole("textbox", { name: "Description" })
        .fill("## What you will learn\n\n- Microphones\n- **Levels**");
      await page.getByRole("tab", { name: "preview" }).click();
      expect(await page.getByTestId("markdown-preview").innerHTML()).toContain("<strong>Levels</strong>");
      await page.getByLabel(/Subjects/).fill("audio, recording");
      await Promise.all([
        page.waitForURL(/\/instructor\/courses\/[0-9a-f-]{36}/),
        page.getByRole("button", { name: "Create draft" }).click(),
      ]);
      await settled(page);

      await page.getByRole("tab", { name: "Outline & materials" }).click();
      await page.getByLabel("Section title").fill("Week 1: Microphones");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.getByText("Section added").waitFor();
      await page.getByLabel("Title", { exact: true }).fill("Microphone guide");
      await page.getByLabel("Section", { exact: true }).selectOption({ label: "Week 1: Microphones" });
      await page.getByLabel("File").setInputFiles({
        name: "guide.pdf",
        mimeType: "application/pdf",
        buffer: tinyPdf("Microphone guide"),
      });
      await page.getByRole("button", { name: "Upload" }).click();
      await page.getByText("Material added").waitFor();
      await page.getByRole("listitem").filter({ hasText: "Microphone guide" }).first().waitFor();

      if (installed.has("exams")) {
        await page.getByRole("tab", { name: "Exams" }).click();
        await page.getByRole("button", { name: "Import GIFT" }).click();
        await page.getByLabel("Text").fill(GIFT_QUESTIONS);
        await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
        await page.getByTestId("exam-builder").waitFor();
        expect(await page.getByTestId("question-count").textContent()).toMatch(/\/ 10 questions/);
        await page.getByLabel("Minutes").fill("20");
        await page.getByRole("button", { name: "Save and publish" }).click();
        await page.getByText("Exam published").waitFor();
      }

      await page.getByRole("button", { name: "Submit for approval" }).click();
      // The pre-submission checklist: everything is done, so its own button submits.
      await page.getByRole("dialog").getByRole("button", { name: "Submit for approval" }).click();
      await page.getByText("Submitted for approval").waitFor();
      await captureBothWidths(page, "instructor-course-editor");
      await page.goto("/instructor/courses");
      await settled(page);
      await page.getByTestId("course-row").filter({ hasText: courseTitle }).getByText("Pending").waitFor();
      await captureBothWidths(page, "instructor-courses");
    },
  );

  it("lets an admin approve the course, find students and invite staff", async () => {
    const page = await tour.open();
    await signInThroughDialog(page, "admin", "admin@example.com", PASSWORD);
    await page.getByTestId("kpi-Students").waitFor();
    expect(await page.getByTestId("kpi-Students").textContent()).toMatch(/^\d/);
    await page.getByTestId("kpi-Pass rate").waitFor();
    // With exams installed, the dashboard is photographed once an attempt has been graded (below).
    if (installed.has("exams")) await expectAccessible(page, "the admin dashboard");
    else await captureBothWidths(page, "admin-dashboard");

    if (installed.has("courses")) {
      await page.goto("/admin/approvals");
      await settled(page);
      const row = page.getByTestId("approval").filter({ hasText: courseTitle });
      await row.getByRole("button", { name: "Reject…" }).click();
      const modal = page.getByRole("dialog");
      await modal.getByRole("button", { name: "Reject course" }).click();
      await modal.getByText("Tell the instructor what to change.").waitFor();
      await captureBothWidths(page, "admin-reject-modal");
      await page.keyboard.press("Escape");
      await modal.waitFor({ state: "hidden" });
      await captureBothWidths(page, "admin-approvals");
      await row.getByRole("button", { name: "Approve" }).click();
      await page.getByText("Course published").waitFor();
      await row.waitFor({ state: "detached" });
    }

    await page.goto("/admin/users");
    await settled(page);
    await page.getByLabel("Search by name or email").fill("Lena");
    await page.getByRole("cell", { name: student.email }).waitFor();
    await captureBothWidths(page, "admin-users");
    await page.getByRole("button", { name: "New staff account" }).click();
    const modal = page.getByRole("dialog");
    await modal.getByLabel("Name").fill("Noor Newhire");
    await modal.getByLabel("Email").fill(`noor.${Date.now()}@example.com`);
    await modal.getByRole("button", { name: "Send invitation" }).click();
    await page.getByText("Invitation sent").waitFor();

    await page.goto("/admin/certificates");
    await settled(page);
    await expectAccessible(page, "certificate approvals");

    if (installed.has("courses")) {
      const visitor = await tour.open(`/courses?search=${encodeURIComponent(courseTitle)}`);
      await visitor.getByRole("link", { name: courseTitle }).waitFor();
    }
  });

  it.runIf(installed.has("exams"))(
    "lets the student take the new course's exam, keep answers across a reload and a lost connection, and see it await grading",
    async () => {
      await studentPage.goto(`/courses?search=${encodeURIComponent(courseTitle)}`);
      await studentPage.getByRole("link", { name: courseTitle }).click();
      await Promise.all([
        studentPage.waitForURL("**/student/courses/*"),
        studentPage.getByTestId("enroll").click(),
      ]);
      await settled(studentPage);
      await studentPage
        .locator("[data-testid=pdf-viewer] canvas[data-rendered-page='1']")
        .waitFor({ timeout: 30_000 });
      await studentPage.getByRole("button", { name: "Mark as complete" }).click();
      await studentPage.getByText("Marked as complete").waitFor();

      await studentPage.goto("/student/exams");
      await settled(studentPage);
      const card = studentPage.getByTestId("exam-card").filter({ hasText: courseTitle });
      await card.getByRole("link").click();
      await studentPage.getByRole("button", { name: "Start the exam" }).click();
      await studentPage.getByTestId("exam-bar").waitFor();
      await studentPage.getByTestId("exam-countdown").waitFor();
      const question = (text: string) => studentPage.getByTestId("question").filter({ hasText: text });
      await question("capital of France").getByLabel("Paris").check();
      await question("boils").getByLabel("True").check();
      await studentPage.getByText(/Saved ·/).waitFor();

      // A reload in the middle of the exam resumes it with the answers given so far.
      await studentPage.reload();
      await studentPage.getByTestId("exam-countdown").waitFor();
      expect(await question("capital of France").getByLabel("Paris").isChecked()).toBe(true);
      expect(await question("boils").getByLabel("True").isChecked()).toBe(true);

      // Offline: the answer stays on the device, the student is told, and it is sent once back online.
      await studentPage.context().setOffline(true);
      await question("prime").getByLabel("2", { exact: true }).check();
      await studentPage.getByTestId("offline-indicator").waitFor();
      await captureBothWidths(studentPage, "student-exam");
      await studentPage.context().setOffline(false);
      await studentPage.getByText(/Saved ·/).waitFor({ timeout: 40_000 });

      // A crowded server (or its proxy) answers 503 with Retry-After: the answer stays on the
      // device that long — not the shorter back-off — and is then sent.
      const answerPuts: number[] = [];
      let crowded = true;
      await studentPage.route("**/api/attempts/*/answers", async (route) => {
        answerPuts.push(Date.now());
        if (!crowded) return route.continue();
        crowded = false;
        await route.fulfill({
          status: 503,
          headers: { "Retry-After": "4", "Content-Type": "application/problem+json" },
          body: JSON.stringify({ type: "unavailable", title: "Service unavailable", status: 503 }),
        });
      });
      await question("prime").getByLabel("3", { exact: true }).check();
      await studentPage.getByText(/Server busy ·/).waitFor();
      await studentPage.getByText(/Saved ·/).waitFor({ timeout: 20_000 });
      expect(answerPuts).toHaveLength(2);
      expect(answerPuts[1]! - answerPuts[0]!).toBeGreaterThanOrEqual(3_900);
      await studentPage.unroute("**/api/attempts/*/answers");
      // Not among the accepted answers (JavaScript, JS): the instructor has to judge it.
      await question("browser run").getByRole("textbox").fill(SHORT_ANSWER);
      await studentPage.getByText(/Saved ·/).waitFor();

      await studentPage.getByRole("button", { name: "Submit", exact: true }).click();
      const confirm = studentPage.getByRole("dialog");
      await confirm.getByText("Every question has an answer").waitFor();
      await confirm.getByRole("button", { name: "Submit now" }).click();
      await studentPage.getByTestId("exam-result").waitFor();
      expect(await studentPage.getByTestId("exam-result").textContent()).toMatch(/Awaiting grading/);
      expect(await studentPage.getByTestId("exam-score").textContent()).toMatch(/^3\s*\/\s*4$/);
      await captureBothWidths(studentPage, "student-exam-result");

      await studentPage.goto("/student/grades");
      await settled(studentPage);
      const row = studentPage.getByRole("row").filter({ hasText: courseTitle });
      await row.getByText("Needs review").waitFor();
      await expectAccessible(studentPage, "the grades awaiting review");
    },
  );

  it.runIf(installed.has("exams"))(
    "lets the instructor mark the short answer by hand; the attempt becomes graded and passed",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "instructor", "instructor@example.com", PASSWORD);
      await page.goto("/instructor/grading");
      await settled(page);
      const attempt = page.getByTestId("grading-attempt").filter({ hasText: student.name });
      await attempt.waitFor();
      await attempt.getByText(SHORT_ANSWER, { exact: true }).waitFor();
      await attempt.getByLabel(/^Marks/).fill("1");
      await attempt.getByLabel(/^Feedback/).fill(FEEDBACK);
      await captureBothWidths(page, "instructor-grading");
      await attempt.getByRole("button", { name: "Save grades" }).click();
      await page.getByText("Grades saved").waitFor();
      await attempt.waitFor({ state: "detached" });
      await expectAccessible(page, "the grading page after grading");

      // The API agrees: the attempt is graded, full marks, passed, with the instructor's feedback.
      type Item = { id: string; title: string };
      const course = itemsOf(
        await apiJson<Item[] | { items: Item[] }>(page, "/api/instructor/courses?limit=100"),
      ).find((c) => c.title === courseTitle);
      expect(course, courseTitle).toBeDefined();
      const [exam] = itemsOf(
        await apiJson<Item[] | { items: Item[] }>(page, `/api/courses/${course!.id}/exams`),
      );
      type Graded = {
        status: string;
        score: number | null;
        maxScore: number;
        passed: boolean | null;
        user?: { name: string };
        questions: { type: string; result?: { marks: number; manual?: boolean; feedback?: string } }[];
      };
      const graded = itemsOf(
        await apiJson<Graded[] | { items: Graded[] }>(page, `/api/exams/${exam!.id}/attempts?limit=100`),
      ).find((a) => a.user?.name === student.name);
      expect(graded).toMatchObject({ status: "graded", score: 4, maxScore: 4, passed: true });
      expect(graded!.questions.find((q) => q.type === "short_answer")?.result).toMatchObject({
        marks: 1,
        manual: true,
        feedback: FEEDBACK,
      });

      // And the student sees it passed.
      await studentPage.goto("/student/grades");
      await settled(studentPage);
      const row = studentPage.getByRole("row").filter({ hasText: courseTitle });
      await row.getByText("Passed", { exact: true }).waitFor();
      expect(await row.textContent()).toMatch(/4 \/ 4/);
      await captureBothWidths(studentPage, "student-grades");
    },
  );

  it.runIf(installed.has("exams"))(
    "shows the admin the institution's figures from the analytics API, the graded attempt in the pass rate",
    async () => {
      const page = await tour.open();
      await signInThroughDialog(page, "admin", "admin@example.com", PASSWORD);
      type Analytics = {
        totals: Record<string, number>;
        breakdowns: Record<string, { label: string; value: number; total?: number }[]>;
      };
      const analytics = await apiJson<Analytics>(page, "/api/admin/analytics?weeks=12");
      const { attemptsGraded = 0, attemptsPassed = 0 } = analytics.totals;
      expect(attemptsGraded).toBeGreaterThan(0);
      expect(analytics.breakdowns.passRateByCourse?.find((i) => i.label === courseTitle)).toMatchObject({
        value: 1,
        total: 1,
      });
      expect(await page.getByTestId("kpi-Pass rate").textContent()).toBe(
        `${Math.round((attemptsPassed / attemptsGraded) * 100)}%`,
      );
      expect(await page.getByTestId("kpi-Students").textContent()).toBe(
        new Intl.NumberFormat("en-US").format(analytics.totals.students ?? 0),
      );
      const chart = page.getByTestId("chart-pass-rate");
      await page.locator("[data-testid=chart-pass-rate][data-ready=true]").waitFor();
      expect(await chart.getAttribute("role")).toBe("img");
      expect(await chart.getAttribute("aria-label")).toContain(`${courseTitle} 100% (1 passed of 1 graded)`);
      expect((await chart.boundingBox())?.height ?? 0).toBeGreaterThan(100);
      await captureBothWidths(page, "admin-dashboard");
    },
  );

  it.runIf(installed.has("certificates") && installed.has("exams"))(
    "lets an admin approve the certificate; the student downloads it and the verification page shows it valid",
    async () => {
      const admin = await tour.open();
      await signInThroughDialog(admin, "admin", "admin@example.com", PASSWORD);
      // The completion that requests the certificate is handled in the background: wait for it.
      const row = admin.getByTestId("certificate-row").filter({ hasText: student.name });
      await expect
        .poll(
          async () => {
            await admin.goto("/admin/certificates");
            await settled(admin);
            return row.count();
          },
          { timeout: 60_000, interval: 2_000 },
        )
        .toBe(1);
      await row.getByRole("checkbox").check();
      await captureBothWidths(admin, "admin-certificates");
      await admin.getByRole("button", { name: /Approve selected/ }).click();
      const confirm = admin.getByRole("dialog");
      await confirm.getByText("Issue 1 certificate?").waitFor();
      await expectAccessible(admin, "the batch approval confirmation");
      await confirm.getByRole("button", { name: "Issue certificates" }).click();
      await admin.getByText(/1 certificate issued/).waitFor({ timeout: 60_000 });
      // No finished progress panel stays above the (now empty) list.
      await admin.getByText(/Issuing certificates/).waitFor({ state: "detached" });

      await studentPage.goto("/student/certificates");
      await settled(studentPage);
      const certificate = studentPage.getByTestId("certificate").filter({ hasText: courseTitle });
      await certificate.getByText("Issued", { exact: true }).waitFor();
      await captureBothWidths(studentPage, "student-certificates");
      const [download] = await Promise.all([
        studentPage.waitForEvent("download"),
        certificate.getByRole("link", { name: "Download PDF" }).click(),
      ]);
      const path = await download.path();
      const { readFile } = await import("node:fs/promises");
      expect((await readFile(path)).subarray(0, 5).toString()).toBe("%PDF-");

      await certificate.getByRole("link", { name: "View verification" }).click();
      await studentPage.getByTestId("verification").waitFor();
      expect(await studentPage.getByTestId("verification").getAttribute("data-state")).toBe("valid");
      expect(await studentPage.getByTestId("verification").textContent()).toContain(student.name);
      await captureBothWidths(studentPage, "verify-valid");
    },
  );

  it("shows a clear 403 page for another role's dashboard", async () => {
    await studentPage.goto("/admin");
    await studentPage.getByTestId("forbidden").waitFor();
    expect(await studentPage.getByRole("heading", { level: 1 }).textContent()).toContain(
      "not for your account",
    );
    await expectAccessible(studentPage, "the 403 page");
  });

  it("sends a signed-out visitor to the dialog and then back where they were", async () => {
    const page = await tour.open("/student/grades");
    await page.waitForURL(/login=student&next=%2Fstudent%2Fgrades/);
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email").fill(student.email);
    await dialog.getByLabel("Password").fill(student.password);
    await Promise.all([
      page.waitForURL("**/student/grades"),
      dialog.getByRole("button", { name: "Sign in" }).click(),
    ]);
  });

  it("says plainly when a certificate code is unknown", async () => {
    const page = await tour.open("/verify/NOT-A-REAL-CODE");
    await page.getByTestId("verification").waitFor();
    expect(await page.getByTestId("verification").getAttribute("data-state")).toMatch(/unknown|error/);
    await expectAccessible(page, "the verification page");
  });
});
