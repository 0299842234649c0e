import {
  afterTimeAndId,
  decodeCursor,
  type Executor,
  type Page,
  problems,
  toPage,
  users,
} from "@lectern/core";
import { coursesView } from "@lectern/courses";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { type CertificateStatus, certificates } from "../schema.js";
import { CertificatesPart, iso, rowColumns } from "./context.js";
import type { Certificate, SelectedRow, Viewer } from "./types.js";

/** Listing and reading certificates, and how each is shown to clients. */
export class CertificateViews extends CertificatesPart {
  verifyUrlOf(code: string): string {
    const base = this.options.verifyBaseUrl ?? `${this.deps.publicUrl}/verify/`;
    return `${base}${code}`;
  }

  async listAll(query: {
    status?: CertificateStatus;
    courseId?: string;
    userId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<Certificate>> {
    const filters: SQL[] = [];
    if (query.status) filters.push(eq(certificates.status, query.status));
    if (query.courseId) filters.push(eq(certificates.courseId, query.courseId));
    if (query.userId) filters.push(eq(certificates.userId, query.userId));
    const after = afterTimeAndId(
      decodeCursor(query.cursor),
      certificates.requestedAt,
      certificates.id,
      "desc",
    );
    if (after) filters.push(after);
    const rows = await this.select(this.db)
      .where(and(...filters))
      .orderBy(desc(certificates.requestedAt), desc(certificates.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.row.requestedAt.toISOString(), r.row.id],
      (r) => this.toCertificate(r),
    );
  }

  /** The viewer's own certificate, or any for an admin; 404 for everyone else. */
  async getCertificate(viewer: Viewer, id: string): Promise<Certificate> {
    return this.toCertificate(await this.visible(viewer, id));
  }

  select(executor: Executor) {
    return executor
      .select({ ...rowColumns, courseTitle: coursesView.title })
      .from(certificates)
      .innerJoin(users, eq(users.id, certificates.userId))
      .innerJoin(coursesView, eq(coursesView.id, certificates.courseId));
  }

  async row(executor: Executor, id: string, options: { lock?: boolean } = {}): Promise<SelectedRow> {
    if (options.lock) {
      await executor
        .select({ id: certificates.id })
        .from(certificates)
        .where(eq(certificates.id, id))
        .for("update");
    }
    const [row] = await this.select(executor).where(eq(certificates.id, id));
    if (!row) throw problems.notFound("There is no such certificate.");
    return row;
  }

  async visible(viewer: Viewer, id: string): Promise<SelectedRow> {
    const row = await this.row(this.db, id).catch(() => null);
    if (!row || (viewer.role !== "admin" && row.row.userId !== viewer.id)) {
      throw problems.notFound("There is no such certificate.");
    }
    return row;
  }

  async downloadable(viewer: Viewer, id: string): Promise<SelectedRow> {
    const found = await this.visible(viewer, id);
    const { status } = found.row;
    if (status === "pending" || status === "rejected") {
      throw problems.notFound(
        status === "pending"
          ? "This certificate has not been issued yet."
          : "This certificate was not issued.",
      );
    }
    if (status === "revoked" && viewer.role !== "admin") {
      throw problems.gone("This certificate was revoked.");
    }
    return found;
  }

  toCertificate({ row, userName, courseTitle }: SelectedRow): Certificate {
    const issued = row.status === "issued" || row.status === "revoked";
    const base = `/api/certificates/${row.id}`;
    return {
      id: row.id,
      courseId: row.courseId,
      userId: row.userId,
      status: row.status,
      code: row.code,
      verifyUrl: row.code ? this.verifyUrlOf(row.code) : null,
      issuedAt: iso(row.issuedAt),
      revokedAt: iso(row.revokedAt),
      holderName: row.holderName ?? userName,
      courseTitle: row.courseTitle ?? courseTitle,
      requestedAt: row.requestedAt.toISOString(),
      rejectedAt: iso(row.rejectedAt),
      reason: row.reason,
      pdfUrl: issued ? `${base}/pdf` : null,
      pngUrl: issued ? `${base}/png` : null,
      credentialUrl: issued ? `${base}/credential` : null,
    };
  }
}
