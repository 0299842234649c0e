import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import { DAY } from "../clock.js";
import type { Database } from "../db/index.js";
import type { EventBus } from "../events.js";
import { problems } from "../http/problem.js";
import type { JobQueue, RetryPolicy } from "../jobs.js";
import type { Logger } from "../logger.js";
import { afterTimeAndId, decodeCursor, type Page, toPage } from "../pagination.js";
import { webhookDeliveries, webhookEndpoints } from "../realtime-schema.js";
import type { User } from "../types.js";
import { assertPublicUrl, BlockedAddressError } from "./address.js";
import { post } from "./deliver.js";
import { newSecret, signedHeaders } from "./signing.js";

export interface WebhookOptions {
  /** Addresses webhooks may reach although private or loopback, e.g. `["127.0.0.1"]` in tests. */
  allowedAddresses?: string[];
  /** A receiver that does not answer within this counts as failed. Default 10 s. */
  timeoutMs?: number;
  /** An endpoint failing without a success for this long is disabled and its admin told. Default 3 days. */
  disableAfterMs?: number;
  /** Tries per delivery and the first backoff (doubling). Default 10 tries from 30 s. */
  retry?: RetryPolicy;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  createdAt: Date;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  responseStatus: number | null;
  durationMs: number | null;
  error: string | null;
  at: Date;
}

export const FANOUT_JOB = "core.webhooks.fanout";
export const DELIVER_JOB = "core.webhooks.deliver";
const ROTATION_OVERLAP_MS = DAY;

const toEndpoint = (row: typeof webhookEndpoints.$inferSelect): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  failingSince: row.failingSince,
  createdAt: row.createdAt,
});

