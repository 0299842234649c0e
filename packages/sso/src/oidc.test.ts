import { authorizationMatrix, createTestLectern, type TestLectern } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oidcProvider, sso } from "./index.js";
import { callback, PUBLIC_URL, sessionCookie, startSignIn, stored } from "./testing/flow.js";
import { startTestOidcProvider, type TestOidcProvider } from "./testing/oidc-provider.js";

const CALLBACK = `${PUBLIC_URL}/api/sso/northfield/callback`;
let op: TestOidcProvider;
let t: TestLectern;
let seq = 0;
const person = (overrides: Partial<{ email: string; email_verified: boolean; name: string }> = {}) => {
  seq += 1;
  return {
    email: `ada${seq}@northfield.edu`,
    email_verified: true,
    name: `Ada Lovelace ${seq}`,
    ...overrides,
  };
};

/** The whole browser round trip: start, the provider's login, and the callback with the flow cookie. */
async function signIn(sub: string, account: ReturnType<typeof person>, returnTo?: string) {
  op.signInAs(sub, account);
  const { authorizationUrl, cookie } = await startSignIn(t, "northfield", returnTo);
  const back = await op.authorize(authorizationUrl, CALLBACK);
  return { back, cookie, res: await callback(t, back, { cookie }) };
}

beforeAll(async () => {
  op = await startTestOidcProvider([CALLBACK]);
  t = await createTestLectern({
    publicUrl: PUBLIC_URL,
    plugins: [
      sso({
        providers: [
          oidcProvider({
            id: "northfield",
            name: "Northfield University",
            issuer: op.issuer,
            clientId: op.clientId,
            clientSecret: op.clientSecret,
          }),
        ],
        allowedDomains: ["northfield.edu"],
      }),
    ],
  });
});

afterAll(async () => {
  await t?.close();
  await op?.close();
});

