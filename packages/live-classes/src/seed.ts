import { randomBytes, randomUUID } from "node:crypto";
import { DAY, HOUR, type SeedContext, users } from "@lectern/core";
import { eq } from "drizzle-orm";
import { classes, presence } from "./schema.js";
import type { LiveClassesService } from "./service.js";

/** Demo courses with live classes: past ones the demo student mostly attended, and a weekly series ahead. */
const DEMO_SCHEDULE = [
  { courseSlug: "python-for-absolute-beginners", title: "Office hours", attended: [true, true, false, true] },
  {
    courseSlug: "statistics-for-data-analysis",
    title: "Live problem class",
    attended: [true, false, false, true],
  },
];

/** Safe to run again: a course that already has classes is left alone. */
export async function seedDemoLiveClasses(ctx: SeedContext, service: LiveClassesService): Promise<void> {
  const provider = service.listProviders()[0];
  if (!provider) return;
  const [student] = await ctx.db.select().from(users).where(eq(users.email, "student@example.com"));
  let done = 0;
  for (const demo of DEMO_SCHEDULE) {
    const course = await ctx.services.get("courses").findCourse(demo.courseSlug);
    if (!course) continue;
    const [existing] = await ctx.db
      .select({ id: classes.id })
      .from(classes)
      .where(eq(classes.courseId, course.id));
    if (existing) continue;
    const [owner] = await ctx.db.select().from(users).where(eq(users.id, course.instructor.id));
    if (!owner) continue;
    const now = ctx.clock.now();
    // Past classes can only be written directly: scheduling refuses the past, as it should.
    for (const [i, attended] of demo.attended.entries()) {
      const startsAt = new Date(
        Math.floor((now.getTime() - (demo.attended.length - i) * 7 * DAY) / HOUR) * HOUR,
      );
      const id = randomUUID();
      await ctx.db.insert(classes).values({
        id,
        courseId: course.id,
        seriesId: null,
        title: `${demo.title} ${i + 1}`,
        startsAt,
        durationMinutes: 60,
        provider: provider.id,
        status: "scheduled",
        meetingId: `lectern-${randomBytes(16).toString("hex")}`,
        meetingData: {},
        createdBy: owner.id,
        createdAt: startsAt,
        updatedAt: startsAt,
      });
      if (attended && student) {
        const at = new Date(startsAt.getTime() - 5 * 60_000);
        await ctx.db.insert(presence).values({
          id: randomUUID(),
          classId: id,
          userId: student.id,
          kind: "joined",
          source: "lectern",
          role: "attendee",
          at,
          receivedAt: at,
        });
      }
    }
    const nextWeek = new Date(Math.ceil((now.getTime() + 2 * DAY) / HOUR) * HOUR);
    await service.schedule(owner, course.id, {
      title: demo.title,
      startsAt: nextWeek,
      durationMinutes: 60,
      provider: provider.id,
      recurrence: { weekly: true, count: 8 },
    });
    ctx.progress(++done, DEMO_SCHEDULE.length, course.title);
  }
}
