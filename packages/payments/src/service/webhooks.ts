import { type InboxEvent, problems, WebhookInbox } from "@lectern/core";
import { and, asc, eq, lt } from "drizzle-orm";
import { type GatewayEvent, WebhookSignatureError } from "../gateway.js";
import type { InstalledGateway } from "../providers.js";
import { payments, receivedEvents } from "../schema.js";
import type { PaymentsDeps } from "./context.js";
import type { ApplyOutcome, PaymentStateMachine } from "./state.js";

/** How many pending payments one reconciliation run asks about. */
const RECONCILE_BATCH = 100;

/** Everything gateways tell Lectern: webhooks, the student's return, and reconciliation's questions. */
export class GatewayInbox {
  /**
   * Verified webhook events wait here, one INSERT each, and are applied by the `payments.inbox`
   * job right after: the gateway is answered without waiting for the enrollment and its mail.
   */
  readonly webhooks: WebhookInbox<GatewayEvent>;

  constructor(
    private readonly deps: PaymentsDeps,
    private readonly state: PaymentStateMachine,
  ) {
    this.webhooks = new WebhookInbox<GatewayEvent>({
      name: "payments",
      db: deps.db,
      jobs: deps.jobs,
      clock: deps.clock,
      logger: deps.logger,
      // The state machine claims the event id too: an event also reported by a return or a
      // lookup is applied once, whichever path comes first.
      apply: async (tx, entry) => {
        await this.state.applyEvent(tx, entry.source, entry.payload);
      },
    });
  }

  /** Checks a webhook's signature and translates it; a bad one is refused with 400, nothing kept. */
  async verifyWebhook(
    gatewayId: string,
    rawBody: string,
    headers: Record<string, string>,
  ): Promise<{ source: string; events: InboxEvent<GatewayEvent>[] }> {
    const installed = this.#gateway(gatewayId);
    try {
      const { events } = await installed.gateway.parseWebhook({ rawBody, headers });
      return { source: installed.id, events: events.map((event) => ({ id: event.id, payload: event })) };
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        this.deps.logger.warn({ gateway: gatewayId, reason: error.message }, "payment webhook rejected");
        throw problems.badRequest("The webhook's signature is missing, invalid or too old.", {
          type: "bad-signature",
        });
      }
      throw error;
    }
  }

  /** Verifies a webhook and keeps its events for the inbox job; `accepted` counts the new ones. */
  async receiveWebhook(
    gatewayId: string,
    rawBody: string,
    headers: Record<string, string>,
  ): Promise<{ received: number; accepted: number }> {
    const { source, events } = await this.verifyWebhook(gatewayId, rawBody, headers);
    return this.webhooks.receive(source, events);
  }

  /**
   * The student is back from the gateway: capture where the gateway needs it. Failures here are
   * logged, not shown: the payment page keeps polling and reconciliation finishes the job.
   */
  async studentReturned(gatewayId: string, paymentId: string, query: Record<string, string>): Promise<void> {
    const installed = this.deps.gateways.get(gatewayId);
    if (!installed?.gateway.captureOnReturn || !/^[0-9a-f-]{36}$/i.test(paymentId)) return;
    const [payment] = await this.deps.db
      .select()
      .from(payments)
      .where(and(eq(payments.id, paymentId), eq(payments.gateway, gatewayId)));
    if (payment?.status !== "pending" || !payment.gatewayRef || query.cancelled) return;
    try {
      const result = await installed.gateway.captureOnReturn({
        paymentId,
        gatewayRef: payment.gatewayRef,
        query,
      });
      for (const event of result.events) await this.apply(installed.id, event);
    } catch (error) {
      this.deps.logger.warn({ err: error, gateway: gatewayId, paymentId }, "capture on return failed");
    }
  }

  /**
   * Asks the gateways about payments still pending after `reconcileAfterMinutes`, so a lost
   * webhook never leaves a student who paid without access. Offline gateways wait for an admin.
   */
  async reconcile(): Promise<{ checked: number; changed: number }> {
    const cutoff = new Date(
      this.deps.clock.now().getTime() - this.deps.options.reconcileAfterMinutes * 60_000,
    );
    const pending = await this.deps.db
      .select()
      .from(payments)
      .where(and(eq(payments.status, "pending"), lt(payments.updatedAt, cutoff)))
      .orderBy(asc(payments.updatedAt))
      .limit(RECONCILE_BATCH);
    let changed = 0;
    for (const payment of pending) {
      const installed = this.deps.gateways.get(payment.gateway);
      if (installed?.gateway.instructions) continue;
      try {
        if (!installed || !payment.gatewayRef) {
          // The checkout never reached the gateway (the server stopped in between): nothing was charged.
          const done = await this.deps.db.transaction(async (tx) => {
            const [row] = await tx.select().from(payments).where(eq(payments.id, payment.id)).for("update");
            if (row?.status !== "pending") return false;
            await this.state.fail(tx, row, "The payment was never started at the payment service.", {
              releaseKey: true,
            });
            return true;
          });
          if (done) changed++;
          continue;
        }
        const result = await installed.gateway.lookup({
          paymentId: payment.id,
          gatewayRef: payment.gatewayRef,
        });
        for (const event of result.events)
          if ((await this.apply(installed.id, event)) === "applied") changed++;
      } catch (error) {
        this.deps.logger.warn({ err: error, paymentId: payment.id }, "reconciling a payment failed");
      }
    }
    return { checked: pending.length, changed };
  }

  async apply(gatewayId: string, event: GatewayEvent): Promise<ApplyOutcome> {
    // A replay already applied is answered by one indexed read, with no transaction or lock;
    // concurrent first deliveries still meet at the claim inside the transaction.
    const [seen] = await this.deps.db
      .select({ eventId: receivedEvents.eventId })
      .from(receivedEvents)
      .where(and(eq(receivedEvents.gateway, gatewayId), eq(receivedEvents.eventId, event.id)))
      .limit(1);
    if (seen) return "duplicate";
    return this.deps.db.transaction((tx) => this.state.applyEvent(tx, gatewayId, event));
  }

  #gateway(id: string): InstalledGateway {
    const installed = this.deps.gateways.get(id);
    if (!installed) throw problems.notFound("There is no such payment gateway.");
    return installed;
  }
}
