import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import { and, asc, eq, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Clock } from "./clock.js";
import type { Database, Executor } from "./db/index.js";
import type { RequestLoad } from "./http/request-load.js";
import type { Logger } from "./logger.js";
import { ProviderError } from "./providers.js";
import { jobs } from "./schema.js";

/**
 * Every job's payload, by job name, added by declaration merging:
 * `declare module "@lectern/core" { interface LecternJobs { "payments.reconcile": { paymentId: string } } }`.
 * `jobs.enqueue` then checks the payload of a declared name; undeclared names take any payload.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface LecternJobs {}

/** The payload of a job by name: declared in `LecternJobs`, or anything. */
export type JobPayload<K extends string> = K extends keyof LecternJobs ? LecternJobs[K] : unknown;

export const JOBS_CHANNEL = "lectern_jobs";

/** Ends a statement that queued jobs: the notification is delivered at commit, so idle workers wake as soon as the jobs are visible. */
export const WAKE_WORKERS = sql.raw(`select pg_notify('${JOBS_CHANNEL}', '')`);

export interface JobRun {
  id: string;
  name: string;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

export interface RetryPolicy {
  /** Tries in all, the first included. Default 8. */
  attempts?: number;
  /** Delay before the second try; doubles each time, capped at one hour. Default 2 s. */
  backoffMs?: number;
}

/** A typed job definition: `defineJob({ name: "payments.reconcile", run: async (payload) => … })`. */
export function defineJob<K extends string>(
  definition: JobDefinition<JobPayload<K>> & { name: K },
): JobDefinition<never> {
  return definition as JobDefinition<never>;
}

export interface JobDefinition<Payload = unknown> {
  /** Namespaced by the plugin that owns it, e.g. `certificates.render`. */
  name: string;
  run: (payload: Payload, job: JobRun) => Promise<void>;
  retry?: RetryPolicy;
  /** A cron pattern (5 or 6 fields), read in the institution's time zone. */
  schedule?: string;
}

export interface EnqueueOptions {
  runAt?: Date;
  delayMs?: number;
  /** A job with the same key is enqueued once; later calls change nothing. */
  dedupeKey?: string;
}

/** A job to queue: its name, payload and options. */
export type NewJob = { name: string; payload: unknown } & EnqueueOptions;

export interface FailedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  finishedAt: Date | null;
}

const DEFAULT_ATTEMPTS = 8;
const DEFAULT_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/**
 * A running job's lock lasts this long past its last heartbeat; a worker that died stops beating,
 * so its job is handed to another worker within this time.
 */
const LOCK_TIMEOUT_MS = 20_000;
/** How often a running job renews its lock. */
const HEARTBEAT_MS = 5_000;

/**
 * Durable jobs in PostgreSQL. Claiming uses `FOR UPDATE SKIP LOCKED`, so any number of
 * instances can work the same table; NOTIFY wakes idle workers, polling covers the rest.
 */
