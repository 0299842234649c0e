import { type ServerType, serve } from "@hono/node-server";
import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import { Analytics, analyticsRoutes } from "./analytics.js";
import { authRoutes } from "./auth/routes.js";
import { type AuthOptions, AuthService } from "./auth/service.js";
import { type Clock, systemClock } from "./clock.js";
import { type DatabaseConfig, type DatabaseHandle, openDatabase } from "./db/index.js";
import { migrate } from "./db/migrate.js";
import { seedDemoAccounts } from "./demo.js";
import { EventBus } from "./events.js";
import { createApiApp, createRootApp, type HttpOptions } from "./http/app.js";
import type { LecternEnv } from "./http/env.js";
import { JobQueue } from "./jobs.js";
import { createLogger, type Logger } from "./logger.js";
import { type MailConfig, Mailer } from "./mail.js";
import type {
  EventSubscriptions,
  LecternPlugin,
  LecternServices,
  LecternSettings,
  PluginContext,
  ServiceRegistry,
} from "./plugin.js";
import { RateLimiter } from "./rate-limit.js";
import { collectPermissions, PluginError, resolvePlugins } from "./registry.js";
import { Settings } from "./settings.js";
import { LocalDiskStorage, type Storage } from "./storage.js";
import { ROLES, type Role } from "./types.js";

export interface LecternConfig {
  /** `{ url }` for PostgreSQL; `{ dataDir }` or nothing for embedded PGlite. Default: PGlite in `.lectern/data`. */
  database?: DatabaseConfig;
  plugins?: LecternPlugin[];
  auth?: AuthOptions;
  mail?: MailConfig;
  /** A Storage implementation, or a folder for the local-disk one. Default `.lectern/files`. */
  storage?: Storage | string;
  /** The institution's IANA time zone. Default UTC. */
  timeZone?: string;
  /** Public address of the site, for links in mail. Default `http://localhost:4321`. */
  publicUrl?: string;
  http?: HttpOptions;
  clock?: Clock;
  logger?: Logger;
  /** Apply pending migrations at start. Default true. */
  migrate?: boolean;
  /** Run the job worker in this process. Default true; the test kit runs jobs on demand instead. */
  worker?: boolean;
  /** Demo mode: demo accounts with a published password. Never in production. */
  demo?: boolean;
}

