import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";
import { CATALOG_SEARCH_SQL, PORTS } from "./query.js";

/** The baseline: Hono and postgres.js, the same full-text query, no framework around it. */
const sql = postgres(process.env.BENCH_DATABASE_URL!, { max: 10, onnotice: () => {} });
const app = new Hono();

app.get("/api/courses", async (c) => {
  const search = c.req.query("search") ?? "";
  const limit = 20;
  const rows = await sql.unsafe(CATALOG_SEARCH_SQL, [search, limit + 1]);
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    tags: r.tags,
    level: r.level,
    price: r.price_amount === null ? null : { amount: r.price_amount, currency: r.price_currency },
    instructor: { id: r.instructor_id, name: r.instructor_name },
    enrolledCount: r.enrolled_count,
    coverUrl: r.cover_key ? `/api/courses/${r.id}/cover` : null,
  }));
  const last = rows.length > limit ? rows[limit - 1] : null;
  const nextCursor = last
    ? Buffer.from(JSON.stringify([Number(last.rank), last.id])).toString("base64url")
    : null;
  return c.json({ items, nextCursor });
});

serve({ fetch: app.fetch, port: PORTS.bare, hostname: "127.0.0.1" }, () => console.log("ready"));
