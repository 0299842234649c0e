/**
 * The authenticated GET /api/auth/me with @lectern/attendance installed (daily attendance is
 * recorded by middleware on every signed-in request) against the same Lectern without it, in
 * alternating rounds of the same run. Target: attendance costs at most 5%.
 *   cd bench && npx tsx attendance/run.ts [--duration 10] [--connections 50] [--rounds 3]
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
const results: Record<"without" | "with", LoadResult[]> = { without: [], with: [] };
const database = await freshDatabase("lectern_v_bench_attendance");
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    // The order flips every round, so neither variant always runs on the warmer machine.
    const order = round % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const);
    for (const variant of order) {
      const server = await startServer<{ port: number; token: string }>(
        new URL("./server.ts", import.meta.url),
        {
          DATABASE_URL: database.url,
          PORT: "46501",
          WITH_ATTENDANCE: variant === "with" ? "1" : "0",
        },
      );
      const headers = { authorization: `Bearer ${server.info.token}` };
      await load("http://127.0.0.1:46501/api/auth/me", { ...opts, duration: 2, headers });
      results[variant].push(await load("http://127.0.0.1:46501/api/auth/me", { ...opts, headers }));
      await server.stop();
    }
  }
  const without = median(results.without);
  const withAttendance = median(results.with);
  console.log(
    `\nautocannon -c ${opts.connections} -d ${opts.duration}, median of ${values.rounds} rounds, order alternating\n`,
  );
  console.log(row("GET /api/auth/me without attendance", without));
  console.log(row("GET /api/auth/me with attendance", withAttendance));
  const cost = (1 - withAttendance.rps / without.rps) * 100;
  console.log(`\nattendance costs ${cost.toFixed(1)}% of req/s (target ≤ 5%)`);
} finally {
  await database.drop();
}
