import { z } from "@hono/zod-openapi";
import { definePlugin } from "../src/index.js";

declare module "../src/index.js" {
  interface LecternEvents {
    "board.posted": { authorId: string; text: string; secret?: string };
  }
}

/** A plugin that routes its one event to its author and to admins, hiding a field from them. */
export const board = definePlugin({
  id: "board",
  version: "1.0.0",
  coreRange: "^0.1.0",
  events: {
    emits: {
      "board.posted": z.object({ authorId: z.string(), text: z.string(), secret: z.string().optional() }),
    },
  },
  realtime: {
    "board.posted": {
      channels: (e) => [`user:${e.authorId}`, "role:admin"],
      data: (e) => ({ authorId: e.authorId, text: e.text }),
    },
  },
});
