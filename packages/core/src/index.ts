export { z } from "@hono/zod-openapi";
export { AccessTokenCache, type IssuedToken } from "./access-token.js";
export type {
  AdminAnalytics,
  AnalyticsFigures,
  AnalyticsQuery,
  AnalyticsSource,
  BreakdownItem,
} from "./analytics.js";
export { type AuditEntry, type AuditInput, AuditLog, type AuditRecorder } from "./audit/service.js";
export type { SessionInfo } from "./auth/account.js";
export { describeDevice } from "./auth/device.js";
export { ExternalAccounts, type ExternalSignedIn, setSessionCookie } from "./auth/external.js";
export { toUserJson, UserSchema } from "./auth/routes.js";
export { AdminUserSchema, toAdminUserJson } from "./auth/schemas.js";
export {
  type AdminUser,
  type AuthOptions,
  AuthService,
  normaliseEmail,
  type SignedIn,
} from "./auth/service.js";
export { SESSION_COOKIE, type Session } from "./auth/sessions.js";
export { type Clock, DAY, HOUR, ManualClock, MINUTE, systemClock } from "./clock.js";
export { CORE_PERMISSIONS } from "./core-declarations.js";
export { type CsvColumn, type CsvValue, csvHeaders, csvResponse, percentCell, toCsv } from "./csv.js";
export { GroupCommit, type GroupCommitOptions } from "./db/group-commit.js";
export { advisoryLock, timestamptz, withAdvisoryLock } from "./db/helpers.js";
export {
  type Database,
  type DatabaseConfig,
  DEFAULT_DATA_DIR,
  type Executor,
  openDatabase,
  type PGliteExtensions,
  type PGliteInstance,
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
export {
  type CliCommand,
  type CliIO,
  CORE_EXTENSION_POINTS,
  type Contribution,
  type Contributions,
  type ExtensionPoint,
  type ExtensionPointName,
  extensionPoint,
  type LecternExtensionPoints,
  type NotificationKind,
  type PrivacyHandler,
  type StudentReportSection,
  type UserFilter,
} from "./extensions.js";
export type { AdmissionOptions } from "./http/admission.js";
export type { HttpOptions } from "./http/app.js";
export type { LecternEnv } from "./http/env.js";
export {
  contentDisposition,
  mustDownload,
  parseRange,
  type ServeFileOptions,
  serveStoredFile,
} from "./http/files.js";
export {
  CORE_PROBLEM_TYPES,
  PROBLEM_BASE,
  type Problem,
  ProblemError,
  type ProblemType,
  problemResponse,
  problems,
} from "./http/problem.js";
export { publicUrlProblem } from "./http/public-url.js";
export {
  type Access,
  accessGuard,
  createRouter,
  currentUser,
  defineRoute,
  FormatQuery,
  IdParam,
  json,
  jsonBody,
  jsonOrCsv,
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
  defineWebhookRoute,
  type WebhookHandlerRouteOptions,
  type WebhookInboxRouteOptions,
  type WebhookRequest,
  type WebhookResult,
  type WebhookRouteOptions,
} from "./http/webhook.js";
export { IMPORT_COLUMNS, type ImportIssue } from "./imports/parse.js";
export {
  type ImportEnrollment,
  type ImportOptions,
  USER_IMPORT_JOB,
  type UserImport,
  UserImports,
} from "./imports/service.js";
export {
  defineJob,
  type EnqueueOptions,
  type FailedJob,
  type JobDefinition,
  type JobPayload,
  JobQueue,
  type JobRun,
  type LecternJobs,
  type NewJob,
  type RetryPolicy,
} from "./jobs.js";
export {
  createLectern,
  type Lectern,
  type LecternConfig,
  migrationSources,
  type WorkerOptions,
} from "./lectern.js";
export { createLogger, type Logger } from "./logger.js";
export {
  MAIL_JOB,
  type MailAttachment,
  type MailConfig,
  Mailer,
  type MailMessage,
  type MailRecipientFilter,
} from "./mail.js";
export { formatMoney, type Money, MoneySchema } from "./money.js";
export { collectNotificationKinds, defineNotificationKind } from "./notifications/kinds.js";
export { NotificationSchema } from "./notifications/routes.js";
export {
  type KindPreference,
  NOTIFICATION_EVENT,
  type Notification,
  Notifications,
} from "./notifications/service.js";
export {
  afterTimeAndId,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  type Page,
  pageQuery,
  toPage,
} from "./pagination.js";
export {
  definePlugin,
  type EventSubscriptions,
  type InferOptions,
  type LecternPlugin,
  type LecternServices,
  type LecternSettings,
  type PluginContext,
  type PluginDefinition,
  type PluginDependency,
  type PluginFactory,
  type SeedContext,
  type ServiceOf,
  type ServiceRegistry,
} from "./plugin.js";
export { ERASED_NAME, erasedEmail } from "./privacy/account.js";
export {
  EXPORT_FORMAT,
  type ExportArchive,
  isErased,
  PRIVACY_EXPORT_JOB,
  Privacy,
  type PrivacyOptions,
} from "./privacy/service.js";
export {
  defineProvider,
  isProviderInstall,
  type LecternProviderSlots,
  type Provider,
  type ProviderContext,
  type ProviderDefinition,
  ProviderError,
  type ProviderInstall,
  type ProviderSlot,
  type ProviderSlotDeclaration,
  providerSlot,
  providersOption,
} from "./providers.js";
export { RateLimiter, type RateLimitRule } from "./rate-limit.js";
export { Realtime } from "./realtime/service.js";
export { RealtimeStore } from "./realtime/store.js";
export {
  NOTIFY_LIMIT_BYTES,
  PostgresNotifyTransport,
  type RealtimeEnvelope,
  type RealtimeTransport,
} from "./realtime/transport.js";
export {
  ADMIN_CHANNEL,
  courseChannel,
  parseChannel,
  type RealtimeMessage,
  type RealtimeOptions,
  type RealtimeRoute,
  type RealtimeRoutes,
  userChannel,
} from "./realtime/types.js";
export { PluginError, resolvePlugins } from "./registry.js";
export { currentRequest, type RequestContext } from "./request-context.js";
export { users } from "./schema.js";
export { Settings } from "./settings.js";
export {
  type ByteRange,
  FileTooLargeError,
  LocalDiskStorage,
  type PutOptions,
  type Storage,
  type StoredObject,
} from "./storage.js";
export { ROLES, type Role, type User } from "./types.js";
export { CORE_VERSION } from "./version.js";
export { isPrivateAddress } from "./webhooks/address.js";
export {
  type InboxEntry,
  type InboxEvent,
  WebhookInbox,
  type WebhookInboxOptions,
} from "./webhooks/inbox.js";
export {
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookOptions,
  Webhooks,
} from "./webhooks/service.js";
export { sign as signWebhook } from "./webhooks/signing.js";
