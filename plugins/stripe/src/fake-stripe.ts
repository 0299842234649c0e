import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/*
 * A small stateful fake of the parts of Stripe's API that Lectern uses, on 127.0.0.1, for tests
 * and demos (stripe-mock keeps no state). It also serves a stand-in for Stripe's hosted checkout
 * page: "Pay" marks the Session paid, posts the signed webhook, then sends the student back.
 */

export interface FakeStripeOptions {
  webhookSecret: string;
  /** Where "Pay" on the hosted page posts `checkout.session.completed`; none: no delivery. */
  webhookUrl?: string;
  /** The fake's clock for signatures (tests move it). */
  now?: () => Date;
  port?: number;
}

interface FakeSession {
  id: string;
  object: "checkout.session";
  url: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
  customer_email: string | null;
  /** What the student buys, for the hosted page. */
  name: string;
  intentMetadata: Record<string, string>;
}

export interface SignedStripeEvent {
  rawBody: string;
  headers: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

export class FakeStripe {
  readonly sessions = new Map<string, FakeSession>();
  readonly intents = new Map<
    string,
    { id: string; metadata: Record<string, string>; amount: number; currency: string; refunded: number }
  >();
  /** Every API call, `METHOD path`, in order. */
  readonly calls: string[] = [];
  readonly #idempotent = new Map<string, { status: number; body: unknown }>();
  readonly #signer = new Stripe("sk_test_signer");
  #fault: "error" | "timeout" | null = null;
  #held: (() => Promise<void>)[] | null = null;
  #server: Server | null = null;
  #url = "";

  constructor(private readonly options: FakeStripeOptions) {}

  get url(): string {
    return this.#url;
  }

