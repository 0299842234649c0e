/**
 * GET /api/health and an authenticated GET /api/auth/me on Lectern, against a bare Hono +
 * postgres.js server running the same single query, measured in the same run.
 * Target: `me` ≥ 60% of the bare baseline's req/s.
 *   pnpm --filter @lectern/bench http-baseline [-- --duration 10 --connections 50]
 */
import { parseArgs } from "node:util";
import { freshDatabase, load, row, startServer } from "../lib/harness.js";

const { values } = parseArgs({
  options: { duration: { type: "string", default: "10" }, connections: { type: "string", default: "50" } },
});
const opts = { duration: Number(values.duration), connections: Number(values.connections) };
const database = await freshDatabase("lectern_bench_http");
try {
  // Lectern first: it migrates the database and creates the user and session both servers read.
  const lectern = await startServer<{ port: number; token: string }>(
    new URL("./lectern-server.ts", import.meta.url),
    {
      DATABASE_URL: database.url,
      PORT: "4701",
    },
  );
  const auth = { authorization: `Bearer ${lectern.info.token}` };
  await load("http://127.0.0.1:4701/api/auth/me", { ...opts, duration: 2, headers: auth }); // warm-up
  const lecternHealth = await load("http://127.0.0.1:4701/api/health", opts);
  const lecternMe = await load("http://127.0.0.1:4701/api/auth/me", { ...opts, headers: auth });
  await lectern.stop();

  const bare = await startServer(new URL("./bare-server.ts", import.meta.url), {
    DATABASE_URL: database.url,
    PORT: "4702",
  });
  await load("http://127.0.0.1:4702/me", { ...opts, duration: 2, headers: auth });
  const bareHealth = await load("http://127.0.0.1:4702/health", opts);
  const bareMe = await load("http://127.0.0.1:4702/me", { ...opts, headers: auth });
  await bare.stop();

  console.log(
    `\nautocannon -c ${opts.connections} -d ${opts.duration}, server and PostgreSQL on this machine\n`,
  );
  console.log(row("bare Hono + postgres.js  /health", bareHealth));
  console.log(row("Lectern  GET /api/health", lecternHealth));
  console.log(row("bare Hono + postgres.js  /me", bareMe));
  console.log(row("Lectern  GET /api/auth/me", lecternMe));
  const ratio = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  console.log(`\nhealth: Lectern at ${ratio(lecternHealth.rps, bareHealth.rps)} of bare`);
  console.log(`me:     Lectern at ${ratio(lecternMe.rps, bareMe.rps)} of bare (target ≥ 60%)`);
} finally {
  await database.drop();
}
