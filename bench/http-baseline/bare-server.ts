// The baseline: bare Hono + postgres.js doing the same single query per request, nothing else.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL!, { max: 10 });
const app = new Hono();
app.get("/health", async (c) => {
  await sql`select 1`;
  return c.json({ status: "ok", database: "ok" });
});
app.get("/me", async (c) => {
  const id = c.req.header("authorization")?.slice(7).split(".")[0] ?? "";
  const [row] = await sql`
    select u.id, u.email, u.name, u.role, u.created_at, s.secret_hash, s.expires_at
    from lectern_sessions s join lectern_users u on u.id = s.user_id where s.id = ${id} limit 1`;
  if (!row) return c.json({ title: "Sign in required" }, 401);
  return c.json({
    user: { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at },
  });
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, (info) => {
  console.log(`READY ${JSON.stringify({ port: info.port })}`);
});
process.once("SIGTERM", async () => {
  server.close();
  await sql.end();
  process.exit(0);
});
