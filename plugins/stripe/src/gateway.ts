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
  type WebhookInput,
  type WebhookOutput,
  WebhookSignatureError,
} from "@lectern/payments";
import Stripe from "stripe";
import type { stripeOptions } from "./index.js";

type Options = z.output<typeof stripeOptions>;
type Session = Stripe.Checkout.Session;

const upper = (currency: string) => currency.toUpperCase();

/** Lectern's gateway interface over Stripe Checkout Sessions, through the official SDK. */
export class StripeGateway implements PaymentGateway {
  readonly #stripe: Stripe;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: Options,
  ) {
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 0,
      timeout: options.timeoutMs,
      ...(options.api
        ? { host: options.api.host, port: options.api.port, protocol: options.api.protocol }
        : {}),
    });
  }

  async createCheckout(input: CheckoutInput): Promise<CheckoutOutput> {
    const metadata = { paymentId: input.paymentId, courseId: input.courseId };
    const session = await this.#call(() =>
      this.#stripe.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: input.total.currency.toLowerCase(),
                unit_amount: input.total.amount,
                product_data: { name: input.description },
              },
            },
          ],
          success_url: input.returnUrl,
          cancel_url: input.cancelUrl,
          client_reference_id: input.paymentId,
          customer_email: input.customer.email,
          metadata,
          // Failure and refund events carry the PaymentIntent or Charge, not the Session.
          payment_intent_data: { metadata },
        },
        // The same attempt never opens two Sessions, however often the request is retried.
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    if (!session.url)
      throw new ProviderError("Stripe answered without a checkout URL.", {
        provider: "stripe",
        retryable: false,
      });
    return { redirectUrl: session.url, gatewayRef: session.id };
  }

  async parseWebhook({ rawBody, headers }: WebhookInput): Promise<WebhookOutput> {
    const signature = headers["stripe-signature"];
    if (!signature) throw new WebhookSignatureError("No Stripe-Signature header.");
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.options.webhookSecret,
        this.options.toleranceSeconds,
        undefined,
        this.ctx.clock.now().getTime(),
      );
    } catch (error) {
      throw new WebhookSignatureError("The Stripe signature does not verify.", { cause: error });
    }
    const translated = await this.#translate(event);
    return { events: translated ? [translated] : [] };
  }

  async refund(input: RefundInput): Promise<RefundOutput> {
    const session = await this.#call(() => this.#stripe.checkout.sessions.retrieve(input.gatewayRef));
    const paymentIntent = idOf(session.payment_intent);
    if (!paymentIntent) {
      throw new ProviderError("Stripe has no payment for this checkout to refund.", {
        provider: "stripe",
        retryable: false,
      });
    }
    const refund = await this.#call(() =>
      this.#stripe.refunds.create(
        {
          payment_intent: paymentIntent,
          amount: input.amount.amount,
          metadata: { paymentId: input.paymentId },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { refundRef: refund.id };
  }

  async lookup({ gatewayRef }: LookupInput): Promise<GatewayResult> {
    const session = await this.#call(() => this.#stripe.checkout.sessions.retrieve(gatewayRef));
    if (session.status === "complete" && session.payment_status === "paid") {
      return { status: "completed", events: [this.#completed(`lookup:${session.id}:completed`, session)] };
    }
    if (session.status === "expired") {
      return {
        status: "failed",
        events: [
          {
            id: `lookup:${session.id}:expired`,
            type: "failed",
            paymentId: session.client_reference_id,
            gatewayRef: session.id,
            reason: "The Stripe checkout expired unpaid.",
          },
        ],
      };
    }
    return { status: "pending", events: [] };
  }

  async #translate(event: Stripe.Event): Promise<GatewayEvent | null> {
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded": {
        const session = event.data.object;
        // A delayed method (bank debit) completes the Session before the money arrives.
        if (session.payment_status !== "paid") return null;
        return this.#completed(event.id, session);
      }
      case "checkout.session.async_payment_failed":
      case "checkout.session.expired": {
        const session = event.data.object;
        const reason =
          event.type === "checkout.session.expired"
            ? "The Stripe checkout expired unpaid."
            : "The payment did not go through.";
        return {
          id: event.id,
          type: "failed",
          paymentId: session.client_reference_id,
          gatewayRef: session.id,
          reason,
        };
      }
      case "payment_intent.payment_failed": {
        const intent = event.data.object;
        return {
          id: event.id,
          type: "failed",
          paymentId: intent.metadata?.paymentId ?? null,
          gatewayRef: null,
          reason: intent.last_payment_error?.message ?? "The payment was declined.",
        };
      }
      case "charge.refunded": {
        const charge = event.data.object;
        let paymentId = charge.metadata?.paymentId ?? null;
        const intent = idOf(charge.payment_intent);
        if (!paymentId && intent) {
          // Charges do not carry the PaymentIntent's metadata: ask Stripe whose payment this is.
          paymentId =
            (await this.#call(() => this.#stripe.paymentIntents.retrieve(intent))).metadata?.paymentId ??
            null;
        }
        return {
          id: event.id,
          type: "refunded",
          paymentId,
          gatewayRef: null,
          amountRefunded: { amount: charge.amount_refunded, currency: upper(charge.currency) },
        };
      }
      default:
        return null;
    }
  }

  #completed(id: string, session: Session): GatewayEvent {
    return {
      id,
      type: "completed",
      paymentId: session.client_reference_id ?? session.metadata?.paymentId ?? null,
      gatewayRef: session.id,
      amount: { amount: session.amount_total ?? 0, currency: upper(session.currency ?? "") },
    };
  }

  /** Stripe's failures as ProviderErrors: 5xx, 429 and network trouble may be retried. */
  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const retryable = status === undefined || status >= 500 || status === 429 || status === 409;
      this.ctx.logger.warn({ status, type: (error as { type?: string }).type }, "Stripe request failed");
      throw new ProviderError(`Stripe request failed${status ? ` (${status})` : ""}.`, {
        provider: "stripe",
        retryable,
        status,
        cause: error,
      });
    }
  }
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
