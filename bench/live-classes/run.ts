/**
 * Lectern's join redirect (session, enrollment check, window, join recorded, a per-user Jitsi
 * link) against a bare Hono + postgres.js route doing one SELECT and one INSERT and the same
 * redirect, in alternating rounds of the same run. Target: ≥ 50% of the bare route's req/s.
 *   cd bench && npx tsx live-classes/run.ts [--duration 10] [--connections 50] [--rounds 3] [--port 46511]
 */
import { parseArgs } from "node:util";
import { freshDatabase, type LoadResult, load, median, row, startServer } from "../lib/harness.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    rounds: { type: "string", default: "3" },
    /** Lectern listens here, the bare server on the next port. */
    port: { type: "string", default: "46511" },
  },
});
const lecternPort = Number(values.port);
const barePort = lecternPort + 1;
const opts = { duration: Number(values.duration), connections: Number(values.connections) };
const results: Record<"bare" | "lectern", LoadResult[]> = { bare: [], lectern: [] };
const database = await freshDatabase("lectern_v_bench_join");
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const lectern = await startServer<{ token: string; classId: string }>(
      new URL("./server-lectern.ts", import.meta.url),
      { DATABASE_URL: database.url, PORT: String(lecternPort) },
    );
    const headers = { authorization: `Bearer ${lectern.info.token}` };
    const joinUrl = `http://127.0.0.1:${lecternPort}/api/live-classes/${lectern.info.classId}/join`;
    await load(joinUrl, { ...opts, duration: 2, headers });
    results.lectern.push(await load(joinUrl, { ...opts, headers }));
    await lectern.stop();

    const bare = await startServer(new URL("./server-bare.ts", import.meta.url), {
      DATABASE_URL: database.url,
      PORT: String(barePort),
    });
    const bareUrl = `http://127.0.0.1:${barePort}/join/${lectern.info.classId}`;
    await load(bareUrl, { ...opts, duration: 2 });
    results.bare.push(await load(bareUrl, opts));
    await bare.stop();
  }
  const bare = median(results.bare);
  const lectern = median(results.lectern);
  console.log(
    `\nautocannon -c ${opts.connections} -d ${opts.duration}, median of ${values.rounds} alternating rounds`,
  );
  console.log("(every answer is a 302, so autocannon counts them all as non-2xx)\n");
  console.log(row("bare SELECT + INSERT + 302", bare));
  console.log(row("Lectern GET /api/live-classes/:id/join", lectern));
  console.log(`\njoin: Lectern at ${((lectern.rps / bare.rps) * 100).toFixed(0)}% of bare (target ≥ 50%)`);
} finally {
  await database.drop();
}
