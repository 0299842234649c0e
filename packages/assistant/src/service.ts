import { randomUUID } from "node:crypto";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk } from "@langchain/core/messages";
import {
  afterTimeAndId,
  type Clock,
  type Database,
  decodeCursor,
  type Logger,
  type Page,
  problems,
  toPage,
  type User,
} from "@lectern/core";
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import { NOTHING_FOUND, promptMessages, quotedAnswer, type Source, type Turn, toSources } from "./answer.js";
import { Budget, type BudgetLimits } from "./budget.js";
import type { CoursesPort } from "./courses-port.js";
import type { Indexer } from "./ingest.js";
import { type EmbedderHandle, type Passage, searchPassages } from "./retrieval.js";
import { conversations, messages, questions } from "./schema.js";
import type { VectorSearch } from "./vectors.js";

type Viewer = Pick<User, "id" | "role">;

export type AnswerMode = "generated" | "quoted";

export interface ChatInput {
  message: string;
  courseId?: string;
  conversationId?: string;
}

export interface ChatAnswer {
  answer: string;
  mode: AnswerMode;
  sources: Source[];
  conversationId: string | null;
  /** Why a quotation stands in for a generated answer (the model failed or is over budget). */
  notice?: string;
}

export interface ConversationSummary {
  id: string;
  courseId: string | null;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationDetail extends ConversationSummary {
  messages: {
    id: string;
    role: "user" | "assistant";
    content: string;
    mode: AnswerMode | null;
    sources: Source[];
    createdAt: string;
  }[];
}

export interface AssistantSettings {
  /** Passages given to the model or quoted. */
  passages: number;
  storeConversations: boolean;
  /** Earlier turns of a conversation the model sees. */
  historyTurns: number;
  /** How long a model may take to answer, in milliseconds. */
  timeoutMs: number;
  budget: BudgetLimits;
}

/** A question checked, budgeted and with its passages, ready to be answered. */
export interface PreparedChat {
  user: Viewer;
  question: string;
  courseId: string | null;
  conversationId: string | null;
  history: Turn[];
  passages: Passage[];
  sources: Source[];
  model: BaseChatModel | null;
}

/** Failure of the chat model, turned into a quotation by the caller. */
export class ModelUnavailableError extends Error {
  constructor(cause: unknown) {
    super("The language model did not answer.", { cause });
    this.name = "ModelUnavailableError";
  }
}

export const MODEL_FAILED_NOTICE =
  "The language model did not answer in time, so these are the matching passages, quoted from the materials.";

/**
 * Answers questions from the passages of the courses a user may read, with a LangChain chat
 * model when one is configured and as quotations otherwise, and keeps the conversations.
 */
export class AssistantService {
  readonly #budget: Budget;

  constructor(
    private readonly deps: {
      db: Database;
      clock: Clock;
      logger: Logger;
      timeZone: string;
      courses: CoursesPort;
      indexer: Indexer;
      chatModel: () => Promise<BaseChatModel | null>;
      embedder: () => Promise<EmbedderHandle | null>;
      vectorSearch: () => Promise<VectorSearch>;
      settings: AssistantSettings;
    },
  ) {
    this.#budget = new Budget(deps.db, deps.clock, deps.timeZone, deps.settings.budget);
  }

  get indexer(): Indexer {
    return this.deps.indexer;
  }

  /** How question and passage vectors are compared: pgvector where the database has it. */
  async vectorSearch(): Promise<VectorSearch | null> {
    return (await this.deps.embedder()) ? this.deps.vectorSearch() : null;
  }

  /** Whether answers are generated (a chat model is configured) or quoted. */
  async mode(): Promise<AnswerMode> {
    return (await this.deps.chatModel()) ? "generated" : "quoted";
  }

  async prepare(user: Viewer, input: ChatInput): Promise<PreparedChat> {
    const { db } = this.deps;
    const question = input.message.trim();
    let courseId = input.courseId ?? null;
    let history: Turn[] = [];
    if (input.conversationId) {
      const conversation = await this.#own(user, input.conversationId);
      courseId ??= conversation.courseId;
      history = await this.#history(conversation.id);
    }
    if (courseId && !(await this.deps.courses.canRead(user, courseId)))
      throw problems.notFound("There is no such course among those you may read.");
    const model = await this.deps.chatModel();
    await this.#budget.spendRequest(user.id, { withModel: !!model });

    const vector = await this.embedQuestion(question);
    const courseIds = courseId ? [courseId] : await this.deps.courses.readableCourseIds(user);
    const passages = await searchPassages(db, {
      question,
      courseIds,
      limit: this.deps.settings.passages,
      vector,
      ...(vector && { vectorSearch: await this.deps.vectorSearch() }),
    });
    const askedIn = courseId ?? passages[0]?.courseId;
    if (askedIn) await this.#recordQuestion(askedIn, question);
    return {
      user,
      question,
      courseId,
      conversationId: input.conversationId ?? null,
      history,
      passages,
      sources: toSources(passages, question),
      model,
    };
  }

