import { DAY, DEMO_PASSWORD, HOUR, type SeedContext, users } from "@lectern/core";
import { and, asc, eq } from "drizzle-orm";
import { courses, enrollments, materials } from "./schema.js";
import type { CoursesService } from "./service.js";

/** Learners beside the demo student, so the admin's charts have a term's worth of shape. */
const LEARNERS = [
  "Amara Okafor",
  "Benedikt Vogel",
  "Chen Wei",
  "Dalia Haddad",
  "Emil Lindqvist",
  "Fatima Zahra",
  "Gabriel Souza",
  "Hana Kobayashi",
  "Isaac Mensah",
  "Julia Nowak",
  "Kofi Asante",
  "Lucía Fernández",
  "Mateo Rossi",
  "Nadia Petrova",
  "Omar Farouk",
  "Priya Raman",
];

/** How many weeks back the enrollments reach: the admin overview's window. */
export const DEMO_WEEKS = 12;

/**
 * Each learner enrolls in two or three published courses; the enrollment dates spread over the
 * last twelve weeks, more of them recent (a growing term), and every fourth learner finishes the
 * first course. Deterministic (no randomness: positions decide everything) and idempotent: a
 * learner who exists already is left as they are.
 */
export async function seedDemoLearners(ctx: SeedContext, service: CoursesService): Promise<void> {
  const published = await ctx.db
    .select({ id: courses.id })
    .from(courses)
    .where(eq(courses.status, "published"))
    .orderBy(asc(courses.slug));
  if (published.length === 0) return;
  const now = ctx.clock.now().getTime();
  const plan: { learner: number; courseId: string }[] = [];
  LEARNERS.forEach((_, learner) => {
    const count = 2 + (learner % 2);
    for (let j = 0; j < count; j++)
      plan.push({ learner, courseId: published[(learner * 5 + j * 3) % published.length]!.id });
  });
  // The k-th of n enrollments happened this many days ago: the square root bunches them towards now.
  const daysAgo = (k: number) =>
    Math.min(DEMO_WEEKS * 7 - 1, Math.floor(DEMO_WEEKS * 7 * (1 - Math.sqrt((k + 0.5) / plan.length))));
  for (const [index, name] of LEARNERS.entries()) {
    const email = `learner${index + 1}@example.com`;
    if (await ctx.auth.findUserByEmail(email)) continue;
    const user = await ctx.auth.createUser({ email, name, role: "student", password: DEMO_PASSWORD });
    let joined = now;
    for (const [k, step] of plan.entries()) {
      if (step.learner !== index) continue;
      await ctx.db.transaction((tx) => service.enroll(tx, { userId: user.id, courseId: step.courseId }));
      const enrolledAt = new Date(now - daysAgo(k) * DAY - ((k * 7) % 10) * HOUR);
      joined = Math.min(joined, enrolledAt.getTime() - 2 * HOUR);
      const finisher = index % 4 === 0 && plan.findIndex((p) => p.learner === index) === k;
      if (finisher) await finishCourse(ctx, service, user.id, step.courseId);
      const mine = and(eq(enrollments.userId, user.id), eq(enrollments.courseId, step.courseId));
      await ctx.db.update(enrollments).set({ enrolledAt }).where(mine);
      // A finisher took three weeks, or until an hour ago for a recent start.
      const completedAt = new Date(
        Math.max(enrolledAt.getTime() + HOUR, Math.min(enrolledAt.getTime() + 21 * DAY, now - HOUR)),
      );
      if (finisher)
        await ctx.db
          .update(enrollments)
          .set({ completedAt })
          .where(and(mine, eq(enrollments.status, "completed")));
    }
    // The account is as old as the learner's first enrollment, so "new students" has a shape too.
    await ctx.db
      .update(users)
      .set({ createdAt: new Date(joined) })
      .where(eq(users.id, user.id));
  }
}

/** Marks every required material complete, as the learner would, one by one. */
async function finishCourse(ctx: SeedContext, service: CoursesService, userId: string, courseId: string) {
  const required = await ctx.db
    .select({ id: materials.id })
    .from(materials)
    .where(and(eq(materials.courseId, courseId), eq(materials.required, true)))
    .orderBy(asc(materials.position));
  for (const m of required) await service.completeMaterial({ id: userId, role: "student" }, m.id);
}
