import type { WebSocket } from "ws";
import { z } from "zod";
import type { Session } from "../auth/sessions.js";
import type { Executor } from "../db/index.js";
import type { Logger } from "../logger.js";
import type { ServiceRegistry } from "../plugin.js";
import type { User } from "../types.js";
import { mayRead } from "./access.js";
import { CLOSE, Connection, type RealtimeHub } from "./hub.js";
import type { RealtimeStore } from "./store.js";
import { parseChannel, userChannel } from "./types.js";

const ChannelName = z.string().min(1).max(120);
const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), channel: ChannelName }),
  z.object({ type: z.literal("unsubscribe"), channel: ChannelName }),
  z.object({ type: z.literal("resume"), channel: ChannelName, after: z.number().int().min(0) }),
  z.object({ type: z.literal("ping") }),
]);
type ClientMessage = z.infer<typeof ClientMessage>;

/** How long the user's own channel waits for a `resume` before live messages flow. */
const OWN_CHANNEL_GRACE_MS = 1_000;

export interface SocketDeps {
  hub: RealtimeHub;
  store: RealtimeStore;
  services: ServiceRegistry;
  db: Executor;
  logger: Logger;
  maxChannels: number;
}

/**
 * The protocol of one socket. The user's own channel is followed from the start, but held for a
 * moment so a reconnecting client's `resume` comes first and nothing arrives out of order.
 */
export interface SocketHandlers {
  onOpen(socket: WebSocket): void;
  /** A text frame's content, or null for a binary frame. */
  onMessage(text: string | null): void;
  onClose(): void;
}

export function socketEvents(deps: SocketDeps, user: User, session: Session): SocketHandlers {
  let connection: Connection | null = null;
  let queue = Promise.resolve();
  let grace: ReturnType<typeof setTimeout> | null = null;
  const own = userChannel(user.id);

  const releaseOwn = () => {
    if (grace) clearTimeout(grace);
    grace = null;
    if (!connection) return;
    const held = connection.held.get(own);
    if (!held) return;
    connection.held.delete(own);
    for (const message of held) deps.hub.send(connection, message);
  };

  const handle = async (conn: Connection, message: ClientMessage) => {
    if (message.type === "ping") return conn.sendJson({ type: "pong" });
    if (message.type === "unsubscribe") {
      if (message.channel !== own) deps.hub.unsubscribe(conn, message.channel);
      return;
    }
    const { channel } = message;
    if (message.type === "resume" && channel === own) return resume(conn, channel, message.after);
    if (!parseChannel(channel)) {
      return conn.sendJson({
        type: "error",
        code: "unknown-channel",
        channel,
        message: "There is no such channel.",
      });
    }
    if (!conn.channels.has(channel)) {
      if (conn.channels.size >= deps.maxChannels) {
        return conn.sendJson({
          type: "error",
          code: "too-many-channels",
          channel,
          message: `A connection may follow at most ${deps.maxChannels} channels.`,
        });
      }
      if (!(await mayRead(deps.services, deps.db, user, channel))) {
        return conn.sendJson({
          type: "error",
          code: "forbidden",
          channel,
          message: "You may not follow this channel.",
        });
      }
    }
    if (message.type === "resume") return resume(conn, channel, message.after);
    deps.hub.subscribe(conn, channel);
    const seq = await deps.store.current(channel);
    if ((conn.sent.get(channel) ?? 0) < seq) conn.sent.set(channel, seq);
    conn.sendJson({ type: "subscribed", channel, seq });
  };

  const resume = async (conn: Connection, channel: string, after: number) => {
    if (!conn.held.has(channel)) conn.held.set(channel, []);
    deps.hub.subscribe(conn, channel);
    const replay = await deps.store.since(channel, after);
    if (replay === "reload") {
      conn.sendJson({ type: "reload", channel });
      conn.sent.set(channel, Math.max(conn.sent.get(channel) ?? 0, await deps.store.current(channel)));
    } else {
      // What this socket already got live is skipped by `send`; the rest goes in order.
      if ((conn.sent.get(channel) ?? 0) < after) conn.sent.set(channel, after);
      for (const m of replay.messages) deps.hub.send(conn, m);
    }
    const held = conn.held.get(channel) ?? [];
    conn.held.delete(channel);
    if (channel === own && grace) clearTimeout(grace);
    for (const m of held) deps.hub.send(conn, m);
    conn.sendJson({ type: "subscribed", channel, seq: conn.sent.get(channel) ?? after });
  };

  return {
    onOpen(raw) {
      const conn = new Connection(raw, user, session);
      connection = conn;
      raw.on("pong", () => {
        conn.alive = true;
      });
      deps.hub.add(conn);
      conn.held.set(own, []);
      deps.hub.subscribe(conn, own);
      grace = setTimeout(releaseOwn, OWN_CHANNEL_GRACE_MS);
    },
    onMessage(text) {
      const conn = connection;
      if (!conn) return;
      conn.alive = true;
      if (text === null) return conn.socket.close(CLOSE.malformed, "send JSON text frames");
      let message: ClientMessage;
      try {
        message = ClientMessage.parse(JSON.parse(text));
      } catch {
        return conn.socket.close(CLOSE.malformed, "malformed message");
      }
      const first = grace !== null && !(message.type === "resume" && message.channel === own);
      queue = queue
        .then(async () => {
          if (first) releaseOwn();
          await handle(conn, message);
        })
        .catch((error) => {
          deps.logger.error({ err: error, userId: user.id }, "realtime message failed");
          conn.sendJson({ type: "error", code: "internal", message: "That request could not be handled." });
        });
    },
    onClose() {
      if (grace) clearTimeout(grace);
      if (connection) deps.hub.remove(connection);
      connection = null;
    },
  };
}
