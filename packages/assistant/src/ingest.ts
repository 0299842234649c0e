import { createHash, randomUUID } from "node:crypto";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { Clock, Database, Logger } from "@lectern/core";
import { and, eq, like, sql } from "drizzle-orm";
import type { CoursesPort } from "./courses-port.js";
import { TooLargeError } from "./courses-port.js";
import { detectFormat, type ExtractedPage, extractPages, NotSearchableError } from "./extract.js";
import type { EmbedderHandle } from "./retrieval.js";
import { type DocumentStatus, documents, passages } from "./schema.js";

export interface IndexingSettings {
  chunkSize: number;
  chunkOverlap: number;
  /** Largest file read, in bytes. */
  maxFileBytes: number;
}

export interface IndexOutcome {
  status: DocumentStatus | "unchanged" | "removed";
  passages?: number;
  pages?: number;
  reason?: string;
}

const INSERT_BATCH = 64;

/**
 * Keeps the passages of a course's materials and of its own text in step with courses. New
 * passages are written under a staging document and swapped in with one short transaction, so
 * searches see the old passages or the new ones, never half of each, and a 1,000-page PDF is
 * read, split and written a page at a time.
 */
export class Indexer {
  readonly #splitter: RecursiveCharacterTextSplitter;

  constructor(
    private readonly deps: {
      db: Database;
      clock: Clock;
      logger: Logger;
      courses: CoursesPort;
      embedder: () => Promise<EmbedderHandle | null>;
      settings: IndexingSettings;
    },
  ) {
    this.#splitter = new RecursiveCharacterTextSplitter({
      chunkSize: deps.settings.chunkSize,
      chunkOverlap: deps.settings.chunkOverlap,
    });
  }

  async indexMaterial(materialId: string): Promise<IndexOutcome> {
    const material = await this.deps.courses.material(materialId);
    if (!material) {
      await this.removeMaterial(materialId);
      return { status: "removed" };
    }
    const source = `material:${material.id}`;
    const base = { source, courseId: material.courseId, materialId: material.id, title: material.title };
    if (!material.storageKey) {
      return this.#record(base, { status: "skipped", reason: "A link: its page is not on this site." });
    }
    let bytes: Uint8Array | null;
    try {
      bytes = await this.deps.courses.readFile(material.storageKey, this.deps.settings.maxFileBytes);
    } catch (error) {
      if (error instanceof TooLargeError)
        return this.#record(base, { status: "failed", reason: error.message });
      throw error;
    }
    if (!bytes) return this.#record(base, { status: "failed", reason: "The file is missing from storage." });
    const format = detectFormat(bytes, material.contentType, material.filename);
    if (!format) {
      const reason =
        material.kind === "video"
          ? "A video: upload its captions (WebVTT or SRT) as a document to make it searchable."
          : "This kind of file is not searchable: upload PDF, Markdown, HTML, plain text or captions.";
      return this.#record(base, { status: "skipped", reason });
    }
    const embedder = await this.deps.embedder();
    const hash = createHash("sha256")
      .update(bytes)
      .update(`\0${material.title}\0${embedder?.name ?? ""}`)
      .digest("hex");
    if (await this.#unchanged(source, hash)) return { status: "unchanged" };
    // pdf.js takes over the buffer it reads; the hash is already taken.
    return this.#write(base, hash, extractPages(bytes, format), embedder);
  }

  /** The course's title, summary, description and section titles, as one searchable document. */
  async indexCourse(courseId: string): Promise<IndexOutcome> {
    const course = await this.deps.courses.course(courseId);
    if (!course) {
      await this.removeCourse(courseId);
      return { status: "removed" };
    }
    const text = [
      course.title,
      course.summary,
      course.description,
      course.sections.length > 0 ? `Sections: ${course.sections.map((s) => s.title).join("; ")}.` : "",
    ]
      .filter(Boolean)
      .join("\n\n");
    const embedder = await this.deps.embedder();
    const hash = createHash("sha256")
      .update(`${text}\0${embedder?.name ?? ""}`)
      .digest("hex");
    const source = `course:${course.id}`;
    if (await this.#unchanged(source, hash)) return { status: "unchanged" };
    async function* pages(): AsyncGenerator<ExtractedPage> {
      yield { text };
    }
    return this.#write(
      { source, courseId: course.id, materialId: null, title: course.title },
      hash,
      pages(),
      embedder,
    );
  }

  async removeMaterial(materialId: string): Promise<void> {
    await this.deps.db.delete(documents).where(eq(documents.materialId, materialId));
  }

  /** Every passage of the course: its materials' and its own. */
  async removeCourse(courseId: string): Promise<void> {
    await this.deps.db.delete(documents).where(eq(documents.courseId, courseId));
  }

  async #unchanged(source: string, hash: string): Promise<boolean> {
    const [row] = await this.deps.db
      .select({ hash: documents.contentHash })
      .from(documents)
      .where(eq(documents.source, source));
    return row?.hash === hash;
  }

  async #write(
    base: { source: string; courseId: string; materialId: string | null; title: string },
    hash: string,
    pages: AsyncGenerator<ExtractedPage>,
    embedder: EmbedderHandle | null,
  ): Promise<IndexOutcome> {
    const { db } = this.deps;
    const stagingId = randomUUID();
    await this.#dropStaging(base.source);
    await db.insert(documents).values({
      id: stagingId,
      ...base,
      source: `pending:${base.source}:${stagingId}`,
      status: "failed",
      reason: "Indexing…",
      contentHash: null,
      indexedAt: this.deps.clock.now(),
    });
    let position = 0;
    let pageCount = 0;
    let batch: (typeof passages.$inferInsert)[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      if (embedder) {
        const vectors = await embedder.embedDocuments(batch.map((p) => `${p.title}\n${p.content}`));
        batch.forEach((p, i) => {
          p.embedding = vectors[i];
        });
      }
      await db.insert(passages).values(batch);
      batch = [];
    };
    try {
      for await (const page of pages) {
        pageCount++;
        if (!page.text.trim()) continue;
        for (const chunk of await this.#splitter.splitText(page.text)) {
          const content = chunk.trim();
          if (!content) continue;
          batch.push({
            id: randomUUID(),
            documentId: stagingId,
            courseId: base.courseId,
            materialId: base.materialId,
            title: base.title,
            page: page.page ?? null,
            startSeconds: page.at ?? null,
            position: ++position,
            content,
          });
          if (batch.length >= INSERT_BATCH) await flush();
        }
      }
      await flush();
    } catch (error) {
      await db.delete(documents).where(eq(documents.id, stagingId));
      if (error instanceof NotSearchableError)
        return this.#record(base, { status: "failed", reason: error.reason }, hash);
      throw error;
    }
    if (position === 0) {
      await db.delete(documents).where(eq(documents.id, stagingId));
      return this.#record(base, { status: "skipped", reason: "The file has no text." }, hash);
    }
    await db.transaction(async (tx) => {
      await tx.delete(documents).where(eq(documents.source, base.source));
      await tx
        .update(documents)
        .set({
          source: base.source,
          status: "indexed",
          reason: null,
          contentHash: hash,
          pages: base.materialId ? pageCount : null,
          passages: position,
          embeddingModel: embedder?.name ?? null,
          indexedAt: this.deps.clock.now(),
        })
        .where(eq(documents.id, stagingId));
    });
    return { status: "indexed", passages: position, pages: pageCount };
  }

  /** Leftovers of an indexing run that crashed before its swap. */
  async #dropStaging(source: string) {
    await this.deps.db.delete(documents).where(like(documents.source, `pending:${source}:%`));
  }

  /** A document with no passages: skipped or failed, with the reason the instructor sees. */
  async #record(
    base: { source: string; courseId: string; materialId: string | null; title: string },
    outcome: { status: "failed" | "skipped"; reason: string },
    hash: string | null = null,
  ): Promise<IndexOutcome> {
    await this.deps.db.transaction(async (tx) => {
      await tx.delete(documents).where(eq(documents.source, base.source));
      await tx.insert(documents).values({
        id: randomUUID(),
        ...base,
        status: outcome.status,
        reason: outcome.reason,
        contentHash: hash,
        passages: 0,
        indexedAt: this.deps.clock.now(),
      });
    });
    if (outcome.status === "failed")
      this.deps.logger.warn({ source: base.source, reason: outcome.reason }, "a material is not searchable");
    return outcome;
  }

  /** What is indexed for a course, for its instructor. */
  async status(courseId: string) {
    return this.deps.db
      .select({
        materialId: documents.materialId,
        title: documents.title,
        status: documents.status,
        reason: documents.reason,
        pages: documents.pages,
        passages: documents.passages,
        indexedAt: documents.indexedAt,
      })
      .from(documents)
      .where(and(eq(documents.courseId, courseId), sql`${documents.source} not like 'pending:%'`))
      .orderBy(documents.title);
  }
}
