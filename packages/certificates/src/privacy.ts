import type { PrivacyHandler } from "@lectern/core";
import { and, asc, eq, inArray } from "drizzle-orm";
import { batchItems, certificates } from "./schema.js";

/** Issued (and revoked) certificates are the institution's record: they outlive the account. */
const KEPT = ["issued", "revoked"] as const;
const DROPPED = ["pending", "rejected"] as const;

/**
 * What certificates keeps about a person: their requests and certificates. On erasure, requests
 * that never became certificates are deleted; an issued or revoked certificate stays, with the
 * holder name it was issued to, its code, signed credential and files, so anyone holding it can
 * still verify it (and a revoked one still verifies as revoked).
 */
export const certificatesPrivacy: PrivacyHandler = {
  key: "certificates.certificates",
  async export(executor, { userId }) {
    const rows = await executor
      .select()
      .from(certificates)
      .where(eq(certificates.userId, userId))
      .orderBy(asc(certificates.requestedAt));
    return rows.map((row) => ({
      id: row.id,
      courseId: row.courseId,
      courseTitle: row.courseTitle,
      status: row.status,
      holderName: row.holderName,
      code: row.code,
      credential: row.credential,
      reason: row.reason,
      requestedAt: row.requestedAt,
      issuedAt: row.issuedAt,
      rejectedAt: row.rejectedAt,
      revokedAt: row.revokedAt,
      kept: (KEPT as readonly string[]).includes(row.status),
    }));
  },
  async erase(tx, { userId }) {
    const dropped = await tx
      .select({ id: certificates.id })
      .from(certificates)
      .where(and(eq(certificates.userId, userId), inArray(certificates.status, [...DROPPED])));
    if (dropped.length === 0) return;
    const ids = dropped.map((d) => d.id);
    await tx.delete(batchItems).where(inArray(batchItems.certificateId, ids));
    await tx.delete(certificates).where(inArray(certificates.id, ids));
  },
};
