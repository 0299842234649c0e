import type { Server } from "node:http";
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Http2SecureServer, Http2Server } from "node:http2";
import type { Duplex } from "node:stream";
import type { Context, Hono } from "hono";
import { WebSocketServer } from "ws";
import type { AuthService } from "../auth/service.js";
import type { Session } from "../auth/sessions.js";
import type { Clock } from "../clock.js";
import type { Database, DatabaseHandle } from "../db/index.js";
import type { DeliveredEvent, EventBus } from "../events.js";
import { proxyHops, requestOrigin } from "../http/app.js";
import type { LecternEnv } from "../http/env.js";
import { ProblemError, problems } from "../http/problem.js";
import type { JobQueue } from "../jobs.js";
import type { Logger } from "../logger.js";
import type { ServiceRegistry } from "../plugin.js";
import { PluginError } from "../registry.js";
import type { User } from "../types.js";
import { RealtimeHub } from "./hub.js";
import { socketEvents } from "./socket.js";
import { RealtimeStore } from "./store.js";
import { PostgresNotifyTransport, type RealtimeEnvelope, type RealtimeTransport } from "./transport.js";
import { parseChannel, type RealtimeMessage, type RealtimeOptions, type RealtimeRoute } from "./types.js";

export const PRUNE_JOB = "core.realtime.prune";

interface Deps {
  db: Database;
  database: Pick<DatabaseHandle, "listen">;
  clock: Clock;
  logger: Logger;
  events: EventBus;
  jobs: JobQueue;
  auth: AuthService;
  services: ServiceRegistry;
  http: { trustProxy?: boolean | number; trustedOrigins?: string[] };
}

/**
 * Realtime delivery: outbox events become per-channel messages (stored for resuming), published
 * through the transport to every instance, and sent to the sockets there that follow the channel.
 */
export class Realtime {
  readonly store: RealtimeStore;
  readonly hub: RealtimeHub;
  readonly transport: RealtimeTransport;
  readonly #options: Required<Omit<RealtimeOptions, "transport">>;
  readonly #attempts = new Map<string, { count: number; resetAt: number }>();
  #unsubscribe: (() => Promise<void>) | null = null;
  #api: Hono<LecternEnv> | null = null;
  #wss: WebSocketServer | null = null;
  /** Handshakes the route admitted, waiting for the server to complete the upgrade. */
  readonly #admitted = new WeakMap<IncomingMessage, { user: User; session: Session }>();

  constructor(
    private readonly deps: Deps,
    options: RealtimeOptions = {},
  ) {
    this.#options = {
      resumeWindowMs: options.resumeWindowMs ?? 10 * 60_000,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      maxMessageBytes: options.maxMessageBytes ?? 4096,
      maxChannelsPerSocket: options.maxChannelsPerSocket ?? 100,
      connectionsPerMinute: options.connectionsPerMinute ?? 300,
    };
    this.store = new RealtimeStore(deps.db, deps.clock, this.#options.resumeWindowMs);
    this.hub = new RealtimeHub(
      {
        maxBufferedBytes: this.#options.maxBufferedBytes,
        heartbeatMs: this.#options.heartbeatMs,
        now: () => deps.clock.now().getTime(),
      },
      deps.logger,
    );
    this.transport = options.transport ?? new PostgresNotifyTransport(deps.database);
    deps.jobs.define({ name: PRUNE_JOB, schedule: "* * * * *", run: () => this.store.prune() });
    // Sockets of ended sessions close, on every instance.
    deps.auth.sessions.onEnded((executor, ended) =>
      this.transport.publish(executor, { type: "sessions-ended", ...ended }),
    );
  }

  /** Routes a plugin's events to channels; delivered after commit, from the outbox. */
  route(pluginId: string, event: string, route: RealtimeRoute<never>): void {
    if (!this.deps.events.isDeclared(event)) {
      throw new PluginError(
        `Plugin "${pluginId}" routes event "${event}" to realtime, but no installed plugin declares it.`,
      );
    }
    const { channels, data } = typeof route === "function" ? { channels: route, data: undefined } : route;
    this.deps.events.on(event, `realtime-${pluginId}`, async (delivered: DeliveredEvent<unknown>) => {
      const targets = (channels as (d: unknown) => string[])(delivered.data);
      await this.publish({
        eventId: delivered.id,
        event,
        data: data ? (data as (d: unknown) => unknown)(delivered.data) : delivered.data,
        at: delivered.occurredAt,
        channels: targets,
      });
    });
  }

  /**
   * Stores one message per channel and publishes them together. Call it from an event handler
   * or job (after the change committed); `eventId` makes a repeated delivery send nothing twice.
   */
  async publish(input: { eventId: string; event: string; data: unknown; at: Date; channels: string[] }) {
    const channels = [...new Set(input.channels)].filter((channel) => {
      if (parseChannel(channel)) return true;
      this.deps.logger.warn({ channel, event: input.event }, "realtime route named an unknown channel");
      return false;
    });
    if (channels.length === 0) return;
    await this.deps.db.transaction(async (tx) => {
      const messages: RealtimeMessage[] = [];
      for (const channel of channels) messages.push(await this.store.append(tx, { ...input, channel }));
      await this.transport.publish(tx, { type: "messages", messages });
    });
  }

