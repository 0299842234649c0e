import { startTestOidcProvider, type TestOidcProvider } from "@lectern/sso/testing";
import { afterAll, describe, expect, it } from "vitest";
import { captureBothWidths, settled } from "./browser.js";
import { freePort } from "./campus.js";
import { campusTour } from "./tour-setup.js";

let op: TestOidcProvider;

const tour = campusTour(async () => {
  // The provider must know the campus's callback before the campus starts: choose the port first.
  const port = await freePort();
  op = await startTestOidcProvider([`http://localhost:${port}/api/sso/northfield/callback`]);
  return {
    port,
    env: {
      SSO_ID: "northfield",
      SSO_NAME: "Northfield University",
      SSO_ISSUER: op.issuer,
      SSO_CLIENT_ID: op.clientId,
      SSO_CLIENT_SECRET: op.clientSecret,
      SSO_ALLOWED_DOMAINS: "northfield.edu",
    },
  };
});

afterAll(async () => {
  await op?.close();
});

describe.sequential("signing in with the institution's account, in Chromium", () => {
  it("offers “Sign in with Northfield University” and lands a new student on their dashboard", async () => {
    op.signInAs("n-1001", { email: "ada@northfield.edu", email_verified: true, name: "Ada Lovelace" });
    const page = await tour.open();
    await page.goto("/?login=student");
    const dialog = page.getByRole("dialog");
    const button = dialog.getByRole("link", { name: "Sign in with Northfield University" });
    await button.waitFor();
    await captureBothWidths(page, "sso-login-dialog");
    // Four redirects across two servers and a first discovery: slower than a password sign-in.
    await Promise.all([
      page.waitForURL("**/student", { timeout: 90_000, waitUntil: "commit" }),
      button.click(),
    ]);
    await settled(page);
    await expect(page.getByText("Ada Lovelace").first().isVisible()).resolves.toBe(true);
  });

  it("brings a refused sign-in back to the dialog with a sentence, not machinery", async () => {
    op.signInAs("n-1002", { email: "bob@northfield.edu", email_verified: false, name: "Bob Unverified" });
    const page = await tour.open();
    await page.goto("/?login=student");
    await Promise.all([
      page.waitForURL(/sso_error=sso-email-unverified/, { timeout: 90_000, waitUntil: "commit" }),
      page.getByRole("link", { name: "Sign in with Northfield University" }).click(),
    ]);
    const alert = page.getByRole("dialog").getByRole("alert");
    await alert.waitFor();
    const text = (await alert.textContent()) ?? "";
    expect(text).toContain("did not confirm your email address");
    expect(text).not.toMatch(/sso-|problem|undefined/);
    const me = await page.request.get("/api/auth/me");
    expect(me.status()).toBe(401);
  });
});
