import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AnalyticsSource } from "./analytics.js";
import type { AuthService } from "./auth/service.js";
import type { Clock } from "./clock.js";
import type { Database } from "./db/index.js";
import type { EventBus, EventHandler, EventName, LecternEvents } from "./events.js";
import type { LecternEnv } from "./http/env.js";
import type { JobDefinition, JobQueue, RetryPolicy } from "./jobs.js";
import type { Logger } from "./logger.js";
import type { Mailer } from "./mail.js";
import type { RateLimiter } from "./rate-limit.js";
import type { Settings } from "./settings.js";
import type { Storage } from "./storage.js";
import type { Role } from "./types.js";

/**
 * Each plugin's service, by plugin id, added by declaration merging:
 * `declare module "@lectern/core" { interface LecternServices { exams: ExamsService } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface LecternServices {}

export interface ServiceRegistry {
  /** The service of an installed plugin; throws a clear error when the plugin is not installed. */
  get<K extends keyof LecternServices>(id: K): LecternServices[K];
  has(id: string): boolean;
}

export interface LecternSettings {
  /** The address users reach the site at; used in mailed links. */
  publicUrl: string;
  /** The institution's IANA time zone: it decides what "today" is. */
  timeZone: string;
  /** True when the demo accounts exist; never in production. */
  demo: boolean;
}

/** What a plugin's hooks receive. Everything a plugin needs comes through here. */
export interface PluginContext<Options = unknown> {
  pluginId: string;
  options: Options;
  db: Database;
  clock: Clock;
  logger: Logger;
  services: ServiceRegistry;
  events: EventBus;
  jobs: JobQueue;
  mail: Mailer;
  storage: Storage;
  auth: AuthService;
  rateLimiter: RateLimiter;
  /** Key/value settings kept for this plugin. */
  settings: Settings;
  config: LecternSettings;
}

export interface PluginDependency {
  id: string;
  optional?: boolean;
}

export interface SeedContext<Options = unknown> extends PluginContext<Options> {
  /** Reports progress for the CLI's progress bar. */
  progress(done: number, total: number, label?: string): void;
}

export interface PluginDefinition<Schema extends z.ZodType = z.ZodType> {
  id: string;
  version: string;
  /** The `@lectern/core` versions this plugin works with, as a semver range. */
  coreRange: string;
  dependsOn?: (string | PluginDependency)[];
  options?: Schema;
  db?: {
    /** A drizzle-kit output folder; applied after core's and after every dependency's. */
    migrations: string | URL;
  };
  /** Named permissions and the roles that hold them, e.g. `"exams.create": ["instructor", "admin"]`. */
  permissions?: Record<string, Role[]>;
  services?: (ctx: PluginContext<z.output<Schema>>) => unknown;
  /** OpenAPI routes mounted under `/api`; build them with `createRouter()` and `defineRoute()`. */
  routes?: (ctx: PluginContext<z.output<Schema>>) => OpenAPIHono<LecternEnv>;
  /**
   * Routes outside `/api`, for documents whose place a standard fixes
   * (e.g. `/.well-known/jwks.json`). Keep everything else under `/api`.
   */
  rootRoutes?: (ctx: PluginContext<z.output<Schema>>) => Hono<LecternEnv> | Hono;
  /** Middleware run on every `/api` request after the session is read. */
  middleware?: (ctx: PluginContext<z.output<Schema>>) => MiddlewareHandler<LecternEnv>;
  events?: {
    /** The events this plugin emits and the schemas their payloads must satisfy. */
    emits?: Record<string, z.ZodType>;
    /** Handlers for events of this or other plugins; delivered at least once, so make them idempotent. */
    on?: (ctx: PluginContext<z.output<Schema>>) => EventSubscriptions;
  };
  jobs?: (ctx: PluginContext<z.output<Schema>>) => JobDefinition<never>[];
  /** This plugin's figures for the admin dashboard (`GET /api/admin/analytics`). */
  analytics?: (ctx: PluginContext<z.output<Schema>>) => AnalyticsSource;
  lifecycle?: {
    /** After migrations, before routes are served. */
    onInit?: (ctx: PluginContext<z.output<Schema>>) => Promise<void> | void;
    /** After every plugin has loaded: wire plugins together here. */
    onReady?: (ctx: PluginContext<z.output<Schema>>) => Promise<void> | void;
    onShutdown?: (ctx: PluginContext<z.output<Schema>>) => Promise<void> | void;
  };
  seed?: {
    /** Demo data for `lectern seed --demo`; must be safe to run twice. */
    demo?: (ctx: SeedContext<z.output<Schema>>) => Promise<void>;
  };
}

export type EventSubscriptions = {
  [K in EventName]?:
    | EventHandler<LecternEvents[K]>
    | { handle: EventHandler<LecternEvents[K]>; retry?: RetryPolicy };
};

/** A plugin as installed: its definition and the raw options it was given. */
export interface LecternPlugin {
  readonly definition: PluginDefinition;
  readonly rawOptions: unknown;
}

/**
 * Declares a plugin and returns its factory: `export const exams = definePlugin({...})`,
 * installed as `plugins: [exams({ maxQuestions: 10 })]`. Options are validated at boot.
 */
export function definePlugin<Schema extends z.ZodType = z.ZodType<Record<string, never>>>(
  definition: PluginDefinition<Schema>,
): (options?: z.input<Schema>) => LecternPlugin {
  return (options) => ({ definition: definition as unknown as PluginDefinition, rawOptions: options ?? {} });
}
