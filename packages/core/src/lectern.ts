import { type ServerType, serve } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import { Analytics, type AnalyticsSource, analyticsRoutes } from "./analytics.js";
import { auditRoutes } from "./audit/routes.js";
import { AuditLog } from "./audit/service.js";
import { AccountService } from "./auth/account.js";
import { accountRoutes } from "./auth/account-routes.js";
import { adminUserRoutes } from "./auth/admin-routes.js";
import { AdminUsers } from "./auth/admin-users.js";
import { authRoutes } from "./auth/routes.js";
import { type AuthOptions, AuthService, PASSWORD_RESET_JOB } from "./auth/service.js";
import { type Clock, systemClock } from "./clock.js";
import {
  CORE_PERMISSIONS,
  coreEvents,
  HEALTH_DEADLINE_MS,
  providerSecret,
  withDeadline,
} from "./core-declarations.js";
import { type DatabaseConfig, type DatabaseHandle, DEFAULT_DATA_DIR, openDatabase } from "./db/index.js";
import { type MigrationSource, migrate } from "./db/migrate.js";
import { seedDemoAccounts } from "./demo.js";
import { EventBus } from "./events.js";
import type {
  Contribution,
  ExtensionPointName,
  LecternExtensionPoints,
  PrivacyHandler,
  UserFilter,
} from "./extensions.js";
import { createApiApp, createRootApp, type HttpOptions } from "./http/app.js";
import type { LecternEnv } from "./http/env.js";
import { CORE_PROBLEM_TYPES } from "./http/problem.js";
import { RequestLoad } from "./http/request-load.js";
import { importRoutes } from "./imports/routes.js";
import { type ImportEnrollment, type ImportOptions, UserImports } from "./imports/service.js";
import { JobQueue } from "./jobs.js";
import { createLogger, type Logger } from "./logger.js";
import { type MailConfig, Mailer } from "./mail.js";
import { collectNotificationKinds } from "./notifications/kinds.js";
import { notificationRoutes } from "./notifications/routes.js";
import { Notifications } from "./notifications/service.js";
import type {
  EventSubscriptions,
  LecternPlugin,
  LecternServices,
  LecternSettings,
  PluginContext,
  ServiceRegistry,
} from "./plugin.js";
import { privacyRoutes } from "./privacy/routes.js";
import { Privacy, type PrivacyOptions } from "./privacy/service.js";
import type { Provider, ProviderContext, ProviderSlot } from "./providers.js";
import { RateLimiter } from "./rate-limit.js";
import { Realtime } from "./realtime/service.js";
import type { RealtimeOptions } from "./realtime/types.js";
import {
  checkContributions,
  collectExtensionPoints,
  collectPermissions,
  dependenciesOf,
  PluginError,
  type ResolvedPlugin,
  resolvePlugins,
} from "./registry.js";
import { Settings } from "./settings.js";
import { LocalDiskStorage, type Storage } from "./storage.js";
import type { Role } from "./types.js";
import { mailWhenDisabled, webhookDisabledKind } from "./webhooks/notify.js";
import { webhookRoutes } from "./webhooks/routes.js";
import { type WebhookOptions, Webhooks } from "./webhooks/service.js";

export interface LecternConfig {
  /**
   * `{ url }` for PostgreSQL; `{ dataDir }` or nothing for embedded PGlite. Default: PGlite in
   * `.lectern/data`. `{ url: process.env.DATABASE_URL }` with the variable unset is PGlite too.
   */
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
  /**
   * Run the job worker in this process. Default true; the test kit runs jobs on demand instead.
   * Options tune how it shares the process with the requests it serves.
   */
  worker?: boolean | WorkerOptions;
  /** Demo mode: demo accounts with a published password. Never in production. */
  demo?: boolean;
  /** The `fetch` providers call their APIs with. Default: the global one. */
  fetch?: typeof fetch;
  /** `GET /api/realtime`: resume window, heartbeats, limits, and the transport between instances. */
  realtime?: RealtimeOptions;
  /** Outbound webhooks: addresses allowed although private, timeout, retries, when to disable. */
  webhooks?: WebhookOptions;
  /** Bulk user import (`POST /api/admin/users/import`): the largest file accepted. */
  imports?: ImportOptions;
  /** Data exports and erasure: how long a download link works, how often one may ask. */
  privacy?: PrivacyOptions;
}

