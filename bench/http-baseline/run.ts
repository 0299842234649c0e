/**
 * GET /api/health and an authenticated GET /api/auth/me on Lectern, against a bare Hono +
 * postgres.js server running the same single query, measured in the same run. The two servers
 * take turns for several rounds and the medians are compared, so a noisy moment hits both.
 * Target: `me` ≥ 60% of the bare baseline's req/s.
 *   cd bench && npx tsx http-baseline/run.ts [--duration 10] [--connections 50] [--rounds 3]
 */
import { parseArgs } from "node:util";
import { freshDatabase, type LoadResult, load, median, row, startServer } from "../lib/harness.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    rounds: { type: "string", default: "3" },
  },
});
const opts = { duration: Number(values.duration), connections: Number(values.connections) };
const results: Record<string, LoadResult[]> = {
  bareHealth: [],
  lecternHealth: [],
  bareMe: [],
  lecternMe: [],
};
const database = await freshDatabase("lectern_bench_http");
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    // Lectern migrates the database and creates the user and session that both servers read.
    const lectern = await startServer<{ port: number; token: string }>(
      new URL("./lectern-server.ts", import.meta.url),
      {
        DATABASE_URL: database.url,
        PORT: "4701",
      },
    );
    const auth = { authorization: `Bearer ${lectern.info.token}` };
    await load("http://127.0.0.1:4701/api/auth/me", { ...opts, duration: 2, headers: auth });
    results.lecternHealth!.push(await load("http://127.0.0.1:4701/api/health", opts));
    results.lecternMe!.push(await load("http://127.0.0.1:4701/api/auth/me", { ...opts, headers: auth }));
    await lectern.stop();

    const bare = await startServer(new URL("./bare-server.ts", import.meta.url), {
      DATABASE_URL: database.url,
      PORT: "4702",
    });
    await load("http://127.0.0.1:4702/me", { ...opts, duration: 2, headers: auth });
    results.bareHealth!.push(await load("http://127.0.0.1:4702/health", opts));
    results.bareMe!.push(await load("http://127.0.0.1:4702/me", { ...opts, headers: auth }));
    await bare.stop();
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<
    string,
    LoadResult
  >;
  console.log(
    `\nautocannon -c ${opts.connections} -d ${opts.duration}, median of ${values.rounds} alternating rounds;`,
  );
  console.log("server, PostgreSQL 15 and autocannon on this machine's cores\n");
  console.log(row("bare Hono + postgres.js  /health", m.bareHealth!));
  console.log(row("Lectern  GET /api/health", m.lecternHealth!));
  console.log(row("bare Hono + postgres.js  /me", m.bareMe!));
  console.log(row("Lectern  GET /api/auth/me", m.lecternMe!));
  const ratio = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  console.log(`\nhealth: Lectern at ${ratio(m.lecternHealth!.rps, m.bareHealth!.rps)} of bare`);
  console.log(`me:     Lectern at ${ratio(m.lecternMe!.rps, m.bareMe!.rps)} of bare (target ≥ 60%)`);
} finally {
  await database.drop();
}
