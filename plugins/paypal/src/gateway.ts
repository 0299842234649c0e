import type { z } from "@lectern/core";
import {
  type CheckoutInput,
  type CheckoutOutput,
  type GatewayContext,
  type GatewayEvent,
  type GatewayResult,
  type LookupInput,
  type PaymentGateway,
  ProviderError,
  type RefundInput,
  type RefundOutput,
  type ReturnInput,
  type WebhookInput,
  type WebhookOutput,
  WebhookSignatureError,
} from "@lectern/payments";
import { PayPalClient } from "./client.js";
import type { paypalOptions } from "./index.js";
import { fromPayPalValue, toPayPalValue } from "./money.js";
import {
  approvalUrl,
  captureEvent,
  captureIdOf,
  orderResult,
  type PayPalCapture,
  type PayPalEvent,
  type PayPalOrder,
  type PayPalRefund,
} from "./resources.js";
import { WebhookVerifier } from "./verify.js";

type Options = z.output<typeof paypalOptions>;

/** PayPal's order ids: letters and digits (a guard before they go into a URL path). */
const ORDER_ID = /^[A-Z0-9-]{5,40}$/i;

/** Lectern's gateway interface over PayPal Checkout (Orders v2), capturing when the student returns. */
export class PayPalGateway implements PaymentGateway {
  readonly #api: PayPalClient;
  readonly #verifier: WebhookVerifier;

  constructor(
    ctx: GatewayContext,
    private readonly options: Options,
  ) {
    this.#api = new PayPalClient(ctx, options);
    this.#verifier = new WebhookVerifier(ctx, options);
  }

