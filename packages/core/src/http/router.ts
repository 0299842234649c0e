import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { Role, User } from "../types.js";
import type { LecternEnv } from "./env.js";
import { inputGuard } from "./input-guard.js";
import { problems } from "./problem.js";

/**
 * Who may call a route: anyone, any signed-in user, or the roles holding a named permission
 * (`plugin.action`, declared in a plugin's `permissions`).
 */
export type Access = "public" | "signed-in" | `${string}.${string}`;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** A router for a plugin's routes; validation failures become 422 problems with field paths. */
export function createRouter(): OpenAPIHono<LecternEnv> {
  return new OpenAPIHono<LecternEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw problems.fromZod(result.error.issues, {
          fallback: result.target === "json" ? "body" : result.target,
        });
      }
    },
  });
}

/** Admits the caller or throws 401 (no session) / 403 (wrong role). */
export function accessGuard(access: Access) {
  if (access !== "public" && access !== "signed-in" && !access.includes(".")) {
    throw new Error(
      `Route access must be "public", "signed-in" or a permission like "courses.create"; got "${access}".`,
    );
  }
  return createMiddleware<LecternEnv>(async (c, next) => {
    if (access !== "public") {
      const user = c.get("user");
      if (!user) throw problems.unauthorized("Sign in to continue.");
      if (access !== "signed-in") {
        const roles = c.get("permissions").get(access);
        if (!roles) throw new Error(`Permission "${access}" is used by a route but defined by no plugin.`);
        if (!roles.includes(user.role)) throw problems.forbidden("Your role may not do this.");
      }
    }
    await next();
  });
}

type LecternRouteConfig = Omit<RouteConfig, "middleware" | "security"> & { access: Access };

/**
 * `createRoute` with Lectern's conventions: the access guard runs before validation (so callers
 * without the right learn nothing from a 422), the access rule is published in the OpenAPI
 * document as `x-lectern-access`, and every problem response is documented.
 */
export function defineRoute<const R extends LecternRouteConfig>(config: R) {
  const { access, ...route } = config;
  return createRoute({
    ...route,
    middleware: [accessGuard(access), inputGuard({ body: Boolean(route.request?.body) })] as const,
    security: access === "public" ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    "x-lectern-access": access,
    responses: {
      ...route.responses,
      default: {
        description: "A problem (RFC 9457)",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    },
    // `path` spelled out: declarations index the result by it, which Omit<R, …> alone hides.
  } as unknown as Omit<R, "access"> & {
    path: R["path"];
    middleware: [ReturnType<typeof accessGuard>, ReturnType<typeof inputGuard>];
  });
}

/** The signed-in user; for handlers behind a guard that already required one. */
export function currentUser(c: { get(key: "user"): User | null }): User {
  const user = c.get("user");
  if (!user) throw problems.unauthorized("Sign in to continue.");
  return user;
}

/** Shorthand for JSON responses in route declarations. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** A JSON answer that `?format=csv` (see `FormatQuery`) turns into a spreadsheet. */
export function jsonOrCsv<T extends z.ZodType>(schema: T, description: string) {
  return {
    description,
    content: { "application/json": { schema }, "text/csv": { schema: z.string() } },
  } as const;
}

/** `?format=json|csv` for routes answering with `jsonOrCsv`; JSON by default. */
export const FormatQuery = z.object({ format: z.enum(["json", "csv"]).default("json") });

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

/** `{id}` in a route's path: a UUID, as every resource id is. */
export const IdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: "id", in: "path" } }),
});

/** The answer of every list route: a page of `item` and the cursor of the next one. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export type { Role };
