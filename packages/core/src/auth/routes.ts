import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { LecternEnv } from "../http/env.js";
import { createRouter, currentUser, defineRoute, json, jsonBody, pageOf } from "../http/router.js";
import { pageQuery } from "../pagination.js";
import { ROLES, type User } from "../types.js";
import type { AuthService, SignedIn, UserFilter } from "./service.js";

export const SESSION_COOKIE = "lectern_session";

export const UserSchema = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string().datetime(),
  })
  .openapi("User");

const SignedInSchema = z
  .object({ user: UserSchema, token: z.string(), expiresAt: z.string().datetime() })
  .openapi("SignedIn");

const email = z.string().trim().email().max(254);
const password = z.string().min(8, "Use at least 8 characters.").max(256);
const name = z.string().trim().min(1).max(120);

export const toUserJson = (user: User) => ({ ...user, createdAt: user.createdAt.toISOString() });

function signedInJson(c: Context<LecternEnv>, signedIn: SignedIn) {
  setCookie(c, SESSION_COOKIE, signedIn.token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: new URL(c.req.url).protocol === "https:",
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

const listUsers = (filters: UserFilter[]) =>
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
        ...Object.fromEntries(
          filters.map((f) => [f.name, f.schema.optional().openapi({ description: f.description })]),
        ),
      }),
    },
    responses: {
      200: json(pageOf(UserSchema), "A page of users"),
    },
  });

/** Core's routes; built after every plugin's `services` and `onInit`, so user filters are known. */
export function authRoutes(auth: AuthService) {
  return createRouter()
    .openapi(register, async (c) => c.json(signedInJson(c, await auth.register(c.req.valid("json"))), 201))
    .openapi(login, async (c) => {
      const signedIn = await auth.login({ ...c.req.valid("json"), address: c.get("clientAddress") });
      return c.json(signedInJson(c, signedIn), 200);
    })
    .openapi(logout, async (c) => {
      const session = c.get("session");
      if (session) await auth.logout(session);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    })
    .openapi(me, (c) => c.json({ user: toUserJson(currentUser(c)) }, 200))
    .openapi(passwordReset, async (c) => {
      await auth.requestPasswordReset(c.req.valid("json").email);
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
      const { role, search, limit, cursor, ...filters } = c.req.valid("query") as {
        role?: (typeof ROLES)[number];
        search?: string;
        limit: number;
        cursor?: string;
      } & Record<string, unknown>;
      const page = await auth.listUsers({ role, search, limit, cursor, filters });
      return c.json({ items: page.items.map(toUserJson), nextCursor: page.nextCursor }, 200);
    });
}
