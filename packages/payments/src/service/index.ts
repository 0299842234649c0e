import { Checkout } from "./checkout.js";
import type { PaymentsDeps, PaymentsServiceDeps } from "./context.js";
import { Coupons } from "./coupons.js";
import { AdminActions } from "./refunds.js";
import { PaymentReports } from "./reports.js";
import { PaymentStateMachine } from "./state.js";
import { GatewayInbox } from "./webhooks.js";

export type { CheckoutRequest, CheckoutResult } from "./checkout.js";
export type { Payment, PaymentsConfig, PaymentsServiceDeps } from "./context.js";
export type { Coupon, CouponInput } from "./coupons.js";
export type { PaymentFilters, PaymentWithCourse } from "./reports.js";

export const RECONCILE_JOB = "payments.reconcile";

/** The payments plugin's service: one object per concern, sharing the state machine. */
export class PaymentsService {
  readonly state: PaymentStateMachine;
  readonly checkout: Checkout;
  readonly inbox: GatewayInbox;
  readonly admin: AdminActions;
  readonly coupons: Coupons;
  readonly reports: PaymentReports;
  readonly #deps: PaymentsDeps;

  constructor(deps: PaymentsServiceDeps) {
    this.#deps = { ...deps, gateways: new Map(deps.gateways.map((installed) => [installed.id, installed])) };
    this.state = new PaymentStateMachine(this.#deps);
    this.coupons = new Coupons(this.#deps);
    this.checkout = new Checkout(this.#deps, this.state, this.coupons);
    this.inbox = new GatewayInbox(this.#deps, this.state);
    this.admin = new AdminActions(this.#deps, this.state);
    this.reports = new PaymentReports(this.#deps);
  }

  /** The installed gateways, in the order they were given. */
  gateways(): { id: string; name: string }[] {
    return [...this.#deps.gateways.values()].map(({ id, name }) => ({ id, name }));
  }

  /** The locale amounts are written in, for the campus to format prices the same way. */
  get locale(): string {
    return this.#deps.options.locale;
  }

  /** Where the campus shows one payment. */
  paymentPageUrl(paymentId: string): string {
    return `${this.#deps.publicUrl}${this.#deps.options.paymentPagePath.replace(":id", paymentId)}`;
  }
}
