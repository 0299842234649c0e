import type { LecternConfig } from "@lectern/core";

/**
 * The one place where this campus chooses and configures its plugins. Every value comes from
 * the environment, with defaults that work offline on the embedded database.
 */
const env = process.env;

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
  plugins: [],
} satisfies LecternConfig;
