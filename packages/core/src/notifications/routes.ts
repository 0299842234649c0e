import { z } from "@hono/zod-openapi";
import { createRouter, currentUser, defineRoute, IdParam, json, jsonBody, pageOf } from "../http/router.js";
import { pageQuery } from "../pagination.js";
import type { Notifications } from "./service.js";

export const NotificationSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.string().openapi({ example: "course.approved" }),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().openapi({ description: "A path on the site, e.g. /courses/intro" }),
    readAt: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
  })
  .openapi("Notification");

const Preference = z.object({ inApp: z.boolean(), email: z.boolean() });
const PreferencesSchema = z
  .object({ kinds: z.record(z.string(), Preference.extend({ label: z.string() })) })
  .openapi("NotificationPreferences");

const toJson = (n: Awaited<ReturnType<Notifications["markRead"]>>) => ({
  ...n,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
});

const list = defineRoute({
  method: "get",
  path: "/me/notifications",
  access: "signed-in",
  tags: ["Notifications"],
  summary: "The signed-in user's notifications, newest first, with the unread count",
  request: {
    query: z.object({
      ...pageQuery,
      unread: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "`true` lists only unread notifications" }),
    }),
  },
  responses: {
    200: json(
      pageOf(NotificationSchema).extend({ unreadCount: z.number().int() }),
      "A page of notifications",
    ),
  },
});

const readOne = defineRoute({
  method: "post",
  path: "/me/notifications/{id}/read",
  access: "signed-in",
  tags: ["Notifications"],
  summary: "Mark one notification read",
  request: { params: IdParam },
  responses: { 200: json(NotificationSchema, "The notification") },
});

const readAll = defineRoute({
  method: "post",
  path: "/me/notifications/read-all",
  access: "signed-in",
  tags: ["Notifications"],
  summary: "Mark every notification read",
  responses: { 204: { description: "Done" } },
});

const getPreferences = defineRoute({
  method: "get",
  path: "/me/notification-preferences",
  access: "signed-in",
  tags: ["Notifications"],
  summary: "Per kind: whether it shows in the app and is mailed",
  responses: { 200: json(PreferencesSchema, "The preferences") },
});

const putPreferences = defineRoute({
  method: "put",
  path: "/me/notification-preferences",
  access: "signed-in",
  tags: ["Notifications"],
  summary: "Change the preferences of some kinds (others keep theirs)",
  request: { body: jsonBody(z.object({ kinds: z.record(z.string().max(100), Preference.partial()) })) },
  responses: { 200: json(PreferencesSchema, "The preferences") },
});

export function notificationRoutes(notifications: Notifications) {
  return createRouter()
    .openapi(list, async (c) => {
      const query = c.req.valid("query");
      const page = await notifications.list(currentUser(c).id, { ...query, unread: query.unread === "true" });
      return c.json({ ...page, items: page.items.map(toJson) }, 200);
    })
    .openapi(readAll, async (c) => {
      await notifications.markAllRead(currentUser(c).id);
      return c.body(null, 204);
    })
    .openapi(readOne, async (c) =>
      c.json(toJson(await notifications.markRead(currentUser(c).id, c.req.valid("param").id)), 200),
    )
    .openapi(getPreferences, async (c) =>
      c.json({ kinds: await notifications.preferences(currentUser(c).id) }, 200),
    )
    .openapi(putPreferences, async (c) =>
      c.json(
        { kinds: await notifications.setPreferences(currentUser(c).id, c.req.valid("json").kinds) },
        200,
      ),
    );
}
