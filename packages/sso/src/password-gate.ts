import type { LecternEnv } from "@lectern/core";
import type { MiddlewareHandler } from "hono";
import { ssoProblem } from "./problems.js";

/** The core's routes that sign in with a password (register signs the new student in at once). */
const PASSWORD_ROUTES = new Set(["/api/auth/login", "/api/auth/register"]);

/** With password sign-in off, those routes answer a problem that names the way in that works. */
export function passwordGate(providerNames: string[]): MiddlewareHandler<LecternEnv> {
  const way = providerNames.length > 0 ? `“Sign in with ${providerNames[0]}”` : "single sign-on";
  return async (c, next) => {
    if (c.req.method === "POST" && PASSWORD_ROUTES.has(c.req.path)) {
      throw ssoProblem(
        "password-sign-in-off",
        `This site does not use passwords: sign in with ${way} instead.`,
      );
    }
    await next();
  };
}
