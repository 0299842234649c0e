// The measured Lectern: courses, exams and recommendations on PostgreSQL, as an institution runs it.
import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { recommendations } from "@lectern/recommendations";

const lectern = await createLectern({
  database: { url: process.env.DATABASE_URL!, maxConnections: 10 },
  plugins: [recommendations(), exams(), courses()],
  logger: createLogger({ level: "warn" }),
  storage: "/tmp/lectern-bench-files",
  worker: false,
  migrate: false,
});
const { port } = await lectern.start({ port: Number(process.env.PORT), hostname: "127.0.0.1" });
console.log(`READY ${JSON.stringify({ port })}`);
process.once("SIGTERM", async () => {
  await lectern.stop();
  process.exit(0);
});
