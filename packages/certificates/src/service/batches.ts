import { randomUUID } from "node:crypto";
import { ProblemError, problems } from "@lectern/core";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { batches, batchItems, certificates } from "../schema.js";
import { BATCH_JOB, CertificatesPart, iso } from "./context.js";
import type { Batch, Viewer } from "./types.js";

/** Batch approvals: many requests approved a chunk at a time by a job. */
export class CertificateBatches extends CertificatesPart {
  /**
   * Queues the approval of many requests: every pending one of a course, or the given ids.
   * A job works through them a chunk at a time; one failing certificate never stops the rest.
   */
  async startBatch(admin: Viewer, input: { courseId?: string; ids?: string[] }): Promise<Batch> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
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
        const course = await this.deps.courses().findCourse(input.courseId!, tx);
        if (!course) throw problems.notFound("There is no such course.");
        const pending = await tx
          .select({ id: certificates.id })
          .from(certificates)
          .where(and(eq(certificates.courseId, course.id), eq(certificates.status, "pending")))
          .orderBy(asc(certificates.requestedAt), asc(certificates.id));
        ids = pending.map((p) => p.id);
      }
      const now = this.deps.clock.now();
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
        await this.deps.jobs.enqueue(
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
    const [batch] = await this.db.select().from(batches).where(eq(batches.id, id));
    if (!batch) throw problems.notFound("There is no such batch.");
    const failures = await this.db
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
    const [batch] = await this.db.select().from(batches).where(eq(batches.id, batchId));
    if (!batch || batch.status === "completed") return;
    const items = await this.db
      .select({ certificateId: batchItems.certificateId })
      .from(batchItems)
      .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "queued")))
      .orderBy(asc(batchItems.position))
      .limit(this.options.batchChunkSize);
    const admin = { id: batch.createdBy, role: "admin" as const };
    for (const { certificateId } of items) {
      let outcome: "issued" | "skipped" | "failed" = "issued";
      let error: string | null = null;
      try {
        await this.requests.approve(admin, certificateId);
      } catch (cause) {
        const problem = cause instanceof ProblemError && cause.status < 500 && cause.status !== 422;
        outcome = problem ? "skipped" : "failed";
        error = cause instanceof ProblemError ? (cause.problem.detail ?? cause.problem.title) : String(cause);
        if (!problem) {
          this.deps.logger.error({ err: cause, batchId, certificateId }, "a certificate in a batch failed");
        }
      }
      await this.db.transaction(async (tx) => {
        const updated = await tx
          .update(batchItems)
          .set({ status: outcome, error, finishedAt: this.deps.clock.now() })
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
    await this.db.transaction(async (tx) => {
      const [left] = await tx
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(batchItems)
        .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "queued")));
      if (left!.count > 0) {
        const next = round + 1;
        await this.deps.jobs.enqueue(
          tx,
          BATCH_JOB,
          { batchId, round: next },
          { dedupeKey: `${BATCH_JOB}:${batchId}:${next}` },
        );
      } else {
        await tx
          .update(batches)
          .set({ status: "completed", finishedAt: this.deps.clock.now() })
          .where(eq(batches.id, batchId));
      }
    });
  }
}
