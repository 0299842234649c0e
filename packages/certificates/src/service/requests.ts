import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { type Executor, problems, rowsOf } from "@lectern/core";
import { and, eq, sql } from "drizzle-orm";
import { generateVerificationCode } from "../code.js";
import { renderCertificatePdf } from "../render/render.js";
import { certificates, statusIndexSequence } from "../schema.js";
import { assertDecidable, CertificatesPart } from "./context.js";
import type { Certificate, Viewer } from "./types.js";

/** Requests and decisions: a pending request per completed course, approval (issuance), rejection and revocation. */
export class CertificateRequests extends CertificatesPart {
  /** Records a pending request for a student who completed a course; once per student and course. */
  async requestCertificate(
    tx: Executor,
    input: { userId: string; courseId: string; enrollmentId?: string },
  ): Promise<{ id: string; created: boolean }> {
    const id = randomUUID();
    const inserted = await tx
      .insert(certificates)
      .values({
        id,
        courseId: input.courseId,
        userId: input.userId,
        enrollmentId: input.enrollmentId ?? null,
        status: "pending",
        requestedAt: this.deps.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ id: certificates.id });
    if (inserted.length === 0) {
      const [existing] = await tx
        .select({ id: certificates.id })
        .from(certificates)
        .where(and(eq(certificates.userId, input.userId), eq(certificates.courseId, input.courseId)));
      return { id: existing!.id, created: false };
    }
    await this.deps.events.emit(tx, "certificate.requested", {
      certificateId: id,
      courseId: input.courseId,
      userId: input.userId,
    });
    return { id, created: true };
  }

  /**
   * Issues a pending certificate: renders and stores the PDF, signs the credential, and in one
   * transaction marks it issued, emits `certificate.issued` and queues the mail with the PDF.
   * Anything but a pending request answers 409, so approving twice sends no second mail.
   */
  async approve(admin: Viewer, id: string): Promise<Certificate> {
    const found = await this.views.row(this.db, id);
    assertDecidable(found.row, "approve");
    const user = await this.deps.auth.getUser(found.row.userId);
    const course = await this.deps.courses().findCourse(found.row.courseId);
    if (!user || !course) throw problems.notFound("There is no such certificate request.");

    const code = generateVerificationCode();
    const issuedAt = this.deps.clock.now();
    const data = this.files.certificateData({
      holderName: user.name,
      courseTitle: course.title,
      code,
      issuedAt,
    });
    const pdf = await this.files.render(() =>
      renderCertificatePdf(data, { template: this.options.template }),
    );
    const pdfKey = `certificates/${id}/${code}.pdf`;
    await this.deps.storage.put(pdfKey, Readable.from([pdf]));
    // Sequences never roll back: a lost race leaves an unused bit, which the status list can spare.
    const [next] = rowsOf<{ index: string | number }>(
      await this.db.execute(sql`select nextval(${statusIndexSequence.seqName}) as "index"`),
    );
    const statusIndex = Number(next!.index);
    const credential = await this.credentials.signCredential({
      id,
      userId: user.id,
      holderName: user.name,
      courseId: course.id,
      courseTitle: course.title,
      courseSummary: course.summary,
      issuedAt,
      statusIndex,
    });

    let issued: Certificate;
    try {
      issued = await this.db.transaction(async (tx) => {
        const current = await this.views.row(tx, id, { lock: true });
        assertDecidable(current.row, "approve");
        await tx
          .update(certificates)
          .set({
            status: "issued",
            code,
            holderName: user.name,
            courseTitle: course.title,
            statusIndex,
            pdfKey,
            credential,
            decidedBy: admin.id,
            issuedAt,
          })
          .where(eq(certificates.id, id));
        await this.deps.events.emit(tx, "certificate.issued", {
          certificateId: id,
          courseId: course.id,
          userId: user.id,
          code,
          issuedBy: admin.id,
        });
        await this.deps.audit.record(tx, {
          action: "certificates.certificate.issued",
          actorId: admin.id,
          targetUserId: user.id,
          subject: `certificate:${id}`,
        });
        await this.deps.mail.send(tx, {
          to: user.email,
          notificationKind: "certificates.issued",
          subject: this.options.mail.subject?.(course.title) ?? `Your certificate: ${course.title}`,
          text: [
            `Dear ${user.name},`,
            "",
            `Congratulations! ${this.options.institution.name} has issued your certificate for "${course.title}". It is attached as a PDF.`,
            "",
            `Anyone can check that it is genuine at ${this.views.verifyUrlOf(code)} (verification code ${code}).`,
          ].join("\n"),
          attachments: [
            { filename: `certificate-${code}.pdf`, contentType: "application/pdf", storageKey: pdfKey },
          ],
        });
        return this.views.toCertificate(await this.views.row(tx, id));
      });
    } catch (error) {
      // Someone else decided first: the file rendered here is nobody's.
      await this.deps.storage.delete(pdfKey).catch(() => {});
      throw error;
    }
    await this.sweepFiles(id, pdfKey);
    return issued;
  }