  /** The question's unit vector, or null with no embedding model or when it does not answer. */
  async embedQuestion(question: string): Promise<number[] | null> {
    const embedder = await this.deps.embedder();
    if (!embedder) return null;
    try {
      return await embedder.embedQuery(question);
    } catch (error) {
      // Full-text search still answers while the embedding endpoint is down.
      this.deps.logger.warn({ err: error }, "the embedding model did not answer; searching by text only");
      return null;
    }
  }

  /**
   * Generates the answer, calling `onToken` with each piece as the model streams it. A model
   * that fails or is too slow throws `ModelUnavailableError`; `quote()` then answers instead.
   */
  async generate(
    prepared: PreparedChat,
    onToken?: (text: string) => Promise<void> | void,
  ): Promise<ChatAnswer> {
    if (!prepared.model || prepared.passages.length === 0) return this.quote(prepared);
    const signal = AbortSignal.timeout(this.deps.settings.timeoutMs);
    let answer = "";
    let tokens = 0;
    try {
      const stream = await prepared.model.stream(
        promptMessages(prepared.question, prepared.passages, prepared.history),
        { signal },
      );
      for await (const chunk of stream as AsyncIterable<AIMessageChunk>) {
        const text = textOf(chunk);
        if (chunk.usage_metadata) tokens = Math.max(tokens, chunk.usage_metadata.total_tokens ?? 0);
        if (!text) continue;
        answer += text;
        await onToken?.(text);
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, "the chat model failed");
      throw new ModelUnavailableError(error);
    }
    if (!answer.trim()) throw new ModelUnavailableError(new Error("The model answered nothing."));
    // Without usage figures, about four characters a token.
    if (!tokens)
      tokens = Math.ceil(
        (promptMessages(prepared.question, prepared.passages, prepared.history)
          .map((m) => String(m.content))
          .join("").length +
          answer.length) /
          4,
      );
    await this.#budget.spendTokens(prepared.user.id, tokens);
    return this.#keep(prepared, { answer, mode: "generated", sources: prepared.sources });
  }

