import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  afterTimeAndId,
  decodeCursor,
  type Executor,
  type Page,
  type PluginContext,
  ProblemError,
  problems,
  rowsOf,
  toPage,
  type User,
  users,
} from "@lectern/core";
import { coursesSchema } from "@lectern/courses";
import { and, asc, desc, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { JWK } from "jose";
import { generateVerificationCode, normaliseCode } from "./code.js";
import {
  buildCredential,
  buildStatusListCredential,
  encodeStatusList,
  generateIssuerKey,
  type IssuerKey,
  type OpenBadgeCredential,
  STATUS_LIST_SIZE,
  signCredential,
} from "./credential.js";
import { UnsupportedScriptError } from "./render/fonts.js";
import type { CertificateData, CertificateTemplate } from "./render/model.js";
import { renderCertificatePdf, renderCertificatePng } from "./render/render.js";
import { batches, batchItems, type CertificateStatus, certificates, statusIndexSequence } from "./schema.js";

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

interface StoredKey {
  kid: string;
  publicJwk: JWK;
  /** Only the current key keeps its private half: retired keys only verify. */
  privateJwk?: JWK;
  createdAt: string;
  retiredAt?: string;
}

const KEYS_SETTING = "issuer-keys";
export const BATCH_JOB = "certificates.approve-batch";

type Viewer = Pick<User, "id" | "role">;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const rowColumns = {
  row: certificates,
  userName: users.name,
  userEmail: users.email,
};

/**
 * The certificate workflow: a pending request per completed course, an admin's decision,
 * issuance (render, store, sign, mail), verification, revocation and the issuer's keys.
 */
export class CertificatesService {
  constructor(private readonly ctx: PluginContext<CertificatesConfig>) {}

  get #db() {
    return this.ctx.db;
  }
  get #options() {
    return this.ctx.options;
  }

  // URLs

  verifyUrlOf(code: string): string {
    const base = this.#options.verifyBaseUrl ?? `${this.ctx.config.publicUrl}/verify/`;
    return `${base}${code}`;
  }

  get issuerProfileUrl(): string {
    return `${this.ctx.config.publicUrl}/api/credentials/issuer`;
  }

  statusListUrl(list: number): string {
    return `${this.ctx.config.publicUrl}/api/credentials/status/${list}`;
  }

  get #issuer() {
    return {
      id: this.issuerProfileUrl,
      name: this.#options.institution.name,
      url: this.#options.institution.url ?? this.ctx.config.publicUrl,
    };
  }

  // Requests

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
        requestedAt: this.ctx.clock.now(),
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
    await this.ctx.events.emit(tx, "certificate.requested", {
      certificateId: id,
      courseId: input.courseId,
      userId: input.userId,
    });
    return { id, created: true };
  }

  // Reading

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
    const rows = await this.#select(this.#db)
      .where(and(...filters))
      .orderBy(desc(certificates.requestedAt), desc(certificates.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.row.requestedAt.toISOString(), r.row.id],
      (r) => this.#toCertificate(r),
    );
  }

  /** The viewer's own certificate, or any for an admin; 404 for everyone else. */
  async getCertificate(viewer: Viewer, id: string): Promise<Certificate> {
    return this.#toCertificate(await this.#visible(viewer, id));
  }

  // Decisions

  /**
   * Issues a pending certificate: renders and stores the PDF, signs the credential, and in one
   * transaction marks it issued, emits `certificate.issued` and queues the mail with the PDF.
   * Anything but a pending request answers 409, so approving twice sends no second mail.
   */
  async approve(admin: Viewer, id: string): Promise<Certificate> {
    const found = await this.#row(this.#db, id);
    assertDecidable(found.row, "approve");
    const user = await this.ctx.auth.getUser(found.row.userId);
    const course = await this.ctx.services.get("courses").findCourse(found.row.courseId);
    if (!user || !course) throw problems.notFound("There is no such certificate request.");

    const code = generateVerificationCode();
    const issuedAt = this.ctx.clock.now();
    const data = this.#certificateData({ holderName: user.name, courseTitle: course.title, code, issuedAt });
    const pdf = await this.#render(() => renderCertificatePdf(data, { template: this.#options.template }));
    const pdfKey = `certificates/${id}/${code}.pdf`;
    await this.ctx.storage.put(pdfKey, Readable.from([pdf]));
    // Sequences never roll back: a lost race leaves an unused bit, which the status list can spare.
    const [next] = rowsOf<{ index: string | number }>(
      await this.#db.execute(sql`select nextval(${statusIndexSequence.seqName}) as "index"`),
    );
    const statusIndex = Number(next!.index);
    const credential = await this.#signCredential({
      id,
      userId: user.id,
      holderName: user.name,
      courseId: course.id,
      courseTitle: course.title,
      courseSummary: course.summary,
      issuedAt,
      statusIndex,
    });

    try {
      return await this.#db.transaction(async (tx) => {
        const current = await this.#row(tx, id, { lock: true });
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
        await this.ctx.events.emit(tx, "certificate.issued", {
          certificateId: id,
          courseId: course.id,
          userId: user.id,
          code,
          issuedBy: admin.id,
        });
        await this.ctx.mail.send(tx, {
          to: user.email,
          subject: this.#options.mail.subject?.(course.title) ?? `Your certificate: ${course.title}`,
          text: [
            `Dear ${user.name},`,
            "",
            `Congratulations! ${this.#options.institution.name} has issued your certificate for "${course.title}". It is attached as a PDF.`,
            "",
            `Anyone can check that it is genuine at ${this.verifyUrlOf(code)} (verification code ${code}).`,
          ].join("\n"),
          attachments: [
            { filename: `certificate-${code}.pdf`, contentType: "application/pdf", storageKey: pdfKey },
          ],
        });
        return this.#toCertificate(await this.#row(tx, id));
      });
    } catch (error) {
      // Someone else decided first: the file rendered here is nobody's.
      await this.ctx.storage.delete(pdfKey).catch(() => {});
      throw error;
    }
  }

  async reject(admin: Viewer, id: string, reason: string): Promise<Certificate> {
    return this.#db.transaction(async (tx) => {
      const { row } = await this.#row(tx, id, { lock: true });
      assertDecidable(row, "reject");
      await tx
        .update(certificates)
        .set({ status: "rejected", reason, decidedBy: admin.id, rejectedAt: this.ctx.clock.now() })
        .where(eq(certificates.id, id));
      await this.ctx.events.emit(tx, "certificate.rejected", {
        certificateId: id,
        courseId: row.courseId,
        userId: row.userId,
        reason,
        rejectedBy: admin.id,
      });
      return this.#toCertificate(await this.#row(tx, id));
    });
  }

  /** Revokes an issued certificate: verification then reports it, and its status-list bit is set. */
  async revoke(admin: Viewer, id: string, reason: string): Promise<Certificate> {
    return this.#db.transaction(async (tx) => {
      const { row } = await this.#row(tx, id, { lock: true });
      if (row.status !== "issued") {
        throw problems.conflict(
          row.status === "revoked"
            ? "This certificate is already revoked."
            : `Only an issued certificate can be revoked; this one is ${row.status}${row.status === "pending" ? " (reject it instead)" : ""}.`,
          { type: "https://lectern.dev/problems/certificate-not-issued", certificateStatus: row.status },
        );
      }
      await tx
        .update(certificates)
        .set({ status: "revoked", reason, decidedBy: admin.id, revokedAt: this.ctx.clock.now() })
        .where(eq(certificates.id, id));
      await this.ctx.events.emit(tx, "certificate.revoked", {
        certificateId: id,
        courseId: row.courseId,
        userId: row.userId,
        reason,
        revokedBy: admin.id,
      });
      return this.#toCertificate(await this.#row(tx, id));
    });
  }

  // Batches

  /**
   * Queues the approval of many requests: every pending one of a course, or the given ids.
   * A job works through them a chunk at a time; one failing certificate never stops the rest.
   */
  async startBatch(admin: Viewer, input: { courseId?: string; ids?: string[] }): Promise<Batch> {
    const id = randomUUID();
    await this.#db.transaction(async (tx) => {
      let ids: string[];
      if (input.ids) {
        const wanted = [...new Set(input.ids)];
        const found = await tx
          .select({ id: certificates.id })
          .from(certificates)
          .where(inArray(certificates.id, wanted));
        const known = new Set(found.map((f) => f.id));
        const unknown = wanted.filter((w) => !known.has(w));
        if (unknown.length > 0) {
          throw problems.validation(
            unknown.map((u) => ({
              path: `ids.${wanted.indexOf(u)}`,
              message: `There is no certificate ${u}.`,
            })),
          );
        }
        ids = wanted;
      } else {
        const course = await this.ctx.services.get("courses").findCourse(input.courseId!, tx);
        if (!course) throw problems.notFound("There is no such course.");
        const pending = await tx
          .select({ id: certificates.id })
          .from(certificates)
          .where(and(eq(certificates.courseId, course.id), eq(certificates.status, "pending")))
          .orderBy(asc(certificates.requestedAt), asc(certificates.id));
        ids = pending.map((p) => p.id);
      }
      const now = this.ctx.clock.now();
      await tx.insert(batches).values({
        id,
        status: ids.length === 0 ? "completed" : "running",
        courseId: input.courseId ?? null,
        createdBy: admin.id,
        total: ids.length,
        createdAt: now,
        finishedAt: ids.length === 0 ? now : null,
      });
      for (let start = 0; start < ids.length; start += 500) {
        await tx.insert(batchItems).values(
          ids.slice(start, start + 500).map((certificateId, i) => ({
            batchId: id,
            certificateId,
            position: start + i,
            status: "queued" as const,
          })),
        );
      }
      if (ids.length > 0) {
        await this.ctx.jobs.enqueue(
          tx,
          BATCH_JOB,
          { batchId: id, round: 0 },
          { dedupeKey: `${BATCH_JOB}:${id}:0` },
        );
      }
    });
    return this.getBatch(id);
  }

  async getBatch(id: string): Promise<Batch> {
    const [batch] = await this.#db.select().from(batches).where(eq(batches.id, id));
    if (!batch) throw problems.notFound("There is no such batch.");
    const failures = await this.#db
      .select({ certificateId: batchItems.certificateId, status: batchItems.status, error: batchItems.error })
      .from(batchItems)
      .where(and(eq(batchItems.batchId, id), inArray(batchItems.status, ["skipped", "failed"])))
      .orderBy(asc(batchItems.position))
      .limit(1000);
    return {
      id: batch.id,
      status: batch.status,
      courseId: batch.courseId,
      total: batch.total,
      done: batch.done,
      issued: batch.issued,
      skipped: batch.done - batch.issued - batch.failed,
      failed: batch.failed,
      createdAt: batch.createdAt.toISOString(),
      finishedAt: iso(batch.finishedAt),
      failures: failures.map((f) => ({
        certificateId: f.certificateId,
        outcome: f.status as "skipped" | "failed",
        error: f.error ?? "",
      })),
    };
  }

  /**
   * Works one chunk of a batch, then queues the next: short job runs, so a worker never holds
   * one long enough to be presumed crashed. Items are claimed by status, so a retry resumes.
   */
  async runBatchChunk(batchId: string, round: number): Promise<void> {
    const [batch] = await this.#db.select().from(batches).where(eq(batches.id, batchId));
    if (!batch || batch.status === "completed") return;
    const items = await this.#db
      .select({ certificateId: batchItems.certificateId })
      .from(batchItems)
      .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "queued")))
      .orderBy(asc(batchItems.position))
      .limit(this.#options.batchChunkSize);
    const admin = { id: batch.createdBy, role: "admin" as const };
    for (const { certificateId } of items) {
      let outcome: "issued" | "skipped" | "failed" = "issued";
      let error: string | null = null;
      try {
        await this.approve(admin, certificateId);
      } catch (cause) {
        const problem = cause instanceof ProblemError && cause.status < 500 && cause.status !== 422;
        outcome = problem ? "skipped" : "failed";
        error = cause instanceof ProblemError ? (cause.problem.detail ?? cause.problem.title) : String(cause);
        if (!problem) {
          this.ctx.logger.error({ err: cause, batchId, certificateId }, "a certificate in a batch failed");
        }
      }
      await this.#db.transaction(async (tx) => {
        const updated = await tx
          .update(batchItems)
          .set({ status: outcome, error, finishedAt: this.ctx.clock.now() })
          .where(
            and(
              eq(batchItems.batchId, batchId),
              eq(batchItems.certificateId, certificateId),
              eq(batchItems.status, "queued"),
            ),
          )
          .returning({ certificateId: batchItems.certificateId });
        if (updated.length === 0) return;
        await tx
          .update(batches)
          .set({
            done: sql`${batches.done} + 1`,
            issued: sql`${batches.issued} + ${outcome === "issued" ? 1 : 0}`,
            failed: sql`${batches.failed} + ${outcome === "failed" ? 1 : 0}`,
          })
          .where(eq(batches.id, batchId));
      });
    }
    await this.#db.transaction(async (tx) => {
      const [left] = await tx
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(batchItems)
        .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "queued")));
      if (left!.count > 0) {
        const next = round + 1;
        await this.ctx.jobs.enqueue(
          tx,
          BATCH_JOB,
          { batchId, round: next },
          { dedupeKey: `${BATCH_JOB}:${batchId}:${next}` },
        );
      } else {
        await tx
          .update(batches)
          .set({ status: "completed", finishedAt: this.ctx.clock.now() })
          .where(eq(batches.id, batchId));
      }
    });
  }

  // Files and credential

  /** The stored PDF of an issued certificate, for its holder or an admin. */
  async openPdf(viewer: Viewer, id: string): Promise<{ key: string; filename: string }> {
    const { row } = await this.#downloadable(viewer, id);
    return { key: row.pdfKey!, filename: `certificate-${row.code}.pdf` };
  }

  /** A PNG preview, rendered on first request and kept. */
  async openPng(viewer: Viewer, id: string): Promise<{ key: string; filename: string }> {
    const { row } = await this.#downloadable(viewer, id);
    const filename = `certificate-${row.code}.png`;
    if (row.pngKey && (await this.ctx.storage.stat(row.pngKey))) return { key: row.pngKey, filename };
    const data = this.#certificateData({
      holderName: row.holderName!,
      courseTitle: row.courseTitle!,
      code: row.code!,
      issuedAt: row.issuedAt!,
    });
    const png = await this.#render(() =>
      renderCertificatePng(data, { template: this.#options.template, width: 1600 }),
    );
    const key = `certificates/${id}/${row.code}.png`;
    await this.ctx.storage.put(key, Readable.from([png]));
    await this.#db.update(certificates).set({ pngKey: key }).where(eq(certificates.id, id));
    return { key, filename };
  }

  /** The signed Open Badges 3.0 credential (VC-JWT) and its decoded payload. */
  async credentialOf(viewer: Viewer, id: string): Promise<{ jwt: string; credential: OpenBadgeCredential }> {
    const { row } = await this.#downloadable(viewer, id);
    const jwt = row.credential!;
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
    const { iss: _iss, jti: _jti, sub: _sub, nbf: _nbf, iat: _iat, exp: _exp, ...credential } = payload;
    return { jwt, credential: credential as OpenBadgeCredential };
  }

  // Verification

  /**
   * What anyone may learn from a code: who holds it, for which course, and whether it still
   * stands. Unknown codes count against the caller's address, so guessing is rate-limited.
   */
  async verify(input: string, address: string): Promise<Verification> {
    const key = `certificates.verify:${address}`;
    const rule = this.#options.verifyRateLimit;
    const wait = await this.ctx.rateLimiter.retryAfter(key, rule);
    if (wait > 0) throw problems.tooManyRequests(wait, "Too many unknown codes. Try again later.");
    const code = normaliseCode(input);
    const [row] = code
      ? await this.#db
          .select()
          .from(certificates)
          .where(and(eq(certificates.code, code), inArray(certificates.status, ["issued", "revoked"])))
      : [];
    if (!row) {
      await this.ctx.rateLimiter.hit(key, rule);
      throw problems.notFound("No certificate has this verification code. Check it for typing mistakes.", {
        type: "https://lectern.dev/problems/certificate-not-found",
        valid: false,
      });
    }
    return {
      valid: row.status === "issued",
      status: row.status as "issued" | "revoked",
      code: row.code!,
      holderName: row.holderName!,
      courseTitle: row.courseTitle!,
      issuedAt: row.issuedAt!.toISOString(),
      revokedAt: iso(row.revokedAt),
      issuer: { name: this.#issuer.name, url: this.#issuer.url },
    };
  }

  // Issuer keys and status lists

  /** Creates the issuer's signing key on first start; every instance agrees on one. */
  async ensureIssuerKey(): Promise<void> {
    if ((await this.#keys()).some((k) => k.privateJwk)) return;
    await this.#db.transaction(async (tx) => {
      await this.#lockKeys(tx);
      const keys = (await this.ctx.settings.get<{ keys: StoredKey[] }>(KEYS_SETTING, tx))?.keys ?? [];
      if (keys.some((k) => k.privateJwk)) return;
      const key = await generateIssuerKey();
      keys.push({ ...key, createdAt: this.ctx.clock.now().toISOString() });
      await this.ctx.settings.set(KEYS_SETTING, { keys }, tx);
      this.ctx.logger.info({ kid: key.kid }, "generated the certificate issuer key");
    });
  }

  /** A new signing key; the old one keeps only its public half, so what it signed still verifies. */
  async rotateIssuerKey(): Promise<IssuerKeySummary> {
    const key = await generateIssuerKey();
    await this.#db.transaction(async (tx) => {
      await this.#lockKeys(tx);
      const keys = (await this.ctx.settings.get<{ keys: StoredKey[] }>(KEYS_SETTING, tx))?.keys ?? [];
      const now = this.ctx.clock.now().toISOString();
      const retired = keys.map(({ privateJwk: _private, ...k }) => ({ ...k, retiredAt: k.retiredAt ?? now }));
      await this.ctx.settings.set(KEYS_SETTING, { keys: [...retired, { ...key, createdAt: now }] }, tx);
    });
    this.ctx.logger.info({ kid: key.kid }, "rotated the certificate issuer key");
    return this.issuerKeys();
  }

  async issuerKeys(): Promise<IssuerKeySummary> {
    const keys = await this.#keys();
    return {
      current: keys.find((k) => k.privateJwk)?.kid ?? "",
      keys: keys.map((k) => ({ kid: k.kid, createdAt: k.createdAt, retiredAt: k.retiredAt ?? null })),
    };
  }

  /** Every public key, current and retired, as served at `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.#keys()).map((k) => k.publicJwk).reverse() };
  }

  /** The issuer's Open Badges profile, at the URL credentials name as their issuer. */
  issuerProfile() {
    return {
      "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      ],
      id: this.#issuer.id,
      type: ["Profile"],
      name: this.#issuer.name,
      url: this.#issuer.url,
    };
  }

  /** The signed Bitstring Status List credential for list `list` (131,072 certificates each). */
  async statusListCredential(list: number): Promise<string> {
    const [{ highest }] = (await this.#db
      .select({ highest: sql<number | null>`max(${certificates.statusIndex})` })
      .from(certificates)) as [{ highest: number | null }];
    if (list > 0 && (highest === null || list > Math.floor(Number(highest) / STATUS_LIST_SIZE))) {
      throw problems.notFound("There is no such status list.");
    }
    const first = list * STATUS_LIST_SIZE;
    const revoked = await this.#db
      .select({ index: certificates.statusIndex })
      .from(certificates)
      .where(
        and(
          eq(certificates.status, "revoked"),
          gte(certificates.statusIndex, first),
          lte(certificates.statusIndex, first + STATUS_LIST_SIZE - 1),
        ),
      );
    const credential = buildStatusListCredential({
      url: this.statusListUrl(list),
      issuer: this.#issuer,
      encodedList: encodeStatusList(revoked.map((r) => r.index! - first)),
      validFrom: this.ctx.clock.now(),
    });
    return signCredential(credential, await this.#signingKey());
  }

  // Internals

  async #keys(): Promise<StoredKey[]> {
    return (await this.ctx.settings.get<{ keys: StoredKey[] }>(KEYS_SETTING))?.keys ?? [];
  }

  async #lockKeys(tx: Executor): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('certificates.issuer-keys'))`);
  }

  async #signingKey(): Promise<IssuerKey> {
    let key = (await this.#keys()).find((k) => k.privateJwk);
    if (!key) {
      await this.ensureIssuerKey();
      key = (await this.#keys()).find((k) => k.privateJwk);
    }
    return { kid: key!.kid, privateJwk: key!.privateJwk!, publicJwk: key!.publicJwk };
  }

  async #signCredential(input: {
    id: string;
    userId: string;
    holderName: string;
    courseId: string;
    courseTitle: string;
    courseSummary: string;
    issuedAt: Date;
    statusIndex: number;
  }): Promise<string> {
    const list = Math.floor(input.statusIndex / STATUS_LIST_SIZE);
    const credential = buildCredential({
      id: `urn:uuid:${input.id}`,
      issuer: this.#issuer,
      subject: { id: `urn:uuid:${input.userId}`, name: input.holderName },
      achievement: {
        id: `${this.ctx.config.publicUrl}/api/courses/${input.courseId}`,
        name: input.courseTitle,
        description: input.courseSummary || input.courseTitle,
        criteria: this.#options.criteria,
      },
      validFrom: input.issuedAt,
      status: { listUrl: this.statusListUrl(list), index: input.statusIndex % STATUS_LIST_SIZE },
    });
    return signCredential(credential, await this.#signingKey());
  }

  #certificateData(input: {
    holderName: string;
    courseTitle: string;
    code: string;
    issuedAt: Date;
  }): CertificateData {
    const { institution, signatories, locale } = this.#options;
    return {
      institution: {
        name: institution.name,
        logoDataUri: institution.logo,
        primaryColor: institution.primaryColor,
        accentColor: institution.accentColor,
      },
      signatories: signatories.map((s) => ({ name: s.name, title: s.title, signatureDataUri: s.signature })),
      holderName: input.holderName,
      courseTitle: input.courseTitle,
      issuedAt: input.issuedAt,
      code: input.code,
      verifyUrl: this.verifyUrlOf(input.code),
      timeZone: this.ctx.config.timeZone,
      locale,
    };
  }

  /** Runs the renderer; a name no font can draw is the caller's to fix (422), not a crash. */
  async #render<T>(render: () => Promise<T>): Promise<T> {
    try {
      return await render();
    } catch (error) {
      if (error instanceof UnsupportedScriptError) {
        throw problems.validation([{ path: "holderName", message: error.message }], error.message);
      }
      throw error;
    }
  }

  #select(executor: Executor) {
    return executor
      .select({ ...rowColumns, courseTitle: coursesSchema.courses.title })
      .from(certificates)
      .innerJoin(users, eq(users.id, certificates.userId))
      .innerJoin(coursesSchema.courses, eq(coursesSchema.courses.id, certificates.courseId));
  }

  async #row(executor: Executor, id: string, options: { lock?: boolean } = {}): Promise<SelectedRow> {
    if (options.lock) {
      await executor
        .select({ id: certificates.id })
        .from(certificates)
        .where(eq(certificates.id, id))
        .for("update");
    }
    const [row] = await this.#select(executor).where(eq(certificates.id, id));
    if (!row) throw problems.notFound("There is no such certificate.");
    return row;
  }

  async #visible(viewer: Viewer, id: string): Promise<SelectedRow> {
    const row = await this.#row(this.#db, id).catch(() => null);
    if (!row || (viewer.role !== "admin" && row.row.userId !== viewer.id)) {
      throw problems.notFound("There is no such certificate.");
    }
    return row;
  }

  async #downloadable(viewer: Viewer, id: string): Promise<SelectedRow> {
    const found = await this.#visible(viewer, id);
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

  #toCertificate({ row, userName, courseTitle }: SelectedRow): Certificate {
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

type SelectedRow = {
  row: typeof certificates.$inferSelect;
  userName: string;
  userEmail: string;
  courseTitle: string;
};

function assertDecidable(row: typeof certificates.$inferSelect, action: "approve" | "reject"): void {
  if (row.status === "pending") return;
  const detail =
    row.status === "issued"
      ? action === "approve"
        ? "This certificate is already issued."
        : "This certificate is already issued; revoke it instead."
      : `This certificate request is ${row.status}; only a pending request can be decided.`;
  throw problems.conflict(detail, {
    type: "https://lectern.dev/problems/certificate-decided",
    certificateStatus: row.status,
  });
}