  /**
   * Removes the files of a decided certificate other than `keep`: PDFs an approval rendered before
   * its process died (it never committed). Once decided, no other approval can commit, so any
   * other file under the certificate's folder is nobody's.
   */
  async sweepFiles(id: string, keep: string | null): Promise<void> {
    const keys = (await this.deps.storage.list?.(`certificates/${id}/`).catch(() => [])) ?? [];
    for (const key of keys) if (key !== keep) await this.deps.storage.delete(key).catch(() => {});
  }

  async reject(admin: Viewer, id: string, reason: string): Promise<Certificate> {
    const rejected = await this.db.transaction(async (tx) => {
      const { row } = await this.views.row(tx, id, { lock: true });
      assertDecidable(row, "reject");
      await tx
        .update(certificates)
        .set({ status: "rejected", reason, decidedBy: admin.id, rejectedAt: this.deps.clock.now() })
        .where(eq(certificates.id, id));
      await this.deps.events.emit(tx, "certificate.rejected", {
        certificateId: id,
        courseId: row.courseId,
        userId: row.userId,
        reason,
        rejectedBy: admin.id,
      });
      await this.deps.audit.record(tx, {
        action: "certificates.certificate.rejected",
        actorId: admin.id,
        targetUserId: row.userId,
        subject: `certificate:${id}`,
      });
      return this.views.toCertificate(await this.views.row(tx, id));
    });
    await this.sweepFiles(id, null);
    return rejected;
  }

  /** Revokes an issued certificate: verification then reports it, and its status-list bit is set. */
  async revoke(admin: Viewer, id: string, reason: string): Promise<Certificate> {
    return this.db.transaction(async (tx) => {
      const { row } = await this.views.row(tx, id, { lock: true });
      if (row.status !== "issued") {
        throw problems.conflict(
          row.status === "revoked"
            ? "This certificate is already revoked."
            : `Only an issued certificate can be revoked; this one is ${row.status}${row.status === "pending" ? " (reject it instead)" : ""}.`,
          { type: "certificate-not-issued", certificateStatus: row.status },
        );
      }
      await tx
        .update(certificates)
        .set({ status: "revoked", reason, decidedBy: admin.id, revokedAt: this.deps.clock.now() })
        .where(eq(certificates.id, id));
      await this.deps.events.emit(tx, "certificate.revoked", {
        certificateId: id,
        courseId: row.courseId,
        userId: row.userId,
        reason,
        revokedBy: admin.id,
      });
      await this.deps.audit.record(tx, {
        action: "certificates.certificate.revoked",
        actorId: admin.id,
        targetUserId: row.userId,
        subject: `certificate:${id}`,
      });
      return this.views.toCertificate(await this.views.row(tx, id));
    });
  }
}
