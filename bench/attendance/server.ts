// The measured Lectern: courses, with or without attendance (WITH_ATTENDANCE=1), on PostgreSQL.
import { attendance } from "@lectern/attendance";
import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";

const lectern = await createLectern({
  database: { url: process.env.DATABASE_URL!, maxConnections: 10 },
  logger: createLogger({ level: "warn" }),
  storage: "/tmp/lectern-bench-files",
  timeZone: "Europe/Berlin",
  worker: false,
  plugins: process.env.WITH_ATTENDANCE === "1" ? [courses(), attendance()] : [courses()],
});
const auth = lectern.context().auth;
const user =
  (await auth.findUserByEmail("bench@example.com")) ??
  (await auth.createUser({
    email: "bench@example.com",
    name: "Bench",
    role: "student",
    password: "bench-password",
  }));
const { token } = await auth.sessions.create(lectern.db, user.id);
const { port } = await lectern.start({ port: Number(process.env.PORT), hostname: "127.0.0.1" });
console.log(`READY ${JSON.stringify({ port, token })}`);
process.once("SIGTERM", async () => {
  await lectern.stop();
  process.exit(0);
});
