import { and, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import { GroupCommit } from "../db/group-commit.js";
import { type Database, type Executor, rowsOf } from "../db/index.js";
import { webhookInbox } from "../inbox-schema.js";
import { JOBS_CHANNEL, type JobDefinition, type JobQueue } from "../jobs.js";
import type { Logger } from "../logger.js";

/** One event of a verified webhook, as the inbox keeps it. */
export interface InboxEvent<Payload = unknown> {
  /** The provider's id for the event: the same id twice is kept, and applied, once. */
  id: string;
  /** What the plugin needs to apply it later (JSON). */
  payload: Payload;
}

interface Delivery<Payload> {
  source: string;
  events: InboxEvent<Payload>[];
}

const keyOf = (source: string, eventId: string) => `${source}\u0000${eventId}`;

/** An event taken out of the inbox to be applied. */
export interface InboxEntry<Payload = unknown> {
  seq: number;
  source: string;
  eventId: string;
  payload: Payload;
  receivedAt: Date;
  /** 1 on the first try. */
  attempt: number;
}

export interface WebhookInboxOptions<Payload> {
  /** The owning plugin's id: names the inbox and its job (`<name>.inbox`). */
  name: string;
  db: Database;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  /**
   * Applies one event in `tx`; the inbox marks it applied in the same transaction, so an event is
   * either applied and marked, or neither. Throwing leaves it for a later try.
   */
  apply: (tx: Executor, entry: InboxEntry<Payload>) => Promise<void>;
  /** Events taken per round. Default 50. */
  batchSize?: number;
  /** Tries per event before it is set aside as failed (and logged as an error). Default 8. */
  maxAttempts?: number;
  /** How long a worker holds the events it took. Default 60 s. */
  leaseMs?: number;
}

const ROUNDS_PER_JOB = 20;
/** Deliveries stored in one statement at most. */
const STORE_BATCH = 100;
const RETRY_CAP_MS = 10 * 60_000;
const DEFAULT_LEASE_MS = 60_000;

/**
 * The inbox behind a webhook route: the route verifies the signature and stores the events in one
 * statement (which also queues their job and wakes the workers), and answers at once; the job
 * applies the stored events in arrival order, in batches, each in its own transaction.
 *
 * Every new event queues one job keyed by its `seq`. A job applies whatever is pending (its own
 * event among them, unless an earlier job got to it), and finishes only when its own event is no
 * longer pending: so no event waits for another delivery to be applied.
 */
export class WebhookInbox<Payload = unknown> {
  readonly jobName: string;
  readonly #options: WebhookInboxOptions<Payload>;
  /** A storm's deliveries share statements; a lone delivery goes out at once. */
  readonly #deliveries: GroupCommit<Delivery<Payload>, number>;

  constructor(options: WebhookInboxOptions<Payload>) {
    this.#options = options;
    this.jobName = `${options.name}.inbox`;
    this.#deliveries = new GroupCommit({
      write: (deliveries) => this.#store(deliveries),
      maxBatch: STORE_BATCH,
    });
  }

  /** The job to declare in the owning plugin's `jobs`. */
  job(): JobDefinition<{ seq: number }> {
    return {
      name: this.jobName,
      // Outlasts the event's own tries: the job ends once its event is applied or set aside.
      retry: { attempts: 20, backoffMs: 1_000 },
      run: async ({ seq }) => this.#runFor(seq),
    };
  }

  /**
   * Keeps the events of one verified delivery, with their job. `accepted` counts the events not
   * kept before (a redelivery accepts none). Deliveries arriving together are kept together, in
   * one statement (see `#store`); each is answered once its own rows are committed.
   */
  async receive(
    source: string,
    events: InboxEvent<Payload>[],
  ): Promise<{ received: number; accepted: number }> {
    if (events.length === 0) return { received: 0, accepted: 0 };
    const accepted = await this.#deliveries.submit({ source, events });
    return { received: events.length, accepted };
  }

  /**
   * Stores the events of several deliveries in one statement, which also queues their jobs and
   * wakes the workers; answers how many of each delivery's events were new. An event id twice in
   * the batch is kept once and counted for its first delivery.
   */
  async #store(deliveries: Delivery<Payload>[]): Promise<number[]> {
    const { name, db, jobs, clock } = this.#options;
    const rows = JSON.stringify(
      deliveries.flatMap(({ source, events }) =>
        events.map((event) => ({ source, id: event.id, payload: event.payload ?? null })),
      ),
    );
    const result = await db.execute(sql`with received as (
        insert into ${webhookInbox} (inbox, source, event_id, payload, status, attempts, received_at)
        select ${name}, e.source, e.id, e.payload, 'pending', 0, ${clock.now().toISOString()}::timestamptz
        from jsonb_to_recordset(${rows}::jsonb) as e(source text, id text, payload jsonb)
        on conflict do nothing
        returning seq, source, event_id
      ), queued as (
        ${jobs.insertForEach(this.jobName, sql`received`, sql`jsonb_build_object('seq', r.seq)`, sql`${`${this.jobName}:`} || r.seq`)}
      ), woken as (
        select pg_notify(${JOBS_CHANNEL}, '') from received limit 1
      )
      select source, event_id, (select count(*)::int from woken) as woken from received`);
    const kept = new Set(
      rowsOf<{ source: string; event_id: string }>(result).map((r) => keyOf(r.source, r.event_id)),
    );
    return deliveries.map(({ source, events }) => {
      let accepted = 0;
      for (const event of events) if (kept.delete(keyOf(source, event.id))) accepted++;
      return accepted;
    });
  }

  /** Applies pending events until none is left (or `maxRounds` batches); returns how many were applied. */
  async applyPending(maxRounds = ROUNDS_PER_JOB): Promise<number> {
    let applied = 0;
    const { jobs, clock } = this.#options;
    const leaseMs = this.#options.leaseMs ?? DEFAULT_LEASE_MS;
    for (let round = 0; round < maxRounds; round++) {
      const batch = await this.#take();
      if (batch.length === 0) break;
      let renewAt = clock.now().getTime() + leaseMs / 2;
      for (const [index, entry] of batch.entries()) {
        // Requests first: while the process serves some, the batch goes slowly; its hold is
        // renewed before it runs out, so no other worker takes events this one still applies.
        await jobs.giveWay();
        if (clock.now().getTime() >= renewAt) {
          await this.#hold(batch.slice(index));
          renewAt = clock.now().getTime() + leaseMs / 2;
        }
        if (await this.#applyOne(entry)) applied++;
      }
    }
    return applied;
  }

  /** How many events wait to be applied (for health checks and tests). */
  async pendingCount(): Promise<number> {
    const result = await this.#options.db.execute(
      sql`select count(*)::int as n from ${webhookInbox} where inbox = ${this.#options.name} and status = 'pending'`,
    );
    return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  }

  async #runFor(seq: number): Promise<void> {
    if (!(await this.#isPending(seq))) return;
    await this.applyPending();
    // Still pending: another worker holds it, or applying it failed. Retried with the job's backoff.
    if (await this.#isPending(seq))
      throw new Error(`Inbox event ${seq} of "${this.#options.name}" is still pending.`);
  }

  async #isPending(seq: number): Promise<boolean> {
    const [row] = await this.#options.db
      .select({ status: webhookInbox.status })
      .from(webhookInbox)
      .where(and(eq(webhookInbox.seq, seq), eq(webhookInbox.inbox, this.#options.name)));
    return row?.status === "pending";
  }

  /** Takes the oldest pending events no other worker holds, holding them for `leaseMs`. */
  async #take(): Promise<InboxEntry<Payload>[]> {
    const { name, db, clock } = this.#options;
    const now = clock.now();
    const until = new Date(now.getTime() + (this.#options.leaseMs ?? DEFAULT_LEASE_MS));
    const result =
      await db.execute(sql`update ${webhookInbox} set locked_until = ${until.toISOString()}::timestamptz,
        attempts = attempts + 1
      where seq in (
        select seq from ${webhookInbox}
        where inbox = ${name} and status = 'pending'
          and (locked_until is null or locked_until <= ${now.toISOString()}::timestamptz)
        order by seq limit ${this.#options.batchSize ?? 50}
        for update skip locked)
      returning seq, source, event_id, payload, received_at, attempts`);
    return rowsOf<{
      seq: number | string;
      source: string;
      event_id: string;
      payload: Payload;
      received_at: Date | string;
      attempts: number;
    }>(result)
      .map((row) => ({
        seq: Number(row.seq),
        source: row.source,
        eventId: row.event_id,
        payload: row.payload,
        receivedAt: new Date(row.received_at),
        attempt: row.attempts,
      }))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Extends this worker's hold on events it took and has not applied yet. */
  async #hold(entries: InboxEntry<Payload>[]): Promise<void> {
    const { db, clock } = this.#options;
    const until = new Date(clock.now().getTime() + (this.#options.leaseMs ?? DEFAULT_LEASE_MS));
    await db
      .update(webhookInbox)
      .set({ lockedUntil: until })
      .where(
        and(
          inArray(
            webhookInbox.seq,
            entries.map((entry) => entry.seq),
          ),
          eq(webhookInbox.status, "pending"),
        ),
      );
  }

  async #applyOne(entry: InboxEntry<Payload>): Promise<boolean> {
    const { db, clock, logger, apply, name } = this.#options;
    try {
      await db.transaction(async (tx) => {
        await apply(tx, entry);
        await tx
          .update(webhookInbox)
          .set({ status: "applied", appliedAt: clock.now(), lockedUntil: null, lastError: null })
          .where(eq(webhookInbox.seq, entry.seq));
      });
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const gaveUp = entry.attempt >= (this.#options.maxAttempts ?? 8);
      const retryAt = new Date(clock.now().getTime() + Math.min(1_000 * 2 ** entry.attempt, RETRY_CAP_MS));
      await db
        .update(webhookInbox)
        .set({
          status: gaveUp ? "failed" : "pending",
          lockedUntil: gaveUp ? null : retryAt,
          lastError: message,
        })
        .where(eq(webhookInbox.seq, entry.seq));
      logger[gaveUp ? "error" : "warn"](
        { inbox: name, source: entry.source, eventId: entry.eventId, attempt: entry.attempt, err: error },
        gaveUp ? "webhook event set aside after its last try" : "applying a webhook event failed; will retry",
      );
      return false;
    }
  }
}
