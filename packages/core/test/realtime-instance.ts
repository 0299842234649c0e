/**
 * One Lectern process for the cross-instance realtime test: `DATABASE_URL` and `PORT` from the
 * environment; prints "ready" once it accepts connections.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLectern, createLogger } from "../src/index.js";
import { board } from "./realtime-fixtures.js";

const lectern = await createLectern({
  database: { url: process.env.DATABASE_URL!, maxConnections: 4 },
  plugins: [board()],
  storage: await mkdtemp(join(tmpdir(), "lectern-instance-")),
  logger: createLogger({ level: "silent" }),
});
await lectern.start({ port: Number(process.env.PORT), hostname: "127.0.0.1" });
process.stdout.write("ready\n");
