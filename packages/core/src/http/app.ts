import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import type { AuthService } from "../auth/service.js";
import { SESSION_COOKIE } from "../auth/sessions.js";
import { classifyDatabaseError } from "../db/errors.js";
import type { Logger } from "../logger.js";
import { InvalidCursorError } from "../pagination.js";
import { ProviderError } from "../providers.js";
import { withRequestContext } from "../request-context.js";
import { FileTooLargeError } from "../storage.js";
import type { Role } from "../types.js";
import { type AdmissionOptions, admissionControl } from "./admission.js";
import { docsRoutes } from "./docs.js";
import type { LecternEnv } from "./env.js";
import { healthRoutes } from "./health.js";
import { type Problem, ProblemError, type ProblemType, problems } from "./problem.js";
import type { RequestLoad } from "./request-load.js";

export interface HttpOptions {
  /** Origins (besides the request's own) whose cookie requests may change state, and that CORS admits. */
  trustedOrigins?: string[];
  /** Let CORS requests carry cookies. Off by default: cross-origin clients use Bearer tokens. */
  corsCredentials?: boolean;
  /**
   * Read the client address and protocol from X-Forwarded-For / X-Forwarded-Proto: `true` for
   * one reverse proxy in front of Lectern, or the number of proxies. The client address is the
   * rightmost hop those proxies did not add, so a forged X-Forwarded-For changes nothing.
   */
  trustProxy?: boolean | number;
  /** A request still unanswered after this long answers 503 with Retry-After. Default 30 s. */
  responseTimeoutMs?: number;
  /** JSON bodies larger than this answer 413. Default 1 MiB. */
  jsonBodyLimit?: number;
  /** Requests handled at once and waiting in line, beyond which 503 + Retry-After; `false` turns it off. */
  admission?: AdmissionOptions | false;
  /**
   * Access log lines under load: while more than `busyAt` requests are in flight (default 64),
   * one successful request in `sampleOneIn` (default 10) is logged, with `sampled` set to that
   * number; every answer with a status of 400 or more is always logged.
   */
  accessLog?: { busyAt?: number; sampleOneIn?: number };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** How long a client should wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 5;
const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

export function toProblemResponse(error: unknown, c: Context<LecternEnv>, logger: Logger): Response {
  // Through the context, so the headers prepared for this request (security, request id) apply.
  const problemResponse = (problem: Problem, headers: Record<string, string> = {}) =>
    c.body(JSON.stringify(problem), problem.status as 400, {
      ...headers,
      "Content-Type": "application/problem+json",
    });
  if (error instanceof ProblemError) return problemResponse(error.problem, error.headers);
  if (error instanceof InvalidCursorError) {
    return problemResponse(problems.validation([{ path: "cursor", message: error.message }]).problem);
  }
  if (error instanceof FileTooLargeError) return problemResponse(problems.tooLarge(error.message).problem);
  if (error instanceof ProviderError) {
    logger.warn(
      { err: error, provider: error.provider, status: error.status, path: c.req.path },
      "provider call failed",
    );
    return problemResponse(problems.providerFailed(error).problem);
  }
  if (error instanceof ZodError) {
    return problemResponse(problems.fromZod(error.issues, { fallback: "" }).problem);
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
  const failure = classifyDatabaseError(error);
  if (failure === "invalid-input") {
    return problemResponse(
      problems.validation(
        [],
        "A value in the request cannot be stored: check it for unusual characters or sizes.",
      ).problem,
    );
  }
  if (failure === "unavailable") {
    logger.warn(
      { requestId: c.get("requestId"), method: c.req.method, path: c.req.path, err: error },
      "database unavailable",
    );
    const unavailable = problems.unavailable(DATABASE_RETRY_AFTER_SECONDS);
    return problemResponse(unavailable.problem, unavailable.headers);
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

/** How many proxies stand in front of Lectern: `true` means one. */
export function proxyHops(trustProxy: boolean | number | undefined): number {
  if (trustProxy === true) return 1;
  return typeof trustProxy === "number" && trustProxy > 0 ? Math.floor(trustProxy) : 0;
}

/**
 * The client's address: with `hops` trusted proxies, each appends the address it received from
 * to X-Forwarded-For, so the client is the `hops`-th address from the right (the socket's
 * address counted as the rightmost); anything further left is the client's own claim.
 */
function clientAddress(c: Context<LecternEnv>, hops: number): string {
  // No socket when the app is called in-process (tests, app.request from a host app).
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const socket = incoming?.socket?.remoteAddress ?? "unknown";
  if (hops === 0) return socket;
  const forwarded = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...forwarded, socket];
  return chain[Math.max(0, chain.length - 1 - hops)] ?? socket;
}

export function requestOrigin(c: Context<LecternEnv>, hops: number): string {
  const url = new URL(c.req.url);
  // The proxy nearest to us sets the last value; a client can only prepend to it.
  const lastOf = (header: string) => c.req.header(header)?.split(",").at(-1)?.trim();
  const proto = (hops > 0 && lastOf("x-forwarded-proto")) || url.protocol.replace(":", "");
  const host = (hops > 0 && lastOf("x-forwarded-host")) || c.req.header("host") || url.host;
  return `${proto}://${host}`;
}

/** Builds the `/api` application: middleware, the plugins' routes, docs, errors and 404s. */
export function createApiApp(options: {
  auth: AuthService;
  logger: Logger;
  permissions: ReadonlyMap<string, readonly Role[]>;
  http: HttpOptions;
  /** The site's public address; an https one makes cookies Secure whatever the request says. */
  publicUrl?: string;
  middleware: MiddlewareHandler<LecternEnv>[];
  /** Counts the requests in flight, for the access log and for background work that gives way. */
  load: RequestLoad;
}) {
  const { auth, logger, http } = options;
  const trustProxy = proxyHops(http.trustProxy);
  const httpsPublicUrl = options.publicUrl?.startsWith("https:") ?? false;
  const trusted = new Set(http.trustedOrigins ?? []);
  // The base path makes the OpenAPI document's paths the ones clients call (`/api/...`).
  const api = new OpenAPIHono<LecternEnv>().basePath("/api");

  api.onError((error, c) => toProblemResponse(error, c, logger));

  const busyAt = http.accessLog?.busyAt ?? 64;
  const sampleOneIn = Math.max(1, Math.floor(http.accessLog?.sampleOneIn ?? 10));
  const { load } = options;
  let sampleCounter = 0;
  api.use("*", async (c, next) => {
    const started = performance.now();
    load.enter();
    const incoming = c.req.header("x-request-id");
    c.set("requestId", incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID());
    c.set("permissions", options.permissions);
    c.set("clientAddress", clientAddress(c, trustProxy));
    // One decision for HSTS and the cookie's Secure flag.
    c.set("secure", httpsPublicUrl || requestOrigin(c, trustProxy).startsWith("https:"));
    // Set before the handler runs: touching the response's headers afterwards would turn
    // Hono's lightweight response into a full one on every request.
    c.header("X-Request-Id", c.get("requestId"));
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "strict-origin-when-cross-origin");
    c.header("X-Frame-Options", "DENY");
    c.header("Cache-Control", "no-store");
    if (c.get("secure")) {
      c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    let busy: boolean;
    try {
      await next();
    } finally {
      busy = load.inFlight >= busyAt; // counting this request
      load.leave();
    }
    if (!logger.isLevelEnabled("info")) return;
    const status = c.res.status;
    // Under load a line per request costs as much as the request; failures are always written.
    const sampled = status < 400 && busy;
    if (sampled && sampleCounter++ % sampleOneIn !== 0) return;
    logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        userId: c.get("user")?.id,
        ...(sampled ? { sampled: sampleOneIn } : {}),
      },
      "request",
    );
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
          type: "cross-site-request",
        });
      }
    }
    // Sessions and the audit log read who is asking, and from where, without being handed it.
    await withRequestContext(
      {
        userId: validated?.user.id ?? null,
        address: c.get("clientAddress"),
        userAgent: c.req.header("user-agent") ?? null,
      },
      next,
    );
  });

  for (const middleware of options.middleware) api.use("*", middleware);

  return {
    api,
    /** Adds the routes that must come after every plugin's: docs, health and the 404 catch-all. */
    finish(
      problemTypes: ReadonlyMap<string, ProblemType & { owner: string }>,
      health: () => Promise<boolean>,
    ) {
      api.route("/", docsRoutes(api, problemTypes));
      api.route("/", healthRoutes(health));
      api.all("*", (c) => {
        throw problems.notFound(`There is no route ${c.req.method} ${c.req.path}.`);
      });
    },
  };
}