export interface Lectern {
  /** A Hono app serving `/api/*`; serve it, or mount it inside another server. */
  app: Hono<LecternEnv>;
  services: ServiceRegistry;
  events: EventBus;
  jobs: JobQueue;
  db: DatabaseHandle["db"];
  /** Permission name → the roles holding it, from core and every plugin. */
  permissions: ReadonlyMap<string, readonly Role[]>;
  /** The context plugins receive; the CLI and tests use it to act as the core does. */
  context(pluginId?: string): PluginContext;
  /** Runs every plugin's demo seed, in dependency order. */
  seedDemo(progress?: (plugin: string, done: number, total: number, label?: string) => void): Promise<void>;
  start(options?: { port?: number; hostname?: string }): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export const CORE_PERMISSIONS = { "core.users.manage": ["admin"], "core.analytics.view": ["admin"] } as const;

const coreEvents = {
  "user.created": z.object({ userId: z.string(), role: z.enum(ROLES) }),
};

declare module "./events.js" {
  interface LecternEvents {
    "user.created": { userId: string; role: (typeof ROLES)[number] };
  }
}

export async function createLectern(config: LecternConfig = {}): Promise<Lectern> {
  const resolved = resolvePlugins(config.plugins ?? []);
  const permissions = collectPermissions(resolved, structuredClone(CORE_PERMISSIONS) as never);
  const logger = config.logger ?? createLogger();
  const clock = config.clock ?? systemClock;
  const timeZone = config.timeZone ?? "UTC";
  if (!Intl.supportedValuesOf("timeZone").includes(timeZone) && timeZone !== "UTC") {
    throw new PluginError(`Unknown time zone "${timeZone}". Use an IANA name such as "Europe/Berlin".`);
  }
  const settings: LecternSettings = {
    publicUrl: (config.publicUrl ?? "http://localhost:4321").replace(/\/$/, ""),
    timeZone,
    demo: config.demo ?? false,
  };

  const database = await openDatabase(config.database ?? { dataDir: ".lectern/data" });
  try {
    return await assemble(config, resolved, permissions, logger, clock, settings, database);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function assemble(
  config: LecternConfig,
  resolved: ReturnType<typeof resolvePlugins>,
  permissions: ReadonlyMap<string, readonly Role[]>,
  logger: Logger,
  clock: Clock,
  settings: LecternSettings,
  database: DatabaseHandle,
): Promise<Lectern> {
  const { db } = database;
  if (config.migrate ?? true) {
    const applied = await migrate(db, [
      { owner: "core", folder: new URL("../migrations", import.meta.url) },
      ...resolved.flatMap(({ definition }) =>
        definition.db ? [{ owner: definition.id, folder: definition.db.migrations }] : [],
      ),
    ]);
    if (applied.length > 0) logger.info({ applied }, "database migrated");
  }

  const storage =
    typeof config.storage === "object"
      ? config.storage
      : new LocalDiskStorage(config.storage ?? ".lectern/files");
  const jobs = new JobQueue(db, clock, logger, { timeZone: settings.timeZone });
  const events = new EventBus(jobs, clock);
  for (const [name, schema] of Object.entries(coreEvents)) events.declare(name, "core", schema);
  const mail = new Mailer(config.mail ?? {}, jobs, storage, clock);
  const rateLimiter = new RateLimiter(db, clock);
  const auth = new AuthService(db, clock, events, mail, rateLimiter, logger, settings.publicUrl, config.auth);

  const instances = new Map<string, unknown>();
  const installed = new Set(resolved.map((p) => p.definition.id));
  const services: ServiceRegistry = {
    get(id) {
      if (!instances.has(id)) {
        throw new PluginError(
          installed.has(id)
            ? `The "${String(id)}" service is not built yet: use it from a hook or handler, not while plugins are loading.`
            : `No plugin "${String(id)}" is installed, so its service is unavailable. Add it to the plugins list.`,
        );
      }
      return instances.get(id) as LecternServices[typeof id];
    },
    has: (id) => instances.has(id),
  };

  const contexts = new Map<string, PluginContext>();
  const context = (pluginId = "core", options: unknown = {}): PluginContext => {
    const existing = contexts.get(pluginId);
    if (existing) return existing;
    const ctx: PluginContext = {
      pluginId,
      options,
      db,
      clock,
      logger: logger.child({ plugin: pluginId }),
      services,
      events,
      jobs,
      mail,
      storage,
      auth,
      rateLimiter,
      settings: new Settings(db, clock, pluginId),
      config: settings,
    };
    contexts.set(pluginId, ctx);
    return ctx;
  };

  context("core");
  const plugins = resolved.map(({ definition, options }) => ({
    definition,
    ctx: context(definition.id, options),
  }));

  for (const { definition } of plugins) {
    for (const [name, schema] of Object.entries(definition.events?.emits ?? {}))
      events.declare(name, definition.id, schema);
  }
  for (const { definition, ctx } of plugins) {
    if (definition.services) instances.set(definition.id, definition.services(ctx));
  }
  const analytics = new Analytics(db, clock, settings.timeZone);
  for (const { definition, ctx } of plugins) {
    if (definition.analytics) analytics.add(definition.id, definition.analytics(ctx));
  }
  for (const { definition, ctx } of plugins) {
    const subscriptions: EventSubscriptions = definition.events?.on?.(ctx) ?? {};
    for (const [name, entry] of Object.entries(subscriptions)) {
      if (!entry) continue;
      if (!events.isDeclared(name)) {
        throw new PluginError(
          `Plugin "${definition.id}" handles event "${name}", which no installed plugin declares.`,
        );
      }
      const { handle, retry } = typeof entry === "function" ? { handle: entry, retry: undefined } : entry;
      events.on(name, definition.id, handle as never, retry);
    }
    for (const job of definition.jobs?.(ctx) ?? []) {
      if (!job.name.startsWith(`${definition.id}.`)) {
        throw new PluginError(
          `Job "${job.name}" of plugin "${definition.id}" must be named "${definition.id}.<name>".`,
        );
      }
      jobs.define(job);
    }
  }
  for (const { definition, ctx } of plugins) await definition.lifecycle?.onInit?.(ctx);

  const { api, finish } = createApiApp({
    auth,
    logger,
    permissions,
    http: config.http ?? {},
    middleware: plugins.flatMap(({ definition, ctx }) =>
      definition.middleware ? [definition.middleware(ctx)] : [],
    ),
  });
  const owners = new Map<string, string>();
  const mount = (owner: string, router: ReturnType<typeof authRoutes>) => {
    for (const definition of router.openAPIRegistry.definitions) {
      if (definition.type !== "route") continue;
      const key = `${definition.route.method.toUpperCase()} ${definition.route.path}`;
      const previous = owners.get(key);
      if (previous) throw new PluginError(`Route ${key} is claimed by both "${previous}" and "${owner}".`);
      owners.set(key, owner);
    }
    api.route("/", router);
  };
  mount("core", authRoutes(auth));
  mount("core", analyticsRoutes(analytics));
  for (const { definition, ctx } of plugins) {
    if (definition.routes) mount(definition.id, definition.routes(ctx));
  }
  finish(async () => {
    await db.execute(sql`select 1`);
    return true;
  });
  const app = createRootApp(api, logger);
  for (const { definition, ctx } of plugins) {
    if (definition.rootRoutes) app.route("/", definition.rootRoutes(ctx) as Hono<LecternEnv>);
  }

  for (const { definition, ctx } of plugins) await definition.lifecycle?.onReady?.(ctx);

  if (settings.demo) {
    logger.warn(
      "DEMO MODE: demo accounts with the published password 'lectern-demo' exist. Never run demo mode in production.",
    );
  }

  let server: ServerType | null = null;
  if (config.worker ?? true) jobs.start((onNotify) => database.listen("lectern_jobs", onNotify));

  return {
    app,
    services,
    events,
    jobs,
    db,
    permissions,
    context: (pluginId = "core") => {
      const ctx = contexts.get(pluginId);
      if (!ctx) throw new PluginError(`No plugin "${pluginId}" is installed.`);
      return ctx;
    },
    async seedDemo(progress) {
      await seedDemoAccounts(auth);
      progress?.("core", 1, 1, "demo accounts");
      for (const { definition, ctx } of plugins) {
        await definition.seed?.demo?.({
          ...ctx,
          progress: (done, total, label) => progress?.(definition.id, done, total, label),
        });
      }
    },
    start({ port = 4321, hostname = "0.0.0.0" } = {}) {
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info) => {
          resolve({ port: info.port, url: `http://localhost:${info.port}` });
        });
      });
    },
    async stop() {
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          if ("closeIdleConnections" in closing) closing.closeIdleConnections();
        });
        server = null;
      }
      await jobs.stop();
      for (const { definition, ctx } of [...plugins].reverse()) await definition.lifecycle?.onShutdown?.(ctx);
      await database.close();
    },
  };
}
