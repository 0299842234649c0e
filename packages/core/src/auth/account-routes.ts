import { z } from "@hono/zod-openapi";
import { problems } from "../http/problem.js";
import { createRouter, currentUser, defineRoute, json, jsonBody } from "../http/router.js";
import type { AccountService, SessionInfo } from "./account.js";
import { email, name, password, toUserJson, UserSchema } from "./schemas.js";

const SessionSchema = z
  .object({
    id: z.string().openapi({ description: "A handle for signing this session out; not its token" }),
    device: z.string().openapi({ example: "Firefox on Windows" }),
    userAgent: z.string().nullable(),
    address: z.string().nullable(),
    createdAt: z.string().datetime(),
    lastSeenAt: z.string().datetime().nullable(),
    current: z.boolean(),
  })
  .openapi("Session");

const routes = {
  rename: defineRoute({
    method: "patch",
    path: "/auth/me",
    access: "signed-in",
    tags: ["Account"],
    summary: "Change your own name",
    request: { body: jsonBody(z.object({ name })) },
    responses: { 200: json(z.object({ user: UserSchema }), "The updated user") },
  }),
  password: defineRoute({
    method: "post",
    path: "/auth/password",
    access: "signed-in",
    tags: ["Account"],
    summary: "Change your password: every other session ends and you are told by mail (wrong current → 403)",
    request: { body: jsonBody(z.object({ currentPassword: z.string().max(256), newPassword: password })) },
    responses: { 200: json(z.object({ endedSessions: z.number().int() }), "Changed") },
  }),
  email: defineRoute({
    method: "post",
    path: "/auth/email",
    access: "signed-in",
    tags: ["Account"],
    summary: "Ask to change your email: a link goes to the new address, a notice to the old one",
    request: { body: jsonBody(z.object({ newEmail: email, password: z.string().max(256) })) },
    responses: { 202: { description: "The confirmation link is on its way" } },
  }),
  confirmEmail: defineRoute({
    method: "post",
    path: "/auth/email/confirm",
    access: "public",
    tags: ["Account"],
    summary: "Use an email-change link (once, within 24 h); 409 when another account has the address",
    request: { body: jsonBody(z.object({ token: z.string().max(200) })) },
    responses: { 200: json(z.object({ user: UserSchema }), "The address is changed") },
  }),
  sessions: defineRoute({
    method: "get",
    path: "/auth/sessions",
    access: "signed-in",
    tags: ["Account"],
    summary: "Your sessions: device, address, when last used",
    responses: { 200: json(z.object({ items: z.array(SessionSchema) }), "Your sessions") },
  }),
  endSession: defineRoute({
    method: "delete",
    path: "/auth/sessions/{id}",
    access: "signed-in",
    tags: ["Account"],
    summary: "Sign out one of your sessions",
    request: {
      params: z.object({
        id: z
          .string()
          .regex(/^[0-9a-f]{32}$/, "Not a session id.")
          .openapi({ param: { name: "id", in: "path" } }),
      }),
    },
    responses: { 204: { description: "Signed out" } },
  }),
  endOthers: defineRoute({
    method: "post",
    path: "/auth/sessions/end-others",
    access: "signed-in",
    tags: ["Account"],
    summary: "Sign out everywhere else",
    responses: { 200: json(z.object({ endedSessions: z.number().int() }), "Signed out elsewhere") },
  }),
};

const sessionJson = (s: SessionInfo) => ({
  ...s,
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt?.toISOString() ?? null,
});

function currentSession(c: { get(key: "session"): import("./sessions.js").Session | null }) {
  const session = c.get("session");
  if (!session) throw problems.unauthorized("Sign in to continue.");
  return session;
}

export function accountRoutes(account: AccountService) {
  return createRouter()
    .openapi(routes.rename, async (c) => {
      const user = await account.rename(currentUser(c), c.req.valid("json").name);
      return c.json({ user: toUserJson(user) }, 200);
    })
    .openapi(routes.password, async (c) => {
      const result = await account.changePassword(currentUser(c), currentSession(c), c.req.valid("json"));
      return c.json(result, 200);
    })
    .openapi(routes.email, async (c) => {
      await account.requestEmailChange(currentUser(c), c.req.valid("json"));
      return c.body(null, 202);
    })
    .openapi(routes.confirmEmail, async (c) => {
      const user = await account.confirmEmailChange(c.req.valid("json").token);
      return c.json({ user: toUserJson(user) }, 200);
    })
    .openapi(routes.sessions, async (c) => {
      const items = await account.listSessions(currentUser(c), c.get("session"));
      return c.json({ items: items.map(sessionJson) }, 200);
    })
    .openapi(routes.endSession, async (c) => {
      await account.endSession(currentUser(c), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(routes.endOthers, async (c) => {
      const endedSessions = await account.endOtherSessions(currentUser(c), currentSession(c));
      return c.json({ endedSessions }, 200);
    });
}
