import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { SESSION_COOKIE } from "../auth/routes.js";
import type { AuthService } from "../auth/service.js";
import type { Logger } from "../logger.js";
import type { Role } from "../types.js";
import { docsRoutes } from "./docs.js";
import type { LecternEnv } from "./env.js";
import { healthRoutes } from "./health.js";
import { type Problem, ProblemError, problems } from "./problem.js";

export interface HttpOptions {
  /** Origins (besides the request's own) whose cookie requests may change state, and that CORS admits. */
  trustedOrigins?: string[];
  /** Let CORS requests carry cookies. Off by default: cross-origin clients use Bearer tokens. */
  corsCredentials?: boolean;
  /** Read the client address and protocol from X-Forwarded-For / X-Forwarded-Proto. */
  trustProxy?: boolean;
  /** JSON bodies larger than this answer 413. Default 1 MiB. */
  jsonBodyLimit?: number;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function toProblemResponse(error: unknown, c: Context<LecternEnv>, logger: Logger): Response {
  // Through the context, so the headers prepared for this request (security, request id) apply.
  const problemResponse = (problem: Problem, headers: Record<string, string> = {}) =>
    c.body(JSON.stringify(problem), problem.status as 400, {
      ...headers,
      "Content-Type": "application/problem+json",
    });
  if (error instanceof ProblemError) return problemResponse(error.problem, error.headers);
  if (error instanceof ZodError) {
    return problemResponse(
      problems.validation(
        error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
      ).problem,
    );
  }
  if (error instanceof HTTPException && error.status < 500) {
    const byStatus: Record<number, ProblemError> = {
      400: problems.badRequest(
        /json/i.test(error.message)
          ? "The request body is not valid JSON."
          : error.message || "The request is malformed.",
      ),
      413: problems.tooLarge("The request body is too large."),
      415: problems.unsupportedMediaType("Send the body with a Content-Type this route accepts."),
    };
    const problem =
      byStatus[error.status] ?? new ProblemError({ status: error.status, title: error.message || "Error" });
    return problemResponse(problem.problem);
  }
  const requestId = c.get("requestId") ?? randomUUID();
  logger.error({ err: error, requestId, method: c.req.method, path: c.req.path }, "unexpected error");
  const problem: Problem = {
    type: "about:blank",
    title: "Internal server error",
    status: 500,
    detail: `Something went wrong on our side. Quote request id ${requestId} when reporting it.`,
    requestId,
  };
  return problemResponse(problem);
}

function clientAddress(c: Context<LecternEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  // No socket when the app is called in-process (tests, app.request from a host app).
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? "unknown";
}

function requestOrigin(c: Context<LecternEnv>, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  const proto =
    (trustProxy && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim()) || url.protocol.replace(":", "");
  const host = (trustProxy && c.req.header("x-forwarded-host")) || c.req.header("host") || url.host;
  return `${proto}://${host}`;
}

/** Builds the `/api` application: middleware, the plugins' routes, docs, errors and 404s. */
export function createApiApp(options: {
  auth: AuthService;
  logger: Logger;
  permissions: ReadonlyMap<string, readonly Role[]>;
  http: HttpOptions;
  middleware: MiddlewareHandler<LecternEnv>[];
}) {
  const { auth, logger, http } = options;
  const trustProxy = http.trustProxy ?? false;
  const trusted = new Set(http.trustedOrigins ?? []);
  // The base path makes the OpenAPI document's paths the ones clients call (`/api/...`).
  const api = new OpenAPIHono<LecternEnv>().basePath("/api");

  api.onError((error, c) => toProblemResponse(error, c, logger));

  api.use("*", async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    c.set("requestId", incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID());
    c.set("permissions", options.permissions);
    c.set("clientAddress", clientAddress(c, trustProxy));
    // Set before the handler runs: touching the response's headers afterwards would turn
    // Hono's lightweight response into a full one on every request.
    c.header("X-Request-Id", c.get("requestId"));
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "strict-origin-when-cross-origin");
    c.header("X-Frame-Options", "DENY");
    c.header("Cache-Control", "no-store");
    if (requestOrigin(c, trustProxy).startsWith("https:")) {
      c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    await next();
    if (logger.isLevelEnabled("info")) {
      logger.info(
        {
          requestId: c.get("requestId"),
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          userId: c.get("user")?.id,
        },
        "request",
      );
    }
  });

  if (trusted.size > 0) {
    api.use(
      "*",
      cors({
        origin: [...trusted],
        credentials: http.corsCredentials ?? false,
        exposeHeaders: ["Retry-After", "X-Request-Id"],
      }),
    );
  }

  const jsonLimit = bodyLimit({
    maxSize: http.jsonBodyLimit ?? 1024 * 1024,
    onError: () => {
      throw problems.tooLarge("The request body is larger than the limit of 1 MiB.");
    },
  });
  api.use("*", async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    // Uploads stream to storage and enforce their own per-kind limits.
    if (SAFE_METHODS.has(c.req.method) || type.startsWith("multipart/form-data")) return next();
    return jsonLimit(c, next);
  });

  api.use("*", async (c, next) => {
    const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const cookie = bearer ? undefined : getCookie(c, SESSION_COOKIE);
    const token = bearer ?? cookie;
    const validated = token ? await auth.sessions.validate(token) : null;
    c.set("user", validated?.user ?? null);
    c.set("session", validated?.session ?? null);
    c.set("authVia", validated ? (bearer ? "bearer" : "cookie") : null);

    // A cookie is sent by the browser on its own, so a state change riding on one must come
    // from our own pages (or a trusted origin), never from another site.
    if (cookie && validated && !SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      const fetchSite = c.req.header("sec-fetch-site");
      const sameOrigin = origin
        ? origin === requestOrigin(c, trustProxy) || trusted.has(origin)
        : fetchSite === "same-origin";
      if (!sameOrigin || fetchSite === "cross-site") {
        throw problems.forbidden("Cross-site requests may not change state with a session cookie.", {
          type: "https://lectern.dev/problems/cross-site-request",
        });
      }
    }
    await next();
  });

  for (const middleware of options.middleware) api.use("*", middleware);

  return {
    api,
    /** Adds the routes that must come after every plugin's: docs, health and the 404 catch-all. */
    finish(health: () => Promise<boolean>) {
      api.route("/", docsRoutes(api));
      api.route("/", healthRoutes(health));
      api.all("*", (c) => {
        throw problems.notFound(`There is no route ${c.req.method} ${c.req.path}.`);
      });
    },
  };
}

/** The application a host serves or mounts: `/api/*` is Lectern's, the rest is the host's. */
export function createRootApp(api: OpenAPIHono<LecternEnv>, logger: Logger): Hono<LecternEnv> {
  const app = new Hono<LecternEnv>();
  app.onError((error, c) => toProblemResponse(error, c, logger));
  app.route("/", api);
  return app;
}