  /** Starts receiving messages from every instance and pinging this instance's sockets. */
  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = await this.transport.subscribe(
      (envelope) => this.#receive(envelope),
      (channel, seq) => this.store.get(channel, seq),
    );
    this.hub.startHeartbeat();
  }

  async stop(): Promise<void> {
    this.hub.closeAll();
    this.#wss?.close();
    await this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #receive(envelope: RealtimeEnvelope): void {
    if (envelope.type === "messages") this.hub.deliver(envelope.messages);
    else this.hub.endSessions(envelope.userId, envelope.sessionIds);
  }

  /** Adds `GET /api/realtime` to the API app; `attach` then hands it the server's upgrades. */
  mount(api: Hono<LecternEnv>): void {
    this.#api = api;
    api.get("/realtime", (c) => this.#upgrade(c));
  }

  /**
   * Lets the server's WebSocket upgrades reach `/api/realtime`; `lectern.start()` does this itself.
   * The handshake goes through the API app (logging, session, limits) like any request; the
   * upgrade is then completed here, so a socket keeps none of its handshake's request objects.
   */
  attach(server: Server | Http2Server | Http2SecureServer): void {
    const api = this.#api;
    if (!api) throw new Error("Realtime is not mounted on an app.");
    this.#wss ??= new WebSocketServer({ noServer: true, maxPayload: this.#options.maxMessageBytes });
    const wss = this.#wss;
    server.on("upgrade", async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      const headers = new Headers();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      const response = await api.request(request.url ?? "/", { headers }, { incoming: request });
      const admitted = this.#admitted.get(request);
      this.#admitted.delete(request);
      if (!admitted) {
        const body = Buffer.from(await response.arrayBuffer());
        const lines = [
          `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`,
          "Connection: close",
        ];
        for (const [key, value] of response.headers) lines.push(`${key}: ${value}`);
        socket.end(`${lines.join("\r\n")}\r\ncontent-length: ${body.length}\r\n\r\n${body.toString()}`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        const handlers = socketEvents(
          {
            hub: this.hub,
            store: this.store,
            services: this.deps.services,
            db: this.deps.db,
            logger: this.deps.logger,
            maxChannels: this.#options.maxChannelsPerSocket,
          },
          admitted.user,
          admitted.session,
        );
        handlers.onOpen(ws);
        ws.on("message", (data, isBinary) => handlers.onMessage(isBinary ? null : String(data)));
        ws.on("close", () => handlers.onClose());
        ws.on("error", () => ws.terminate());
      });
    });
  }

  async #upgrade(c: Context<LecternEnv>) {
    const address = c.get("clientAddress");
    const wait = this.#throttle(address);
    if (wait > 0) throw problems.tooManyRequests(wait, "Too many realtime connections. Try again shortly.");
    let user = c.get("user");
    let session = c.get("session");
    if (!user) {
      const token = c.req.query("token");
      const validated = token ? await this.deps.auth.sessions.validate(token) : null;
      user = validated?.user ?? null;
      session = validated?.session ?? null;
    } else if (c.get("authVia") === "cookie") {
      // Browsers send cookies with cross-site WebSocket handshakes: only our own pages may use them.
      const origin = c.req.header("origin");
      const trusted = this.deps.http.trustedOrigins ?? [];
      if (
        origin &&
        origin !== requestOrigin(c, proxyHops(this.deps.http.trustProxy)) &&
        !trusted.includes(origin)
      ) {
        throw problems.forbidden("Cross-site WebSocket connections may not use the session cookie.", {
          type: "https://lectern.dev/problems/cross-site-request",
        });
      }
    }
    if (!user || !session) throw problems.unauthorized("Sign in to receive live updates.");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ProblemError(
        {
          status: 426,
          type: "upgrade-required",
          title: "Upgrade required",
          detail: "Connect with a WebSocket.",
        },
        { Upgrade: "websocket" },
      );
    }
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming)
      throw new ProblemError({ status: 426, title: "Upgrade required", detail: "Connect with a WebSocket." });
    this.#admitted.set(incoming, { user, session });
    return c.body(null, 200);
  }

  /** Seconds to wait before another connection from this address, or 0 when it may connect now. */
  #throttle(address: string): number {
    const now = Date.now();
    if (this.#attempts.size > 10_000) {
      for (const [key, entry] of this.#attempts) if (entry.resetAt <= now) this.#attempts.delete(key);
    }
    const entry = this.#attempts.get(address);
    if (!entry || entry.resetAt <= now) {
      this.#attempts.set(address, { count: 1, resetAt: now + 60_000 });
      return 0;
    }
    entry.count++;
    return entry.count > this.#options.connectionsPerMinute ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  /** Sockets open on this instance. */
  get connections(): number {
    return this.hub.size;
  }
}
