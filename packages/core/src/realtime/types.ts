import type { EventName, LecternEvents } from "../events.js";

/** A message as clients receive it on `GET /api/realtime`. */
export interface RealtimeMessage {
  channel: string;
  seq: number;
  event: string;
  data: unknown;
  /** ISO 8601. */
  at: string;
}

/**
 * Where one event goes: the channels (`user:<id>`, `course:<id>`, `role:admin`) and, optionally,
 * what of its payload they see (the whole payload by default).
 */
export type RealtimeRoute<Data> =
  | ((data: Data) => string[])
  | { channels: (data: Data) => string[]; data?: (data: Data) => unknown };

/** A plugin's `realtime` declaration: for each of its events, the channels it goes to. */
export type RealtimeRoutes = { [K in EventName]?: RealtimeRoute<LecternEvents[K]> };

export interface RealtimeOptions {
  /** How long messages are kept for clients resuming after a reconnect. Default 10 minutes. */
  resumeWindowMs?: number;
  /** Interval of the ping that finds dead connections; one missed pong closes. Default 30 s. */
  heartbeatMs?: number;
  /** A socket whose unsent data passes this many bytes is disconnected. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Frames from clients larger than this close the socket (1009). Default 4 KiB. */
  maxMessageBytes?: number;
  /** Channels one socket may follow at once. Default 100. */
  maxChannelsPerSocket?: number;
  /** New connections accepted per client address per minute; more answer 429. Default 300. */
  connectionsPerMinute?: number;
  /** The broker that carries messages between instances. Default PostgreSQL LISTEN/NOTIFY. */
  transport?: import("./transport.js").RealtimeTransport;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const CHANNEL = new RegExp(`^(?:(user|course):(${UUID})|role:(admin))$`);

export type ParsedChannel =
  | { kind: "user"; id: string }
  | { kind: "course"; id: string }
  | { kind: "role"; role: "admin" };

/** The channel's parts, or null when it is not a channel Lectern knows. */
export function parseChannel(channel: string): ParsedChannel | null {
  const match = CHANNEL.exec(channel);
  if (!match) return null;
  if (match[3]) return { kind: "role", role: "admin" };
  return { kind: match[1] as "user" | "course", id: match[2]! };
}

export const userChannel = (userId: string) => `user:${userId}`;
export const courseChannel = (courseId: string) => `course:${courseId}`;
export const ADMIN_CHANNEL = "role:admin";