export interface WorkerOptions {
  /**
   * While this process serves requests, the worker claims jobs at most once per this many
   * milliseconds (sooner when the last request ends), so a burst of requests is not slowed by
   * the jobs it queues. Default 250; 0 claims as fast as jobs come.
   */
  giveWayMs?: number;
}

/** A worker in a serving process gives way to requests this long at most between claims. */
const DEFAULT_GIVE_WAY_MS = 250;

export interface Lectern {
  /** A Hono app serving `/api/*`; serve it, or mount it inside another server. */
  app: Hono<LecternEnv>;
  services: ServiceRegistry;
  events: EventBus;
  jobs: JobQueue;
  /** WebSocket delivery; `realtime.attach(server)` when serving `app` from your own Node server. */
  realtime: Realtime;
  /** The notification centre: stored notifications and each user's preferences per kind. */
  notifications: Notifications;
  webhooks: Webhooks;
  /** The append-only audit log. */
  audit: AuditLog;
  /** Bulk user import from CSV (the CLI's `lectern users import`). */
  imports: UserImports;
  /** A person's data export and erasure through every plugin's `core.privacy` hook. */
  privacy: Privacy;
  db: DatabaseHandle["db"];
  /** Permission name → the roles holding it, from core and every plugin. */
  permissions: ReadonlyMap<string, readonly Role[]>;
  /** What plugins contributed to an extension point (e.g. `core.cliCommands`). */
  contributions<K extends ExtensionPointName>(point: K): Contribution<LecternExtensionPoints[K]>[];
  /** The context plugins receive; the CLI and tests use it to act as the core does. */
  context(pluginId?: string): PluginContext;
  /** Runs every plugin's demo seed, in dependency order. */
  seedDemo(progress?: (plugin: string, done: number, total: number, label?: string) => void): Promise<void>;
  start(options?: { port?: number; hostname?: string }): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

/** Core's migrations, then each plugin's in dependency order: what `createLectern` applies. */
export function migrationSources(plugins: LecternPlugin[]): MigrationSource[] {
  return sourcesOf(resolvePlugins(plugins));
}

function sourcesOf(resolved: ReturnType<typeof resolvePlugins>): MigrationSource[] {
  return [
    { owner: "core", folder: new URL("../migrations", import.meta.url) },
    ...resolved.flatMap(({ definition }) =>
      definition.db ? [{ owner: definition.id, folder: definition.db.migrations }] : [],
    ),
  ];
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

  // Opening sends no query (postgres.js connects lazily): everything up to `migrate` below is
  // checked without touching the database, so a bad plugin is refused before any migration runs.
  const database = await openDatabase(config.database ?? { dataDir: DEFAULT_DATA_DIR });
  try {
    return await assemble(config, resolved, permissions, logger, clock, settings, database);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function assemble(
  config: LecternConfig,
  resolved: ResolvedPlugin[],
  permissions: ReadonlyMap<string, readonly Role[]>,
  logger: Logger,
  clock: Clock,
  settings: LecternSettings,
  database: DatabaseHandle,
): Promise<Lectern> {
  const { db } = database;
  const storage =
    typeof config.storage === "object"
      ? config.storage
      : new LocalDiskStorage(config.storage ?? ".lectern/files");
  const load = new RequestLoad();
  const workerOptions = typeof config.worker === "object" ? config.worker : {};
  const jobs = new JobQueue(db, clock, logger, {
    timeZone: settings.timeZone,
    load,
    // Without a worker, jobs run only when asked (`drain()`), and then at once.
    giveWayMs: config.worker === false ? 0 : (workerOptions.giveWayMs ?? DEFAULT_GIVE_WAY_MS),
  });
  const events = new EventBus(jobs, clock);
  for (const [name, schema] of Object.entries(coreEvents)) events.declare(name, "core", schema);
  const mail = new Mailer(config.mail ?? {}, jobs, storage, clock);
  const rateLimiter = new RateLimiter(db, clock);
  const audit = new AuditLog(db, clock);
  const auth = new AuthService(
    db,
    clock,
    events,
    mail,
    jobs,
    rateLimiter,
    logger,
    audit,
    settings.publicUrl,
    config.auth,
  );
  const account = new AccountService(db, auth, mail);
  const adminUsers = new AdminUsers(db, clock, auth);
  const imports = new UserImports(db, clock, auth, audit, jobs, logger, config.imports);
  jobs.define<{ email: string }>({
    name: PASSWORD_RESET_JOB,
    run: ({ email }) => auth.sendPasswordReset(email),
  });

  const instances = new Map<string, unknown>();
  const installed = new Set(resolved.map((p) => p.definition.id));
  const serviceRegistry = (
    pluginId: string | null,
    allowed: ReadonlySet<string> | null,
  ): ServiceRegistry => ({
    get(id) {
      if (allowed && !allowed.has(id)) {
        throw new PluginError(
          `Plugin "${pluginId}" uses the "${String(id)}" service but does not depend on "${String(id)}". Add "${String(id)}" to its dependsOn (as { id: "${String(id)}", optional: true } if it works without it).`,
        );
      }
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
  });
  const services = serviceRegistry(null, null);

  const contributions = new Map<string, Contribution<unknown>[]>();
  const createdProviders = new Map<string, Map<string, Provider<unknown>[]>>();
  const providerSecrets = new Settings(db, clock, "core");
  const contexts = new Map<string, PluginContext>();
  const context = (plugin?: ResolvedPlugin): PluginContext => {
    const pluginId = plugin?.definition.id ?? "core";
    const existing = contexts.get(pluginId);
    if (existing) return existing;
    const allowed = plugin
      ? new Set([pluginId, ...dependenciesOf(plugin.definition).map((d) => d.id)])
      : null;
    const ctx: PluginContext = {
      pluginId,
      options: plugin?.options ?? {},
      db,
      clock,
      logger: logger.child({ plugin: pluginId }),
      services: serviceRegistry(pluginId, allowed),
      events,
      jobs,
      mail,
      storage,
      auth,
      audit: plugin ? audit.forPlugin(pluginId) : audit,
      rateLimiter,
      settings: new Settings(db, clock, pluginId),
      config: settings,
      contributions: ((point: string) => [
        ...(contributions.get(point) ?? []),
      ]) as PluginContext["contributions"],
      providers: ((slot: string | ProviderSlot<unknown>) => {
        const name = typeof slot === "string" ? slot : slot.name;
        const mine = createdProviders.get(pluginId)?.get(name);
        if (!mine) {
          throw new PluginError(
            `Plugin "${pluginId}" reads providers of "${name}", a slot it does not declare in providerSlots.`,
          );
        }
        return [...mine];
      }) as PluginContext["providers"],
    };
    contexts.set(pluginId, ctx);
    return ctx;
  };

  context();
  const plugins = resolved.map((plugin) => ({ definition: plugin.definition, ctx: context(plugin), plugin }));

  // Providers: created from their validated options, each with the small context it may use.
  for (const { definition, plugin } of plugins) {
    const bySlot = new Map<string, Provider<unknown>[]>();
    for (const [slot, given] of plugin.providers) {
      bySlot.set(
        slot,
        given.map(({ install, options }) => {
          const providerContext: ProviderContext = {
            logger: logger.child({ plugin: definition.id, provider: install.id }),
            clock,
            config: settings,
            fetch: config.fetch ?? globalThis.fetch,
            secret: (name) => providerSecret(db, providerSecrets, `provider:${slot}:${install.id}:${name}`),
          };
          return {
            id: install.id,
            name: install.name,
            provider: install.definition.create(providerContext, options),
          };
        }),
      );
    }
    createdProviders.set(definition.id, bySlot);
  }

  for (const { definition } of plugins) {
    for (const [name, schema] of Object.entries(definition.events?.emits ?? {}))
      events.declare(name, definition.id, schema);
  }
  for (const { definition, ctx } of plugins) {
    if (definition.services) instances.set(definition.id, definition.services(ctx));
  }

  const points = collectExtensionPoints(resolved);
  for (const { definition, ctx } of plugins) {
    const given = (definition.contributes?.(ctx) ?? {}) as Record<string, unknown>;
    for (const { point, value } of checkContributions(definition, given, points, installed)) {
      const list = contributions.get(point) ?? [];
      list.push({ pluginId: definition.id, value });
      contributions.set(point, list);
    }
  }
  auth.useFilters((contributions.get("core.userFilters") ?? []) as Contribution<UserFilter>[]);
  const enrollment = contributions.get("core.userImportEnrollment") ?? [];
  if (enrollment.length > 1) {
    throw new PluginError(
      `Both "${enrollment[0]!.pluginId}" and "${enrollment[1]!.pluginId}" enroll imported users; only one plugin may.`,
    );
  }
  imports.useEnrollment((enrollment[0]?.value as ImportEnrollment | undefined) ?? null);
  const analytics = new Analytics(db, clock, settings.timeZone);
  for (const { pluginId, value } of contributions.get("core.analytics") ?? [])
    analytics.add(pluginId, value as AnalyticsSource);

  for (const { definition, ctx } of plugins) {
    const subscriptions: EventSubscriptions = definition.events?.on?.(ctx) ?? {};
    for (const [name, entry] of Object.entries(subscriptions)) {
      if (!entry) continue;
      if (!events.isDeclared(name)) {
        throw new PluginError(
          `Plugin "${definition.id}" handles event "${name}", which no installed plugin declares. Check the name, or install the plugin that emits it.`,
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
  const realtime = new Realtime(
    { db, database, clock, logger, events, jobs, auth, services, http: config.http ?? {} },
    config.realtime,
  );
  for (const { definition } of plugins) {
    for (const [event, route] of Object.entries(definition.realtime ?? {}))
      if (route) realtime.route(definition.id, event, route as never);
  }
  const notifications = new Notifications(db, clock, events, realtime);
  notifications.register("core", context(), webhookDisabledKind);
  const webhooks = new Webhooks(db, clock, events, jobs, logger, config.webhooks);
  mailWhenDisabled(db, events, auth, mail, settings.publicUrl);
  for (const { pluginId, value } of collectNotificationKinds(contributions))
    notifications.register(pluginId, contexts.get(pluginId) ?? context(), value);
  mail.filterRecipients((executor, to, kind) => notifications.mailRecipients(executor, to, kind));

  const privacy = new Privacy(
    {
      db,
      clock,
      auth,
      jobs,
      mail,
      storage,
      rateLimiter,
      logger: logger.child({ module: "privacy" }),
      settings: new Settings(db, clock, "core"),
      publicUrl: settings.publicUrl,
      handlers: () => (contributions.get("core.privacy") ?? []) as Contribution<PrivacyHandler>[],
    },
    config.privacy,
  );

  const problemTypes = new Map(
    Object.entries(CORE_PROBLEM_TYPES).map(([slug, t]) => [slug, { ...t, owner: "core" }]),
  );
  for (const { definition } of plugins) {
    for (const [slug, type] of Object.entries(definition.problemTypes ?? {})) {
      const previous = problemTypes.get(slug);
      if (previous) {
        throw new PluginError(
          `Problem type "${slug}" of plugin "${definition.id}" is already defined by "${previous.owner}". Use theirs or choose another slug.`,
        );
      }
      problemTypes.set(slug, { ...type, owner: definition.id });
    }
  }

  const { api, finish } = createApiApp({
    auth,
    logger,
    permissions,
    http: config.http ?? {},
    publicUrl: settings.publicUrl,
    load,
    middleware: plugins.flatMap(({ definition, ctx }) =>
      definition.middleware ? [definition.middleware(ctx)] : [],
    ),
  });
  const owners = new Map<string, string>();
  const mount = (owner: string, router: OpenAPIHono<LecternEnv>) => {
    for (const definition of router.openAPIRegistry.definitions) {
      if (definition.type !== "route") continue;
      const key = `${definition.route.method.toUpperCase()} ${definition.route.path}`;
      const previous = owners.get(key);
      if (previous) throw new PluginError(`Route ${key} is claimed by both "${previous}" and "${owner}".`);
      owners.set(key, owner);
      const access = (definition.route as { "x-lectern-access"?: string })["x-lectern-access"];
      if (access && access !== "public" && access !== "signed-in" && !permissions.has(access)) {
        throw new PluginError(
          `Route ${key} of plugin "${owner}" requires the permission "${access}", which no plugin declares. Add it to "${owner}"'s permissions, or fix the name.`,
        );
      }
    }
    api.route("/", router);
  };
  mount("core", authRoutes(auth));
  mount("core", accountRoutes(account));
  mount("core", adminUserRoutes(adminUsers));
  mount("core", importRoutes(imports, storage));
  mount("core", auditRoutes(audit));
  mount("core", analyticsRoutes(analytics));
  mount("core", notificationRoutes(notifications));
  mount("core", webhookRoutes(webhooks));
  mount("core", privacyRoutes(privacy));
  realtime.mount(api);
  for (const { definition, ctx } of plugins) {
    if (definition.routes) mount(definition.id, definition.routes(ctx));
  }
  finish(problemTypes, () =>
    // A load balancer must hear "unavailable" quickly, not wait for a connection that never comes.
    withDeadline(HEALTH_DEADLINE_MS, async () => {
      await db.execute(sql`select 1`);
      return true;
    }),
  );
  const app = createRootApp(api, logger, config.http);
  for (const { definition, ctx } of plugins) {
    if (definition.rootRoutes) app.route("/", definition.rootRoutes(ctx) as Hono<LecternEnv>);
  }

  // Every check above passed: only now is the database touched.
  if (config.migrate ?? true) {
    const applied = await migrate(db, sourcesOf(resolved));
    if (applied.length > 0) logger.info({ applied }, "database migrated");
  }

  for (const { definition, ctx } of plugins) await definition.lifecycle?.onInit?.(ctx);
  for (const { definition, ctx } of plugins) await definition.lifecycle?.onReady?.(ctx);

  if (settings.demo) {
    logger.warn(
      "DEMO MODE: demo accounts with the published password 'lectern-demo' exist. Never run demo mode in production.",
    );
  }

  // The session cache serves entries only once it hears the other instances' invalidations.
  // Not awaited: an unreachable database must not stop the boot (requests answer 503 meanwhile),
  // and without LISTEN the cache simply stays off.
  const sessionCacheListening = auth.sessions.cache
    .connect((channel, onNotify) => database.listen(channel, onNotify))
    .catch((error: unknown) => {
      logger.warn({ err: error }, "session cache off: could not LISTEN for invalidations");
      return async () => {};
    });

  let server: ServerType | null = null;
  if (config.worker !== false) jobs.start((onNotify) => database.listen("lectern_jobs", onNotify));

  return {
    app,
    services,
    events,
    jobs,
    realtime,
    notifications,
    webhooks,
    audit,
    imports,
    privacy,
    db,
    permissions,
    contributions: (point) => contexts.get("core")!.contributions(point),
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
    async start({ port = 4321, hostname = "0.0.0.0" } = {}) {
      await realtime.start();
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info) => {
          resolve({ port: info.port, url: `http://localhost:${info.port}` });
        });
        realtime.attach(server as never);
      });
    },
    async stop() {
      await realtime.stop();
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          if ("closeIdleConnections" in closing) closing.closeIdleConnections();
        });
        server = null;
      }
      await jobs.stop();
      await (await sessionCacheListening)();
      for (const { definition, ctx } of [...plugins].reverse()) await definition.lifecycle?.onShutdown?.(ctx);
      await database.close();
    },
  };
}
