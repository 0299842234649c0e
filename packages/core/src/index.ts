export { createLectern, CORE_PERMISSIONS, type Lectern, type LecternConfig } from "./lectern.js";
export {
  definePlugin,
  type LecternPlugin,
  type LecternServices,
  type LecternSettings,
  type PluginContext,
  type PluginDefinition,
  type PluginDependency,
  type SeedContext,
  type ServiceRegistry,
  type EventSubscriptions,
} from "./plugin.js";
export { PluginError, resolvePlugins } from "./registry.js";
export { EventBus, type DeliveredEvent, type EventHandler, type EventName, type LecternEvents } from "./events.js";
export { JobQueue, type EnqueueOptions, type FailedJob, type JobDefinition, type JobRun, type RetryPolicy } from "./jobs.js";
export { Mailer, MAIL_JOB, type MailAttachment, type MailConfig, type MailMessage } from "./mail.js";
export { LocalDiskStorage, type ByteRange, type PutOptions, type Storage, type StoredObject } from "./storage.js";
export { RateLimiter, type RateLimitRule } from "./rate-limit.js";
export { Settings } from "./settings.js";
export { type Clock, ManualClock, systemClock, MINUTE, HOUR, DAY } from "./clock.js";
export { openDatabase, rowsOf, type Database, type DatabaseConfig, type Executor, type Transaction } from "./db/index.js";
export { migrate, type MigrationSource } from "./db/migrate.js";
export { createLogger, type Logger } from "./logger.js";
export { ProblemError, problems, problemResponse, PROBLEM_BASE, type Problem } from "./http/problem.js";
export {
  createRouter,
  defineRoute,
  accessGuard,
  currentUser,
  json,
  jsonBody,
  ProblemSchema,
  type Access,
} from "./http/router.js";
export type { LecternEnv } from "./http/env.js";
export type { HttpOptions } from "./http/app.js";
export { pageQuery, encodeCursor, decodeCursor, toPage, type Page } from "./pagination.js";
export { AuthService, normaliseEmail, type AuthOptions, type SignedIn, type UserFilter } from "./auth/service.js";
export { UserSchema, toUserJson, SESSION_COOKIE } from "./auth/routes.js";
export type { Session } from "./auth/sessions.js";
export { ROLES, type Role, type User } from "./types.js";
export { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo.js";
export { CORE_VERSION } from "./version.js";
export { users } from "./schema.js";
export { z } from "@hono/zod-openapi";
export { serveStoredFile, parseRange, mustDownload, contentDisposition, type ServeFileOptions } from "./http/files.js";
export {
  receiveUpload,
  sniffContentType,
  acceptsType,
  SNIFF_BYTES,
  type UploadRule,
  type UploadOptions,
  type UploadedFile,
  type ReceivedUpload,
} from "./http/upload.js";
