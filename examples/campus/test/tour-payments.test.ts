import { readFile } from "node:fs/promises";
import { FakeStripe } from "@lectern/stripe/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureBothWidths, settled, signInThroughDialog } from "./browser.js";
import { campusTour } from "./tour-setup.js";

const PASSWORD = "lectern-demo";
const WEBHOOK_SECRET = "whsec_campus_tour";
const STEP = 300_000;
/** What a person must never read: route names, validator messages, JavaScript's leftovers. */
const MACHINERY = /\broute\b|expected string|too small|undefined|NaN|\[object/i;
/** The demo campus writes amounts for en-GB (lectern.config.ts, LOCALE unset). */
const usd = (amount: number) =>
  new Intl.NumberFormat("en-GB", { style: "currency", currency: "USD" }).format(amount / 100);

let fake: FakeStripe;
let student: Page;
let admin: Page;
/** Filled as the tour goes: the two purchases it makes. */
const bought = { stripe: "", manual: "", manualReference: "" };

async function signedIn(role: "student" | "admin"): Promise<Page> {
  const page = await tour.open();
  await signInThroughDialog(page, role, `${role}@example.com`, PASSWORD);
  return page;
}

async function expectHuman(page: Page): Promise<void> {
  // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, not the scripts' source
  expect(await page.locator("body").innerText()).not.toMatch(MACHINERY);
}

async function openCourse(page: Page, slug: string): Promise<void> {
  await page.goto(`/courses/${slug}`);
  await settled(page);
}

const tour = campusTour(async () => {
  fake = await new FakeStripe({ webhookSecret: WEBHOOK_SECRET }).start();
  // Stripe appears on the campus because its keys are set, pointed at the fake.
  return {
    env: {
      STRIPE_SECRET_KEY: "sk_test_campus_tour",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: fake.url,
    },
  };
});

beforeAll(() => {
  // The fake's hosted page posts the signed webhook here after "Pay", as Stripe would.
  fake.setWebhookUrl(`${tour.campus.url.replace("localhost", "127.0.0.1")}/api/payments/webhooks/stripe`);
});

afterAll(async () => {
  await fake?.close();
});

describe("buying courses on the campus, in Chromium", () => {
  it(
    "buys a course by card on Stripe's hosted page, with a coupon, and waits for the webhook",
    async () => {
      // Signed in here rather than in beforeAll: the hook's time goes to starting the campus.
      student = await signedIn("student");
      admin = await signedIn("admin");
      await openCourse(student, "algorithms-and-data-structures");
      expect(await student.getByTestId("price").textContent()).toBe(usd(7900));
      await student.getByRole("button", { name: "Buy", exact: true }).click();
      const dialog = student.getByRole("dialog");
      await dialog.waitFor();
      await dialog.getByLabel("Card (Stripe)").check();

      // A code that does not exist: a sentence next to the field, nothing bought.
      await dialog.getByLabel("Coupon code").fill("NOT-A-CODE");
      await dialog.getByRole("button", { name: /Continue to pay/ }).click();
      await expect.poll(() => dialog.getByTestId("coupon-error").textContent()).toMatch(/not valid/);
      // One that is malformed is caught before it is sent.
      await dialog.getByLabel("Coupon code").fill("x");
      await dialog.getByRole("button", { name: /Continue to pay/ }).click();
      expect(await dialog.getByTestId("coupon-error").textContent()).toMatch(/3 to 40 letters/);
      await expectHuman(student);
      await dialog.getByLabel("Coupon code").fill("WELCOME10");
      await captureBothWidths(student, "payments-buy-dialog");

      // The webhook is late, as Stripe's can be: the campus must not claim success before it.
      fake.holdWebhooks();
      await Promise.all([
        student.waitForURL(/127\.0\.0\.1:\d+\/pay\//),
        dialog.getByRole("button", { name: "Continue to payment" }).click(),
      ]);
      // The fake's hosted page: the discounted price, then "Pay".
      await student.getByRole("button", { name: "Pay $71.10" }).click();
      await student.waitForURL("**/student/payments/*");
      bought.stripe = student.url().split("/").pop()!;
      const outcome = student.getByTestId("payment-outcome");
      await outcome.waitFor();
      expect(await outcome.getAttribute("data-status")).toBe("pending");
      await student.getByText("Waiting for Card (Stripe) to confirm").waitFor();
      await settled(student);
      await captureBothWidths(student, "payments-waiting");
      await expectHuman(student);

      let reloaded = false;
      student.on("framenavigated", (frame) => {
        if (frame === student.mainFrame()) reloaded = true;
      });
      await fake.releaseWebhooks();
      await student.getByText("Payment received: you are enrolled").waitFor({ timeout: 30_000 });
      // The bell's live toast says so too, from the notification centre.
      await student.getByText('Payment received: "Algorithms and Data Structures"').first().waitFor();
      expect(reloaded).toBe(false);
      expect(await student.getByText(usd(7110)).count()).toBeGreaterThan(0);
      await captureBothWidths(student, "payments-paid");

      await Promise.all([
        student.waitForURL("**/student/courses/*"),
        student.getByRole("link", { name: "Open the course" }).click(),
      ]);
      await settled(student);
      await student.getByRole("heading", { name: "Algorithms and Data Structures" }).first().waitFor();
    },
    STEP,
  );

  it(
    "buys a course by bank transfer, shows the instructions, and opens it once an admin marks it paid",
    async () => {
      await openCourse(student, "sql-and-relational-databases");
      await student.getByRole("button", { name: "Buy", exact: true }).click();
      const dialog = student.getByRole("dialog");
      await dialog.getByLabel("Bank transfer").check();
      await Promise.all([
        student.waitForURL("**/student/payments/*"),
        dialog.getByRole("button", { name: "Get payment instructions" }).click(),
      ]);
      bought.manual = student.url().split("/").pop()!;
      await settled(student);
      await student.getByText("Waiting for your payment").waitFor();
      bought.manualReference = (await student.getByTestId("reference").textContent())!.trim();
      expect(bought.manualReference).toMatch(/^LEC-/);
      expect(await student.getByText(`Transfer ${usd(3900)} to the campus account`).count()).toBe(1);
      await captureBothWidths(student, "payments-bank-transfer");
      await expectHuman(student);

      await admin.goto("/admin/payments");
      await settled(admin);
      await admin.getByLabel("Method").selectOption({ label: "Bank transfer" });
      await admin.getByLabel("Status").selectOption({ label: "Waiting for confirmation" });
      const row = admin.getByTestId("payment-row").filter({ hasText: bought.manualReference });
      await row.waitFor();
      await captureBothWidths(admin, "payments-admin");
      await row.getByRole("button", { name: "Mark paid" }).click();
      const mark = admin.getByRole("dialog");
      await mark.getByRole("button", { name: "Mark as paid" }).click();
      await mark.getByText("Say what you checked").waitFor();
      await mark.getByLabel("Note").fill("Transfer received, statement line 17.");
      await mark.getByRole("button", { name: "Mark as paid" }).click();
      await admin.getByText("Marked as paid").first().waitFor();
      await expectHuman(admin);

      // The student's page, open all along, follows by itself; then the course opens.
      await student.getByText("Payment received: you are enrolled").waitFor({ timeout: 30_000 });
      await Promise.all([
        student.waitForURL("**/student/courses/*"),
        student.getByRole("link", { name: "Open the course" }).click(),
      ]);
      await settled(student);
      await student.getByRole("heading", { name: "SQL and Relational Databases" }).first().waitFor();
    },
    STEP,
  );

  it(
    "lists the student's payments on their page and on the profile, in words",
    async () => {
      await student.goto("/student/payments");
      await settled(student);
      const list = student.getByTestId("payments");
      for (const title of ["Algorithms and Data Structures", "SQL and Relational Databases"])
        await list.getByText(title).waitFor();
      expect(await list.getByText("Paid").count()).toBeGreaterThanOrEqual(3);
      await captureBothWidths(student, "payments-student");
      await expectHuman(student);
      await student.goto("/student/profile");
      await settled(student);
      await student.getByRole("heading", { name: "Payments" }).waitFor();
      await student.getByText("SQL and Relational Databases").first().waitFor();
      await expectHuman(student);
    },
    STEP,
  );

  it(
    "refunds the card payment after a confirmation, ending the student's access, and exports CSV",
    async () => {
      await admin.goto("/admin/payments");
      await settled(admin);
      const row = admin.locator(`[data-payment="${bought.stripe}"]`);
      await row.getByRole("button", { name: "Refund" }).click();
      const dialog = admin.getByRole("dialog", { name: "Refund this payment?" });
      await dialog.getByLabel(/Amount in USD/).fill("a lot");
      await dialog.getByRole("button", { name: "Refund" }).click();
      await dialog.getByText("Write an amount such as 12.50").waitFor();
      await dialog.getByLabel(/Amount in USD/).fill("500");
      await dialog.getByRole("button", { name: "Refund" }).click();
      await dialog.getByText(`At most ${usd(7110)} is left to refund.`).waitFor();
      await dialog.getByLabel(/Amount in USD/).fill("");
      await captureBothWidths(admin, "payments-refund-dialog");
      await dialog.getByRole("button", { name: "Refund" }).click();
      await admin.getByText("Refund sent").first().waitFor();
      await row.getByText("Refunded", { exact: true }).waitFor();
      expect(await row.getByRole("button", { name: "Refund" }).count()).toBe(0);
      await expectHuman(admin);

      const [download] = await Promise.all([
        admin.waitForEvent("download"),
        admin.getByRole("link", { name: "Download CSV" }).click(),
      ]);
      const csv = await readFile((await download.path())!, "utf8");
      expect(csv).toContain(bought.manualReference);
      expect(csv.split("\n")[0]).toMatch(/status/i);

      // The refund ended the student's access: the course is for sale again.
      await openCourse(student, "algorithms-and-data-structures");
      await student.getByRole("button", { name: "Buy", exact: true }).waitFor();
      await student.goto(`/student/payments/${bought.stripe}`);
      await student.getByText("This payment was refunded").waitFor();
    },
    STEP,
  );

  it(
    "creates and expires a coupon on the admin's coupons page",
    async () => {
      await admin.goto("/admin/coupons");
      await settled(admin);
      await admin.getByTestId("coupon-row").filter({ hasText: "WELCOME10" }).waitFor();
      await admin.getByRole("button", { name: "New coupon" }).click();
      const dialog = admin.getByRole("dialog", { name: "New coupon" });
      await dialog.getByLabel("Code").fill("x");
      await dialog.getByLabel("Percent off").fill("250");
      await dialog.getByRole("button", { name: "Create coupon" }).click();
      await dialog.getByText("Use 3 to 40 letters").waitFor();
      await dialog.getByText("Give a whole percentage from 1 to 100.").waitFor();
      await dialog.getByLabel("Code").fill("SPRING25");
      await dialog.getByLabel("Percent off").fill("25");
      await dialog.getByLabel("Uses at most").fill("50");
      await dialog.getByRole("button", { name: "Create coupon" }).click();
      const row = admin.getByTestId("coupon-row").filter({ hasText: "SPRING25" });
      await row.getByText("0 of 50").waitFor();
      await captureBothWidths(admin, "payments-coupons");
      await row.getByRole("button", { name: "Expire" }).click();
      await admin.getByRole("dialog").getByRole("button", { name: "Expire coupon" }).click();
      await row.getByText("Expired by hand").waitFor();
      await expectHuman(admin);
    },
    STEP,
  );
});
