// The baseline: Hono and postgres.js reading the student's precomputed row, nothing else.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const app = new Hono();
app.get("/api/me/recommendations", async (c) => {
  const [row] =
    await sql`select items from recommendations_students where user_id = ${c.req.header("x-user")!}`;
  const limit = Number(c.req.query("limit") ?? 5);
  return c.json({ items: (row?.items ?? []).slice(0, limit) });
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, (info) =>
  console.log(`READY ${JSON.stringify({ port: info.port })}`),
);
process.once("SIGTERM", () => server.close(() => process.exit(0)));
