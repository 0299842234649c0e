import type { WebSocket } from "ws";
import type { Session } from "../auth/sessions.js";
import type { Logger } from "../logger.js";
import type { User } from "../types.js";
import type { RealtimeMessage } from "./types.js";

/** Close codes Lectern uses; 1008/1009 are the standard ones for policy and size. */
export const CLOSE = {
  goingAway: 1001,
  malformed: 1008,
  tooBig: 1009,
  sessionEnded: 4001,
  tooSlow: 4008,
  deadConnection: 4009,
} as const;

/** One open socket: who it is, what it follows, and messages held while a resume is replayed. */
export class Connection {
  readonly channels = new Set<string>();
  /** Channels being resumed: live messages wait here until the replay is sent. */
  readonly held = new Map<string, RealtimeMessage[]>();
  /** The last seq sent per channel, so a replay and the live stream never repeat a message. */
  readonly sent = new Map<string, number>();
  alive = true;

  constructor(
    readonly socket: WebSocket,
    readonly user: User,
    readonly session: Session,
  ) {}

  sendJson(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }
}

/** The sockets of this instance, by channel and by user, and the fan-out to them. */
export class RealtimeHub {
  readonly #byChannel = new Map<string, Set<Connection>>();
  readonly #byUser = new Map<string, Set<Connection>>();
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly options: { maxBufferedBytes: number; heartbeatMs: number; now: () => number },
    private readonly logger: Logger,
  ) {}

  get size(): number {
    let n = 0;
    for (const set of this.#byUser.values()) n += set.size;
    return n;
  }

  add(connection: Connection): void {
    const set = this.#byUser.get(connection.user.id) ?? new Set();
    set.add(connection);
    this.#byUser.set(connection.user.id, set);
  }

  remove(connection: Connection): void {
    for (const channel of connection.channels) this.unsubscribe(connection, channel);
    const set = this.#byUser.get(connection.user.id);
    set?.delete(connection);
    if (set?.size === 0) this.#byUser.delete(connection.user.id);
  }

  subscribe(connection: Connection, channel: string): void {
    connection.channels.add(channel);
    const set = this.#byChannel.get(channel) ?? new Set();
    set.add(connection);
    this.#byChannel.set(channel, set);
  }

  unsubscribe(connection: Connection, channel: string): void {
    connection.channels.delete(channel);
    connection.held.delete(channel);
    const set = this.#byChannel.get(channel);
    set?.delete(connection);
    if (set?.size === 0) this.#byChannel.delete(channel);
  }

  /**
   * Sends each message to this instance's sockets on its channel, serialised and encoded once per
   * message: a string would be UTF-8 encoded again for every socket.
   */
  deliver(messages: RealtimeMessage[]): void {
    for (const message of messages) {
      const followers = this.#byChannel.get(message.channel);
      if (!followers) continue;
      let frame: Buffer | null = null;
      for (const connection of followers) {
        const held = connection.held.get(message.channel);
        if (held) {
          held.push(message);
          continue;
        }
        frame ??= Buffer.from(JSON.stringify({ type: "event", ...message }));
        this.send(connection, message, frame);
      }
    }
  }

  /** Sends one message unless the socket already had it; a socket too far behind is dropped. */
  send(connection: Connection, message: RealtimeMessage, frame?: Buffer): void {
    if ((connection.sent.get(message.channel) ?? 0) >= message.seq) return;
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      // Its unsent data would grow without bound: cut it off; it resumes when it reconnects.
      this.logger.warn({ userId: connection.user.id }, "realtime client too slow; disconnected");
      socket.terminate();
      return;
    }
    connection.sent.set(message.channel, message.seq);
    // A text frame either way: browsers hand binary frames to `onmessage` as Blobs.
    socket.send(frame ?? JSON.stringify({ type: "event", ...message }), { binary: false });
  }

  /** Closes the sockets of ended sessions: all of the user's, or only those of `sessionIds`. */
  endSessions(userId: string, sessionIds?: string[]): void {
    for (const connection of this.#byUser.get(userId) ?? []) {
      if (sessionIds && !sessionIds.includes(connection.session.id)) continue;
      connection.socket.close(CLOSE.sessionEnded, "session ended");
    }
  }

  /** Pings every socket; one that did not answer the previous ping, or whose session expired, closes. */
  startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.#heartbeat.unref();
  }

  beat(): void {
    const now = this.options.now();
    for (const set of this.#byUser.values()) {
      for (const connection of set) {
        if (connection.session.expiresAt.getTime() <= now) {
          connection.socket.close(CLOSE.sessionEnded, "session expired");
        } else if (!connection.alive) {
          connection.socket.terminate();
        } else {
          connection.alive = false;
          connection.socket.ping();
        }
      }
    }
  }

  /** Closes every socket with "going away", so clients reconnect (to another instance). */
  closeAll(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    for (const set of this.#byUser.values()) {
      for (const connection of set) connection.socket.close(CLOSE.goingAway, "server shutting down");
    }
  }
}
