import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fromPayPalValue, toPayPalValue } from "../money.js";
import type { PayPalAmount, PayPalCapture, PayPalOrder, PayPalRefund } from "../resources.js";
import { approvalPage } from "./page.js";
import { PayPalWebhookSigner, type SignedPayPalEvent } from "./signer.js";

/*
 * A small stateful fake of PayPal's Orders v2, Payments v2 and OAuth endpoints on 127.0.0.1, for
 * tests and demos. It serves a stand-in approval page, keeps its own key pair and self-signed
 * certificate, and signs webhooks as PayPal does (posting them when it has a `webhookUrl`).
 */

export interface FakePayPalOptions {
  clientId: string;
  clientSecret: string;
  /** The webhook id PayPal would have given the endpoint (it is part of each signature). */
  webhookId: string;
  /** Where events are posted; none: they are only returned and kept in `webhooks`. */
  webhookUrl?: string;
  /** The fake's clock for signatures and tokens (tests move it). */
  now?: () => Date;
  port?: number;
  /** Token lifetime in seconds (PayPal's are about nine hours). */
  tokenSeconds?: number;
}

interface FakeOrder {
  id: string;
  status: "PAYER_ACTION_REQUIRED" | "APPROVED" | "COMPLETED" | "VOIDED";
  unit: {
    reference_id?: string;
    custom_id?: string;
    invoice_id?: string;
    description?: string;
    amount: PayPalAmount;
  };
  returnUrl: string;
  cancelUrl: string;
  capture: (PayPalCapture & { refunds: PayPalRefund[] }) | null;
}

type Answer = { status: number; body: unknown };

const paypalId = () => randomBytes(9).toString("hex").toUpperCase().slice(0, 17);
const problem = (status: number, name: string, issue?: string): Answer => ({
  status,
  body: { name, message: name, debug_id: paypalId(), ...(issue ? { details: [{ issue }] } : {}) },
});

export class FakePayPal {
  readonly orders = new Map<string, FakeOrder>();
  /** Every API call, `METHOD path`, in order (token requests included). */
  readonly calls: string[] = [];
  /** Every event the fake signed, oldest first. */
  readonly webhooks: SignedPayPalEvent[] = [];
  readonly signer: PayPalWebhookSigner;
  readonly #tokens = new Map<string, number>();
  readonly #replays = new Map<string, Answer>();
  #fault: "error" | "timeout" | null = null;
  #declineNext = false;
  #server: Server | null = null;
  #url = "";

