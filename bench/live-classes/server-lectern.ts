// The measured Lectern: courses and live classes on Jitsi, with one open class and an enrolled student.
import { createLectern, createLogger } from "@lectern/core";
import { courses } from "@lectern/courses";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";

const lectern = await createLectern({
  database: { url: process.env.DATABASE_URL!, maxConnections: 10 },
  logger: createLogger({ level: "warn" }),
  storage: "/tmp/lectern-bench-files",
  worker: false,
  plugins: [courses(), liveClasses({ providers: [jitsi()] })],
});
const auth = lectern.context().auth;
const person = async (role: "student" | "instructor" | "admin") => {
  const email = `bench-${role}@example.com`;
  return (
    (await auth.findUserByEmail(email)) ??
    (await auth.createUser({ email, name: `Bench ${role}`, role, password: "bench-password" }))
  );
};
const [student, instructor, admin] = [
  await person("student"),
  await person("instructor"),
  await person("admin"),
];
const service = lectern.services.get("courses");
const course = await service.createCourse(instructor, { title: `Bench ${Date.now()}`, summary: "s" });
await service.submitCourse(instructor, course.id);
await service.approveCourse(admin, course.id);
await lectern.db.transaction((tx) => service.enroll(tx, { userId: student.id, courseId: course.id }));
const scheduled = await lectern.services.get("live-classes").schedule(instructor, course.id, {
  title: "Bench class",
  startsAt: new Date(Date.now() + 5 * 60_000),
  durationMinutes: 120,
  provider: "jitsi",
});
const { token } = await auth.sessions.create(lectern.db, student.id);
const { port } = await lectern.start({ port: Number(process.env.PORT), hostname: "127.0.0.1" });
console.log(`READY ${JSON.stringify({ port, token, classId: scheduled.liveClass.id })}`);
process.once("SIGTERM", async () => {
  await lectern.stop();
  process.exit(0);
});
