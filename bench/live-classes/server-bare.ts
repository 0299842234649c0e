// The baseline: Hono + postgres.js, one SELECT of the class and one INSERT, then the same redirect.
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL!, { max: 10 });
await sql`create table if not exists bench_joins (id uuid primary key, class_id uuid not null, at timestamptz not null)`;
const app = new Hono();
app.get("/join/:id", async (c) => {
  const [row] = await sql`select id, meeting_id from live_classes_classes where id = ${c.req.param("id")}`;
  if (!row) return c.text("not found", 404);
  await sql`insert into bench_joins (id, class_id, at) values (${randomUUID()}, ${row.id}, now())`;
  return c.redirect(`https://meet.jit.si/${row.meeting_id}`, 302);
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, () =>
  console.log(`READY ${JSON.stringify({ port: Number(process.env.PORT) })}`),
);
process.once("SIGTERM", async () => {
  server.close();
  await sql.end();
  process.exit(0);
});
