import { z } from "@hono/zod-openapi";
import { deleteCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../auth/sessions.js";
import { serveStoredFile } from "../http/files.js";
import { createRouter, currentUser, defineRoute, IdParam, json, jsonBody } from "../http/router.js";
import type { Privacy } from "./service.js";

const ExportQueuedSchema = z
  .object({
    id: z.string().uuid(),
    status: z.literal("queued"),
  })
  .openapi("DataExportQueued");

const requestExport = defineRoute({
  method: "get",
  path: "/me/export",
  access: "signed-in",
  tags: ["Privacy"],
  summary: "Ask for a copy of everything stored about you; a job builds it and mails a download link",
  description:
    "Answers 202 at once. The archive is JSON with one section per installed plugin (`sections`, by key). " +
    "The mailed link works for the signed-in owner only, until it expires (7 days by default).",
  responses: { 202: json(ExportQueuedSchema, "The export is being prepared") },
});

const downloadExport = defineRoute({
  method: "get",
  path: "/me/exports/{id}",
  access: "signed-in",
  tags: ["Privacy"],
  summary: "Download a data export from its mailed link (owner only; expired → 410)",
  request: {
    params: IdParam,
    query: z.object({ token: z.string().min(1).max(200).openapi({ description: "From the mailed link" }) }),
  },
  responses: {
    200: {
      description: "The JSON archive, as a download",
      content: { "application/json": { schema: z.object({}).passthrough() } },
    },
  },
});

const eraseSelf = defineRoute({
  method: "delete",
  path: "/me",
  access: "signed-in",
  tags: ["Privacy"],
  summary: "Erase your account: personal data is deleted or anonymised in every plugin; every session ends",
  description: "What is kept, and why, is in docs/privacy.md. The last administrator cannot be erased (409).",
  request: { body: jsonBody(z.object({ password: z.string().min(1).max(256) })) },
  responses: { 204: { description: "Erased; the session cookie is cleared" } },
});

const eraseUser = defineRoute({
  method: "delete",
  path: "/admin/users/{id}",
  access: "core.users.manage",
  tags: ["Users"],
  summary: "Erase a user's personal data through every plugin (not the last administrator)",
  request: { params: IdParam },
  responses: { 204: { description: "Erased; their sessions ended" } },
});

export function privacyRoutes(privacy: Privacy) {
  return createRouter()
    .openapi(requestExport, async (c) => {
      const { id } = await privacy.requestExport(currentUser(c));
      return c.json({ id, status: "queued" as const }, 202);
    })
    .openapi(downloadExport, async (c) => {
      const user = currentUser(c);
      const key = await privacy.archiveFor(user, c.req.valid("param").id, c.req.valid("query").token);
      return serveStoredFile(c, {
        storage: privacy.storage,
        key,
        contentType: "application/json",
        filename: "lectern-data-export.json",
        cacheControl: "private, no-store",
      }) as never;
    })
    .openapi(eraseSelf, async (c) => {
      await privacy.eraseSelf(currentUser(c), c.req.valid("json").password);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    })
    .openapi(eraseUser, async (c) => {
      await privacy.erase(c.req.valid("param").id, { by: currentUser(c).id });
      return c.body(null, 204);
    });
}