  /** The SDK's `host`/`port`/`protocol` options for this fake. */
  get api() {
    const { port } = this.#server!.address() as AddressInfo;
    return { host: "127.0.0.1", port, protocol: "http" as const };
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { type: "api_error", message: String(error) } }));
      });
    });
    // A taken port moves on to the next one, so parallel runs in one port range do not collide.
    for (let port = this.options.port ?? 0; ; port++) {
      const listening = await new Promise<boolean>((resolve) => {
        this.#server!.once("error", () => resolve(false));
        this.#server!.listen(port, "127.0.0.1", () => resolve(true));
      });
      if (listening || port === 0) break;
    }
    this.#url = `http://127.0.0.1:${this.api.port}`;
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

  /**
   * Hosted-page payments send the student back at once and keep their webhooks until
   * `releaseWebhooks()`, as Stripe may deliver late: a return page must wait for them.
   */
  holdWebhooks(): void {
    this.#held ??= [];
  }

  /** Sends the held webhooks, in order, and stops holding. */
  async releaseWebhooks(): Promise<void> {
    const held = this.#held ?? [];
    this.#held = null;
    for (const deliver of held) await deliver();
  }

  setWebhookUrl(url: string): void {
    this.options.webhookUrl = url;
  }

  /** The student pays: the Session completes; answers the signed `checkout.session.completed`. */
  pay(sessionId: string): SignedStripeEvent {
    const session = this.#session(sessionId);
    session.status = "complete";
    session.payment_status = "paid";
    this.#intentOf(session);
    return this.event("checkout.session.completed", this.#public(session));
  }

  /** The card is declined: answers the signed `payment_intent.payment_failed`. */
  decline(sessionId: string): SignedStripeEvent {
    const session = this.#session(sessionId);
    const intent = this.#intentOf(session);
    return this.event("payment_intent.payment_failed", {
      id: intent.id,
      object: "payment_intent",
      metadata: intent.metadata,
      last_payment_error: { message: "Your card was declined." },
    });
  }

  /** A signed event of any type; `at` back-dates the signature. */
  event(
    type: string,
    object: Record<string, unknown>,
    options: { at?: Date; id?: string } = {},
  ): SignedStripeEvent {
    const now = options.at ?? this.options.now?.() ?? new Date();
    const rawBody = JSON.stringify(
      {
        id: options.id ?? id("evt"),
        object: "event",
        api_version: "2026-10-28.endive",
        created: Math.floor(now.getTime() / 1000),
        type,
        data: { object },
        livemode: false,
        pending_webhooks: 1,
      },
      null,
      2,
    );
    const header = this.#signer.webhooks.generateTestHeaderString({
      payload: rawBody,
      secret: this.options.webhookSecret,
      timestamp: Math.floor(now.getTime() / 1000),
    });
    return { rawBody, headers: { "stripe-signature": header, "content-type": "application/json" } };
  }

  /** The `charge.refunded` event for a Session's payment as it stands. */
  refundedEvent(sessionId: string): SignedStripeEvent {
    const intent = this.#intentOf(this.#session(sessionId));
    return this.event("charge.refunded", {
      id: `ch_for_${intent.id}`,
      object: "charge",
      amount: intent.amount,
      amount_refunded: intent.refunded,
      currency: intent.currency,
      payment_intent: intent.id,
      metadata: {},
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const send = (status: number, payload: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
    };
    const page = /^\/pay\/(cs_test_\w+)$/.exec(url.pathname);
    if (page) return this.#hostedPage(req, res, page[1]!);

    this.calls.push(`${req.method} ${url.pathname}`);
    const fault = this.#fault;
    this.#fault = null;
    if (fault === "timeout") return; // never answers
    if (fault === "error")
      return send(500, { error: { type: "api_error", message: "Something went wrong." } });
    if (!String(req.headers.authorization ?? "").startsWith("Bearer sk_")) {
      return send(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided." } });
    }

    const key = req.headers["idempotency-key"];
    const replay = typeof key === "string" ? this.#idempotent.get(key) : undefined;
    if (replay) return send(replay.status, replay.body);
    const answer = this.#route(req.method ?? "GET", url.pathname, new URLSearchParams(body));
    if (typeof key === "string" && req.method === "POST") this.#idempotent.set(key, answer);
    return send(answer.status, answer.body);
  }

  #route(method: string, path: string, form: URLSearchParams): { status: number; body: unknown } {
    const notFound = {
      status: 404,
      body: { error: { type: "invalid_request_error", message: "No such object." } },
    };
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const sessionId = id("cs");
      const metadata = prefixed(form, "metadata");
      const session: FakeSession = {
        id: sessionId,
        object: "checkout.session",
        url: `${this.#url}/pay/${sessionId}`,
        status: "open",
        payment_status: "unpaid",
        amount_total: Number(form.get("line_items[0][price_data][unit_amount]")),
        currency: form.get("line_items[0][price_data][currency]") ?? "usd",
        client_reference_id: form.get("client_reference_id"),
        metadata,
        payment_intent: null,
        success_url: form.get("success_url") ?? "",
        cancel_url: form.get("cancel_url") ?? "",
        customer_email: form.get("customer_email"),
        name: form.get("line_items[0][price_data][product_data][name]") ?? "",
        intentMetadata: prefixed(form, "payment_intent_data[metadata]"),
      };
      if (form.get("mode") !== "payment" || !Number.isInteger(session.amount_total)) {
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", message: "Invalid session." } },
        };
      }
      this.sessions.set(sessionId, session);
      return { status: 200, body: this.#public(session) };
    }
    const session = /^\/v1\/checkout\/sessions\/([\w]+)$/.exec(path);
    if (method === "GET" && session) {
      const found = this.sessions.get(session[1]!);
      return found ? { status: 200, body: this.#public(found) } : notFound;
    }
    const intent = /^\/v1\/payment_intents\/([\w]+)$/.exec(path);
    if (method === "GET" && intent) {
      const found = this.intents.get(intent[1]!);
      return found
        ? { status: 200, body: { id: found.id, object: "payment_intent", metadata: found.metadata } }
        : notFound;
    }
    if (method === "POST" && path === "/v1/refunds") {
      const found = this.intents.get(form.get("payment_intent") ?? "");
      if (!found) return notFound;
      const amount = Number(form.get("amount") ?? found.amount - found.refunded);
      if (amount > found.amount - found.refunded) {
        return {
          status: 400,
          body: { error: { type: "invalid_request_error", code: "charge_already_refunded" } },
        };
      }
      found.refunded += amount;
      return { status: 200, body: { id: id("re"), object: "refund", amount, status: "succeeded" } };
    }
    return notFound;
  }

  async #hostedPage(req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("No such checkout.");
      return;
    }
    if (req.method === "POST") {
      const event = this.pay(sessionId);
      const { webhookUrl } = this.options;
      const deliver = () =>
        webhookUrl
          ? fetch(webhookUrl, { method: "POST", headers: event.headers, body: event.rawBody }).then(
              () => undefined,
              () => undefined,
            )
          : Promise.resolve();
      if (this.#held) this.#held.push(deliver);
      else await deliver();
      res.writeHead(303, { location: session.success_url });
      res.end();
      return;
    }
    const price = new Intl.NumberFormat("en", {
      style: "currency",
      currency: session.currency.toUpperCase(),
    }).format(session.amount_total / 100);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay · Test Stripe</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1a1a2e}
button{font-size:1rem;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#635bff;color:#fff;cursor:pointer}
.amount{font-size:2rem;font-weight:600}</style></head><body>
<p>Test mode checkout</p><h1>${escapeHtml(session.name)}</h1><p class="amount">${escapeHtml(price)}</p>
<p>Card 4242 4242 4242 4242</p>
<form method="post"><button type="submit">Pay ${escapeHtml(price)}</button></form>
<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p></body></html>`);
  }

  #intentOf(session: FakeSession) {
    if (!session.payment_intent) {
      const intentId = id("pi");
      session.payment_intent = intentId;
      this.intents.set(intentId, {
        id: intentId,
        metadata: session.intentMetadata,
        amount: session.amount_total,
        currency: session.currency,
        refunded: 0,
      });
    }
    return this.intents.get(session.payment_intent)!;
  }

  #session(sessionId: string): FakeSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`The fake Stripe has no session ${sessionId}.`);
    return session;
  }

  #public(session: FakeSession) {
    const { name: _name, intentMetadata: _intentMetadata, ...rest } = session;
    return rest;
  }
}

/** Reads `prefix[key]=value` pairs of a form body into an object. */
function prefixed(form: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) {
    if (
      key.startsWith(`${prefix}[`) &&
      key.endsWith("]") &&
      !key.slice(prefix.length + 1, -1).includes("[")
    ) {
      out[key.slice(prefix.length + 1, -1)] = value;
    }
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
