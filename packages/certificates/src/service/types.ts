import type {
  AuditRecorder,
  AuthService,
  Clock,
  Database,
  EventBus,
  JobQueue,
  Logger,
  Mailer,
  RateLimiter,
  Settings,
  Storage,
  User,
} from "@lectern/core";
import type { CoursesService } from "@lectern/courses";
import type { JWK } from "jose";
import type { CertificateTemplate } from "../render/model.js";
import type { CertificateStatus, certificates } from "../schema.js";

/** The plugin's options after validation (see `certificatesOptions` in index.ts). */
export interface CertificatesConfig {
  institution: { name: string; logo?: string; primaryColor: string; accentColor?: string; url?: string };
  signatories: { name: string; title: string; signature?: string }[];
  template?: CertificateTemplate;
  verifyBaseUrl?: string;
  locale: string;
  criteria: string;
  verifyRateLimit: { limit: number; windowMs: number };
  batchChunkSize: number;
  mail: { subject?: (courseTitle: string) => string };
}

/** What the service needs, built from the plugin context in index.ts. */
export interface CertificatesServiceDeps {
  db: Database;
  clock: Clock;
  events: EventBus;
  jobs: JobQueue;
  mail: Mailer;
  logger: Logger;
  storage: Storage;
  auth: AuthService;
  /** Approvals, rejections and revocations are recorded here. */
  audit: AuditRecorder;
  rateLimiter: RateLimiter;
  /** This plugin's key/value settings (the issuer keys live here). */
  settings: Settings;
  courses: () => CoursesService;
  options: CertificatesConfig;
  publicUrl: string;
  timeZone: string;
}

/** A certificate as every client sees it (API.md "certificate"), with a few extra fields. */
export interface Certificate {
  id: string;
  courseId: string;
  userId: string;
  status: CertificateStatus;
  /** Given at issuance; null while pending or when rejected. */
  code: string | null;
  verifyUrl: string | null;
  issuedAt: string | null;
  revokedAt: string | null;
  holderName: string;
  courseTitle: string;
  requestedAt: string;
  rejectedAt: string | null;
  /** Why it was rejected or revoked. */
  reason: string | null;
  pdfUrl: string | null;
  pngUrl: string | null;
  credentialUrl: string | null;
}

export interface Batch {
  id: string;
  status: "running" | "completed";
  courseId: string | null;
  total: number;
  /** Items finished, whatever their outcome: progress is done / total. */
  done: number;
  issued: number;
  skipped: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  /** Certificates the batch could not issue, and why (skipped ones included, with their reason). */
  failures: { certificateId: string; outcome: "skipped" | "failed"; error: string }[];
}

export interface Verification {
  valid: boolean;
  status: "issued" | "revoked";
  code: string;
  holderName: string;
  courseTitle: string;
  issuedAt: string;
  revokedAt: string | null;
  issuer: { name: string; url: string };
}

export interface IssuerKeySummary {
  current: string;
  keys: { kid: string; createdAt: string; retiredAt: string | null }[];
}

export interface StoredKey {
  kid: string;
  publicJwk: JWK;
  /** Only the current key keeps its private half: retired keys only verify. */
  privateJwk?: JWK;
  createdAt: string;
  retiredAt?: string;
}

export type Viewer = Pick<User, "id" | "role">;

export type SelectedRow = {
  row: typeof certificates.$inferSelect;
  userName: string;
  userEmail: string;
  courseTitle: string;
};
