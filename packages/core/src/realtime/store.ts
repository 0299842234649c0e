import { sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import { type Database, type Executor, rowsOf } from "../db/index.js";
import { realtimeChannels, realtimeMessages } from "../realtime-schema.js";
import type { RealtimeMessage } from "./types.js";

/** Most messages replayed on one resume; further behind than this, the client reloads. */
const MAX_REPLAY = 500;

interface Row {
  channel: string;
  seq: number | string;
  event: string;
  data: unknown;
  at: Date | string;
}

const toMessage = (row: Row): RealtimeMessage => ({
  channel: row.channel,
  seq: Number(row.seq),
  event: row.event,
  data: row.data,
  at: new Date(row.at).toISOString(),
});

/** Realtime messages and per-channel sequence numbers, shared by every instance. */
export class RealtimeStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly windowMs: number,
  ) {}

  /**
   * Gives the message the channel's next sequence number and keeps it. Idempotent per
   * (event, channel): an outbox event delivered twice answers the first message again.
   */
  async append(
    executor: Executor,
    input: { eventId: string; channel: string; event: string; data: unknown; at: Date },
  ): Promise<RealtimeMessage> {
    const { eventId, channel, event } = input;
    const data = JSON.stringify(input.data ?? null);
    const result = await executor.execute(sql`
      with existing as (
        select channel, seq, event, data, at from ${realtimeMessages}
        where event_id = ${eventId} and channel = ${channel}),
      next as (
        insert into ${realtimeChannels} as c (channel, seq)
        select ${channel}, 1 where not exists (select 1 from existing)
        on conflict (channel) do update set seq = c.seq + 1
        returning seq),
      inserted as (
        insert into ${realtimeMessages} (channel, seq, event_id, event, data, at)
        select ${channel}, next.seq, ${eventId}, ${event}, ${data}::jsonb, ${input.at.toISOString()}::timestamptz from next
        returning channel, seq, event, data, at)
      select * from inserted union all select * from existing`);
    const [row] = rowsOf<Row>(result);
    if (!row) throw new Error(`Realtime message for ${channel} was not stored.`);
    return toMessage(row);
  }

  async get(channel: string, seq: number): Promise<RealtimeMessage | null> {
    const [row] = rowsOf<Row>(
      await this.db.execute(
        sql`select channel, seq, event, data, at from ${realtimeMessages} where channel = ${channel} and seq = ${seq}`,
      ),
    );
    return row ? toMessage(row) : null;
  }

  /** The channel's latest sequence number; 0 when nothing was ever sent on it. */
  async current(channel: string): Promise<number> {
    const [row] = rowsOf<{ seq: number | string }>(
      await this.db.execute(sql`select seq from ${realtimeChannels} where channel = ${channel}`),
    );
    return Number(row?.seq ?? 0);
  }

  /**
   * What came after `after` on the channel, or `reload` when part of it is no longer kept (or
   * `after` is not a number this channel gave out).
   */
  async since(
    channel: string,
    after: number,
  ): Promise<{ messages: RealtimeMessage[]; current: number } | "reload"> {
    const oldest = new Date(this.clock.now().getTime() - this.windowMs).toISOString();
    const [current, rows] = await Promise.all([
      this.current(channel),
      this.db.execute(sql`
        select channel, seq, event, data, at from ${realtimeMessages}
        where channel = ${channel} and seq > ${after} and at >= ${oldest}::timestamptz
        order by seq limit ${MAX_REPLAY + 1}`),
    ]);
    const messages = rowsOf<Row>(rows).map(toMessage);
    if (after > current) return "reload";
    if (messages.length > MAX_REPLAY) return "reload";
    // Sequence numbers have no gaps, and old messages go first: a missing `after + 1` means lost.
    if (current > after && messages[0]?.seq !== after + 1) return "reload";
    return { messages: messages.filter((m) => m.seq <= current), current };
  }

  /** Forgets messages older than the resume window; run by a scheduled job. */
  async prune(): Promise<void> {
    const oldest = new Date(this.clock.now().getTime() - this.windowMs);
    await this.db.execute(
      sql`delete from ${realtimeMessages} where at < ${oldest.toISOString()}::timestamptz`,
    );
  }
}
