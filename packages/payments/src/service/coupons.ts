import { type Executor, type Money, problems } from "@lectern/core";
import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { coupons, redemptions } from "../schema.js";
import type { PaymentsDeps } from "./context.js";

export interface CouponInput {
  code: string;
  percentOff?: number;
  amountOff?: Money;
  courseId?: string;
  expiresAt?: string;
  maxRedemptions?: number;
}

export interface Coupon {
  id: string;
  code: string;
  percentOff: number | null;
  amountOff: Money | null;
  courseId: string | null;
  expiresAt: string | null;
  maxRedemptions: number | null;
  redemptions: number;
  active: boolean;
  createdAt: string;
}

type CouponRow = typeof coupons.$inferSelect;

export function normaliseCouponCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The price after the coupon, never below zero. */
export function discounted(price: Money, coupon: Pick<CouponRow, "percentOff" | "amountOff">): number {
  if (coupon.percentOff !== null) return price.amount - Math.round((price.amount * coupon.percentOff) / 100);
  return Math.max(0, price.amount - (coupon.amountOff ?? 0));
}

function toCoupon(row: CouponRow): Coupon {
  return {
    id: row.id,
    code: row.code,
    percentOff: row.percentOff,
    amountOff: row.amountOff !== null ? { amount: row.amountOff, currency: row.currency! } : null,
    courseId: row.courseId,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    maxRedemptions: row.maxRedemptions,
    redemptions: row.redemptions,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
  };
}

export class Coupons {
  constructor(private readonly deps: PaymentsDeps) {}

  async create(adminId: string, input: CouponInput): Promise<Coupon> {
    const code = normaliseCouponCode(input.code);
    const invalid = (path: string, message: string) => problems.validation([{ path, message }]);
    if ((input.percentOff === undefined) === (input.amountOff === undefined)) {
      throw invalid("percentOff", "Give either percentOff or amountOff.");
    }
    const now = this.deps.clock.now();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= now) throw invalid("expiresAt", "The expiry must be in the future.");
    return this.deps.db.transaction(async (tx) => {
      if (input.courseId) {
        const course = await this.deps.courses.course(tx, input.courseId);
        if (!course) throw invalid("courseId", "There is no such course.");
        if (input.amountOff && course.price && course.price.currency !== input.amountOff.currency) {
          throw invalid("amountOff.currency", `The course is priced in ${course.price.currency}.`);
        }
      }
      const [row] = await tx
        .insert(coupons)
        .values({
          id: crypto.randomUUID(),
          code,
          percentOff: input.percentOff ?? null,
          amountOff: input.amountOff?.amount ?? null,
          currency: input.amountOff?.currency ?? null,
          courseId: input.courseId ?? null,
          expiresAt,
          maxRedemptions: input.maxRedemptions ?? null,
          createdBy: adminId,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) throw problems.conflict(`A coupon with the code ${code} exists already.`);
      return toCoupon(row);
    });
  }

  async list(): Promise<Coupon[]> {
    const rows = await this.deps.db.select().from(coupons).orderBy(desc(coupons.createdAt), desc(coupons.id));
    return rows.map(toCoupon);
  }

  /** Deactivates: the coupon stays, with its redemptions, for the record. */
  async deactivate(id: string): Promise<Coupon> {
    const [row] = await this.deps.db
      .update(coupons)
      .set({ active: false, deactivatedAt: this.deps.clock.now() })
      .where(eq(coupons.id, id))
      .returning();
    if (!row) throw problems.notFound("There is no such coupon.");
    return toCoupon(row);
  }

  /**
   * Checks the coupon against the course and counts one use for the payment, in the checkout's
   * transaction. The count and the limit are compared by one UPDATE, so concurrent checkouts
   * can never pass the limit together.
   */
  async redeem(
    tx: Executor,
    input: { code: string; courseId: string; price: Money; paymentId: string; userId: string },
  ): Promise<{ coupon: CouponRow; amount: number }> {
    const invalid = (message: string) => problems.validation([{ path: "couponCode", message }], message);
    const code = normaliseCouponCode(input.code);
    const now = this.deps.clock.now();
    const [coupon] = await tx.select().from(coupons).where(eq(coupons.code, code));
    if (!coupon?.active) throw invalid("This coupon code is not valid.");
    if (coupon.expiresAt && coupon.expiresAt <= now) throw invalid("This coupon has expired.");
    if (coupon.courseId && coupon.courseId !== input.courseId)
      throw invalid("This coupon is for another course.");
    if (coupon.amountOff !== null && coupon.currency !== input.price.currency) {
      throw invalid(`This coupon is in ${coupon.currency}; the course is priced in ${input.price.currency}.`);
    }
    const [counted] = await tx
      .update(coupons)
      .set({ redemptions: sql`${coupons.redemptions} + 1` })
      .where(
        and(
          eq(coupons.id, coupon.id),
          eq(coupons.active, true),
          or(isNull(coupons.maxRedemptions), lt(coupons.redemptions, coupons.maxRedemptions)),
          or(isNull(coupons.expiresAt), gt(coupons.expiresAt, now)),
        ),
      )
      .returning({ id: coupons.id });
    if (!counted) {
      throw problems.conflict("This coupon has been used as many times as it may be.", {
        type: "coupon-used-up",
      });
    }
    await tx
      .insert(redemptions)
      .values({ couponId: coupon.id, paymentId: input.paymentId, userId: input.userId, createdAt: now });
    return { coupon, amount: discounted(input.price, coupon) };
  }
}
