import { randomUUID } from "node:crypto";
import { ROLES, type Role } from "../types.js";
import type { TestLectern } from "./index.js";

export interface MatrixResult {
  /** Requests made: one per route with no session, and one per route and role. */
  checked: number;
  /** Each route whose answer disagreed with its declared access rule. */
  failures: string[];
}

interface Operation {
  "x-lectern-access"?: string;
}

/**
 * Walks every route in the OpenAPI document with no session and as each role, and checks
 * the answers against the route's declared access: 401 without a session (unless public),
 * 403 for a role without the permission, and never 401/403 for a role that holds it.
 * Path parameters are random ids, so an admitted caller sees 404 or 422, never the data.
 */
export async function authorizationMatrix(
  t: TestLectern,
  options: { skip?: string[] } = {},
): Promise<MatrixResult> {
  const document = (await t.anonymous.get("/api/openapi.json")).body as {
    paths: Record<string, Record<string, Operation>>;
  };
  const permissions = new Map<string, readonly Role[]>();
  const users = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => [role, await t.createUser(role)] as const)),
  );
  const failures: string[] = [];
  let checked = 0;

  for (const [template, operations] of Object.entries(document.paths)) {
    const path = template.replace(/\{[^}]+\}/g, () => randomUUID());
    for (const [method, operation] of Object.entries(operations)) {
      const route = `${method.toUpperCase()} ${template}`;
      if (options.skip?.includes(route)) continue;
      const access = operation["x-lectern-access"];
      if (!access) {
        failures.push(`${route} declares no access rule (define it with defineRoute).`);
        continue;
      }
      if (access === "public") continue;
      const anonymous = await t.request(method.toUpperCase(), path);
      checked++;
      if (anonymous.status !== 401)
        failures.push(`${route} without a session answered ${anonymous.status}, not 401.`);

      for (const role of ROLES) {
        const allowed = access === "signed-in" || (await rolesFor(t, permissions, access)).includes(role);
        // A fresh session each time: the walk itself may end one (logout).
        const { token } = await t.lectern.context().auth.sessions.create(t.lectern.db, users[role]!.id);
        const answer = await t.request(method.toUpperCase(), path, { token });
        checked++;
        if (!allowed && answer.status !== 403)
          failures.push(`${route} as ${role} answered ${answer.status}, not 403.`);
        if (allowed && (answer.status === 401 || answer.status === 403 || answer.status >= 500)) {
          failures.push(`${route} as ${role} (allowed by "${access}") answered ${answer.status}.`);
        }
      }
    }
  }
  return { checked, failures };
}

async function rolesFor(t: TestLectern, cache: Map<string, readonly Role[]>, permission: string) {
  if (!cache.has(permission)) cache.set(permission, t.lectern.permissions.get(permission) ?? []);
  return cache.get(permission)!;
}