/** The application a host serves or mounts: `/api/*` is Lectern's, the rest is the host's. */
export function createRootApp(
  api: OpenAPIHono<LecternEnv>,
  logger: Logger,
  http: HttpOptions = {},
): Hono<LecternEnv> {
  const app = new Hono<LecternEnv>();
  app.onError((error, c) => toProblemResponse(error, c, logger));
  if (http.admission !== false) app.use("/api/*", admissionControl(http.admission ?? {}));
  app.use("*", responseDeadline(http.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS, logger));
  app.route("/", api);
  return app;
}

/**
 * No request waits forever: one still unanswered at the deadline gets 503 with Retry-After
 * (the work it started is not cancelled; a transaction still commits or rolls back whole).
 * Only the wait for the response's head is bounded, so long downloads and streams are not cut.
 */
function responseDeadline(ms: number, logger: Logger): MiddlewareHandler<LecternEnv> {
  return async (c, next) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ms);
    });
    const work = next().then(() => "done" as const);
    // A handler that fails after the deadline has nobody to answer; its error is logged.
    work.catch((error) =>
      logger.error({ err: error, path: c.req.path }, "request failed after its deadline"),
    );
    const outcome = await Promise.race([work, late]);
    clearTimeout(timer);
    if (outcome === "done") return;
    logger.warn({ method: c.req.method, path: c.req.path, ms }, "request exceeded its deadline");
    const unavailable = problems.unavailable(
      DATABASE_RETRY_AFTER_SECONDS,
      "The server took too long to answer. Try again in a moment.",
    );
    return new Response(JSON.stringify(unavailable.problem), {
      status: 503,
      headers: { ...unavailable.headers, "Content-Type": "application/problem+json" },
    });
  };
}
