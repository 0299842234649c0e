import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AuditRecorder } from "./audit/service.js";
import type { AuthService } from "./auth/service.js";
import type { Clock } from "./clock.js";
import type { Database } from "./db/index.js";
import type { EventBus, EventHandler, EventName, LecternEvents } from "./events.js";
import type {
  Contribution,
  Contributions,
  ExtensionPoint,
  ExtensionPointName,
  LecternExtensionPoints,
} from "./extensions.js";
import type { LecternEnv } from "./http/env.js";
import type { ProblemType } from "./http/problem.js";
import type { JobDefinition, JobQueue, RetryPolicy } from "./jobs.js";
import type { Logger } from "./logger.js";
import type { Mailer } from "./mail.js";
import type { LecternProviderSlots, Provider, ProviderSlot, ProviderSlotDeclaration } from "./providers.js";
import type { RateLimiter } from "./rate-limit.js";
import type { RealtimeRoutes } from "./realtime/types.js";
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
  /**
   * The service of an installed plugin; throws a clear error when the plugin is not installed or,
   * in a plugin's context, when it is not one of the plugin's `dependsOn` (optional ones included).
   */
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
  /** The audit log: record admin actions (`<pluginId>.<what-happened>`) in the transaction that does them. */
  audit: AuditRecorder;
  rateLimiter: RateLimiter;
  /** Key/value settings kept for this plugin. */
  settings: Settings;
  config: LecternSettings;
  /** What installed plugins contributed to one of this plugin's extension points (or any point). */
  contributions<K extends ExtensionPointName>(point: K): Contribution<LecternExtensionPoints[K]>[];
  /** The providers created for a slot this plugin declares, in the order they were given. */
  providers<T>(slot: ProviderSlot<T>): Provider<T>[];
  providers<K extends string>(
    slot: K,
  ): Provider<K extends keyof LecternProviderSlots ? LecternProviderSlots[K] : unknown>[];
}

export interface PluginDependency {
  id: string;
  optional?: boolean;
}

export interface SeedContext<Options = unknown> extends PluginContext<Options> {
  /** Reports progress for the CLI's progress bar. */
  progress(done: number, total: number, label?: string): void;
}

/** The service type a plugin's `services` must return: what `LecternServices` declares for its id. */
export type ServiceOf<Id extends string> = Id extends keyof LecternServices ? LecternServices[Id] : unknown;

export interface PluginDefinition<Schema extends z.ZodType = z.ZodType, Id extends string = string> {
  id: Id;
  version: string;
  /** The `@lectern/core` versions this plugin works with, as a literal semver range (`"^0.1.0"`). */
  coreRange: string;
  dependsOn?: (string | PluginDependency)[];
  options?: Schema;
  db?: {
    /** A drizzle-kit output folder; applied after core's and after every dependency's. */
    migrations: string | URL;
  };
  /**
   * The problem types this plugin answers, by slug (`"exam-closed": { status: 409, title: "The exam is closed" }`);
   * listed in the OpenAPI document. Throw them as `new ProblemError({ type: "exam-closed", … })`.
   */
  problemTypes?: Record<string, ProblemType>;
  /** Named permissions and the roles that hold them, e.g. `"exams.create": ["instructor", "admin"]`. */
  permissions?: Record<string, Role[]>;
  services?: (ctx: PluginContext<z.output<Schema>>) => ServiceOf<Id>;
  /**
   * Points other plugins may contribute to, by name without the plugin prefix:
   * `{ completionRules: extensionPoint<CompletionRule>() }` declares `"<id>.completionRules"`.
   */
  extensionPoints?: Record<string, ExtensionPoint<unknown>>;
  /**
   * This plugin's contributions to other plugins' (or core's) extension points, e.g.
   * `{ "courses.completionRules": rule }`. Called once at boot, after every service is built;
   * boot refuses a point nobody declared. A point of an optional dependency that is not installed is skipped.
   */
  contributes?: (ctx: PluginContext<z.output<Schema>>) => Contributions;
  /**
   * Provider slots, by the option that carries them: `{ gateways: { slot: "payments.gateways", min: 1 } }`
   * with `options: z.object({ gateways: providersOption("payments.gateways") })`.
   */
  providerSlots?: Record<string, ProviderSlotDeclaration>;
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
  /**
   * Which of its events go to which realtime channels (`user:<id>`, `course:<id>`, `role:admin`),
   * e.g. `{ "course.approved": (e) => [\`user:${e.instructorId}\`, "role:admin"] }`.
   * Messages leave after the event's transaction commits.
   */
  realtime?: RealtimeRoutes;
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

/** A plugin's factory, as `definePlugin` returns it. */
export type PluginFactory<Schema extends z.ZodType = z.ZodType> = ((
  options?: z.input<Schema>,
) => LecternPlugin) & {
  readonly pluginId: string;
  /** Only for typing (`InferOptions`); never set. */
  readonly __options?: z.output<Schema>;
};

/** The options a plugin's hooks receive (after defaults): `InferOptions<typeof exams>`. */
export type InferOptions<F> = F extends { readonly __options?: infer O } ? O : never;

/**
 * Declares a plugin and returns its factory: `export const exams = definePlugin({...})`,
 * installed as `plugins: [exams({ maxQuestions: 10 })]`. Options are validated at boot.
 */
export function definePlugin<
  const Id extends string,
  Schema extends z.ZodType = z.ZodType<Record<string, never>>,
>(definition: PluginDefinition<Schema, Id>): PluginFactory<Schema> {
  const factory = (options?: z.input<Schema>): LecternPlugin => ({
    definition: definition as unknown as PluginDefinition,
    rawOptions: options ?? {},
  });
  return Object.assign(factory, { pluginId: definition.id });
}
