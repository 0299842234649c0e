import { AsyncLocalStorage } from "node:async_hooks";

/** Who is asking and from where, for code that runs inside a request (sessions, the audit log). */
export interface RequestContext {
  userId: string | null;
  address: string;
  userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with the request's context available to `currentRequest()`. */
export function withRequestContext<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

/** The request being served, or null outside a request (jobs, the CLI, tests calling services). */
export function currentRequest(): RequestContext | null {
  return storage.getStore() ?? null;
}
