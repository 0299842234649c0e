import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { googleProvider, microsoftProvider, oidcProvider, sso } from "./index.js";
import { type FakeIssuer, type IssueOptions, startFakeIssuer } from "./testing/fake-issuer.js";
import { callback, PUBLIC_URL, sessionCookie, startSignIn, stored } from "./testing/flow.js";

const TENANT = "7c3e1a52-0000-4000-8000-00000000a1b2";
let issuer: FakeIssuer;
let t: TestLectern;
let seq = 0;

/** Start, let the fake provider answer as told, and come back with the flow cookie. */
async function signIn(provider: string, options: IssueOptions) {
  const { authorizationUrl, cookie } = await startSignIn(t, provider);
  return callback(t, issuer.authorize(authorizationUrl, options), { cookie });
}

async function expectRefused(provider: string, options: IssueOptions, status: number, type: string) {
  const before = await stored(t);
  const res = await signIn(provider, options);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body.type).toMatch(new RegExp(`${type}$`));
  expect(sessionCookie(res)).toBeUndefined();
  expect(await stored(t)).toEqual(before);
}

const email = () => {
  seq += 1;
  return `grace${seq}@example.org`;
};

beforeAll(async () => {
  issuer = await startFakeIssuer();
  const credentials = { clientId: issuer.clientId, clientSecret: issuer.clientSecret };
  t = await createTestLectern({
    publicUrl: PUBLIC_URL,
    plugins: [
      sso({
        providers: [
          oidcProvider({ id: "fake", name: "Fake University", issuer: issuer.url, ...credentials }),
          googleProvider({ ...credentials, endpoints: issuer.endpoints }),
          microsoftProvider({ ...credentials, tenant: TENANT, endpoints: issuer.endpoints }),
        ],
        passwordSignIn: false,
      }),
    ],
  });
});

afterAll(async () => {
  await t?.close();
  await issuer?.close();
});

describe("ID tokens are checked against the provider's keys", () => {
  const claims = () => ({ sub: `s-${seq}`, email: email(), email_verified: true, name: "Grace Hopper" });

  it("accepts a token signed with the published key", async () => {
    const res = await signIn("fake", { claims: claims() });
    expect(res.status, JSON.stringify(res.body)).toBe(302);
    expect(sessionCookie(res)).toBeTruthy();
  });

  it("refuses a token signed by a key the provider does not publish", async () => {
    await expectRefused("fake", { claims: claims(), signWith: "other" }, 401, "sso-token-invalid");
  });

  it("refuses a token whose payload was changed after signing", async () => {
    await expectRefused("fake", { claims: claims(), tamper: true }, 401, "sso-token-invalid");
  });

  it("refuses a token made for another sign-in (nonce) or another client (audience)", async () => {
    await expectRefused("fake", { claims: { ...claims(), nonce: "another" } }, 401, "sso-token-invalid");
    await expectRefused("fake", { claims: { ...claims(), aud: "someone-else" } }, 401, "sso-token-invalid");
  });
});

describe("the Google preset", () => {
  const google = (extra: Record<string, unknown> = {}) => ({
    sub: `g-${seq}`,
    email: email(),
    email_verified: true,
    name: "Grace Google",
    iss: "https://accounts.google.com",
    ...extra,
  });

  it("asks for a code with PKCE and a nonce, and signs a new student in", async () => {
    const { authorizationUrl } = await startSignIn(t, "google");
    const asked = new URL(authorizationUrl).searchParams;
    expect(asked.get("client_id")).toBe(issuer.clientId);
    expect(asked.get("code_challenge_method")).toBe("S256");
    expect(asked.get("nonce")).toBeTruthy();
    expect(asked.get("scope")).toBe("openid email profile");
    const claims = google();
    const res = await signIn("google", { claims });
    expect(res.status, JSON.stringify(res.body)).toBe(302);
    const me = await t.request("GET", "/api/auth/me", { headers: { cookie: sessionCookie(res) ?? "" } });
    expect(me.body.user).toMatchObject({ email: claims.email, role: "student", name: "Grace Google" });
  });

  it("refuses another key, another issuer, another nonce and an unverified address", async () => {
    await expectRefused("google", { claims: google(), signWith: "other" }, 401, "sso-token-invalid");
    await expectRefused(
      "google",
      { claims: google({ iss: "https://evil.example" }) },
      401,
      "sso-token-invalid",
    );
    await expectRefused("google", { claims: google({ nonce: "replayed" }) }, 401, "sso-token-invalid");
    await expectRefused("google", { claims: google({ email_verified: false }) }, 403, "sso-email-unverified");
  });
});

describe("the Microsoft Entra ID preset", () => {
  const entra = (extra: Record<string, unknown> = {}) => ({
    sub: `m-${seq}`,
    tid: TENANT,
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    email: email(),
    xms_edov: true,
    name: "Grace Entra",
    ...extra,
  });

  it("signs in a person whose address's domain the tenant verified", async () => {
    const res = await signIn("microsoft", { claims: entra() });
    expect(res.status, JSON.stringify(res.body)).toBe(302);
  });

  it("refuses a token of another tenant, and an address without the verified-domain claim", async () => {
    const other = "11111111-2222-4333-8444-555555555555";
    await expectRefused(
      "microsoft",
      { claims: entra({ tid: other, iss: `https://login.microsoftonline.com/${other}/v2.0` }) },
      401,
      "sso-token-invalid",
    );
    await expectRefused("microsoft", { claims: entra({ xms_edov: undefined }) }, 403, "sso-email-unverified");
  });
});

describe("with password sign-in off", () => {
  it("lists the providers and says passwords are off", async () => {
    const res = await t.anonymous.get("/api/sso/providers");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { id: "fake", name: "Fake University", startUrl: "/api/sso/fake/start" },
        { id: "google", name: "Google", startUrl: "/api/sso/google/start" },
        { id: "microsoft", name: "Microsoft", startUrl: "/api/sso/microsoft/start" },
      ],
      passwordSignIn: false,
    });
  });

  it("answers password sign-in and registration with a problem naming the way in", async () => {
    const user = await t.createUser("student");
    const before = await stored(t);
    for (const [path, body] of [
      ["/api/auth/login", { email: user.email, password: user.password }],
      ["/api/auth/register", { email: email(), password: "long enough pass", name: "New" }],
    ] as const) {
      const res = await t.anonymous.post(path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.type).toMatch(/password-sign-in-off$/);
      expect(res.body.detail).toContain("Sign in with Fake University");
    }
    expect(await stored(t)).toEqual(before);
  });
});
