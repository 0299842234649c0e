import { definePlugin, type JobDefinition, z } from "@lectern/core";
import { CoursesGateway } from "./courses.js";
import { paymentEvents } from "./events.js";
import { paymentsNotificationKinds, paymentsRealtime } from "./notifications.js";
import { paymentsPrivacy } from "./privacy.js";
import { gatewaysOption } from "./providers.js";
import { paymentsRoutes } from "./routes.js";
import { seedDemoPayments } from "./seed.js";
import { type PaymentsConfig, PaymentsService, RECONCILE_JOB } from "./service/index.js";

export { paymentEvents } from "./events.js";
export {
  type CheckoutInput,
  type CheckoutOutput,
  type GatewayEvent,
  type GatewayResult,
  type LookupInput,
  type PaymentGateway,
  type RefundInput,
  type RefundOutput,
  type ReturnInput,
  type WebhookInput,
  type WebhookOutput,
  WebhookSignatureError,
} from "./gateway.js";
export { manual, manualReference } from "./manual.js";
export {
  defineGateway,
  GATEWAY_SLOT,
  type GatewayContext,
  type GatewayDefinition,
  type GatewayProvider,
  ProviderError,
} from "./providers.js";
export { PAYMENT_STATUSES, type PaymentStatus } from "./schema.js";
export type {
  CheckoutRequest,
  CheckoutResult,
  Coupon,
  CouponInput,
  Payment,
  PaymentFilters,
  PaymentsServiceDeps,
  PaymentWithCourse,
} from "./service/index.js";
export { PaymentsService, RECONCILE_JOB } from "./service/index.js";

export const paymentsOptions = z.object({
  /** The payment methods students may choose, e.g. `[manual(), stripe({...})]`. */
  gateways: gatewaysOption,
  /** A full refund ends the student's enrollment. */
  revokeAccessOnRefund: z.boolean().default(true),
  /** A payment still pending this long is looked up at its gateway (a webhook may have been lost). */
  reconcileAfterMinutes: z.number().int().min(1).default(30),
  /** When reconciliation runs (cron, in the institution's time zone). */
  reconcileSchedule: z.string().default("*/10 * * * *"),
  /** How long a gateway may take to start a checkout before the student is told to try again. */
  checkoutTimeoutMs: z.number().int().min(100).max(60_000).default(15_000),
  /** The campus page of one payment, where gateways send the student back. */
  paymentPagePath: z.string().startsWith("/").default("/payments/:id"),
  /** BCP 47 locale of amounts in mails and on the campus (`GET /api/payments/gateways` gives it). */
  locale: z.string().default("en-GB"),
  /** Printed on receipts. */
  institution: z
    .object({
      name: z.string().min(1).default("Lectern Campus"),
      /** Address, tax number … one per line. */
      details: z.string().max(2000).default(""),
    })
    .prefault({}),
});

export type PaymentsOptions = z.input<typeof paymentsOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    payments: PaymentsService;
  }
}

/**
 * The payments plugin: paid courses bought through pluggable gateways, enrolling the student
 * exactly once; coupons, refunds, receipts, reconciliation and reports.
 */
export const payments = definePlugin({
  id: "payments",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses"],
  options: paymentsOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: {
    "already-enrolled": { status: 409, title: "Conflict with the current state" },
    "already-refunded": { status: 409, title: "Conflict with the current state" },
    "bad-signature": { status: 400, title: "Bad request" },
    "coupon-used-up": { status: 409, title: "Conflict with the current state" },
    "course-is-free": { status: 409, title: "Conflict with the current state" },
    "idempotency-key-required": { status: 400, title: "Bad request" },
  },
  providerSlots: { gateways: { slot: "payments.gateways", min: 1 } },
  permissions: {
    "payments.buy": ["student"],
    "payments.manage": ["admin"],
  },
  services: (ctx) => {
    // The gateways were created and checked by core at boot; they are read through ctx.providers.
    const { gateways: _installs, ...options } = ctx.options;
    return new PaymentsService({
      db: ctx.db,
      clock: ctx.clock,
      events: ctx.events,
      jobs: ctx.jobs,
      mail: ctx.mail,
      logger: ctx.logger,
      publicUrl: ctx.config.publicUrl,
      options: options as PaymentsConfig,
      gateways: ctx
        .providers("payments.gateways")
        .map(({ id, name, provider }) => ({ id, name, gateway: provider })),
      courses: new CoursesGateway(ctx.services),
      audit: ctx.audit,
    });
  },
  routes: (ctx) => paymentsRoutes(ctx.services.get("payments")),
  events: { emits: paymentEvents },
  realtime: paymentsRealtime,
  contributes: (ctx) => ({
    "core.notificationKinds": paymentsNotificationKinds(ctx.options.paymentPagePath),
    "core.analytics": (query) => ctx.services.get("payments").reports.analytics(query),
    "core.privacy": paymentsPrivacy,
  }),
  jobs: (ctx) => [
    ctx.services.get("payments").inbox.webhooks.job() as JobDefinition<never>,
    {
      name: RECONCILE_JOB,
      schedule: ctx.options.reconcileSchedule,
      retry: { attempts: 3, backoffMs: 30_000 },
      run: async () => {
        await ctx.services.get("payments").inbox.reconcile();
      },
    },
  ],
  seed: {
    demo: (ctx) => seedDemoPayments(ctx),
  },
});
