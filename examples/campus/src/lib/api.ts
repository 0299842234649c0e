import {
  createLecternClient,
  LecternApiError,
  type LecternClient,
  type Problem,
  toProblem,
} from "@lectern/client";
import { humanizeProblem } from "./problems";

export { LecternApiError, type Problem };

export interface ApiOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Where a 401 should not send the visitor to the sign-in dialog (e.g. the dialog itself). */
  allowAnonymous?: boolean;
}

export type ApiFetch = (request: Request) => Promise<Response>;

/**
 * The campus's way to Lectern's HTTP API. The typed client covers every route in the generated
 * schema; `request` is the same contract for plugin routes by path, with the same problem handling.
 */
export interface Api {
  client: LecternClient;
  request<T>(method: string, path: string, options?: ApiOptions): Promise<T>;
  get<T>(path: string, options?: ApiOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: ApiOptions): Promise<T>;
  put<T>(path: string, body?: unknown, options?: ApiOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: ApiOptions): Promise<T>;
  delete<T>(path: string, options?: ApiOptions): Promise<T>;
}

export function withQuery(path: string, query?: ApiOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

export function createApi(options: { baseUrl: string; fetch?: ApiFetch; onUnauthorized?: () => void }): Api {
  const doFetch: ApiFetch = options.fetch ?? ((request) => fetch(request));
  const client = createLecternClient({ baseUrl: options.baseUrl, fetch: doFetch });
  async function request<T>(method: string, path: string, init: ApiOptions = {}): Promise<T> {
    const headers = new Headers(init.headers);
    let body: BodyInit | undefined;
    if (init.body instanceof FormData || typeof init.body === "string") body = init.body;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers.set("Content-Type", "application/json");
    }
    headers.set("Accept", headers.get("Accept") ?? "application/json");
    let response: Response;
    try {
      response = await doFetch(
        new Request(options.baseUrl + withQuery(path, init.query), {
          method,
          headers,
          body,
          signal: init.signal,
        }),
      );
    } catch (cause) {
      if ((cause as Error).name === "AbortError") throw cause;
      throw new LecternApiError({
        ...humanizeProblem(toProblem(undefined)),
        detail: "The server could not be reached. Check your connection and try again.",
      });
    }
    if (response.status === 401 && !init.allowAnonymous) options.onUnauthorized?.();
    if (!response.ok) {
      const problem = toProblem(await response.json().catch(() => undefined), response);
      // A proxy's or Lectern's 503 says in Retry-After when to come back; kept with the problem.
      const retryAfter = Number(response.headers.get("retry-after"));
      if (
        problem.retryAfter === undefined &&
        response.headers.has("retry-after") &&
        Number.isFinite(retryAfter)
      )
        problem.retryAfter = retryAfter;
      // People read these: validator text and route names become sentences here, once.
      throw new LecternApiError(humanizeProblem(problem));
    }
    if (response.status === 204) return undefined as T;
    const type = response.headers.get("content-type") ?? "";
    return (type.includes("json") ? await response.json() : await response.text()) as T;
  }
  return {
    client,
    request,
    get: (path, o) => request("GET", path, o),
    post: (path, body, o) => request("POST", path, { ...o, body }),
    put: (path, body, o) => request("PUT", path, { ...o, body }),
    patch: (path, body, o) => request("PATCH", path, { ...o, body }),
    delete: (path, o) => request("DELETE", path, o),
  };
}

/** Where a visitor goes to sign in again, and then back to `next`. */
export function signInUrl(role: string, next: string): string {
  return `/?login=${encodeURIComponent(role)}&next=${encodeURIComponent(next)}`;
}

let browserApi: Api | null = null;

/** The API as the browser reaches it: same origin, the session cookie, and back to sign-in on a 401. */
export function api(): Api {
  browserApi ??= createApi({
    baseUrl: "",
    fetch: (request) => fetch(request),
    onUnauthorized: () => {
      const role = document.body.dataset.role ?? "student";
      window.location.assign(signInUrl(role, window.location.pathname + window.location.search));
    },
  });
  return browserApi;
}

export function problemOf(error: unknown): Problem {
  if (error instanceof LecternApiError) return humanizeProblem(error.problem);
  return humanizeProblem({
    type: "about:blank",
    title: "Something went wrong",
    status: 0,
    detail: (error as Error)?.message,
  });
}
