import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { Money } from "@lectern/core";
import { z } from "@lectern/core";
import { type GatewayEvent, type PaymentGateway, WebhookSignatureError } from "../gateway.js";
import { defineGateway, ProviderError } from "../providers.js";

/** A signed webhook as a gateway would post it. */
export interface SignedWebhook {
  rawBody: string;
  headers: Record<string, string>;
}

interface RemotePayment {
  ref: string;
  paymentId: string;
  total: Money;
  status: "open" | "paid" | "declined";
  refunded: number;
}

/**
 * The remote side of the in-process test gateway: what a real service would keep. Tests drive
 * it (the student pays, a card is declined, the service is down) and get the signed webhooks.
 */
export class FakeGatewayServer {
  readonly payments = new Map<string, RemotePayment>();
  readonly #byKey = new Map<string, string>();
  #fault: "error" | "timeout" | null = null;
  #eventSeq = 0;

  constructor(
    readonly secret = "whsec_test_fake",
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The next call fails: `error` like an HTTP 500, `timeout` never answers. */
  breakNext(fault: "error" | "timeout"): void {
    this.#fault = fault;
  }

  consumeFault(): "error" | "timeout" | null {
    const fault = this.#fault;
    this.#fault = null;
    return fault;
  }

  open(input: { paymentId: string; total: Money; idempotencyKey: string }): RemotePayment {
    const known = this.#byKey.get(input.idempotencyKey);
    if (known) return this.payments.get(known)!;
    const ref = `fake_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const payment: RemotePayment = {
      ref,
      paymentId: input.paymentId,
      total: input.total,
      status: "open",
      refunded: 0,
    };
    this.payments.set(ref, payment);
    this.#byKey.set(input.idempotencyKey, ref);
    return payment;
  }

  /** The student pays; `amount` lets a test make the service report another amount. */
  pay(ref: string, options: { amount?: Money } = {}): SignedWebhook {
    const payment = this.#get(ref);
    payment.status = "paid";
    return this.webhook({
      type: "payment.succeeded",
      ref,
      paymentId: payment.paymentId,
      amount: options.amount ?? payment.total,
    });
  }

  decline(ref: string): SignedWebhook {
    const payment = this.#get(ref);
    payment.status = "declined";
    return this.webhook({ type: "payment.declined", ref, paymentId: payment.paymentId });
  }

  refund(ref: string, amount: number): { refundRef: string; webhook: SignedWebhook } {
    const payment = this.#get(ref);
    payment.refunded += amount;
    const webhook = this.webhook({
      type: "payment.refunded",
      ref,
      paymentId: payment.paymentId,
      amountRefunded: { amount: payment.refunded, currency: payment.total.currency },
    });
    return { refundRef: `re_${randomUUID().slice(0, 8)}`, webhook };
  }

  /** Signs `data` as an event; `at` back-dates the signature (stale webhooks). */
  webhook(data: Record<string, unknown>, options: { at?: Date; id?: string } = {}): SignedWebhook {
    const rawBody = JSON.stringify({
      id: options.id ?? `evt_${++this.#eventSeq}_${randomUUID().slice(0, 8)}`,
      ...data,
    });
    const t = Math.floor((options.at ?? this.now()).getTime() / 1000);
    return { rawBody, headers: { "x-fake-signature": `t=${t},v1=${sign(this.secret, t, rawBody)}` } };
  }

  #get(ref: string): RemotePayment {
    const payment = this.payments.get(ref);
    if (!payment) throw new Error(`The fake gateway knows no payment ${ref}.`);
    return payment;
  }
}

function sign(secret: string, t: number, body: string): string {
  return createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
}

const TOLERANCE_SECONDS = 300;

const FakeEvent = z.object({
  id: z.string(),
  type: z.string(),
  ref: z.string(),
  paymentId: z.string(),
  amount: z.object({ amount: z.number(), currency: z.string() }).optional(),
  amountRefunded: z.object({ amount: z.number(), currency: z.string() }).optional(),
});

/**
 * An in-process gateway over a `FakeGatewayServer`: HMAC-signed webhooks with a timestamp, the
 * way most gateways sign. For tests of code that needs *a* gateway, and as a worked example.
 */
export const fakeGateway = defineGateway({
  id: "fake",
  name: "Test card",
  options: z.object({ server: z.custom<FakeGatewayServer>((v) => v instanceof FakeGatewayServer) }),
  create: (ctx, { server }): PaymentGateway => {
    const guard = async () => {
      const fault = server.consumeFault();
      if (fault === "timeout") await new Promise(() => {});
      if (fault === "error")
        throw new ProviderError("The fake gateway answered 500.", {
          provider: "fake",
          retryable: true,
          status: 500,
        });
    };
    const eventOf = (raw: z.output<typeof FakeEvent>): GatewayEvent | null => {
      const base = { id: raw.id, paymentId: raw.paymentId, gatewayRef: raw.ref };
      if (raw.type === "payment.succeeded" && raw.amount)
        return { ...base, type: "completed", amount: raw.amount };
      if (raw.type === "payment.declined")
        return { ...base, type: "failed", reason: "The card was declined." };
      if (raw.type === "payment.refunded" && raw.amountRefunded) {
        return { ...base, type: "refunded", amountRefunded: raw.amountRefunded };
      }
      return null;
    };
    return {
      async createCheckout(input) {
        await guard();
        const payment = server.open(input);
        return { redirectUrl: `https://pay.fake.test/checkout/${payment.ref}`, gatewayRef: payment.ref };
      },
      async parseWebhook({ rawBody, headers }) {
        const header = headers["x-fake-signature"] ?? "";
        const t = Number(/t=(\d+)/.exec(header)?.[1]);
        const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
        if (!t || !v1) throw new WebhookSignatureError("No signature.");
        const expected = Buffer.from(sign(server.secret, t, rawBody), "hex");
        if (!timingSafeEqual(expected, Buffer.from(v1, "hex")))
          throw new WebhookSignatureError("Wrong signature.");
        if (Math.abs(ctx.clock.now().getTime() / 1000 - t) > TOLERANCE_SECONDS) {
          throw new WebhookSignatureError("The signature is too old.");
        }
        const parsed = FakeEvent.safeParse(JSON.parse(rawBody));
        const event = parsed.success ? eventOf(parsed.data) : null;
        return { events: event ? [event] : [] };
      },
      async refund(input) {
        await guard();
        return { refundRef: server.refund(input.gatewayRef, input.amount.amount).refundRef };
      },
      async lookup({ gatewayRef }) {
        await guard();
        const payment = server.payments.get(gatewayRef);
        if (!payment || payment.status === "open") return { status: "pending", events: [] };
        const base = { paymentId: payment.paymentId, gatewayRef };
        if (payment.status === "declined") {
          return {
            status: "failed",
            events: [
              {
                ...base,
                id: `lookup:${gatewayRef}:failed`,
                type: "failed",
                reason: "The card was declined.",
              },
            ],
          };
        }
        return {
          status: "completed",
          events: [
            { ...base, id: `lookup:${gatewayRef}:completed`, type: "completed", amount: payment.total },
          ],
        };
      },
    };
  },
});
