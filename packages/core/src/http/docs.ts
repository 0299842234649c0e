import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { CORE_VERSION } from "../version.js";
import type { LecternEnv } from "./env.js";
import { PROBLEM_BASE, type ProblemType, problems } from "./problem.js";

/**
 * Swagger UI's two files ship inside this package (`swagger-ui/`, copied from swagger-ui-dist when
 * it is built), so installing Lectern never installs swagger-ui-dist and its telemetry postinstall
 * (@scarf/scarf). In the workspace, where nothing is built, they come from the dev dependency.
 */
function findSwaggerDir(): string {
  for (const candidate of ["../swagger-ui", "../../swagger-ui"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, "swagger-ui-bundle.js"))) return dir;
  }
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

const swaggerDir = findSwaggerDir();
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lectern API reference</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#reference", deepLinking: true, tryItOutEnabled: true, persistAuthorization: true });`;

/** The OpenAPI 3.1 document and an interactive reference served from local files (works offline). */
export function docsRoutes(
  api: OpenAPIHono<LecternEnv>,
  problemTypes: ReadonlyMap<string, ProblemType & { owner: string }> = new Map(),
) {
  let document: unknown = null;
  const docs = new Hono<LecternEnv>();
  docs.get("/openapi.json", (c) => {
    document ??= api.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Lectern API",
        version: CORE_VERSION,
        description: "The public HTTP API of a Lectern campus. Errors are RFC 9457 problem details.",
      },
      servers: [{ url: "/" }],
    });
    return c.json({
      ...withSecuritySchemes(document),
      // Every problem `type` a response may carry, with its status, title and the plugin that answers it.
      "x-lectern-problem-types": [...problemTypes]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([slug, t]) => ({
          type: PROBLEM_BASE + slug,
          status: t.status,
          title: t.title,
          plugin: t.owner,
        })),
    });
  });
  docs.get("/docs", (c) => {
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    return c.html(PAGE);
  });
  docs.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    if (file === "init.js") return c.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
    const type = ASSETS[file];
    if (!type) throw problems.notFound("No such asset.");
    const body = await readFile(join(swaggerDir, file));
    return c.body(body, 200, { "Content-Type": type, "Cache-Control": "public, max-age=86400" });
  });
  return docs;
}

function withSecuritySchemes(document: unknown) {
  const doc = document as { components?: Record<string, unknown> };
  doc.components = {
    ...doc.components,
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", description: "The `token` from login or register." },
      cookieAuth: { type: "apiKey", in: "cookie", name: "lectern_session" },
    },
  };
  return doc;
}
