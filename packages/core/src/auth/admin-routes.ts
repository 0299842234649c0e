import { z } from "@hono/zod-openapi";
import { createRouter, currentUser, defineRoute, IdParam, json, jsonBody } from "../http/router.js";
import { ROLES } from "../types.js";
import type { AdminUsers } from "./admin-users.js";
import { AdminUserSchema, name, toAdminUserJson } from "./schemas.js";

const update = defineRoute({
  method: "patch",
  path: "/admin/users/{id}",
  access: "core.users.manage",
  tags: ["Users"],
  summary:
    "Change a user's role or name, or suspend (ends their sessions at once) or reactivate them; the last active admin stays (409)",
  request: {
    params: IdParam,
    body: jsonBody(
      z
        .object({ role: z.enum(ROLES).optional(), name: name.optional(), suspended: z.boolean().optional() })
        .strict()
        .refine((b) => Object.keys(b).length > 0, "Send at least one of role, name, suspended."),
    ),
  },
  responses: { 200: json(AdminUserSchema, "The user as changed") },
});

export function adminUserRoutes(admin: AdminUsers) {
  return createRouter().openapi(update, async (c) => {
    const user = await admin.update(currentUser(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json(toAdminUserJson(user), 200);
  });
}
