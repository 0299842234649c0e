import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";
import { PORTS } from "./query.js";

/** Lectern with the courses plugin, as an institution would run it (no job worker needed here). */
const lectern = await createLectern({
  database: { url: process.env.BENCH_DATABASE_URL!, maxConnections: 10 },
  plugins: [courses({ limits: { video: 512 * 1024 * 1024 } })],
  storage: process.env.BENCH_STORAGE_DIR!,
  logger: createLogger({ level: "warn" }),
  worker: false,
  migrate: false,
});
await lectern.start({ port: PORTS.lectern, hostname: "127.0.0.1" });
console.log("ready");
