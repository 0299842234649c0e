/** A message the server pushes on `GET /api/realtime`. */
export interface RealtimeEvent<Data = unknown> {
  type: "event";
  /** `user:<id>`, `course:<id>` or `role:admin`. */
  channel?: string;
  /** The message's number on its channel; the helper resumes after the last one it saw. */
  seq?: number;
  event: string;
  data: Data;
  at: string;
}

/** `{type: "error"}` from the server, e.g. a subscribe to a channel the user may not read. */
export interface RealtimeError {
  type: "error";
  code: string;
  message: string;
  channel?: string;
}

export type RealtimeStatus = "connecting" | "open" | "reconnecting" | "closed";

/** The parts of the WebSocket API the helper uses: the browser's, Node 22's, or `ws` in Node 20. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface RealtimeOptions {
  /** Where the campus runs (`https://campus.example.edu`); in a browser, the page's origin by default. */
  baseUrl?: string;
  /** A session token, sent as `?token=` (browsers cannot set headers on a WebSocket). Omit to use the cookie. */
  token?: string;
  onEvent: (event: RealtimeEvent) => void;
  onStatus?: (status: RealtimeStatus) => void;
  /** The server could not replay what this client missed on a channel: refetch what it shows. */
  onReload?: (channel: string) => void;
  onError?: (error: RealtimeError) => void;
  /** Reconnect delays: doubling from `minMs` up to `maxMs`, with jitter. Default 500 ms to 30 s. */
  reconnect?: { minMs?: number; maxMs?: number };
  /** A WebSocket constructor, where there is no global one (Node 20: `import { WebSocket } from "ws"`). */
  WebSocket?: new (
    url: string,
  ) => WebSocketLike;
}

export interface RealtimeConnection {
  /** Asks for a channel's events; remembered, and asked again after every reconnect. */
  subscribe(channel: string): void;
  /** Closes for good: no more reconnects. */
  close(): void;
}

const OPEN = 1;

/** The `ws:`/`wss:` address of the realtime endpoint. */
export function realtimeUrl(baseUrl: string, token?: string): string {
  const url = new URL("/api/realtime", baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

/**
 * Needs a server that serves `GET /api/realtime` (the realtime plugin); a Lectern without it
 * answers 404 and the connection keeps retrying.
 *
 * Connects to `GET /api/realtime` and keeps the connection: a dropped socket is reopened with
 * growing, jittered delays (so a restarted server is not hit by every client at once), and
 * the channels asked for are asked for again.
 */
export function connectRealtime(options: RealtimeOptions): RealtimeConnection {
  const Socket =
    options.WebSocket ?? (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (!Socket) throw new Error("No WebSocket here: pass `WebSocket` (e.g. from the `ws` package).");
  const baseUrl =
    options.baseUrl ?? (globalThis as { location?: { origin: string } }).location?.origin ?? undefined;
  if (!baseUrl) throw new Error("Pass `baseUrl`: there is no page origin to connect to.");
  const url = realtimeUrl(baseUrl, options.token);
  const minMs = options.reconnect?.minMs ?? 500;
  const maxMs = options.reconnect?.maxMs ?? 30_000;
  const channels = new Set<string>();
  /** The last seq seen per channel: asked for again with `resume` after a reconnect. */
  const positions = new Map<string, number>();
  let socket: WebSocketLike | null = null;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const ask = (channel: string) => {
    const after = positions.get(channel);
    socket?.send(
      JSON.stringify(
        after === undefined ? { type: "subscribe", channel } : { type: "resume", channel, after },
      ),
    );
  };
  const open = () => {
    options.onStatus?.(failures === 0 ? "connecting" : "reconnecting");
    const current = new Socket(url);
    socket = current;
    current.onopen = () => {
      failures = 0;
      options.onStatus?.("open");
      // The user's own channel is followed on connect; resuming it first keeps its order.
      for (const channel of positions.keys()) if (!channels.has(channel)) ask(channel);
      for (const channel of channels) ask(channel);
    };
    current.onmessage = (incoming) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(incoming.data));
      } catch {
        return; // not ours to understand
      }
      const message = parsed as { type?: unknown; channel?: unknown; seq?: unknown };
      const channel = typeof message?.channel === "string" ? message.channel : undefined;
      const seq = typeof message?.seq === "number" ? message.seq : undefined;
      if (message?.type === "event") {
        if (channel !== undefined && seq !== undefined) {
          if (seq <= (positions.get(channel) ?? 0)) return; // already seen (replayed twice)
          positions.set(channel, seq);
        }
        options.onEvent(parsed as RealtimeEvent);
      } else if (message?.type === "subscribed" && channel !== undefined && seq !== undefined) {
        if (!positions.has(channel)) positions.set(channel, seq);
      } else if (message?.type === "reload" && channel !== undefined) {
        positions.delete(channel);
        options.onReload?.(channel);
      } else if (message?.type === "error") {
        options.onError?.(parsed as RealtimeError);
      }
    };
    current.onerror = () => {}; // a close follows; reconnecting is decided there
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      if (closed) return;
      failures++;
      const ceiling = Math.min(maxMs, minMs * 2 ** (failures - 1));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      options.onStatus?.("reconnecting");
      timer = setTimeout(open, delay);
    };
  };
  open();

  return {
    subscribe(channel) {
      channels.add(channel);
      if (socket?.readyState === OPEN) ask(channel);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close(1000, "closed by the client");
      socket = null;
      options.onStatus?.("closed");
    },
  };
}