describe("signing in with an OpenID Connect provider", () => {
  it("sends the browser to the provider with PKCE, state and nonce", async () => {
    const { authorizationUrl } = await startSignIn(t, "northfield");
    const url = new URL(authorizationUrl);
    expect(url.origin).toBe(op.issuer);
    expect(url.searchParams.get("redirect_uri")).toBe(CALLBACK);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    for (const name of ["code_challenge", "state", "nonce"]) expect(url.searchParams.get(name)).toBeTruthy();
    expect(url.searchParams.get("scope")).toBe("openid email profile");
  });

  it("creates a student on a first sign-in and lands on the page asked for", async () => {
    const account = person({ name: "Ada\u0007 Lovelace" });
    const { res } = await signIn("sub-new", account, "/courses?tab=mine");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${PUBLIC_URL}/courses?tab=mine`);
    const cookie = sessionCookie(res);
    expect(cookie).toBeTruthy();
    const me = await t.request("GET", "/api/auth/me", { headers: { cookie: cookie ?? "" } });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: account.email, name: "Ada Lovelace", role: "student" });
    // The flow cookie is cleared: the sign-in cannot be finished twice from this browser.
    expect(res.headers.getSetCookie().some((c) => /^lectern_sso=;/.test(c))).toBe(true);
  });

  it("links an existing account by its verified email, and finds it by subject afterwards", async () => {
    const account = person();
    const existing = await t.createUser("instructor", {
      email: account.email.toUpperCase(),
      name: "Existing",
    });
    const before = await stored(t);
    const first = await signIn("sub-link", account);
    expect(first.res.status, JSON.stringify(first.res.body)).toBe(302);
    const me = await t.request("GET", "/api/auth/me", {
      headers: { cookie: sessionCookie(first.res) ?? "" },
    });
    expect(me.body.user).toMatchObject({ id: existing.id, role: "instructor", name: "Existing" });
    const after = await stored(t);
    expect(after.users).toBe(before.users);
    expect(after.identities).toBe((before.identities ?? 0) + 1);

    // The provider now reports another address: the subject still names the same account.
    const again = await signIn("sub-link", { ...account, email: `renamed${seq}@northfield.edu` });
    const meAgain = await t.request("GET", "/api/auth/me", {
      headers: { cookie: sessionCookie(again.res) ?? "" },
    });
    expect(meAgain.body.user.id).toBe(existing.id);
    expect((await stored(t)).identities).toBe(after.identities);
  });

  it("refuses a suspended account exactly as a password sign-in does, storing nothing", async () => {
    const account = person();
    const admin = await t.createUser("admin");
    const student = await t.createUser("student", { email: account.email });
    const suspended = await t.as(admin).patch(`/api/admin/users/${student.id}`, { suspended: true });
    expect(suspended.status).toBe(200);
    const before = await stored(t);
    const { res } = await signIn("sub-suspended", account);
    expect(res.status).toBe(401);
    expect(sessionCookie(res)).toBeFalsy();
    expect(await stored(t)).toEqual(before);
  });

  it("refuses an answer whose state is not the one it started with", async () => {
    op.signInAs("sub-state", person());
    const { authorizationUrl, cookie } = await startSignIn(t, "northfield");
    const back = await op.authorize(authorizationUrl, CALLBACK);
    back.searchParams.set("state", "forged-state");
    const before = await stored(t);
    const res = await callback(t, back, { cookie });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.type).toMatch(/sso-state-mismatch$/);
    expect(sessionCookie(res)).toBeUndefined();
    expect(await stored(t)).toEqual(before);
  });

  it("refuses a replayed answer, and a code redeemed twice at the provider", async () => {
    const { back, cookie, res } = await signIn("sub-replay", person());
    expect(res.status).toBe(302);
    const before = await stored(t);
    // The same callback again, cookie and all: the flow is used up.
    const replay = await callback(t, back, { cookie });
    expect(replay.status).toBe(400);
    expect(replay.body.type).toMatch(/sso-flow-missing$/);
    // A new flow whose state the attacker copies, carrying the used code: the provider refuses it.
    const fresh = await startSignIn(t, "northfield");
    const forged = new URL(back);
    forged.searchParams.set("state", new URL(fresh.authorizationUrl).searchParams.get("state") ?? "");
    const redeemed = await callback(t, forged, { cookie: fresh.cookie });
    expect(redeemed.status).toBe(400);
    expect(redeemed.body.type).toMatch(/sso-code-rejected$/);
    expect(await stored(t)).toEqual(before);
  });

  it("refuses a callback without the flow cookie", async () => {
    op.signInAs("sub-nocookie", person());
    const { authorizationUrl } = await startSignIn(t, "northfield");
    const back = await op.authorize(authorizationUrl, CALLBACK);
    const before = await stored(t);
    const res = await callback(t, back);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      status: 400,
      detail: expect.stringContaining("Start the sign-in again"),
    });
    expect(res.body.type).toMatch(/sso-flow-missing$/);
    expect(await stored(t)).toEqual(before);
  });

  it("refuses an unverified email: no account, no link", async () => {
    const account = person({ email_verified: false });
    await t.createUser("student", { email: `twin-${account.email}` });
    const before = await stored(t);
    const { res } = await signIn("sub-unverified", account);
    expect(res.status).toBe(403);
    expect(res.body.type).toMatch(/sso-email-unverified$/);
    expect(res.body.detail).toContain("Northfield University");
    expect(await stored(t)).toEqual(before);
  });

  it("refuses an email outside the allowed domains, and says so on the site for a browser", async () => {
    const before = await stored(t);
    op.signInAs("sub-domain", person({ email: "mallory@gmail.com" }));
    const { authorizationUrl, cookie } = await startSignIn(t, "northfield");
    const back = await op.authorize(authorizationUrl, CALLBACK);
    const res = await callback(t, back, { cookie, browser: true });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${PUBLIC_URL}/login?sso_error=sso-domain-not-allowed`);
    expect(sessionCookie(res)).toBeUndefined();
    expect(await stored(t)).toEqual(before);
  });

  it("answers 404 for a provider that is not configured, and 422 for a return path off the site", async () => {
    const unknown = await t.request("GET", "/api/sso/nowhere/start");
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toMatch(/sso-unknown-provider$/);
    for (const returnTo of ["//evil.example/x", "https://evil.example/", "/a\u0000b", "/\\evil.example"]) {
      const res = await t.request(
        "GET",
        `/api/sso/northfield/start?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(res.status, returnTo).toBe(422);
      expect(res.body.errors[0].path).toBe("returnTo");
    }
  });
});

describe("who may call the routes", () => {
  it("every route is public and answers the same to anyone, signed in or not", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
    const document = (await t.anonymous.get("/api/openapi.json")).body;
    for (const path of ["/api/sso/providers", "/api/sso/{provider}/start", "/api/sso/{provider}/callback"]) {
      expect(document.paths[path].get["x-lectern-access"], path).toBe("public");
    }
    const student = await t.createUser("student");
    const asStudent = await t.as(student).get("/api/sso/providers");
    expect(asStudent.body).toEqual((await t.anonymous.get("/api/sso/providers")).body);
    expect(asStudent.body.passwordSignIn).toBe(true);
  });
});
