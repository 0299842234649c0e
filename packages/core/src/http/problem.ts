/** RFC 9457 problem details: every error Lectern answers is one of these. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_BASE = "https://lectern.dev/problems/";

/** A kind of problem a plugin answers, listed in the OpenAPI document (`x-lectern-problem-types`). */
export interface ProblemType {
  status: number;
  title: string;
}

/**
 * The core's problem types, by slug. Code names a problem by its slug (`type: "not-enrolled"`);
 * `ProblemError` turns it into `https://lectern.dev/problems/not-enrolled`.
 */
export const CORE_PROBLEM_TYPES: Record<string, ProblemType> = {
  "bad-request": { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Sign in required" },
  "login-failed": { status: 401, title: "Sign-in failed" },
  "payment-required": { status: 402, title: "Payment required" },
  forbidden: { status: 403, title: "Not allowed" },
  "wrong-password": { status: 403, title: "Not allowed" },
  "cross-site-request": { status: 403, title: "Not allowed" },
  "not-found": { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict with the current state" },
  "email-taken": { status: 409, title: "Conflict with the current state" },
  "last-admin": { status: 409, title: "Conflict with the current state" },
  gone: { status: 410, title: "No longer available" },
  "link-expired": { status: 410, title: "No longer available" },
  "payload-too-large": { status: 413, title: "Payload too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "unsupported-file-type": { status: 415, title: "Unsupported media type" },
  "range-not-satisfiable": { status: 416, title: "Range not satisfiable" },
  validation: { status: 422, title: "Validation failed" },
  "rate-limited": { status: 429, title: "Too many requests" },
  "provider-failed": { status: 502, title: "A provider failed" },
};

export class ProblemError extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(
    problem: { title: string; status: number; type?: string; detail?: string } & Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
    this.name = "ProblemError";
    const type = problem.type;
    this.problem = {
      ...problem,
      type: type ? (type.includes(":") ? type : PROBLEM_BASE + type) : "about:blank",
    } as Problem;
    this.headers = headers;
  }

  get status(): number {
    return this.problem.status;
  }
}

type Extra = Record<string, unknown>;

function make(status: number, type: string, title: string) {
  return (detail?: string, extra: Extra = {}) => new ProblemError({ status, type, title, detail, ...extra });
}

/** Ready-made problems; `detail` says what happened in words a person can act on. */
export const problems = {
  badRequest: make(400, "bad-request", "Bad request"),
  unauthorized: make(401, "unauthorized", "Sign in required"),
  forbidden: make(403, "forbidden", "Not allowed"),
  notFound: make(404, "not-found", "Not found"),
  paymentRequired: make(402, "payment-required", "Payment required"),
  conflict: make(409, "conflict", "Conflict with the current state"),
  gone: make(410, "gone", "No longer available"),
  tooLarge: make(413, "payload-too-large", "Payload too large"),
  unsupportedMediaType: make(415, "unsupported-media-type", "Unsupported media type"),
  rangeNotSatisfiable: make(416, "range-not-satisfiable", "Range not satisfiable"),
  /** A 422 from zod issues: each issue's path joined with dots (`questions.2.options`), or `fallback` at the top. */
  fromZod: (
    issues: readonly { path: readonly PropertyKey[]; message: string }[],
    options: { prefix?: string; fallback?: string } = {},
  ) =>
    problems.validation(
      issues.map((issue) => ({
        path: (options.prefix ?? "") + (issue.path.map(String).join(".") || (options.fallback ?? "body")),
        message: issue.message,
      })),
    ),
  validation: (errors: { path: string; message: string }[], detail = "The request has invalid fields.") =>
    new ProblemError({ status: 422, type: "validation", title: "Validation failed", detail, errors }),
  unavailable: (
    retryAfterSeconds: number,
    detail = "The service is briefly unavailable. Try again in a moment.",
  ) =>
    new ProblemError(
      {
        status: 503,
        type: "unavailable",
        title: "Service unavailable",
        detail,
        retryAfter: retryAfterSeconds,
      },
      { "Retry-After": String(retryAfterSeconds) },
    ),
  /** A provider (payment gateway, video platform, model) failed; `retryable` tells the client to try again later. */
  providerFailed: (error: { message: string; provider: string; retryable: boolean }) =>
    new ProblemError({
      status: 502,
      type: "provider-failed",
      title: "A provider failed",
      detail: error.message,
      provider: error.provider,
      retryable: error.retryable,
    }),
  tooManyRequests: (retryAfterSeconds: number, detail = "Too many attempts. Try again later.") =>
    new ProblemError(
      {
        status: 429,
        type: "rate-limited",
        title: "Too many requests",
        detail,
        retryAfter: retryAfterSeconds,
      },
      { "Retry-After": String(retryAfterSeconds) },
    ),
};

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });
}
