import { randomUUID } from "node:crypto";
import type { SeedContext } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import { manualReference } from "./manual.js";
import { coupons, payments } from "./schema.js";

/** Demo coupons, so the checkout dialog and the admin's coupons page have something to show. */
const DEMO_COUPONS = [
  { code: "WELCOME10", percentOff: 10, maxRedemptions: 100 },
  { code: "SCHOLARSHIP", percentOff: 100, maxRedemptions: 5 },
];

/**
 * Demo payments by bank transfer: one the payment office confirmed (the course courses' seed
 * enrolled the student in) and one still waiting, so the admin has something to mark.
 */
const DEMO_PAYMENTS = [
  {
    slug: "modern-javascript-and-typescript",
    status: "completed" as const,
    daysAgo: 12,
    note: "Transfer received on the campus account.",
  },
  { slug: "design-systems-at-scale", status: "pending" as const, daysAgo: 2, note: null },
];

export async function seedDemoPayments(ctx: SeedContext): Promise<void> {
  const admin = await ctx.auth.findUserByEmail("admin@example.com");
  const student = await ctx.auth.findUserByEmail("student@example.com");
  if (!admin) return;
  const service = ctx.services.get("payments");
  const total = DEMO_COUPONS.length + DEMO_PAYMENTS.length;
  let done = 0;
  for (const coupon of DEMO_COUPONS) {
    const [existing] = await ctx.db
      .select({ id: coupons.id })
      .from(coupons)
      .where(eq(coupons.code, coupon.code));
    if (!existing) await service.coupons.create(admin.id, coupon);
    ctx.progress(++done, total, coupon.code);
  }
  if (!student || !service.gateways().some((g) => g.id === "manual")) return;
  for (const demo of DEMO_PAYMENTS) {
    const course = await ctx.services.get("courses").findCourse(demo.slug);
    ctx.progress(++done, total, demo.slug);
    if (!course?.price) continue;
    const [existing] = await ctx.db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.userId, student.id), eq(payments.courseId, course.id)));
    if (existing) continue;
    const id = randomUUID();
    const at = new Date(ctx.clock.now().getTime() - demo.daysAgo * 86_400_000);
    // Written as history: the enrollment of the completed one is courses' seed's own.
    await ctx.db.insert(payments).values({
      id,
      courseId: course.id,
      userId: student.id,
      gateway: "manual",
      status: demo.status,
      amount: course.price.amount,
      listAmount: course.price.amount,
      currency: course.price.currency,
      gatewayRef: manualReference(id),
      requestHash: "demo",
      createdAt: at,
      updatedAt: at,
      ...(demo.status === "completed"
        ? { completedAt: at, note: demo.note, markedBy: admin.id, markedAt: at }
        : {}),
    });
  }
}