  async createCheckout(input: CheckoutInput): Promise<CheckoutOutput> {
    const { body: order } = await this.#api.request<PayPalOrder>("POST", "/v2/checkout/orders", {
      // The same attempt never creates two orders, however often the request is retried.
      requestId: input.idempotencyKey,
      body: {
        intent: "CAPTURE",
        purchase_units: [
          {
            reference_id: input.paymentId,
            custom_id: input.paymentId,
            invoice_id: input.paymentId,
            description: input.description.slice(0, 127),
            amount: toPayPalValue(input.total),
          },
        ],
        payment_source: {
          paypal: {
            experience_context: {
              return_url: input.returnUrl,
              cancel_url: input.cancelUrl,
              user_action: "PAY_NOW",
              shipping_preference: "NO_SHIPPING",
              ...(this.options.brandName ? { brand_name: this.options.brandName.slice(0, 127) } : {}),
            },
          },
        },
      },
    });
    const redirectUrl = approvalUrl(order);
    if (!order.id || !redirectUrl) {
      throw new ProviderError("PayPal answered without an approval link.", {
        provider: "paypal",
        retryable: false,
      });
    }
    return { redirectUrl, gatewayRef: order.id };
  }

  /** The student approved at PayPal and came back (`?token=<order id>&PayerID=…`): take the money. */
  async captureOnReturn({ paymentId, gatewayRef, query }: ReturnInput): Promise<GatewayResult> {
    // A return URL pasted with another order's token captures nothing.
    if (query.token && query.token !== gatewayRef) return { status: "pending", events: [] };
    return this.#capture(paymentId, gatewayRef);
  }

  async parseWebhook({ rawBody, headers }: WebhookInput): Promise<WebhookOutput> {
    await this.#verifier.verify(rawBody, headers);
    let event: PayPalEvent;
    try {
      event = JSON.parse(rawBody) as PayPalEvent;
    } catch (error) {
      throw new WebhookSignatureError("The PayPal event is not JSON.", { cause: error });
    }
    if (typeof event?.id !== "string" || !event.resource) return { events: [] };
    const translated = await this.#translate(event);
    return { events: translated };
  }

  async refund(input: RefundInput): Promise<RefundOutput> {
    const order = await this.#order(input.gatewayRef);
    const capture = order.purchase_units?.[0]?.payments?.captures?.[0];
    if (!capture) {
      throw new ProviderError("PayPal has no captured payment for this order to refund.", {
        provider: "paypal",
        retryable: false,
      });
    }
    const { body } = await this.#api.request<PayPalRefund>(
      "POST",
      `/v2/payments/captures/${encodeURIComponent(capture.id)}/refund`,
      {
        requestId: input.idempotencyKey,
        body: { amount: toPayPalValue(input.amount), custom_id: input.paymentId },
      },
    );
    return { refundRef: body.id };
  }

  async lookup({ paymentId, gatewayRef }: LookupInput): Promise<GatewayResult> {
    const order = await this.#order(gatewayRef);
    // Approved but never captured: the student closed the tab on the way back. Capture now.
    if (order.status === "APPROVED") return this.#capture(paymentId, gatewayRef);
    return orderResult(order, paymentId);
  }

  async #translate(event: PayPalEvent): Promise<GatewayEvent[]> {
    switch (event.event_type) {
      case "CHECKOUT.ORDER.APPROVED": {
        // The buyer approved; capturing here finishes payments whose student never came back.
        const order = event.resource as unknown as PayPalOrder;
        const paymentId = order.purchase_units?.[0]?.custom_id ?? null;
        if (!paymentId || !ORDER_ID.test(order.id ?? "")) return [];
        return (await this.#capture(paymentId, order.id)).events;
      }
      case "PAYMENT.CAPTURE.COMPLETED":
      case "PAYMENT.CAPTURE.DENIED":
      case "PAYMENT.CAPTURE.DECLINED": {
        const translated = captureEvent(event.id, event.resource as unknown as PayPalCapture);
        return translated ? [translated] : [];
      }
      case "PAYMENT.CAPTURE.REFUNDED":
      case "PAYMENT.CAPTURE.REVERSED": {
        const refund = event.resource as unknown as PayPalRefund;
        const total = refund.seller_payable_breakdown?.total_refunded_amount ?? refund.amount;
        if (!total) return [];
        return [
          {
            id: event.id,
            type: "refunded",
            paymentId: refund.custom_id ?? (await this.#paymentOfRefund(refund)),
            gatewayRef: null,
            amountRefunded: fromPayPalValue(total),
          },
        ];
      }
      case "CHECKOUT.ORDER.VOIDED": {
        const order = event.resource as unknown as PayPalOrder;
        return [
          {
            id: event.id,
            type: "failed",
            paymentId: order.purchase_units?.[0]?.custom_id ?? null,
            gatewayRef: order.id ?? null,
            reason: "The PayPal order was cancelled.",
          },
        ];
      }
      default:
        return [];
    }
  }

  /**
   * Captures an approved order. `PayPal-Request-Id` is fixed per payment, so the return, the
   * approval webhook and reconciliation capturing at once take the money once.
   */
  async #capture(paymentId: string, orderId: string): Promise<GatewayResult> {
    if (!ORDER_ID.test(orderId)) return { status: "pending", events: [] };
    const answer = await this.#api.request<PayPalOrder>(
      "POST",
      `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`,
      { requestId: `lectern-capture-${paymentId}`, body: {}, accept: [422] },
    );
    if (answer.status === 422) {
      // Already captured (another path won), or not approved yet: the order says which.
      if (answer.issue === "ORDER_NOT_APPROVED") return { status: "pending", events: [] };
      return orderResult(await this.#order(orderId), paymentId);
    }
    return orderResult(answer.body, paymentId);
  }

  async #order(orderId: string): Promise<PayPalOrder> {
    if (!ORDER_ID.test(orderId)) {
      throw new ProviderError("Not a PayPal order id.", { provider: "paypal", retryable: false });
    }
    return (await this.#api.request<PayPalOrder>("GET", `/v2/checkout/orders/${encodeURIComponent(orderId)}`))
      .body;
  }

  /** A refund without our `custom_id` (made in PayPal's dashboard): whose payment its capture was. */
  async #paymentOfRefund(refund: PayPalRefund): Promise<string | null> {
    const captureId = captureIdOf(refund);
    if (!captureId || !ORDER_ID.test(captureId)) return null;
    const { body } = await this.#api.request<PayPalCapture>(
      "GET",
      `/v2/payments/captures/${encodeURIComponent(captureId)}`,
    );
    return body.custom_id ?? null;
  }
}
