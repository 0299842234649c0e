import {
  createRouter,
  defineRoute,
  json,
  type LecternEnv,
  ProblemError,
  ProviderError,
  setSessionCookie,
  z,
} from "@lectern/core";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { FLOW_LIFETIME_MS, type SsoService } from "./service.js";

/** The browser's half of a started sign-in; only sent back to the SSO routes. */
export const FLOW_COOKIE = "lectern_sso";
const TAG = ["Single sign-on"];

const ProviderParam = z.object({
  provider: z
    .string()
    .max(40)
    .openapi({ param: { name: "provider", in: "path" }, example: "northfield" }),
});

/** A path on the site: never another origin (`//evil.example`), so the redirect cannot be borrowed. */
const returnTo = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s\p{Cc}]*$/u, "Give a path on this site, such as /courses.")
  .optional()
  .openapi({
    description: "The site's page to land on after signing in (a path); default the plugin's `afterSignIn`",
  });

const routes = {
  providers: defineRoute({
    method: "get",
    path: "/sso/providers",
    access: "public",
    tags: TAG,
    summary: "The sign-in providers, for the site's buttons, and whether password sign-in is on",
    responses: {
      200: json(
        z
          .object({
            items: z.array(
              z.object({
                id: z.string(),
                name: z.string().openapi({ description: "Shown as “Sign in with <name>”" }),
                startUrl: z
                  .string()
                  .openapi({ description: "Where the button leads (a browser navigation)" }),
              }),
            ),
            passwordSignIn: z.boolean(),
          })
          .openapi("SsoProviders"),
        "The providers",
      ),
    },
  }),
  start: defineRoute({
    method: "get",
    path: "/sso/{provider}/start",
    access: "public",
    tags: TAG,
    summary: "Start signing in with a provider: a browser navigation, redirected to the provider",
    request: { params: ProviderParam, query: z.object({ returnTo }) },
    responses: { 302: { description: "To the provider's sign-in page, with the flow cookie set" } },
  }),
  callback: defineRoute({
    method: "get",
    path: "/sso/{provider}/callback",
    access: "public",
    tags: TAG,
    summary: "Where the provider sends the browser back; signs in and redirects to the site",
    description:
      "Success: the session cookie is set and the browser goes to `returnTo`. Failure: a browser (`Accept: text/html`) goes to the site's error page with `?sso_error=<problem slug>`; other clients get the problem+json.",
    request: {
      params: ProviderParam,
      query: z
        .object({
          code: z.string().max(2048).optional(),
          state: z.string().max(512).optional(),
          error: z.string().max(256).optional(),
        })
        .passthrough(),
    },
    responses: { 302: { description: "To the site: the page asked for, or the error page" } },
  }),
};

/** A person's browser gets a page of the site for a failure, never a JSON document. */
const wantsPage = (c: Context<LecternEnv>) => (c.req.header("accept") ?? "").includes("text/html");

async function browserAware(
  c: Context<LecternEnv>,
  sso: SsoService,
  fn: () => Promise<Response>,
): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (!wantsPage(c)) throw error;
    if (error instanceof ProblemError) return c.redirect(sso.errorUrl(error.problem.type), 302);
    if (error instanceof ProviderError) return c.redirect(sso.errorUrl("provider-failed"), 302);
    throw error;
  }
}

export function ssoRoutes(sso: SsoService) {
  return createRouter()
    .openapi(routes.providers, (c) =>
      c.json(
        {
          items: sso.providers().map((p) => ({ ...p, startUrl: `/api/sso/${p.id}/start` })),
          passwordSignIn: sso.passwordSignIn,
        },
        200,
      ),
    )
    .openapi(routes.start, (c) =>
      browserAware(c, sso, async () => {
        const { redirect, flowToken } = await sso.start(
          c.req.valid("param").provider,
          c.req.valid("query").returnTo,
        );
        setCookie(c, FLOW_COOKIE, flowToken, {
          httpOnly: true,
          // Lax: the cookie comes back on the provider's top-level redirect, not on other sites' requests.
          sameSite: "Lax",
          path: "/api/sso",
          secure: c.get("secure") ?? false,
          maxAge: FLOW_LIFETIME_MS / 1000,
        });
        return c.redirect(redirect.toString(), 302);
      }),
    )
    .openapi(routes.callback, (c) =>
      browserAware(c, sso, async () => {
        const token = getCookie(c, FLOW_COOKIE);
        // Whatever happens next, this flow is over.
        deleteCookie(c, FLOW_COOKIE, { path: "/api/sso" });
        const query = new URL(c.req.url).searchParams;
        const { signedIn, returnTo } = await sso.finish(c.req.valid("param").provider, token, query);
        setSessionCookie(c, signedIn);
        return c.redirect(sso.siteUrl(returnTo), 302);
      }),
    );
}
