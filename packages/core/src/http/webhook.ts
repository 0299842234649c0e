import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { InboxEvent, WebhookInbox } from "../webhooks/inbox.js";
import type { LecternEnv } from "./env.js";
import { problems } from "./problem.js";
import { createRouter, ProblemSchema } from "./router.js";

/** What a webhook handler receives: the body exactly as sent, so signatures can be checked over it. */
export interface WebhookRequest {
  /** The untouched request body. */
  rawBody: Uint8Array;
  /** The body decoded as UTF-8 (most signature schemes sign this text). */
  text: string;
  headers: Headers;
  params: Record<string, string>;
  /** The request's Hono context (request id, client address). */
  ctx: Context<LecternEnv>;
}

export type WebhookResult = Response | { status: number; body?: unknown };

interface WebhookRouteBase {
  /** Under `/api`, e.g. `/payments/webhooks/{provider}`. */
  path: string;
  /** Default `post`. */
  method?: "post" | "put";
  summary?: string;
  tags?: string[];
  /** Largest body accepted, in bytes; larger answers 413 before the handler runs. Default 1 MiB. */
  maxBytes?: number;
}

/** The handler does everything itself (verify, apply, answer). */
export interface WebhookHandlerRouteOptions extends WebhookRouteBase {
  handler: (request: WebhookRequest) => Promise<WebhookResult> | WebhookResult;
}

/**
 * The route verifies, keeps the events in an inbox (one INSERT) and answers 200 `{received,
 * accepted}` at once; the inbox's job applies them right after. For providers that retry until
 * answered quickly and deliver more than once.
 */
export interface WebhookInboxRouteOptions<Payload = unknown> extends WebhookRouteBase {
  inbox: WebhookInbox<Payload>;
  /**
   * Checks the signature over the raw body and translates the request; throws a problem to refuse
   * it (nothing is kept). `source` tells the inbox's sources apart (e.g. the gateway).
   */
  verify: (request: WebhookRequest) => Promise<{ source: string; events: InboxEvent<Payload>[] }>;
}

export type WebhookRouteOptions<Payload = unknown> =
  | WebhookHandlerRouteOptions
  | WebhookInboxRouteOptions<Payload>;

const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/**
 * A public route for a provider's webhook: the handler gets the raw body and headers, verifies the
 * signature itself, and must be idempotent (providers deliver more than once). It returns a
 * Response or `{ status, body }` (JSON). Or, given an `inbox` and `verify`, the route keeps the
 * verified events and answers at once, and the inbox applies them (see `WebhookInbox`).
 * Mount it with `router.route("/", defineWebhookRoute({...}))`.
 */
export function defineWebhookRoute<Payload>(options: WebhookRouteOptions<Payload>): OpenAPIHono<LecternEnv> {
  const names = paramNames(options.path);
  const route = createRoute({
    method: options.method ?? "post",
    path: options.path,
    tags: options.tags ?? ["Webhooks"],
    summary: options.summary ?? "A provider's webhook; the signature is checked over the raw body",
    "x-lectern-access": "public",
    security: [],
    request: names.length
      ? { params: z.object(Object.fromEntries(names.map((n) => [n, z.string().max(200)]))) }
      : undefined,
    responses: {
      200: { description: "Accepted (also for a delivery already processed)" },
      default: {
        description: "A problem (RFC 9457)",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    },
  });
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return createRouter().openapi(route, async (c) => {
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > maxBytes) throw problems.tooLarge(`The body is larger than ${maxBytes} bytes.`);
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    if (rawBody.byteLength > maxBytes) throw problems.tooLarge(`The body is larger than ${maxBytes} bytes.`);
    const request: WebhookRequest = {
      rawBody,
      text: new TextDecoder().decode(rawBody),
      headers: c.req.raw.headers,
      params: c.req.param() as Record<string, string>,
      ctx: c as unknown as Context<LecternEnv>,
    };
    if ("inbox" in options) {
      const { source, events } = await options.verify(request);
      return c.json(await options.inbox.receive(source, events), 200) as never;
    }
    const result = await options.handler(request);
    if (result instanceof Response) return result as never;
    if (result.body === undefined || result.body === null) return c.body(null, result.status as 200) as never;
    return c.json(result.body as object, result.status as 200) as never;
  });
}
