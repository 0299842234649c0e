import { users } from "@lectern/core";
import { sql } from "drizzle-orm";
import {
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const DOCUMENT_STATUSES = ["indexed", "failed", "skipped"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/**
 * One indexed source: a material's file, or a course's own text (title, description, section
 * titles). `source` is `material:<id>` or `course:<id>`, so re-indexing replaces, never adds.
 */
export const documents = pgTable(
  "assistant_documents",
  {
    id: uuid("id").primaryKey(),
    source: text("source").notNull(),
    courseId: uuid("course_id").notNull(),
    /** Null for the course's own text. */
    materialId: uuid("material_id"),
    title: text("title").notNull(),
    /** `failed`: the file could not be read ("not searchable", with `reason`); `skipped`: nothing to read (a link, a video). */
    status: text("status", { enum: DOCUMENT_STATUSES }).notNull(),
    reason: text("reason"),
    /** SHA-256 of what was indexed: the same bytes and title are not indexed twice. */
    contentHash: text("content_hash"),
    pages: integer("pages"),
    passages: integer("passages").notNull().default(0),
    /** The embedding model the passages' vectors came from; null when they have none. */
    embeddingModel: text("embedding_model"),
    indexedAt: timestamptz("indexed_at").notNull(),
  },
  (t) => [
    uniqueIndex("assistant_documents_source_key").on(t.source),
    index("assistant_documents_course_idx").on(t.courseId),
  ],
);

/** A passage of a document, searched by PostgreSQL full-text search and, when present, by its vector. */
export const passages = pgTable(
  "assistant_passages",
  {
    id: uuid("id").primaryKey(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    courseId: uuid("course_id").notNull(),
    materialId: uuid("material_id"),
    title: text("title").notNull(),
    /** 1-based page of a PDF. */
    page: integer("page"),
    /** Seconds from the start of a video where a passage of its captions begins. */
    startSeconds: integer("start_seconds"),
    position: integer("position").notNull(),
    content: text("content").notNull(),
    /** Unit-length embedding; a plain array so it works on every PostgreSQL, pgvector or not. */
    embedding: real("embedding").array(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, "title"), 'B') || setweight(to_tsvector('english'::regconfig, "content"), 'A')`,
      ),
  },
  (t) => [
    index("assistant_passages_search_idx").using("gin", t.search),
    index("assistant_passages_course_idx").on(t.courseId),
    index("assistant_passages_document_idx").on(t.documentId, t.position),
  ],
);

export const conversations = pgTable(
  "assistant_conversations",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: uuid("course_id"),
    title: text("title").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (t) => [
    index("assistant_conversations_user_idx").on(t.userId, t.updatedAt),
    index("assistant_conversations_course_idx").on(t.courseId),
  ],
);

export interface StoredSource {
  materialId: string | null;
  title: string;
  excerpt: string;
  page?: number;
  at?: number;
}

export const messages = pgTable(
  "assistant_messages",
  {
    id: uuid("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    content: text("content").notNull(),
    mode: text("mode", { enum: ["generated", "quoted"] }),
    sources: jsonb("sources").$type<StoredSource[]>().notNull().default([]),
    createdAt: timestamptz("created_at").notNull(),
  },
  (t) => [index("assistant_messages_conversation_idx").on(t.conversationId, t.createdAt)],
);

/** Questions asked in a course, with no one's name: the instructor's "top questions". */
export const questions = pgTable(
  "assistant_questions",
  {
    id: uuid("id").primaryKey(),
    courseId: uuid("course_id").notNull(),
    /** Lower-cased, spaces collapsed: the same question counts once per asking. */
    normalized: text("normalized").notNull(),
    text: text("text").notNull(),
    askedAt: timestamptz("asked_at").notNull(),
  },
  (t) => [index("assistant_questions_course_idx").on(t.courseId, t.normalized)],
);

/** Each user's requests and model tokens per day, for the daily budget. */
export const usage = pgTable(
  "assistant_usage",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    requests: integer("requests").notNull().default(0),
    tokens: integer("tokens").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);
