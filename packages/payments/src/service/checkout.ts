import { createHash, randomUUID } from "node:crypto";
import { type Executor, ProblemError, problems, type User } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import { ProviderError } from "../providers.js";
import { payments } from "../schema.js";
import type { PaymentsDeps } from "./context.js";
import type { Coupons } from "./coupons.js";
import type { PaymentStateMachine } from "./state.js";

export interface CheckoutRequest {
  courseId: string;
  gateway: string;
  couponCode?: string;
}

export interface CheckoutResult {
  paymentId: string;
  /** Null when a coupon made the course free: the student is enrolled already. */
  redirectUrl: string | null;
}

class KeyTaken extends Error {}

export class Checkout {
  constructor(
    private readonly deps: PaymentsDeps,
    private readonly state: PaymentStateMachine,
    private readonly coupons: Coupons,
  ) {}

  /**
   * Starts a payment for the course at the server's price (after the coupon). The same
   * `Idempotency-Key` with the same body answers the same payment; with another body, 422.
   */
  async start(user: User, request: CheckoutRequest, idempotencyKey: string): Promise<CheckoutResult> {
    const requestHash = hashOf(request);
    const replay = await this.#replay(this.deps.db, user.id, idempotencyKey, requestHash);
    if (replay) return replay;
    const installed = this.deps.gateways.get(request.gateway);
    if (!installed) {
      throw problems.validation(
        [{ path: "gateway", message: `Choose one of: ${[...this.deps.gateways.keys()].join(", ")}.` }],
        "There is no such payment method.",
      );
    }
    const paymentId = randomUUID();
    let prepared: { amount: number; currency: string; title: string; free: boolean };
    try {
      prepared = await this.deps.db.transaction((tx) =>
        this.#create(tx, user, request, { paymentId, idempotencyKey, requestHash }),
      );
    } catch (error) {
      // The same key in a concurrent request won the insert: answer what it created.
      if (error instanceof KeyTaken) {
        const again = await this.#replay(this.deps.db, user.id, idempotencyKey, requestHash);
        if (again) return again;
      }
      throw error;
    }
    if (prepared.free) return { paymentId, redirectUrl: null };

    const { publicUrl } = this.deps;
    const returnUrl = `${publicUrl}/api/payments/return/${installed.id}?paymentId=${paymentId}`;
    try {
      const created = await withTimeout(
        installed.gateway.createCheckout({
          paymentId,
          total: { amount: prepared.amount, currency: prepared.currency },
          description: prepared.title,
          courseId: request.courseId,
          customer: { id: user.id, email: user.email, name: user.name },
          returnUrl,
          cancelUrl: `${returnUrl}&cancelled=1`,
          idempotencyKey: `lectern-checkout-${paymentId}`,
        }),
        this.deps.options.checkoutTimeoutMs,
        installed.id,
      );
      await this.deps.db
        .update(payments)
        .set({
          gatewayRef: created.gatewayRef,
          redirectUrl: created.redirectUrl,
          updatedAt: this.deps.clock.now(),
        })
        .where(eq(payments.id, paymentId));
      return { paymentId, redirectUrl: created.redirectUrl };
    } catch (error) {
      // Nothing is left pending: the attempt fails, its coupon use and its key are given back.
      await this.deps.db.transaction(async (tx) => {
        const [row] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
        if (row?.status === "pending") {
          await this.state.fail(tx, row, "The payment service could not start the payment.", {
            releaseKey: true,
          });
        }
      });
      this.deps.logger.warn(
        { err: error, gateway: installed.id, paymentId },
        "checkout failed at the gateway",
      );
      throw new ProblemError({
        status: 502,
        type: "provider-failed",
        title: "Payment service unavailable",
        detail: `${installed.name} did not answer in time. Nothing was charged; please try again in a moment.`,
      });
    }
  }

  async #create(
    tx: Executor,
    user: User,
    request: CheckoutRequest,
    ids: { paymentId: string; idempotencyKey: string; requestHash: string },
  ) {
    const course = await this.deps.courses.course(tx, request.courseId);
    if (course?.status !== "published") throw problems.notFound("There is no such course.");
    if (!course.price) {
      throw problems.conflict("This course is free: enroll directly.", {
        type: "course-is-free",
      });
    }
    if (await this.deps.courses.isEnrolled(tx, { courseId: course.id, userId: user.id })) {
      throw problems.conflict("You are already enrolled in this course.", {
        type: "already-enrolled",
      });
    }
    const now = this.deps.clock.now();
    const [inserted] = await tx
      .insert(payments)
      .values({
        id: ids.paymentId,
        courseId: course.id,
        userId: user.id,
        gateway: request.gateway,
        status: "pending",
        amount: course.price.amount,
        listAmount: course.price.amount,
        currency: course.price.currency,
        idempotencyKey: ids.idempotencyKey,
        requestHash: ids.requestHash,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) throw new KeyTaken();
    let payment: typeof inserted | undefined = inserted;
    if (request.couponCode) {
      const { coupon, amount } = await this.coupons.redeem(tx, {
        code: request.couponCode,
        courseId: course.id,
        price: course.price,
        paymentId: ids.paymentId,
        userId: user.id,
      });
      [payment] = await tx
        .update(payments)
        .set({ amount, couponId: coupon.id, couponCode: coupon.code })
        .where(eq(payments.id, ids.paymentId))
        .returning();
    }
    const free = payment!.amount === 0;
    // A coupon that covers everything needs no gateway: the enrollment exists when this commits.
    if (free) await this.state.complete(tx, payment!);
    return { amount: payment!.amount, currency: payment!.currency, title: course.title, free };
  }

  async #replay(
    executor: Executor,
    userId: string,
    key: string,
    hash: string,
  ): Promise<CheckoutResult | null> {
    const [row] = await executor
      .select()
      .from(payments)
      .where(and(eq(payments.userId, userId), eq(payments.idempotencyKey, key)));
    if (!row) return null;
    if (row.requestHash !== hash) {
      throw problems.validation(
        [{ path: "Idempotency-Key", message: "This key was used with another request." }],
        "This Idempotency-Key was already used for a different checkout; use a new key.",
      );
    }
    if (row.amount > 0 && row.status === "pending" && !row.redirectUrl) {
      throw problems.conflict("This checkout is still being prepared; try again in a moment.");
    }
    return { paymentId: row.id, redirectUrl: row.amount === 0 ? null : row.redirectUrl };
  }
}

function hashOf(request: CheckoutRequest): string {
  const couponCode = request.couponCode?.trim().toUpperCase() || null;
  return createHash("sha256")
    .update(JSON.stringify([request.courseId, request.gateway, couponCode]))
    .digest("hex");
}

async function withTimeout<T>(promise: Promise<T>, ms: number, provider: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProviderError(`No answer within ${ms} ms.`, { provider, retryable: true })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
