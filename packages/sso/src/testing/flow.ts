import { rowsOf } from "@lectern/core";
import type { TestLectern } from "@lectern/core/testing";
import { expect } from "vitest";

export const PUBLIC_URL = "http://localhost:4321";

/** What a browser holds after `GET /api/sso/:provider/start`: the provider's URL and the flow cookie. */
export async function startSignIn(t: TestLectern, provider: string, returnTo?: string) {
  const query = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : "";
  const res = await t.request("GET", `/api/sso/${provider}/start${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(302);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("lectern_sso="));
  expect(cookie).toMatch(/HttpOnly/);
  return { authorizationUrl: res.headers.get("location") ?? "", cookie: cookie?.split(";")[0] ?? "" };
}

/** The provider's redirect back, as the browser makes it (with or without the flow cookie). */
export function callback(
  t: TestLectern,
  callbackUrl: URL,
  options: { cookie?: string; browser?: boolean } = {},
) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  headers.accept = options.browser ? "text/html,application/xhtml+xml" : "application/json";
  return t.request("GET", `${callbackUrl.pathname}${callbackUrl.search}`, { headers });
}

/** The session cookie a successful callback sets, as a `Cookie` header value. */
export function sessionCookie(res: { headers: Headers }): string | undefined {
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith("lectern_session="))
    ?.split(";")[0];
}

/** Counts of what a sign-in may store; a refused one must leave every count as it was. */
export async function stored(t: TestLectern) {
  const count = async (table: string) => {
    const result = await t.lectern.db.execute(`select count(*)::int as n from ${table}`);
    return rowsOf<{ n: number }>(result)[0]?.n;
  };
  return {
    users: await count("lectern_users"),
    sessions: await count("lectern_sessions"),
    identities: await count("sso_identities"),
  };
}
