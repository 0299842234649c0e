import type { Money } from "@lectern/core";

/**
 * What a payment gateway does for Lectern. Every method takes one input object and answers one
 * output object, so a gateway can grow fields without breaking its callers.
 */
export interface PaymentGateway {
  /** Starts paying: a page to send the student to, and the gateway's id for this payment. */
  createCheckout(input: CheckoutInput): Promise<CheckoutOutput>;
  /**
   * Verifies a webhook from its untouched body and headers and translates it. Throws
   * `WebhookSignatureError` when the signature is missing, wrong or stale.
   */
  parseWebhook(input: WebhookInput): Promise<WebhookOutput>;
  /** For gateways that capture when the student comes back (PayPal); absent otherwise. */
  captureOnReturn?(input: ReturnInput): Promise<GatewayResult>;
  /** Gives money back; `amount` is never more than what is left. */
  refund(input: RefundInput): Promise<RefundOutput>;
  /** What the gateway knows about a payment now: reconciliation asks when a webhook never came. */
  lookup(input: LookupInput): Promise<GatewayResult>;
  /**
   * For offline gateways (bank transfer, cash): what the student reads on the payment page.
   * Online gateways leave it out.
   */
  instructions?(input: { paymentId: string; reference: string; total: Money }): string;
}

export interface CheckoutInput {
  paymentId: string;
  total: Money;
  /** What the student buys, e.g. the course's title. */
  description: string;
  courseId: string;
  customer: { id: string; email: string; name: string };
  /** Where the gateway sends the student back: `/api/payments/return/:gateway?paymentId=…`. */
  returnUrl: string;
  cancelUrl: string;
  /** Deterministic per checkout attempt: a retried request creates nothing twice at the gateway. */
  idempotencyKey: string;
}

export interface CheckoutOutput {
  /** The gateway's page, or Lectern's own payment page for offline gateways. */
  redirectUrl: string;
  /** The gateway's id for this payment (Checkout Session, order, transfer reference). */
  gatewayRef: string;
}

export interface WebhookInput {
  /** The body exactly as it arrived: signatures are computed over these bytes. */
  rawBody: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export interface WebhookOutput {
  events: GatewayEvent[];
}

/** A gateway event in Lectern's words. Events a gateway sends that Lectern ignores are left out. */
export type GatewayEvent =
  | {
      /** The gateway's event id: the same id twice is applied once. */
      id: string;
      type: "completed";
      paymentId: string | null;
      gatewayRef: string | null;
      /** What the gateway says it took; compared with the stored payment. */
      amount: Money;
    }
  | { id: string; type: "failed"; paymentId: string | null; gatewayRef: string | null; reason: string }
  | {
      id: string;
      type: "refunded";
      paymentId: string | null;
      gatewayRef: string | null;
      /** Everything refunded so far (not only this refund), so order does not matter. */
      amountRefunded: Money;
    };

export interface ReturnInput {
  paymentId: string;
  gatewayRef: string;
  /** The query string the gateway appended to the return URL. */
  query: Record<string, string>;
}

export interface RefundInput {
  paymentId: string;
  gatewayRef: string;
  amount: Money;
  idempotencyKey: string;
}

export interface RefundOutput {
  refundRef: string;
}

export interface LookupInput {
  paymentId: string;
  gatewayRef: string;
}

/** The gateway's view of a payment, as events to apply (none while it is still open). */
export interface GatewayResult {
  status: "pending" | "completed" | "failed";
  events: GatewayEvent[];
}

/** A webhook whose signature is missing, wrong or too old: answered 400, nothing recorded. */
export class WebhookSignatureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WebhookSignatureError";
  }
}