export class JobQueue {
  readonly #definitions = new Map<string, JobDefinition<never>>();
  readonly #scheduled = new Map<string, string>();
  #running = false;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #inFlight = new Set<Promise<unknown>>();
  /** Resolves when `stop()` is called: giving way ends at once, a stopping worker claims nothing. */
  #stopping: Promise<void> | null = null;
  #stop: () => void = () => {};

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: {
      timeZone: string;
      concurrency?: number;
      pollMs?: number;
      /** Lock length and heartbeat period of running jobs. Defaults 20 s and 5 s. */
      lockMs?: number;
      heartbeatMs?: number;
      /**
       * Requests this process serves. While one is in flight, the worker claims jobs at most once
       * per `giveWayMs` (or as soon as the last request ends): jobs wait, requests do not.
       */
      load?: Pick<RequestLoad, "inFlight" | "idleWithin">;
      giveWayMs?: number;
    } = {
      timeZone: "UTC",
    },
  ) {}

  define<Payload>(definition: JobDefinition<Payload>): void {
    if (this.#definitions.has(definition.name)) throw new Error(`Job "${definition.name}" is defined twice.`);
    if (definition.schedule) new Cron(definition.schedule, { timezone: this.options.timeZone, paused: true });
    this.#definitions.set(definition.name, definition as JobDefinition<never>);
  }

  has(name: string): boolean {
    return this.#definitions.has(name);
  }

  /** Adds a job in the caller's transaction: it exists exactly when that transaction commits. */
  async enqueue<K extends string>(
    executor: Executor,
    name: K,
    payload: JobPayload<K>,
    options: EnqueueOptions = {},
  ): Promise<void> {
    await this.enqueueMany(executor, [{ name, payload, ...options }]);
  }

  /** Several jobs in one statement (and one wake-up), e.g. an event's deliveries. */
  async enqueueMany(executor: Executor, entries: NewJob[]): Promise<void> {
    if (entries.length === 0) return;
    await executor.execute(sql`with queued as (${this.insertStatement(entries)}) ${WAKE_WORKERS}`);
  }

  /**
   * The `INSERT` that queues these jobs, for a caller that folds it into a larger statement (the
   * event bus writes an event and its deliveries in one round trip); `condition` (a `WHERE …`)
   * can make it depend on an earlier part of that statement. End the statement with
   * `WAKE_WORKERS`, or workers only see the jobs at their next poll.
   */
  insertStatement(entries: NewJob[], condition: SQL = sql``): SQL {
    const now = this.clock.now();
    const rows = entries.map(({ name, payload, runAt, delayMs, dedupeKey }) => {
      const definition = this.#definitions.get(name);
      if (!definition) throw new Error(`No job named "${name}" is defined.`);
      return {
        id: randomUUID(),
        name,
        payload: payload ?? {},
        dedupe_key: dedupeKey ?? null,
        max_attempts: definition.retry?.attempts ?? DEFAULT_ATTEMPTS,
        run_at: runAt ?? new Date(now.getTime() + (delayMs ?? 0)),
        created_at: now,
      };
    });
    // One parameter for every row: the statement's text is the same whatever the number of jobs.
    return sql`insert into ${jobs} (id, name, payload, status, dedupe_key, max_attempts, run_at, created_at)
      select id, name, payload, 'queued', dedupe_key, max_attempts, run_at, created_at
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as j(
        id uuid, name text, payload jsonb, dedupe_key text, max_attempts integer, run_at timestamptz, created_at timestamptz)
      ${condition}
      on conflict do nothing`;
  }

  /**
   * The `INSERT` that queues `name` once per event of the JSON `events` (as the outbox writes
   * them) that `when` admits; the payload is the event, as event handlers receive it.
   */
  insertPerEvent(name: string, events: string, when: SQL, extra: SQL = sql``): SQL {
    const definition = this.#definitions.get(name);
    if (!definition) throw new Error(`No job named "${name}" is defined.`);
    const now = this.clock.now().toISOString();
    return sql`insert into ${jobs} (id, name, payload, status, dedupe_key, max_attempts, run_at, created_at)
      select gen_random_uuid(), ${name},
        jsonb_build_object('eventId', e.id, 'name', e.name, 'data', e.payload, 'occurredAt', e.occurred_at),
        'queued', ${`${name}:`} || e.id, ${definition.retry?.attempts ?? DEFAULT_ATTEMPTS},
        ${now}::timestamptz, ${now}::timestamptz
      from jsonb_to_recordset(${events}::jsonb) as e(id uuid, name text, payload jsonb, occurred_at timestamptz)
      where ${when} ${extra}
      on conflict do nothing`;
  }

  /**
   * The `INSERT` that queues `name` once per row of `rows` (a relation, e.g. a CTE's name, read as
   * `r`), with a payload and dedupe key computed from the row: jobs for rows written earlier in
   * the same statement.
   */
  insertForEach(name: string, rows: SQL, payload: SQL, dedupeKey: SQL): SQL {
    const definition = this.#definitions.get(name);
    if (!definition) throw new Error(`No job named "${name}" is defined.`);
    const now = this.clock.now().toISOString();
    return sql`insert into ${jobs} (id, name, payload, status, dedupe_key, max_attempts, run_at, created_at)
      select gen_random_uuid(), ${name}, ${payload}, 'queued', ${dedupeKey},
        ${definition.retry?.attempts ?? DEFAULT_ATTEMPTS}, ${now}::timestamptz, ${now}::timestamptz
      from ${rows} as r
      on conflict do nothing`;
  }

  /** Queues the next run of every scheduled job, once across all instances. */
  async scheduleDue(): Promise<void> {
    const now = this.clock.now();
    for (const definition of this.#definitions.values()) {
      if (!definition.schedule) continue;
      const next = new Cron(definition.schedule, { timezone: this.options.timeZone, paused: true }).nextRun(
        now,
      );
      if (!next) continue;
      const key = `schedule:${definition.name}:${next.toISOString()}`;
      if (this.#scheduled.get(definition.name) === key) continue;
      await this.enqueue(this.db, definition.name, null, { runAt: next, dedupeKey: key });
      this.#scheduled.set(definition.name, key);
    }
  }

  /** Claims and runs the jobs that are due now; returns how many ran. */
  async runDue(limit = this.options.concurrency ?? 5): Promise<number> {
    await this.scheduleDue();
    const now = this.clock.now();
    const claimed = await this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          or(
            and(eq(jobs.status, "queued"), lte(jobs.runAt, now)),
            and(eq(jobs.status, "running"), lt(jobs.lockedUntil, now)),
          ),
        )
        .orderBy(asc(jobs.runAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(jobs)
        .set({
          status: "running",
          attempts: sql`${jobs.attempts} + 1`,
          lockedUntil: new Date(now.getTime() + (this.options.lockMs ?? LOCK_TIMEOUT_MS)),
        })
        .where(
          inArray(
            jobs.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
    });
    await Promise.all(claimed.map((job) => this.#execute(job)));
    return claimed.length;
  }

  /** Runs every due job, including the retries and follow-ups they cause, until none is due. */
  async drain(maxRounds = 1_000): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      if ((await this.runDue()) === 0) return;
    }
    throw new Error(`Jobs were still due after ${maxRounds} rounds: is a job re-enqueueing itself?`);
  }

  async failed(): Promise<FailedJob[]> {
    return this.db
      .select({
        id: jobs.id,
        name: jobs.name,
        payload: jobs.payload,
        attempts: jobs.attempts,
        lastError: jobs.lastError,
        finishedAt: jobs.finishedAt,
      })
      .from(jobs)
      .where(eq(jobs.status, "failed"))
      .orderBy(asc(jobs.finishedAt));
  }

  /** Works the queue in the background until `stop()`. */
  start(listen?: (onNotify: () => void) => Promise<() => Promise<void>>): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = new Promise((resolve) => {
      this.#stop = resolve;
    });
    const pollMs = this.options.pollMs ?? 1_000;
    this.#loop = (async () => {
      const unlisten = listen ? await listen(() => this.#wake?.()).catch(() => null) : null;
      while (this.#running) {
        await this.giveWay();
        if (!this.#running) break;
        let ran = 0;
        try {
          ran = await this.runDue();
        } catch (error) {
          this.logger.error({ err: error }, "job worker could not claim jobs");
        }
        if (ran > 0 || !this.#running) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
      }
      await unlisten?.();
    })();
  }

  /**
   * Lets the requests this process serves go first: while one is in flight, waits until they end
   * or `giveWayMs` has passed. The worker calls it between claims; a job that works through many
   * units (an inbox's events) calls it between units, so it cannot hold the CPU for a whole burst.
   */
  async giveWay(): Promise<void> {
    const { load, giveWayMs = 0 } = this.options;
    if (!load || giveWayMs <= 0 || load.inFlight === 0) return;
    await (this.#stopping
      ? Promise.race([load.idleWithin(giveWayMs), this.#stopping])
      : load.idleWithin(giveWayMs));
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stop();
    this.#wake?.();
    await this.#loop;
    await Promise.all(this.#inFlight);
  }

  async #execute(job: typeof jobs.$inferSelect): Promise<void> {
    const definition = this.#definitions.get(job.name);
    const run: JobRun = { id: job.id, name: job.name, attempt: job.attempts, maxAttempts: job.maxAttempts };
    const work = (async () => {
      if (!definition) throw new Error(`No job named "${job.name}" is defined on this instance.`);
      await definition.run(job.payload as never, run);
    })();
    this.#inFlight.add(work);
    // Renew the lock while the job runs, from this worker's clock: long jobs keep it, dead ones lose it.
    const heartbeat = setInterval(() => {
      const lockedUntil = new Date(this.clock.now().getTime() + (this.options.lockMs ?? LOCK_TIMEOUT_MS));
      this.db
        .update(jobs)
        .set({ lockedUntil })
        .where(and(eq(jobs.id, job.id), eq(jobs.status, "running")))
        .catch((error) => this.logger.warn({ err: error, jobId: job.id }, "job heartbeat failed"));
    }, this.options.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await work;
      await this.db
        .update(jobs)
        .set({ status: "done", lockedUntil: null, finishedAt: this.clock.now() })
        .where(eq(jobs.id, job.id));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A provider that says trying again cannot help (bad card, bad credentials) is not retried.
      const hopeless = error instanceof ProviderError && !error.retryable;
      const gaveUp = !definition || hopeless || job.attempts >= job.maxAttempts;
      const now = this.clock.now();
      const backoff = Math.min(
        (definition?.retry?.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** (job.attempts - 1),
        MAX_BACKOFF_MS,
      );
      await this.db
        .update(jobs)
        .set(
          gaveUp
            ? { status: "failed", lockedUntil: null, finishedAt: now, lastError: message }
            : {
                status: "queued",
                lockedUntil: null,
                runAt: new Date(now.getTime() + backoff),
                lastError: message,
              },
        )
        .where(eq(jobs.id, job.id));
      this.logger[gaveUp ? "error" : "warn"](
        { job: job.name, jobId: job.id, attempt: job.attempts, err: error },
        gaveUp ? "job failed for good" : "job failed; will retry",
      );
    } finally {
      clearInterval(heartbeat);
      this.#inFlight.delete(work);
    }
  }
}
