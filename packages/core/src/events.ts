import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Clock } from "./clock.js";
import type { Executor } from "./db/index.js";
import type { JobQueue, RetryPolicy } from "./jobs.js";
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

  async emit<K extends EventName>(executor: Executor, name: K, data: LecternEvents[K]): Promise<string> {
    const declared = this.#schemas.get(name);
    if (!declared) throw new Error(`Event "${name}" is not declared by any installed plugin.`);
    const payload = declared.schema ? declared.schema.parse(data) : data;
    const id = randomUUID();
    const occurredAt = this.clock.now();
    await executor.insert(events).values({ id, name, payload, occurredAt });
    const delivery: StoredDelivery = {
      eventId: id,
      name,
      data: payload,
      occurredAt: occurredAt.toISOString(),
    };
    await this.jobs.enqueueMany(
      executor,
      (this.#handlers.get(name) ?? []).map((jobName) => ({
        name: jobName,
        payload: delivery,
        dedupeKey: `${jobName}:${id}`,
      })),
    );
    return id;
  }
}
