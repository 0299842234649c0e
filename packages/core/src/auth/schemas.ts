import { z } from "@hono/zod-openapi";
import { ROLES, type User } from "../types.js";
import type { AdminUser } from "./service.js";

export const UserSchema = z
  .object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string().datetime(),
  })
  .openapi("User");

export const SignedInSchema = z
  .object({ user: UserSchema, token: z.string(), expiresAt: z.string().datetime() })
  .openapi("SignedIn");

export const email = z.string().trim().email().max(254);
export const password = z.string().min(8, "Use at least 8 characters.").max(256);
/** One line: a name is pasted into mail bodies and headers, where a line break forges lines. */
export const name = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((s) => !/[\r\n\u0085\u2028\u2029]/.test(s), "A name is a single line.");

export const toUserJson = (user: User) => ({ ...user, createdAt: user.createdAt.toISOString() });

export const AdminUserSchema = UserSchema.extend({
  suspendedAt: z
    .string()
    .datetime()
    .nullable()
    .openapi({ description: "Set while the account is suspended" }),
}).openapi("AdminUser");

export const toAdminUserJson = (user: AdminUser) => ({
  ...toUserJson(user),
  suspendedAt: user.suspendedAt?.toISOString() ?? null,
});
