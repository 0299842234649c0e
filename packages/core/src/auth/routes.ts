import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csvHeaders, toCsv } from "../csv.js";
import type { UserFilter } from "../extensions.js";
import type { LecternEnv } from "../http/env.js";
import { createRouter, currentUser, defineRoute, json, jsonBody, pageOf } from "../http/router.js";
import { pageQuery } from "../pagination.js";
import { ROLES } from "../types.js";
import {
  AdminUserSchema,
  email,
  name,
  password,
  SignedInSchema,
  toAdminUserJson,
  toUserJson,
  UserSchema,
} from "./schemas.js";
import type { AdminUser, AuthService, SignedIn } from "./service.js";
import { SESSION_COOKIE } from "./sessions.js";
import { randomToken } from "./tokens.js";

/** A random id a browser keeps after signing in, so login throttling recognises it later. */
export { toUserJson, UserSchema };

/** The users export; names pass through the CSV writer, which defuses formulas. */
const USER_COLUMNS = [
  { header: "email", value: (u: AdminUser) => u.email },
  { header: "name", value: (u: AdminUser) => u.name },
  { header: "role", value: (u: AdminUser) => u.role },
  { header: "createdAt", value: (u: AdminUser) => u.createdAt },
  { header: "suspendedAt", value: (u: AdminUser) => u.suspendedAt },
];

export const DEVICE_COOKIE = "lectern_device";

function signedInJson(c: Context<LecternEnv>, signedIn: SignedIn) {
  setCookie(c, SESSION_COOKIE, signedIn.token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    // The same decision as HSTS: proxy-aware, or an https publicUrl.
    secure: c.get("secure") ?? false,
    expires: signedIn.expiresAt,
  });
  return {
    user: toUserJson(signedIn.user),
    token: signedIn.token,
    expiresAt: signedIn.expiresAt.toISOString(),
  };
}

const register = defineRoute({
  method: "post",
  path: "/auth/register",
  access: "public",
  tags: ["Auth"],
  summary: "Create a student account and sign in",
  request: { body: jsonBody(z.object({ email, password, name })) },
  responses: { 201: json(SignedInSchema, "Signed in as the new student") },
});

const login = defineRoute({
  method: "post",
  path: "/auth/login",
  access: "public",
  tags: ["Auth"],
  summary: "Sign in",
  request: {
    body: jsonBody(
      z.object({ email: z.string().max(254), password: z.string().max(256), role: z.enum(ROLES).optional() }),
    ),
  },
  responses: { 200: json(SignedInSchema, "Signed in") },
});

const logout = defineRoute({
  method: "post",
  path: "/auth/logout",
  access: "signed-in",
  tags: ["Auth"],
  summary: "Sign out: the token stops working at once",
  responses: { 204: { description: "Signed out" } },
});

const me = defineRoute({
  method: "get",
  path: "/auth/me",
  access: "signed-in",
  tags: ["Auth"],
  summary: "The signed-in user",
  responses: { 200: json(z.object({ user: UserSchema }), "The signed-in user") },
});

const passwordReset = defineRoute({
  method: "post",
  path: "/auth/password-reset",
  access: "public",
  tags: ["Auth"],
  summary: "Mail a password-reset link (answers the same whether or not the account exists)",
  request: { body: jsonBody(z.object({ email: z.string().max(254) })) },
  responses: { 202: { description: "Accepted" } },
});

const passwordResetConfirm = defineRoute({
  method: "post",
  path: "/auth/password-reset/confirm",
  access: "public",
  tags: ["Auth"],
  summary: "Set a new password with a mailed link's token; ends every session of that user",
  request: { body: jsonBody(z.object({ token: z.string().max(200), password })) },
  responses: { 200: json(z.object({ user: UserSchema }), "Password changed") },
});

const acceptInvitation = defineRoute({
  method: "post",
  path: "/auth/invitations/accept",
  access: "public",
  tags: ["Auth"],
  summary: "Choose a password for an invited account and sign in",
  request: { body: jsonBody(z.object({ token: z.string().max(200), password })) },
  responses: { 200: json(SignedInSchema, "Signed in") },
});

