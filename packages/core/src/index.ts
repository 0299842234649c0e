export { z } from "@hono/zod-openapi";
export type {
  AdminAnalytics,
  AnalyticsFigures,
  AnalyticsQuery,
  AnalyticsSource,
  BreakdownItem,
} from "./analytics.js";
export { SESSION_COOKIE, toUserJson, UserSchema } from "./auth/routes.js";
export {
  type AuthOptions,
  AuthService,
  normaliseEmail,
  type SignedIn,
  type UserFilter,
} from "./auth/service.js";
export type { Session } from "./auth/sessions.js";
export { type Clock, DAY, HOUR, ManualClock, MINUTE, systemClock } from "./clock.js";
export { type CsvColumn, type CsvValue, csvHeaders, toCsv } from "./csv.js";
export {
  type Database,
  type DatabaseConfig,
  type Executor,
  openDatabase,
  rowsOf,
  type Transaction,
} from "./db/index.js";
export { type MigrationSource, migrate } from "./db/migrate.js";
export { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo.js";
export {
  type DeliveredEvent,
  type EmittedEvent,
  EventBus,
  type EventHandler,
  type EventName,
  type LecternEvents,
} from "./events.js";
export type { HttpOptions } from "./http/app.js";
export type { LecternEnv } from "./http/env.js";
export {
  contentDisposition,
  mustDownload,
  parseRange,
  type ServeFileOptions,
  serveStoredFile,
} from "./http/files.js";
export { PROBLEM_BASE, type Problem, ProblemError, problemResponse, problems } from "./http/problem.js";
export {
  type Access,
  accessGuard,
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  jsonBody,
  ProblemSchema,
  pageOf,
} from "./http/router.js";
export {
  acceptsType,
  type ReceivedUpload,
  receiveUpload,
  SNIFF_BYTES,
  sniffContentType,
  type UploadedFile,
  type UploadOptions,
  type UploadRule,
} from "./http/upload.js";
export {
  type EnqueueOptions,
  type FailedJob,
  type JobDefinition,
  JobQueue,
  type JobRun,
  type NewJob,
  type RetryPolicy,
} from "./jobs.js";
export { CORE_PERMISSIONS, createLectern, type Lectern, type LecternConfig } from "./lectern.js";
export { createLogger, type Logger } from "./logger.js";
export { MAIL_JOB, type MailAttachment, type MailConfig, Mailer, type MailMessage } from "./mail.js";
export { formatMoney, type Money, MoneySchema } from "./money.js";
export { afterTimeAndId, decodeCursor, encodeCursor, type Page, pageQuery, toPage } from "./pagination.js";
export {
  definePlugin,
  type EventSubscriptions,
  type LecternPlugin,
  type LecternServices,
  type LecternSettings,
  type PluginContext,
  type PluginDefinition,
  type PluginDependency,
  type SeedContext,
  type ServiceRegistry,
} from "./plugin.js";
export { RateLimiter, type RateLimitRule } from "./rate-limit.js";
export { PluginError, resolvePlugins } from "./registry.js";
export { users } from "./schema.js";
export { Settings } from "./settings.js";
export {
  type ByteRange,
  LocalDiskStorage,
  type PutOptions,
  type Storage,
  type StoredObject,
} from "./storage.js";
export { ROLES, type Role, type User } from "./types.js";
export { CORE_VERSION } from "./version.js";