  constructor(private readonly options: FakePayPalOptions) {
    this.signer = new PayPalWebhookSigner(options.webhookId, this.#now());
  }

  get url(): string {
    return this.#url;
  }

  /** Where the fake serves its certificate, as `PAYPAL-CERT-URL` names it. */
  get certUrl(): string {
    return `${this.#url}/v1/notifications/certs/CERT-360caa42-fca2a594-fake`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error) =>
        send(res, 500, { name: "INTERNAL_SERVER_ERROR", message: String(error) }),
      );
    });
    // A taken port moves on to the next one, so parallel runs in one port range do not collide.
    for (let port = this.options.port ?? 0; ; port++) {
      const listening = await new Promise<boolean>((resolve) => {
        this.#server!.once("error", () => resolve(false));
        this.#server!.listen(port, "127.0.0.1", () => resolve(true));
      });
      if (listening || port === 0) break;
    }
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** The next API call fails: `error` answers 500, `timeout` never answers. */
  breakNext(fault: "error" | "timeout"): void {
    this.#fault = fault;
  }

  /** The next capture is declined (`PAYMENT.CAPTURE.DENIED`). */
  declineNextCapture(): void {
    this.#declineNext = true;
  }

  setWebhookUrl(url: string): void {
    this.options.webhookUrl = url;
  }

  /** The buyer approves the order on PayPal's page; answers the signed `CHECKOUT.ORDER.APPROVED`. */
  approve(orderId: string): SignedPayPalEvent {
    const order = this.#order(orderId);
    if (order.status === "PAYER_ACTION_REQUIRED") order.status = "APPROVED";
    return this.event("CHECKOUT.ORDER.APPROVED", "checkout-order", this.#orderResource(order));
  }

  /** A signed event; `at` back-dates the transmission, `certUrl` points the signature elsewhere. */
  event(
    eventType: string,
    resourceType: string,
    resource: object,
    options: { at?: Date; id?: string; certUrl?: string } = {},
  ): SignedPayPalEvent {
    const at = options.at ?? this.#now();
    const signed = this.signer.sign(
      {
        id: options.id ?? `WH-${paypalId()}`,
        event_version: "1.0",
        create_time: at.toISOString(),
        resource_type: resourceType,
        resource_version: "2.0",
        event_type: eventType,
        summary: eventType,
        resource,
      },
      { at, certUrl: options.certUrl ?? this.certUrl },
    );
    this.webhooks.push(signed);
    return signed;
  }

  /** The event PayPal sends about an order's capture as it stands (completed or denied). */
  captureEvent(orderId: string, options: { at?: Date } = {}): SignedPayPalEvent {
    const order = this.#order(orderId);
    if (!order.capture) throw new Error(`The fake PayPal has not captured ${orderId}.`);
    const type = order.capture.status === "DECLINED" ? "PAYMENT.CAPTURE.DENIED" : "PAYMENT.CAPTURE.COMPLETED";
    return this.event(type, "capture", this.#captureResource(order), options);
  }

  /** `PAYMENT.CAPTURE.REFUNDED` for an order's latest refund, carrying the running total. */
  refundEvent(orderId: string): SignedPayPalEvent {
    const order = this.#order(orderId);
    const refund = order.capture?.refunds.at(-1);
    if (!refund) throw new Error(`The fake PayPal has no refund for ${orderId}.`);
    return this.event("PAYMENT.CAPTURE.REFUNDED", "refund", refund);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    if (url.pathname === "/checkoutnow")
      return this.#approvalPage(req, res, url.searchParams.get("token") ?? "");
    if (url.pathname.startsWith("/v1/notifications/certs/")) {
      this.calls.push(`GET ${url.pathname}`);
      res.writeHead(200, { "content-type": "application/x-pem-file" });
      res.end(this.signer.certificate.pem);
      return;
    }
    this.calls.push(`${req.method} ${url.pathname}`);
    const fault = this.#fault;
    this.#fault = null;
    if (fault === "timeout") return; // never answers
    if (fault === "error")
      return send(res, 500, { name: "INTERNAL_SERVER_ERROR", message: "An internal server error occurred." });

    if (req.method === "POST" && url.pathname === "/v1/oauth2/token") return this.#token(req, res, raw);
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const expires = bearer ? this.#tokens.get(bearer) : undefined;
    if (!expires || expires < this.#now().getTime()) {
      return send(res, 401, {
        error: "invalid_token",
        error_description: "Token signature verification failed",
      });
    }
    const requestId = req.headers["paypal-request-id"];
    const replayKey = typeof requestId === "string" ? `${url.pathname} ${requestId}` : null;
    const replay = replayKey ? this.#replays.get(replayKey) : undefined;
    if (replay) return send(res, replay.status, replay.body);
    const answer = this.#route(req.method ?? "GET", url.pathname, raw ? JSON.parse(raw) : {});
    if (replayKey && req.method === "POST" && answer.status < 500) this.#replays.set(replayKey, answer);
    return send(res, answer.status, answer.body);
  }

  #token(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const expected = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString("base64");
    if (
      req.headers.authorization !== `Basic ${expected}` ||
      new URLSearchParams(raw).get("grant_type") !== "client_credentials"
    ) {
      send(res, 401, { error: "invalid_client", error_description: "Client Authentication failed" });
      return;
    }
    const token = `A21AA${randomBytes(24).toString("hex")}`;
    const seconds = this.options.tokenSeconds ?? 32_400;
    this.#tokens.set(token, this.#now().getTime() + seconds * 1000);
    send(res, 200, {
      scope: "https://uri.paypal.com/services/payments/payment",
      access_token: token,
      token_type: "Bearer",
      app_id: "APP-FAKE",
      expires_in: seconds,
      nonce: paypalId(),
    });
  }

  #route(method: string, path: string, body: Record<string, unknown>): Answer {
    if (method === "POST" && path === "/v2/checkout/orders") return this.#createOrder(body);
    const order = /^\/v2\/checkout\/orders\/([A-Z0-9]+)(\/capture)?$/.exec(path);
    if (order) {
      const found = this.orders.get(order[1]!);
      if (!found) return problem(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
      if (method === "GET" && !order[2]) return { status: 200, body: this.#orderResource(found) };
      if (method === "POST" && order[2]) return this.#capture(found);
    }
    const capture = /^\/v2\/payments\/captures\/([A-Z0-9]+)(\/refund)?$/.exec(path);
    if (capture) {
      const found = [...this.orders.values()].find((o) => o.capture?.id === capture[1]);
      if (!found) return problem(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
      if (method === "GET" && !capture[2]) return { status: 200, body: this.#captureResource(found) };
      if (method === "POST" && capture[2]) return this.#refund(found, body);
    }
    return problem(404, "RESOURCE_NOT_FOUND");
  }

  #createOrder(body: Record<string, unknown>): Answer {
    const unit = (body.purchase_units as FakeOrder["unit"][] | undefined)?.[0];
    const context = (body.payment_source as { paypal?: { experience_context?: Record<string, string> } })
      ?.paypal?.experience_context;
    if (body.intent !== "CAPTURE" || !unit?.amount?.value || !context?.return_url) {
      return problem(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER");
    }
    if (!/^\d+(\.\d{1,2})?$/.test(unit.amount.value))
      return problem(422, "UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION");
    const order: FakeOrder = {
      id: paypalId(),
      status: "PAYER_ACTION_REQUIRED",
      unit,
      returnUrl: context.return_url,
      cancelUrl: context.cancel_url ?? context.return_url,
      capture: null,
    };
    this.orders.set(order.id, order);
    return { status: 200, body: this.#orderResource(order) };
  }

  #capture(order: FakeOrder): Answer {
    if (order.capture) return problem(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED");
    if (order.status !== "APPROVED") return problem(422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED");
    const declined = this.#declineNext;
    this.#declineNext = false;
    order.status = "COMPLETED";
    order.capture = {
      id: paypalId(),
      status: declined ? "DECLINED" : "COMPLETED",
      amount: order.unit.amount,
      custom_id: order.unit.custom_id,
      invoice_id: order.unit.invoice_id,
      refunds: [],
    };
    this.#deliver(this.captureEvent(order.id));
    return { status: 201, body: this.#orderResource(order) };
  }

  #refund(order: FakeOrder, body: Record<string, unknown>): Answer {
    const capture = order.capture!;
    const taken = fromPayPalValue(capture.amount);
    const before = capture.refunds.reduce((sum, r) => sum + fromPayPalValue(r.amount).amount, 0);
    const asked = body.amount
      ? fromPayPalValue(body.amount as PayPalAmount)
      : { ...taken, amount: taken.amount - before };
    if (capture.status === "DECLINED" || asked.currency !== taken.currency || asked.amount <= 0) {
      return problem(422, "UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED");
    }
    if (before + asked.amount > taken.amount)
      return problem(422, "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED");
    const total = before + asked.amount;
    const refund: PayPalRefund = {
      id: paypalId(),
      status: "COMPLETED",
      amount: toPayPalValue(asked),
      ...(typeof body.custom_id === "string" ? { custom_id: body.custom_id } : {}),
      invoice_id: order.unit.invoice_id,
      seller_payable_breakdown: { total_refunded_amount: toPayPalValue({ ...taken, amount: total }) },
      links: [{ rel: "up", method: "GET", href: `${this.#url}/v2/payments/captures/${capture.id}` }],
    };
    capture.refunds.push(refund);
    capture.status = total === taken.amount ? "REFUNDED" : "PARTIALLY_REFUNDED";
    this.#deliver(this.refundEvent(order.id));
    return { status: 201, body: refund };
  }

  async #approvalPage(req: IncomingMessage, res: ServerResponse, orderId: string): Promise<void> {
    const order = this.orders.get(orderId);
    if (!order) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("No such order.");
      return;
    }
    if (req.method === "POST") {
      await this.#deliver(this.approve(orderId));
      const back = new URL(order.returnUrl);
      back.searchParams.set("token", order.id);
      back.searchParams.set("PayerID", "FAKEPAYER123");
      res.writeHead(303, { location: back.toString() });
      res.end();
      return;
    }
    const cancel = new URL(order.cancelUrl);
    cancel.searchParams.set("token", order.id);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      approvalPage({
        description: order.unit.description ?? "",
        amount: fromPayPalValue(order.unit.amount),
        cancelUrl: cancel.toString(),
      }),
    );
  }

  /** Posts an event to `webhookUrl` (if any); delivery trouble is the receiver's, as with PayPal. */
  async #deliver(event: SignedPayPalEvent): Promise<void> {
    if (!this.options.webhookUrl) return;
    await fetch(this.options.webhookUrl, {
      method: "POST",
      headers: event.headers,
      body: event.rawBody,
    }).catch(() => {});
  }

  #orderResource(order: FakeOrder): PayPalOrder {
    const refunds = order.capture?.refunds ?? [];
    return {
      id: order.id,
      status: order.status,
      purchase_units: [
        {
          ...order.unit,
          ...(order.capture
            ? {
                payments: {
                  captures: [this.#captureResource(order)],
                  ...(refunds.length ? { refunds } : {}),
                },
              }
            : {}),
        },
      ],
      links: [
        { rel: "self", method: "GET", href: `${this.#url}/v2/checkout/orders/${order.id}` },
        ...(order.status === "PAYER_ACTION_REQUIRED"
          ? [{ rel: "payer-action", method: "GET", href: `${this.#url}/checkoutnow?token=${order.id}` }]
          : []),
      ],
    };
  }

  #captureResource(order: FakeOrder): PayPalCapture {
    const { refunds: _refunds, ...capture } = order.capture!;
    return { ...capture, supplementary_data: { related_ids: { order_id: order.id } } };
  }

  #order(orderId: string): FakeOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`The fake PayPal has no order ${orderId}.`);
    return order;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
