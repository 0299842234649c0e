import { definePlugin, z } from "@lectern/core";
import { certificatesAnalytics } from "./analytics.js";
import { certificatesCliCommand } from "./cli.js";
import { certificateEvents } from "./events.js";
import { certificatesNotificationKinds, certificatesRealtime } from "./notifications.js";
import { certificatesPrivacy } from "./privacy.js";
import type { CertificateTemplate } from "./render/model.js";
import { certificatesRootRoutes, certificatesRoutes } from "./routes.js";
import { seedDemoCertificates } from "./seed.js";
import { BATCH_JOB, type CertificatesConfig, CertificatesService } from "./service.js";

export { approveCourseCertificates, certificatesCliCommand } from "./cli.js";
export { generateVerificationCode, normaliseCode } from "./code.js";
export {
  buildCredential,
  buildStatusListCredential,
  CREDENTIAL_CONTEXT,
  type CredentialInput,
  CredentialVerificationError,
  encodeStatusList,
  generateIssuerKey,
  type IssuerKey,
  isRevoked,
  type OpenBadgeCredential,
  type SignableCredential,
  STATUS_LIST_SIZE,
  signCredential,
  type VerifyOptions,
  verifyCredential,
} from "./credential.js";
export { certificateEvents } from "./events.js";
export { defaultTemplate } from "./render/default-template.js";
export { fontStack, SANS, SERIF, UnsupportedScriptError } from "./render/fonts.js";
export {
  type CertificateData,
  type CertificateElement,
  type CertificateNode,
  type CertificateTemplate,
  type FitTextBox,
  type FittedText,
  h,
  type TemplateKit,
} from "./render/model.js";
export {
  PAGE_HEIGHT,
  PAGE_WIDTH,
  type PdfOptions,
  type RenderOptions,
  renderCertificatePdf,
  renderCertificatePng,
  renderCertificateSvg,
} from "./render/render.js";
export type { CertificateStatus } from "./schema.js";
export type {
  Batch,
  Certificate,
  CertificatesConfig,
  CertificatesServiceDeps,
  IssuerKeySummary,
  Verification,
} from "./service.js";
export { BATCH_JOB, CertificatesService } from "./service.js";

const dataUri = z
  .string()
  .regex(/^data:image\/(png|jpeg|svg\+xml)[;,]/, "A data URI of a PNG, JPEG or SVG image.");
const colour = z.string().regex(/^#[0-9a-fA-F]{3,8}$|^[a-z]+$/i, "A CSS colour such as #1f3a5f.");

export const certificatesOptions = z.object({
  institution: z
    .object({
      name: z.string().min(1).default("Lectern Campus"),
      /** A data URI (PNG, JPEG or SVG), printed at the top. */
      logo: dataUri.optional(),
      primaryColor: colour.default("#1f3a5f"),
      accentColor: colour.optional(),
      /** The institution's home page in credentials; the public URL when omitted. */
      url: z.string().url().optional(),
    })
    .prefault({}),
  signatories: z
    .array(z.object({ name: z.string().min(1), title: z.string(), signature: dataUri.optional() }))
    .max(3)
    .default([]),
  /** Replaces the default layout; see the README. */
  template: z
    .custom<CertificateTemplate>((value) => typeof value === "function", "A template function.")
    .optional(),
  /** Where the QR code and mails send people to check a code; `${publicUrl}/verify/` by default. */
  verifyBaseUrl: z.string().url().optional(),
  /** BCP 47 locale of the printed date. */
  locale: z.string().default("en-GB"),
  /** The achievement's criteria in credentials. */
  criteria: z
    .string()
    .default("Completed every required material and passed every published exam of the course."),
  /** Unknown codes an address may try before `GET /api/verify/:code` answers 429. */
  verifyRateLimit: z
    .object({
      limit: z.number().int().positive().default(20),
      windowMs: z
        .number()
        .int()
        .positive()
        .default(15 * 60_000),
    })
    .prefault({}),
  /** Certificates a batch job issues per run before it queues the next run. */
  batchChunkSize: z.number().int().min(1).max(500).default(20),
  mail: z
    .object({ subject: z.custom<(courseTitle: string) => string>((v) => typeof v === "function").optional() })
    .prefault({}),
});

export type CertificatesOptions = z.input<typeof certificatesOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    certificates: CertificatesService;
  }
}

/**
 * The certificates plugin: a pending request when a student completes a course, admin approval
 * (one at a time or in batches), a rendered PDF mailed to the holder, public verification codes,
 * and signed Open Badges 3.0 credentials with published revocation.
 */
export const certificates = definePlugin({
  id: "certificates",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses"],
  options: certificatesOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: {
    "certificate-decided": { status: 409, title: "Conflict with the current state" },
    "certificate-not-found": { status: 404, title: "Not found" },
    "certificate-not-issued": { status: 409, title: "Conflict with the current state" },
  },
  permissions: {
    "certificates.manage": ["admin"],
    "certificates.hold": ["student"],
  },
  services: (ctx) =>
    new CertificatesService({
      db: ctx.db,
      clock: ctx.clock,
      events: ctx.events,
      jobs: ctx.jobs,
      mail: ctx.mail,
      logger: ctx.logger,
      storage: ctx.storage,
      auth: ctx.auth,
      audit: ctx.audit,
      rateLimiter: ctx.rateLimiter,
      settings: ctx.settings,
      courses: () => ctx.services.get("courses"),
      options: ctx.options as CertificatesConfig,
      publicUrl: ctx.config.publicUrl,
      timeZone: ctx.config.timeZone,
    }),
  routes: (ctx) => certificatesRoutes(ctx, ctx.services.get("certificates")),
  rootRoutes: (ctx) => certificatesRootRoutes(ctx.services.get("certificates")),
  events: {
    emits: certificateEvents,
    on: (ctx) => ({
      "course.completed": async (event) => {
        const { userId, courseId, enrollmentId } = event.data;
        await ctx.db.transaction((tx) =>
          ctx.services.get("certificates").requestCertificate(tx, { userId, courseId, enrollmentId }),
        );
      },
    }),
  },
  realtime: certificatesRealtime,
  contributes: () => ({
    "core.notificationKinds": certificatesNotificationKinds,
    "core.analytics": certificatesAnalytics,
    "core.cliCommands": certificatesCliCommand,
    "core.privacy": certificatesPrivacy,
  }),
  jobs: (ctx) => [
    {
      name: BATCH_JOB,
      retry: { attempts: 5, backoffMs: 5_000 },
      run: async (payload: { batchId: string; round: number }) =>
        ctx.services.get("certificates").runBatchChunk(payload.batchId, payload.round),
    },
  ],
  lifecycle: {
    onInit: (ctx) => ctx.services.get("certificates").ensureIssuerKey(),
  },
  seed: {
    demo: (ctx) => seedDemoCertificates(ctx, ctx.services.get("certificates")),
  },
});
