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
  validation: (errors: { path: string; message: string }[], detail = "The request has invalid fields.") =>
    new ProblemError({ status: 422, type: "validation", title: "Validation failed", detail, errors }),
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
