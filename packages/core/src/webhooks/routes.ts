import { z } from "@hono/zod-openapi";
import { createRouter, defineRoute, IdParam, json, jsonBody, pageOf } from "../http/router.js";
import { pageQuery } from "../pagination.js";
import type { WebhookDelivery, WebhookEndpoint, Webhooks } from "./service.js";

/** Text without control characters (which PostgreSQL or a log could mistake): 422 otherwise. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, "Control characters are not allowed.");
const EventNames = z.array(text(100).min(1)).min(1).max(100);

const EndpointSchema = z
  .object({
    id: z.string().uuid(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    failingSince: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
  })
  .openapi("WebhookEndpoint");

const DeliverySchema = z
  .object({
    id: z.string().uuid().openapi({ description: "Also the `webhook-id` header: the same on every retry" }),
    event: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    at: z.string().datetime(),
  })
  .openapi("WebhookDelivery");

const endpointJson = (e: WebhookEndpoint) => ({
  ...e,
  failingSince: e.failingSince?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
});
const deliveryJson = (d: WebhookDelivery) => ({ ...d, at: d.at.toISOString() });

const tags = ["Webhooks"];
const access = "core.webhooks.manage" as const;

const create = defineRoute({
  method: "post",
  path: "/admin/webhooks",
  access,
  tags,
  summary: "Register an endpoint; the answer carries its signing secret, shown only this once",
  request: {
    body: jsonBody(z.object({ url: text(2000), events: EventNames, description: text(500).optional() })),
  },
  responses: { 201: json(EndpointSchema.extend({ secret: z.string() }), "The endpoint and its secret") },
});

const list = defineRoute({
  method: "get",
  path: "/admin/webhooks",
  access,
  tags,
  summary: "Every registered endpoint (secrets are never listed)",
  responses: { 200: json(pageOf(EndpointSchema), "The endpoints") },
});

const update = defineRoute({
  method: "patch",
  path: "/admin/webhooks/{id}",
  access,
  tags,
  summary: "Change an endpoint's address or events, or enable/disable it",
  request: {
    params: IdParam,
    body: jsonBody(
      z.object({
        url: text(2000).optional(),
        events: EventNames.optional(),
        description: text(500).nullable().optional(),
        enabled: z.boolean().optional(),
      }),
    ),
  },
  responses: { 200: json(EndpointSchema, "The endpoint") },
});

const remove = defineRoute({
  method: "delete",
  path: "/admin/webhooks/{id}",
  access,
  tags,
  summary: "Delete an endpoint and its delivery log",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" } },
});

const rotate = defineRoute({
  method: "post",
  path: "/admin/webhooks/{id}/rotate-secret",
  access,
  tags,
  summary: "A new signing secret; the old one keeps signing alongside it for 24 hours",
  request: { params: IdParam },
  responses: { 200: json(z.object({ secret: z.string() }), "The new secret, shown only here") },
});

const deliveries = defineRoute({
  method: "get",
  path: "/admin/webhooks/{id}/deliveries",
  access,
  tags,
  summary: "The endpoint's delivery log, newest first",
  request: { params: IdParam, query: z.object(pageQuery) },
  responses: { 200: json(pageOf(DeliverySchema), "A page of deliveries") },
});

export function webhookRoutes(webhooks: Webhooks) {
  return createRouter()
    .openapi(create, async (c) => {
      const created = await webhooks.create(c.get("user")!, c.req.valid("json"));
      return c.json({ ...endpointJson(created), secret: created.secret }, 201);
    })
    .openapi(list, async (c) =>
      c.json({ items: (await webhooks.list()).map(endpointJson), nextCursor: null }, 200),
    )
    .openapi(update, async (c) =>
      c.json(endpointJson(await webhooks.update(c.req.valid("param").id, c.req.valid("json"))), 200),
    )
    .openapi(remove, async (c) => {
      await webhooks.remove(c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(rotate, async (c) => c.json(await webhooks.rotateSecret(c.req.valid("param").id), 200))
    .openapi(deliveries, async (c) => {
      const page = await webhooks.deliveries(c.req.valid("param").id, c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(deliveryJson) }, 200);
    });
}
