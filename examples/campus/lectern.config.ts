import { certificates } from "@lectern/certificates";
import type { LecternConfig } from "@lectern/core";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { defineBranding } from "./src/lib/branding.js";

/**
 * The one place where this campus chooses and configures its plugins. Every value comes from
 * the environment, with defaults that work offline on the embedded database.
 */
const env = process.env;

/** The campus's look: name, logo and primary colour; the site derives every shade from them. */
export const branding = defineBranding({
  name: env.CAMPUS_NAME,
  logoUrl: env.CAMPUS_LOGO_URL,
  primaryColor: env.CAMPUS_PRIMARY_COLOR,
  tagline: env.CAMPUS_TAGLINE,
});

export default {
  // PostgreSQL when DATABASE_URL is set; otherwise embedded PGlite keeping its data in a folder.
  database: env.DATABASE_URL
    ? { url: env.DATABASE_URL }
    : { dataDir: env.LECTERN_DATA_DIR ?? ".lectern/data" },
  storage: env.LECTERN_FILES_DIR ?? ".lectern/files",
  publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 4321}`,
  timeZone: env.TIME_ZONE ?? "UTC",
  mail: {
    from: env.MAIL_FROM ?? '"Lectern Campus" <no-reply@campus.localhost>',
    // Without SMTP_URL, mail is written to .lectern/mail as .eml files.
    smtp: env.SMTP_URL || undefined,
    outboxDir: env.LECTERN_MAIL_DIR ?? ".lectern/mail",
  },
  http: {
    trustProxy: env.TRUST_PROXY === "true",
    trustedOrigins: env.TRUSTED_ORIGINS ? env.TRUSTED_ORIGINS.split(",").map((o) => o.trim()) : [],
  },
  plugins: [
    // Catalog, approval workflow, materials, enrollment and progress.
    courses(),
    // Quiz builder, server-timed attempts, grading, GIFT/Aiken import; at most 10 questions an exam.
    exams({ maxQuestions: Number(env.EXAM_MAX_QUESTIONS ?? 10) }),
    // Certificates on completion, approved by an admin, verifiable at /verify/<code>.
    certificates({ institution: { name: branding.name } }),
  ],
} satisfies LecternConfig;