const createUser = defineRoute({
  method: "post",
  path: "/admin/users",
  access: "core.users.manage",
  tags: ["Users"],
  summary: "Create an instructor or admin; they are mailed an invitation to set a password",
  request: { body: jsonBody(z.object({ email, name, role: z.enum(["instructor", "admin"]) })) },
  responses: { 201: json(UserSchema, "The new user") },
});

const listUsers = (filters: readonly UserFilter[]) =>
  defineRoute({
    method: "get",
    path: "/admin/users",
    access: "core.users.manage",
    tags: ["Users"],
    summary: "Users, newest first, with filters (plugins add their own, e.g. by course)",
    request: {
      query: z.object({
        role: z.enum(ROLES).optional(),
        search: z.string().max(200).optional().openapi({ description: "Part of the name or email" }),
        ...pageQuery,
        format: z
          .enum(["json", "csv"])
          .default("json")
          .openapi({ description: "`csv`: every match, not a page" }),
        ...Object.fromEntries(
          filters.map((f) => [f.name, f.schema.optional().openapi({ description: f.description })]),
        ),
      }),
    },
    responses: {
      200: {
        description: "A page of users, or every matching user as CSV",
        content: {
          "application/json": { schema: pageOf(AdminUserSchema) },
          "text/csv": { schema: z.string() },
        },
      },
    },
  });

/** Core's routes; built after every plugin's `services` and `onInit`, so user filters are known. */
export function authRoutes(auth: AuthService) {
  return createRouter()
    .openapi(register, async (c) =>
      c.json(
        signedInJson(c, await auth.register({ ...c.req.valid("json"), address: c.get("clientAddress") })),
        201,
      ),
    )
    .openapi(login, async (c) => {
      const cookie = getCookie(c, DEVICE_COOKIE);
      const device = cookie && /^[a-z0-9]{20,64}$/.test(cookie) ? cookie : randomToken();
      const signedIn = await auth.login({ ...c.req.valid("json"), address: c.get("clientAddress"), device });
      // The session cookie first: clients that keep one cookie keep that one.
      const body = signedInJson(c, signedIn);
      setCookie(c, DEVICE_COOKIE, device, {
        httpOnly: true,
        sameSite: "Lax",
        path: "/api/auth",
        secure: c.get("secure") ?? false,
        maxAge: 365 * 24 * 60 * 60,
      });
      return c.json(body, 200);
    })
    .openapi(logout, async (c) => {
      const session = c.get("session");
      if (session) await auth.logout(session);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    })
    .openapi(me, (c) => c.json({ user: toUserJson(currentUser(c)) }, 200))
    .openapi(passwordReset, async (c) => {
      await auth.requestPasswordReset(c.req.valid("json").email, c.get("clientAddress"));
      return c.body(null, 202);
    })
    .openapi(passwordResetConfirm, async (c) => {
      const { token, password } = c.req.valid("json");
      return c.json({ user: toUserJson(await auth.confirmPasswordReset(token, password)) }, 200);
    })
    .openapi(acceptInvitation, async (c) => {
      const { token, password } = c.req.valid("json");
      return c.json(signedInJson(c, await auth.acceptInvitation(token, password)), 200);
    })
    .openapi(createUser, async (c) => c.json(toUserJson(await auth.createUser(c.req.valid("json"))), 201))
    .openapi(listUsers(auth.userFilters), async (c) => {
      const { role, search, limit, cursor, format, ...filters } = c.req.valid("query") as {
        role?: (typeof ROLES)[number];
        search?: string;
        limit: number;
        cursor?: string;
        format: "json" | "csv";
      } & Record<string, unknown>;
      if (format === "csv") {
        const all: AdminUser[] = [];
        let next: string | undefined;
        do {
          const page = await auth.listUsers({ role, search, limit: 100, cursor: next, filters });
          all.push(...page.items);
          next = page.nextCursor ?? undefined;
        } while (next);
        return c.body(toCsv(all, USER_COLUMNS), 200, csvHeaders("users.csv"));
      }
      const page = await auth.listUsers({ role, search, limit, cursor, filters });
      return c.json({ items: page.items.map(toAdminUserJson), nextCursor: page.nextCursor }, 200);
    });
}
