import { z } from "@hono/zod-openapi";
import { createRouter, defineRoute, json } from "./router.js";

const HealthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  database: z.enum(["ok", "unreachable"]),
});

const health = defineRoute({
  method: "get",
  path: "/health",
  access: "public",
  tags: ["Operations"],
  summary: "Liveness and database reachability, for load balancers",
  responses: { 200: json(HealthSchema, "Healthy"), 503: json(HealthSchema, "The database is unreachable") },
});

export function healthRoutes(databaseReachable: () => Promise<boolean>) {
  return createRouter().openapi(health, async (c) => {
    const ok = await databaseReachable().catch(() => false);
    return ok
      ? c.json({ status: "ok" as const, database: "ok" as const }, 200)
      : c.json({ status: "unavailable" as const, database: "unreachable" as const }, 503);
  });
}
