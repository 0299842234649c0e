import { createRouter, currentUser, defineRoute, json, jsonBody, type PluginContext, z } from "@lectern/core";
import type { BookmarksOptions } from "./service.js";

const BookmarkSchema = z
  .object({ id: z.string().uuid(), url: z.string(), note: z.string(), createdAt: z.string().datetime() })
  .openapi("Bookmark");

const add = defineRoute({
  method: "post",
  path: "/me/bookmarks",
  access: "bookmarks.use",
  tags: ["Bookmarks"],
  summary: "Keep a link for later",
  request: {
    body: jsonBody(z.object({ url: z.string().url().max(2000), note: z.string().max(500).optional() })),
  },
  responses: { 201: json(BookmarkSchema, "The new bookmark") },
});

const list = defineRoute({
  method: "get",
  path: "/me/bookmarks",
  access: "bookmarks.use",
  tags: ["Bookmarks"],
  summary: "My bookmarks, newest first",
  responses: { 200: json(z.object({ items: z.array(BookmarkSchema), nextCursor: z.null() }), "Bookmarks") },
});

const toJson = (b: { id: string; url: string; note: string; createdAt: Date }) => ({
  ...b,
  createdAt: b.createdAt.toISOString(),
});

export function bookmarksRoutes(ctx: PluginContext<BookmarksOptions>) {
  const service = () => ctx.services.get("bookmarks");
  return createRouter()
    .openapi(add, async (c) => c.json(toJson(await service().add(currentUser(c), c.req.valid("json"))), 201))
    .openapi(list, async (c) =>
      c.json({ items: (await service().list(currentUser(c))).map(toJson), nextCursor: null }, 200),
    );
}