/** Outbound webhooks: endpoints admins register, and signed, retried, logged deliveries to them. */
export class Webhooks {
  readonly #allowed: ReadonlySet<string>;
  readonly #timeoutMs: number;
  readonly #disableAfterMs: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    options: WebhookOptions = {},
  ) {
    this.#allowed = new Set(options.allowedAddresses ?? []);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#disableAfterMs = options.disableAfterMs ?? 3 * DAY;
    jobs.define<{ eventId: string; name: string; data: unknown; occurredAt: string }>({
      name: FANOUT_JOB,
      run: (event) => this.#fanOut(event),
    });
    jobs.define<{ deliveryId: string }>({
      name: DELIVER_JOB,
      retry: { attempts: options.retry?.attempts ?? 10, backoffMs: options.retry?.backoffMs ?? 30_000 },
      run: (payload, run) => this.#deliver(payload.deliveryId, run.attempt, run.maxAttempts),
    });
    // Only events some enabled endpoint wants queue anything.
    events.onWhere(
      FANOUT_JOB,
      sql`exists (select 1 from ${webhookEndpoints} w where w.enabled and e.name = any(w.events))`,
    );
  }

  async #checkInput(input: { url?: string; events?: string[] }) {
    const errors: { path: string; message: string }[] = [];
    if (input.url !== undefined) {
      let url: URL | null = null;
      try {
        url = new URL(input.url);
      } catch {}
      if (!url || !["http:", "https:"].includes(url.protocol) || url.username || url.password) {
        errors.push({ path: "url", message: "Give an http or https address without credentials." });
      } else {
        try {
          await assertPublicUrl(url, this.#allowed);
        } catch (error) {
          errors.push({
            path: "url",
            message:
              error instanceof BlockedAddressError
                ? "This address is private or loopback; webhooks may only reach public addresses."
                : "This host name does not resolve.",
          });
        }
      }
    }
    for (const [i, name] of (input.events ?? []).entries()) {
      if (!this.events.isDeclared(name))
        errors.push({ path: `events.${i}`, message: `No installed plugin emits "${name}".` });
    }
    if (errors.length > 0) throw problems.validation(errors);
  }

  async create(admin: User, input: { url: string; events: string[]; description?: string }) {
    await this.#checkInput(input);
    const now = this.clock.now();
    const secret = newSecret();
    const [row] = await this.db
      .insert(webhookEndpoints)
      .values({
        id: randomUUID(),
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description ?? null,
        secret,
        enabled: true,
        createdBy: admin.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return { ...toEndpoint(row!), secret };
  }

  async list(): Promise<WebhookEndpoint[]> {
    const rows = await this.db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
    return rows.map(toEndpoint);
  }

  async #row(id: string) {
    const [row] = await this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    if (!row) throw problems.notFound("There is no such webhook endpoint.");
    return row;
  }

  async update(
    id: string,
    patch: { url?: string; events?: string[]; description?: string | null; enabled?: boolean },
  ): Promise<WebhookEndpoint> {
    await this.#row(id);
    await this.#checkInput(patch);
    const [row] = await this.db
      .update(webhookEndpoints)
      .set({
        ...(patch.url !== undefined && { url: patch.url }),
        ...(patch.events !== undefined && { events: [...new Set(patch.events)] }),
        ...(patch.description !== undefined && { description: patch.description }),
        // Enabling again starts a fresh failing period.
        ...(patch.enabled !== undefined && {
          enabled: patch.enabled,
          disabledReason: patch.enabled ? null : "Disabled by an administrator.",
          failingSince: null,
        }),
        updatedAt: this.clock.now(),
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    return toEndpoint(row!);
  }

  async remove(id: string): Promise<void> {
    await this.#row(id);
    await this.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  }

  /** A new secret; the old one keeps signing (alongside) for 24 hours, so receivers can switch. */
  async rotateSecret(id: string): Promise<{ secret: string }> {
    const row = await this.#row(id);
    const secret = newSecret();
    const now = this.clock.now();
    await this.db
      .update(webhookEndpoints)
      .set({
        secret,
        previousSecret: row.secret,
        previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
        updatedAt: now,
      })
      .where(eq(webhookEndpoints.id, id));
    return { secret };
  }

  async deliveries(id: string, query: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>> {
    await this.#row(id);
    const after = decodeCursor(query.cursor);
    const rows = await this.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.endpointId, id),
          afterTimeAndId(after, webhookDeliveries.createdAt, webhookDeliveries.id, "desc"),
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.createdAt.toISOString(), r.id],
      (r) => ({
        id: r.id,
        event: r.event,
        status: r.status,
        attempts: r.attempts,
        responseStatus: r.responseStatus,
        durationMs: r.durationMs,
        error: r.lastError,
        at: r.at,
      }),
    );
  }

  /** One delivery (and its job) per endpoint that wants the event. */
  async #fanOut(event: { eventId: string; name: string; data: unknown; occurredAt: string }) {
    const endpoints = await this.db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.enabled, true), sql`${event.name} = any(${webhookEndpoints.events})`));
    if (endpoints.length === 0) return;
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const created = await tx
        .insert(webhookDeliveries)
        .values(
          endpoints.map((endpoint) => ({
            id: randomUUID(),
            endpointId: endpoint.id,
            eventId: event.eventId,
            event: event.name,
            status: "pending" as const,
            attempts: 0,
            createdAt: now,
            at: now,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      await this.jobs.enqueueMany(
        tx,
        created.map((d) => ({
          name: DELIVER_JOB,
          payload: { deliveryId: d.id },
          dedupeKey: `webhook:${d.id}`,
        })),
      );
    });
  }

  async #deliver(deliveryId: string, attempt: number, maxAttempts: number): Promise<void> {
    const [found] = await this.db
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, deliveryId));
    if (!found || found.delivery.status === "succeeded") return;
    const { delivery, endpoint } = found;
    if (!endpoint.enabled) {
      await this.#record(deliveryId, "failed", attempt, null, null, "The endpoint is disabled.");
      return;
    }
    const [event] = await this.db
      .execute<{ payload: unknown; occurred_at: string }>(
        sql`select payload, occurred_at from lectern_events where id = ${delivery.eventId}`,
      )
      .then((r) => (Array.isArray(r) ? r : ((r as { rows: unknown[] }).rows as never[])));
    const now = this.clock.now();
    const body = JSON.stringify({
      type: delivery.event,
      timestamp: new Date((event as { occurred_at: string } | undefined)?.occurred_at ?? now).toISOString(),
      data: (event as { payload: unknown } | undefined)?.payload ?? null,
    });
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now)
      secrets.push(endpoint.previousSecret);
    // The delivery's id is the message id: the same on every retry, so receivers can deduplicate.
    const headers = signedHeaders(secrets, delivery.id, Math.floor(now.getTime() / 1000), body);
    const result = await post(new URL(endpoint.url), body, headers, {
      timeoutMs: this.#timeoutMs,
      allowed: this.#allowed,
    });
    if (result.ok) {
      await this.#record(deliveryId, "succeeded", attempt, result.status, result.durationMs, null);
      await this.db
        .update(webhookEndpoints)
        .set({ failingSince: null })
        .where(eq(webhookEndpoints.id, endpoint.id));
      return;
    }
    const last = attempt >= maxAttempts;
    await this.#record(
      deliveryId,
      last ? "failed" : "pending",
      attempt,
      result.status,
      result.durationMs,
      result.error ?? null,
    );
    await this.#noteFailure(endpoint.id, now);
    // Thrown so the job system retries with its backoff.
    throw new Error(`Webhook delivery to endpoint ${endpoint.id} failed: ${result.error}`);
  }

  async #record(
    id: string,
    status: "pending" | "succeeded" | "failed",
    attempts: number,
    responseStatus: number | null,
    durationMs: number | null,
    error: string | null,
  ) {
    await this.db
      .update(webhookDeliveries)
      .set({ status, attempts, responseStatus, durationMs, lastError: error, at: this.clock.now() })
      .where(eq(webhookDeliveries.id, id));
  }

  /** Starts the failing period, or, once it passed the limit, disables the endpoint and tells its admin. */
  async #noteFailure(endpointId: string, now: Date) {
    const limit = new Date(now.getTime() - this.#disableAfterMs).toISOString();
    await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(webhookEndpoints)
        .set({
          failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)`,
        })
        .where(eq(webhookEndpoints.id, endpointId))
        .returning();
      if (!row?.enabled || !row.failingSince || row.failingSince.toISOString() > limit) return;
      await tx
        .update(webhookEndpoints)
        .set({
          enabled: false,
          disabledReason: `Every delivery failed since ${row.failingSince.toISOString()}.`,
          updatedAt: now,
        })
        .where(eq(webhookEndpoints.id, endpointId));
      this.logger.warn({ endpointId }, "webhook endpoint disabled after failing");
      await this.events.emit(tx, "webhook.disabled", {
        endpointId,
        url: row.url,
        adminId: row.createdBy,
        failingSince: row.failingSince.toISOString(),
      });
    });
  }
}
