import { z } from "@hono/zod-openapi";
import { csvHeaders, toCsv } from "../csv.js";
import { createRouter, defineRoute, pageOf } from "../http/router.js";
import { pageQuery } from "../pagination.js";
import type { AuditEntry, AuditLog } from "./service.js";

const AuditEntrySchema = z
  .object({
    id: z.string().uuid(),
    at: z.string().datetime(),
    actorId: z.string().uuid().nullable(),
    action: z.string(),
    targetUserId: z.string().uuid().nullable(),
    actorName: z.string().nullable().openapi({ description: "The acting user's current name" }),
    targetName: z.string().nullable().openapi({ description: "The concerned user's current name" }),
    subject: z.string().nullable(),
    address: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

const filters = {
  userId: z
    .string()
    .uuid()
    .optional()
    .openapi({ description: "Entries where this user acted or was acted on" }),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z0-9.-]+$/, "An action looks like core.user.suspended.")
    .optional()
    .openapi({ description: "One action, e.g. `core.user.suspended`" }),
};

const list = defineRoute({
  method: "get",
  path: "/admin/audit",
  access: "core.audit.view",
  tags: ["Audit"],
  summary: "The audit log, newest first: who did what, when and from where (`format=csv`: every match)",
  request: {
    query: z.object({
      ...filters,
      ...pageQuery,
      format: z.enum(["json", "csv"]).default("json").openapi({ description: "`csv` ignores the page" }),
    }),
  },
  responses: {
    200: {
      description: "A page of entries, or every matching entry as CSV",
      content: {
        "application/json": { schema: pageOf(AuditEntrySchema) },
        "text/csv": { schema: z.string() },
      },
    },
  },
});

const toJson = (e: AuditEntry, names: Map<string, string>) => ({
  ...e,
  at: e.at.toISOString(),
  actorName: (e.actorId && names.get(e.actorId)) ?? null,
  targetName: (e.targetUserId && names.get(e.targetUserId)) ?? null,
});

const columns = [
  { header: "At", value: (e: AuditEntry) => e.at },
  { header: "Action", value: (e: AuditEntry) => e.action },
  { header: "Actor", value: (e: AuditEntry) => e.actorId },
  { header: "User", value: (e: AuditEntry) => e.targetUserId },
  { header: "Subject", value: (e: AuditEntry) => e.subject },
  { header: "Address", value: (e: AuditEntry) => e.address },
  { header: "Detail", value: (e: AuditEntry) => JSON.stringify(e.detail) },
];

export function auditRoutes(audit: AuditLog) {
  return createRouter().openapi(list, async (c) => {
    const { format, userId, action, limit, cursor } = c.req.valid("query");
    if (format === "csv") {
      const entries: AuditEntry[] = [];
      for await (const page of audit.all({ userId, action })) entries.push(...page);
      return c.body(toCsv(entries, columns), 200, csvHeaders("audit-log.csv"));
    }
    const page = await audit.list({ userId, action, limit, cursor });
    const names = await audit.namesOf(page.items);
    return c.json({ items: page.items.map((e) => toJson(e, names)), nextCursor: page.nextCursor }, 200);
  });
}
