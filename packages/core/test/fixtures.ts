import { z } from "@hono/zod-openapi";
import {
  createLectern,
  createLogger,
  createRouter,
  currentUser,
  definePlugin,
  defineRoute,
  json,
  jsonBody,
  type LecternPlugin,
  problems,
} from "../src/index.js";

/**
 * Boots against a PostgreSQL address where nothing listens: a check that passes lets boot go on
 * to the migrations, which fail to connect, so a test expecting a check's message fails unless
 * the check refused the plugin before the database was touched.
 */
export async function bootWithoutDatabase(plugins: LecternPlugin[]) {
  const lectern = await createLectern({
    database: { url: "postgres://lectern@127.0.0.1:9/nowhere", maxConnections: 1 },
    plugins,
    worker: false,
    storage: "/nonexistent/lectern-files",
    logger: createLogger({ level: "silent" }),
  });
  await lectern.stop();
  return lectern;
}

/** A small plugin that exercises the contract: a table, a permission, a service, routes, an event. */
export const notes = definePlugin({
  id: "notes",
  version: "1.0.0",
  coreRange: "^0.1.0",
  options: z.object({ maxLength: z.number().int().positive().default(200) }),
  db: { migrations: new URL("./notes-migrations", import.meta.url) },
  permissions: { "notes.write": ["instructor", "admin"] },
  events: { emits: { "note.created": z.object({ noteId: z.string(), text: z.string() }) } },
  services: (ctx) => ({
    async create(text: string) {
      if (text.length > ctx.options.maxLength)
        throw problems.validation([{ path: "text", message: "Too long." }]);
      return ctx.db.transaction(async (tx) => {
        const id = crypto.randomUUID();
        await tx.execute(
          (await import("drizzle-orm")).sql`insert into notes_items (id, text) values (${id}, ${text})`,
        );
        await ctx.events.emit(tx, "note.created", { noteId: id, text });
        return { id, text };
      });
    },
  }),
  routes: (ctx) => {
    const create = defineRoute({
      method: "post",
      path: "/notes",
      access: "notes.write",
      request: {
        body: jsonBody(
          z.object({ text: z.string().min(1).max(10_000), tags: z.array(z.enum(["a", "b"])).optional() }),
        ),
      },
      responses: { 201: json(z.object({ id: z.string(), text: z.string() }), "Created") },
    });
    const boom = defineRoute({
      method: "get",
      path: "/notes/boom",
      access: "signed-in",
      responses: { 200: json(z.object({}), "Never") },
    });
    return createRouter()
      .openapi(create, async (c) => {
        currentUser(c);
        return c.json(await ctx.services.get("notes").create(c.req.valid("json").text), 201);
      })
      .openapi(boom, () => {
        throw new Error("database password is hunter2");
      });
  },
});

declare module "../src/index.js" {
  interface LecternServices {
    notes: { create(text: string): Promise<{ id: string; text: string }> };
  }
  interface LecternEvents {
    "note.created": { noteId: string; text: string };
  }
}
