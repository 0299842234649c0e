import { randomUUID } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Clock } from "./clock.js";
import { type Executor, rowsOf } from "./db/index.js";
import { type JobQueue, type NewJob, type RetryPolicy, WAKE_WORKERS } from "./jobs.js";
import { events } from "./schema.js";

/**
 * The events plugins emit, by name. Each plugin adds its own by declaration merging:
 * `declare module "@lectern/core" { interface LecternEvents { "exam.graded": {...} } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface LecternEvents {}

export type EventName = keyof LecternEvents & string;

export interface DeliveredEvent<Data> {
  id: string;
  name: string;
  data: Data;
  occurredAt: Date;
  /** 1 on the first delivery; handlers must be idempotent, since delivery is at least once. */
  attempt: number;
}

/** One event to emit, by name; `emitAll` takes several. */
export type EmittedEvent = { [K in EventName]: { name: K; data: LecternEvents[K] } }[EventName];

export type EventHandler<Data> = (event: DeliveredEvent<Data>) => Promise<void>;

interface StoredDelivery {
  eventId: string;
  name: string;
  data: unknown;
  occurredAt: string;
}

/**
 * The transactional outbox. `emit` writes the event, and one delivery job per handler, inside
 * the caller's transaction: a rolled-back change emits nothing, a committed one loses nothing.
 * Each handler is retried on its own, so one failing handler never replays the others.
 */
export class EventBus {
  readonly #schemas = new Map<string, { owner: string; schema?: z.ZodType }>();
  readonly #handlers = new Map<string, string[]>();
  readonly #conditional: { job: string; when: SQL }[] = [];

  constructor(
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /** Declares an event a plugin emits; its payload is checked against the schema at emit time. */
  declare(name: string, owner: string, schema?: z.ZodType): void {
    const existing = this.#schemas.get(name);
    if (existing) {
      throw new Error(`Event "${name}" is declared by both "${existing.owner}" and "${owner}".`);
    }
    this.#schemas.set(name, { owner, schema });
  }

  isDeclared(name: string): boolean {
    return this.#schemas.has(name);
  }

  /** Subscribes a plugin's handler; `subscriber` names the delivery job, so keep it stable. */
  on<K extends EventName>(
    name: K,
    subscriber: string,
    handler: EventHandler<LecternEvents[K]>,
    retry?: RetryPolicy,
  ): void;
  on(name: string, subscriber: string, handler: EventHandler<unknown>, retry?: RetryPolicy): void;
  on(name: string, subscriber: string, handler: EventHandler<unknown>, retry?: RetryPolicy): void {
    const jobName = `event:${name}:${subscriber}`;
    this.jobs.define<StoredDelivery>({
      name: jobName,
      retry,
      run: (stored, run) =>
        handler({
          id: stored.eventId,
          name: stored.name,
          data: stored.data,
          occurredAt: new Date(stored.occurredAt),
          attempt: run.attempt,
        }),
    });
    this.#handlers.set(name, [...(this.#handlers.get(name) ?? []), jobName]);
  }

  /**
   * Queues `job` for each emitted event that `when` admits, decided in SQL in the emitting
   * statement (`when` sees the event as `e.name`, `e.payload`): outbound webhooks queue work only
   * for events some endpoint wants, so other events pay nothing. The job's payload is the event.
   */
  onWhere(job: string, when: SQL): void {
    this.#conditional.push({ job, when });
  }

  async emit<K extends EventName>(executor: Executor, name: K, data: LecternEvents[K]): Promise<string> {
    const [id] = await this.emitAll(executor, [{ name, data } as EmittedEvent]);
    return id!;
  }

  /**
   * Several events in the caller's transaction, written with their deliveries in one statement:
   * a request that emits two events pays one round trip, not four.
   */
  async emitAll(executor: Executor, list: readonly EmittedEvent[]): Promise<string[]> {
    if (list.length === 0) return [];
    const { ids, writes, wake } = this.#outbox(list, [], sql``);
    await executor.execute(sql`with ${writes} select 1 as written${wake}`);
    return ids;
  }

  /**
   * Runs `change` (an `UPDATE` or `INSERT … RETURNING`) and writes the events, their deliveries
   * and any further `jobs` only if it returned a row — in one statement, so it is atomic without
   * a transaction: a hot path (submitting an exam) pays one round trip where a locking
   * transaction pays four. Answers how many rows the change returned; 0 writes nothing.
   */
  async emitIfChanged(
    executor: Executor,
    change: SQL,
    list: readonly EmittedEvent[],
    options: { jobs?: NewJob[] } = {},
  ): Promise<number> {
    const { writes, wake } = this.#outbox(
      list,
      options.jobs ?? [],
      sql`where exists (select 1 from changed)`,
      true,
    );
    const [row] = rowsOf<{ changed: number }>(
      await executor.execute(
        sql`with changed as (${change}), ${writes} select count(*)::int as changed${wake} from changed`,
      ),
    );
    return Number(row?.changed ?? 0);
  }

  /**
   * The common table expressions that write the events and queue their deliveries (and `jobs`)
   * under `condition`, and, when anything is queued, a select-list item that wakes the workers.
   */
  #outbox(list: readonly EmittedEvent[], jobs: NewJob[], condition: SQL, afterChange = false) {
    const occurredAt = this.clock.now().toISOString();
    const rows: { id: string; name: string; payload: unknown; occurred_at: string }[] = [];
    const queued: NewJob[] = [...jobs];
    for (const { name, data } of list) {
      const declared = this.#schemas.get(name);
      if (!declared) throw new Error(`Event "${name}" is not declared by any installed plugin.`);
      const payload = declared.schema ? declared.schema.parse(data) : data;
      const id = randomUUID();
      rows.push({ id, name, payload, occurred_at: occurredAt });
      const delivery: StoredDelivery = { eventId: id, name, data: payload, occurredAt };
      for (const jobName of this.#handlers.get(name) ?? [])
        queued.push({ name: jobName, payload: delivery, dedupeKey: `${jobName}:${id}` });
    }
    const parts = [
      sql`emitted as (insert into ${events} (id, name, payload, occurred_at)
        select id, name, payload, occurred_at
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as e(id uuid, name text, payload jsonb, occurred_at timestamptz)
        ${condition})`,
    ];
    if (queued.length > 0) parts.push(sql`queued as (${this.jobs.insertStatement(queued, condition)})`);
    this.#conditional.forEach(({ job, when }, i) => {
      const onlyIf = afterChange ? sql`and exists (select 1 from changed)` : sql``;
      parts.push(
        sql`${sql.raw(`conditional_${i}`)} as (${this.jobs.insertPerEvent(job, JSON.stringify(rows), when, onlyIf)})`,
      );
    });
    const wakes = queued.length > 0 || this.#conditional.length > 0;
    return {
      ids: rows.map((row) => row.id),
      writes: sql.join(parts, sql`, `),
      wake: wakes ? sql`, (${WAKE_WORKERS}) as woke` : sql``,
    };
  }
}
