import { randomUUID } from "node:crypto";
import { text } from "node:stream/consumers";
import { z } from "@hono/zod-openapi";
import { problems } from "../http/problem.js";
import { createRouter, currentUser, defineRoute, IdParam, json } from "../http/router.js";
import { receiveUpload } from "../http/upload.js";
import type { Storage } from "../storage.js";
import type { UserImport, UserImports } from "./service.js";

const Issue = z.object({ line: z.number().int(), email: z.string().optional(), reason: z.string() });

const UserImportSchema = z
  .object({
    id: z.string().uuid(),
    status: z.enum(["queued", "running", "done", "failed"]),
    total: z.number().int(),
    done: z.number().int(),
    created: z.number().int(),
    skipped: z.array(Issue),
    failed: z.array(Issue),
    createdAt: z.string().datetime(),
    finishedAt: z.string().datetime().nullable(),
  })
  .openapi("UserImport");

const start = defineRoute({
  method: "post",
  path: "/admin/users/import",
  access: "core.users.manage",
  tags: ["Users"],
  summary:
    "Import users from CSV (email,name,role[,courseIds]); runs as a job and mails each new user an invitation",
  request: {
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          // Documented, not validated by the router (it would buffer the file): the handler streams it.
          schema: {
            type: "object",
            properties: { file: { type: "string", format: "binary" } },
            required: ["file"],
          } as never,
        },
      },
    },
  },
  responses: { 202: json(UserImportSchema, "The import, queued") },
});

const progress = defineRoute({
  method: "get",
  path: "/admin/users/imports/{id}",
  access: "core.users.manage",
  tags: ["Users"],
  summary: "An import's progress: done of total, created, skipped with reasons, failed with line numbers",
  request: { params: IdParam },
  responses: { 200: json(UserImportSchema, "The import") },
});

const toJson = (i: UserImport) => ({
  ...i,
  createdAt: i.createdAt.toISOString(),
  finishedAt: i.finishedAt?.toISOString() ?? null,
});

export function importRoutes(imports: UserImports, storage: Storage) {
  return createRouter()
    .openapi(start, async (c) => {
      const upload = await receiveUpload(c.req.raw, {
        storage,
        key: () => `core/imports/${randomUUID()}.csv`,
        rule: () => ({ maxBytes: imports.maxBytes, accept: ["text/plain", "text/csv"] }),
      });
      try {
        if (!upload.file)
          throw problems.validation([{ path: "file", message: "Attach the CSV file as `file`." }]);
        const stored = await storage.get(upload.file.key);
        if (!stored) throw problems.validation([{ path: "file", message: "The file could not be read." }]);
        const created = await imports.start(currentUser(c), await text(stored.body));
        return c.json(toJson(created), 202);
      } finally {
        await upload.discard();
      }
    })
    .openapi(progress, async (c) => {
      const found = await imports.get(c.req.valid("param").id);
      if (!found) throw problems.notFound("There is no such import.");
      return c.json(toJson(found), 200);
    });
}
