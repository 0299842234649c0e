import { timestamptz, users } from "@lectern/core";
import { referencesCourse } from "@lectern/courses";
import {
  index,
  integer,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const CERTIFICATE_STATUSES = ["pending", "issued", "rejected", "revoked"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const BATCH_STATUSES = ["running", "completed"] as const;
export const BATCH_ITEM_STATUSES = ["queued", "issued", "skipped", "failed"] as const;

/** Each issued certificate's bit in the revocation status lists: list = index / list size. */
export const statusIndexSequence = pgSequence("certificates_status_index_seq", { startWith: 0, minValue: 0 });

/** One row per student and course: the request while pending, the certificate once issued. */
export const certificates = pgTable(
  "certificates_certificates",
  {
    id: uuid("id").primaryKey(),
    courseId: referencesCourse(uuid("course_id").notNull()),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    enrollmentId: uuid("enrollment_id"),
    status: text("status", { enum: CERTIFICATE_STATUSES }).notNull(),
    /** The verification code; given at issuance. */
    code: text("code"),
    /** What the certificate says, as it was printed: later renames change nothing. */
    holderName: text("holder_name"),
    courseTitle: text("course_title"),
    statusIndex: integer("status_index"),
    pdfKey: text("pdf_key"),
    pngKey: text("png_key"),
    /** The signed Open Badges 3.0 credential (VC-JWT). */
    credential: text("credential"),
    /** Why it was rejected or revoked. */
    reason: text("reason"),
    decidedBy: uuid("decided_by").references(() => users.id),
    requestedAt: timestamptz("requested_at").notNull(),
    issuedAt: timestamptz("issued_at"),
    rejectedAt: timestamptz("rejected_at"),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    uniqueIndex("certificates_certificates_user_course_key").on(t.userId, t.courseId),
    uniqueIndex("certificates_certificates_code_key").on(t.code),
    uniqueIndex("certificates_certificates_status_index_key").on(t.statusIndex),
    index("certificates_certificates_status_requested_idx").on(t.status, t.requestedAt, t.id),
    index("certificates_certificates_course_status_idx").on(t.courseId, t.status),
    index("certificates_certificates_user_requested_idx").on(t.userId, t.requestedAt, t.id),
  ],
);

/** An admin's "approve these": worked by a job, a chunk at a time, with its progress kept here. */
export const batches = pgTable("certificates_batches", {
  id: uuid("id").primaryKey(),
  status: text("status", { enum: BATCH_STATUSES }).notNull(),
  courseId: uuid("course_id"),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => users.id),
  total: integer("total").notNull(),
  done: integer("done").notNull().default(0),
  issued: integer("issued").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  createdAt: timestamptz("created_at").notNull(),
  finishedAt: timestamptz("finished_at"),
});

export const batchItems = pgTable(
  "certificates_batch_items",
  {
    batchId: uuid("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    certificateId: uuid("certificate_id")
      .notNull()
      .references(() => certificates.id),
    position: integer("position").notNull(),
    status: text("status", { enum: BATCH_ITEM_STATUSES }).notNull(),
    error: text("error"),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.certificateId] }),
    index("certificates_batch_items_batch_status_idx").on(t.batchId, t.status, t.position),
  ],
);
