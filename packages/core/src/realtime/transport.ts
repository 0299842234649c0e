import { sql } from "drizzle-orm";
import type { DatabaseHandle, Executor } from "../db/index.js";
import type { RealtimeMessage } from "./types.js";

/** What instances tell each other: messages to deliver, and sessions whose sockets must close. */
export type RealtimeEnvelope =
  | { type: "messages"; messages: RealtimeMessage[] }
  | { type: "sessions-ended"; userId: string; sessionIds?: string[] };

/**
 * Carries realtime envelopes to every instance (including the one that published). PostgreSQL
 * LISTEN/NOTIFY is the default; a Redis pub/sub or NATS adapter implements the same two methods.
 */
export interface RealtimeTransport {
  /**
   * Publishes as part of the caller's executor: with NOTIFY the envelope leaves when that
   * transaction commits, never for a change that rolled back. An external broker would publish
   * after the commit instead (its `publish` runs on an already committed executor here).
   */
  publish(executor: Executor, envelope: RealtimeEnvelope): Promise<void>;
  /** Starts receiving; `load` fetches a stored message when only its key travelled. */
  subscribe(
    onEnvelope: (envelope: RealtimeEnvelope) => void,
    load: (channel: string, seq: number) => Promise<RealtimeMessage | null>,
  ): Promise<() => Promise<void>>;
}

export const REALTIME_CHANNEL = "lectern_realtime";
/** NOTIFY payloads must stay under 8000 bytes; larger messages travel as their (channel, seq). */
export const NOTIFY_LIMIT_BYTES = 7_500;

type Wire = RealtimeEnvelope | { type: "refs"; refs: [string, number][] };

/** PostgreSQL LISTEN/NOTIFY, on the database Lectern already uses (PGlite too, for one process). */
export class PostgresNotifyTransport implements RealtimeTransport {
  constructor(private readonly database: Pick<DatabaseHandle, "listen">) {}

  async publish(executor: Executor, envelope: RealtimeEnvelope): Promise<void> {
    for (const payload of this.#encode(envelope)) {
      await executor.execute(sql`select pg_notify(${REALTIME_CHANNEL}, ${payload})`);
    }
  }

  #encode(envelope: RealtimeEnvelope): string[] {
    const whole = JSON.stringify(envelope);
    if (Buffer.byteLength(whole) <= NOTIFY_LIMIT_BYTES || envelope.type !== "messages") return [whole];
    // Too big together: each message alone if it fits, else its key, fetched by the receiver.
    return envelope.messages.map((message) => {
      const one = JSON.stringify({ type: "messages", messages: [message] } satisfies Wire);
      return Buffer.byteLength(one) <= NOTIFY_LIMIT_BYTES
        ? one
        : JSON.stringify({ type: "refs", refs: [[message.channel, message.seq]] } satisfies Wire);
    });
  }

  async subscribe(
    onEnvelope: (envelope: RealtimeEnvelope) => void,
    load: (channel: string, seq: number) => Promise<RealtimeMessage | null>,
  ): Promise<() => Promise<void>> {
    // One at a time, so a message fetched by its key is not overtaken by the next one.
    let queue = Promise.resolve();
    return this.database.listen(REALTIME_CHANNEL, (payload) => {
      queue = queue
        .then(async () => {
          let wire: Wire;
          try {
            wire = JSON.parse(payload) as Wire;
          } catch {
            return; // not ours
          }
          if (wire.type !== "refs") return onEnvelope(wire);
          const messages = (await Promise.all(wire.refs.map(([channel, seq]) => load(channel, seq)))).filter(
            (m): m is RealtimeMessage => m !== null,
          );
          onEnvelope({ type: "messages", messages });
        })
        .catch(() => {});
    });
  }
}
