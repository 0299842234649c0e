import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema.gen.js";

export {
  connectRealtime,
  type RealtimeConnection,
  type RealtimeError,
  type RealtimeEvent,
  type RealtimeOptions,
  type RealtimeStatus,
  realtimeUrl,
  type WebSocketLike,
} from "./realtime.js";
export type { components, paths } from "./schema.gen.js";

/** A named schema of the API, e.g. `Schema<"Course">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export type LecternClient = Client<paths, "application/json">;

export interface LecternClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Where the campus runs, e.g. `https://campus.example.edu`; the client adds nothing but the paths. */
  baseUrl?: string;
  /** A session token from login, sent as `Authorization: Bearer`; omit to rely on the session cookie. */
  token?: string;
}

/**
 * A typed client for a Lectern server: `client.GET("/api/courses", { params: { query: { search } } })`
 * answers `{ data, error, response }` where `data` and `error` are typed from the OpenAPI document.
 */
export function createLecternClient(options: LecternClientOptions = {}): LecternClient {
  const { token, baseUrl = "", headers, ...rest } = options;
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/$/, ""),
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(headers as object) },
    ...rest,
  });
}

/** An RFC 9457 problem, as every Lectern error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

/** Thrown by `unwrap` when the server answered with a problem (or not at all). */
export class LecternApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = "LecternApiError";
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
}

/** Reads any error body as a problem, even when a proxy answered with something else. */
export function toProblem(error: unknown, response?: Response): Problem {
  if (error && typeof error === "object" && "title" in error && "status" in error) return error as Problem;
  const status = response?.status ?? 0;
  return {
    type: "about:blank",
    title: status === 0 ? "Network error" : response?.statusText || `HTTP ${status}`,
    status,
    detail: status === 0 ? "The server could not be reached. Check your connection." : undefined,
  };
}

/** Returns `data` of a successful call, or throws a `LecternApiError` carrying the problem. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw new LecternApiError({
      ...toProblem(undefined),
      detail: `The server could not be reached (${(cause as Error).message}).`,
    });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw new LecternApiError(toProblem(result.error, result.response));
  }
  return result.data as NonNullable<T>;
}