  /** The answer with no model: the best passages, quoted with their sources, or "nothing found". */
  async quote(prepared: PreparedChat, notice?: string): Promise<ChatAnswer> {
    const answer = quotedAnswer(prepared.sources);
    return this.#keep(prepared, {
      answer,
      mode: "quoted",
      sources: prepared.sources,
      ...(notice && { notice }),
    });
  }

  /** prepare + generate, falling back to quotations when the model fails: never a 500 for a model's fault. */
  async chat(user: Viewer, input: ChatInput): Promise<ChatAnswer> {
    const prepared = await this.prepare(user, input);
    try {
      return await this.generate(prepared);
    } catch (error) {
      if (error instanceof ModelUnavailableError) return this.quote(prepared, MODEL_FAILED_NOTICE);
      throw error;
    }
  }

  async #keep(prepared: PreparedChat, answer: Omit<ChatAnswer, "conversationId">): Promise<ChatAnswer> {
    if (!this.deps.settings.storeConversations) return { ...answer, conversationId: null };
    let now = this.deps.clock.now();
    const conversationId = await this.deps.db.transaction(async (tx) => {
      let id = prepared.conversationId;
      if (id) {
        // Messages keep their order even when two turns share a clock tick.
        const [last] = await tx
          .select({ at: sql<Date>`max(${messages.createdAt})`.mapWith((v) => new Date(v)) })
          .from(messages)
          .where(eq(messages.conversationId, id));
        if (last?.at && last.at.getTime() >= now.getTime()) now = new Date(last.at.getTime() + 1);
        await tx.update(conversations).set({ updatedAt: now }).where(eq(conversations.id, id));
      } else {
        id = randomUUID();
        await tx.insert(conversations).values({
          id,
          userId: prepared.user.id,
          courseId: prepared.courseId,
          title: prepared.question.length > 80 ? `${prepared.question.slice(0, 79)}…` : prepared.question,
          createdAt: now,
          updatedAt: now,
        });
      }
      await tx.insert(messages).values([
        { id: randomUUID(), conversationId: id, role: "user", content: prepared.question, createdAt: now },
        {
          id: randomUUID(),
          conversationId: id,
          role: "assistant",
          content: answer.answer,
          mode: answer.mode,
          sources: answer.sources,
          // A millisecond later, so the answer always sorts after its question.
          createdAt: new Date(now.getTime() + 1),
        },
      ]);
      return id;
    });
    return { ...answer, conversationId };
  }

  // Conversations

  async listConversations(
    user: Viewer,
    query: { limit: number; cursor?: string },
  ): Promise<Page<ConversationSummary>> {
    const after = decodeCursor(query.cursor);
    const rows = await this.deps.db
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.userId, user.id),
          afterTimeAndId(after, conversations.updatedAt, conversations.id, "desc"),
        ),
      )
      .orderBy(desc(conversations.updatedAt), desc(conversations.id))
      .limit(query.limit + 1);
    return toPage(rows, query.limit, (r) => [r.updatedAt.toISOString(), r.id], toSummary);
  }

  async getConversation(user: Viewer, id: string): Promise<ConversationDetail> {
    const conversation = await this.#own(user, id);
    const rows = await this.deps.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, id))
      .orderBy(asc(messages.createdAt));
    return {
      ...toSummary(conversation),
      messages: rows.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        mode: m.mode,
        sources: m.sources as Source[],
        createdAt: m.createdAt.toISOString(),
      })),
    };
  }

  async deleteConversation(user: Viewer, id: string): Promise<void> {
    await this.#own(user, id);
    await this.deps.db.delete(conversations).where(eq(conversations.id, id));
  }

  /** The questions asked most in a course over the last `days`, with no one's name; owner or admin. */
  async topQuestions(user: Viewer, courseId: string, query: { days: number; limit: number }) {
    if (!(await this.deps.courses.canManage(user, courseId)))
      throw problems.notFound("There is no such course among yours.");
    const since = new Date(this.deps.clock.now().getTime() - query.days * 86_400_000);
    const rows = await this.deps.db
      .select({
        question: sql<string>`min(${questions.text})`,
        count: sql<number>`count(*)`.mapWith(Number),
        lastAskedAt: sql<Date>`max(${questions.askedAt})`.mapWith((v) => new Date(v)),
      })
      .from(questions)
      .where(and(eq(questions.courseId, courseId), gte(questions.askedAt, since)))
      .groupBy(questions.normalized)
      .orderBy(desc(sql`count(*)`), desc(sql`max(${questions.askedAt})`))
      .limit(query.limit);
    return rows.map((r) => ({
      question: r.question,
      count: r.count,
      lastAskedAt: r.lastAskedAt.toISOString(),
    }));
  }

  /** What is indexed for a course and what could not be read; owner or admin. */
  async indexStatus(user: Viewer, courseId: string) {
    if (!(await this.deps.courses.canManage(user, courseId)))
      throw problems.notFound("There is no such course among yours.");
    const rows = await this.deps.indexer.status(courseId);
    return rows.map((r) => ({ ...r, indexedAt: r.indexedAt.toISOString() }));
  }

  // Erasure

  /** A course is gone: its passages, the conversations about it and its question log go too. */
  async forgetCourse(courseId: string): Promise<void> {
    await this.deps.indexer.removeCourse(courseId);
    await this.deps.db.delete(conversations).where(eq(conversations.courseId, courseId));
    await this.deps.db.delete(questions).where(eq(questions.courseId, courseId));
  }

  async #recordQuestion(courseId: string, question: string) {
    // Statistics, not records: no disk flush on every question.
    await this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`set local synchronous_commit = off`);
      await tx.insert(questions).values({
        id: randomUUID(),
        courseId,
        normalized: question
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, " ")
          .trim(),
        text: question,
        askedAt: this.deps.clock.now(),
      });
    });
  }

  async #own(user: Viewer, id: string) {
    const [row] = await this.deps.db
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.userId, user.id)));
    if (!row) throw problems.notFound("There is no such conversation.");
    return row;
  }

  async #history(conversationId: string): Promise<Turn[]> {
    const rows = await this.deps.db
      .select({ role: messages.role, content: messages.content })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(desc(messages.createdAt))
      .limit(this.deps.settings.historyTurns);
    return rows.reverse();
  }
}

function toSummary(row: typeof conversations.$inferSelect): ConversationSummary {
  return {
    id: row.id,
    courseId: row.courseId,
    title: row.title,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function textOf(chunk: AIMessageChunk): string {
  if (typeof chunk.content === "string") return chunk.content;
  return chunk.content
    .map((part) => (typeof part === "string" ? part : part.type === "text" ? String(part.text) : ""))
    .join("");
}

export { NOTHING_FOUND };
