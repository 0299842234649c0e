import { definePlugin, z } from "@lectern/core";
import { bookmarksRoutes } from "./routes.js";
import { BookmarksService } from "./service.js";

export { BookmarksService } from "./service.js";

// Types come from declaration merging, never from the plugins array.
declare module "@lectern/core" {
  interface LecternServices {
    bookmarks: BookmarksService;
  }
  interface LecternEvents {
    "bookmark.created": { bookmarkId: string; userId: string };
  }
}

export const bookmarks = definePlugin({
  id: "bookmarks",
  version: "0.1.0",
  coreRange: "^0.1.0",
  options: z.object({ maxPerUser: z.number().int().min(1).default(100) }),
  db: { migrations: new URL("../migrations", import.meta.url) },
  permissions: { "bookmarks.use": ["student"] },
  events: {
    emits: { "bookmark.created": z.object({ bookmarkId: z.string().uuid(), userId: z.string().uuid() }) },
  },
  services: (ctx) => new BookmarksService(ctx),
  // Extending the core through its extension points: a person's data export and erasure.
  contributes: (ctx) => ({
    "core.privacy": {
      key: "bookmarks.bookmarks",
      export: (executor, { userId }) => ctx.services.get("bookmarks").exportFor(executor, userId),
      erase: (tx, { userId }) => ctx.services.get("bookmarks").eraseFor(tx, userId),
    },
  }),
  routes: (ctx) => bookmarksRoutes(ctx),
});
