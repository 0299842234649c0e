import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { definePlugin, type PluginContext, z } from "@lectern/core";
import { coursesPort } from "./courses-port.js";
import { assistantSubscriptions, INDEX_COURSE_JOB, INDEX_MATERIAL_JOB } from "./events.js";
import { Indexer } from "./ingest.js";
import { chatModelOption, createChatModel, createEmbeddings, embeddingsOption } from "./models.js";
import { assistantPrivacy } from "./privacy.js";
import { type EmbedderHandle, embedderHandle } from "./retrieval.js";
import { assistantRoutes } from "./routes.js";
import { AssistantService } from "./service.js";
import { detectVectorSearch, type VectorSearch } from "./vectors.js";

export { NOTHING_FOUND, QUOTED_INTRO, type Source, SYSTEM_PROMPT } from "./answer.js";
export {
  captionCues,
  captionsToText,
  clockTime,
  detectFormat,
  htmlToText,
  markdownToText,
  NotSearchableError,
} from "./extract.js";
export type { IndexOutcome } from "./ingest.js";
export { type ChatModelOption, createChatModel, createEmbeddings, type EmbeddingsOption } from "./models.js";
export { excerpt, type Passage, searchPassages } from "./retrieval.js";
export {
  type AnswerMode,
  AssistantService,
  type ChatAnswer,
  type ChatInput,
  type ConversationDetail,
  type ConversationSummary,
  ModelUnavailableError,
} from "./service.js";
export type { VectorSearch } from "./vectors.js";

export const assistantOptions = z.object({
  /** The chat model; without one, answers are the best passages, quoted. */
  model: chatModelOption.optional(),
  /** An embedding model: passages get vectors and search ranks by words and meaning together. */
  embeddings: embeddingsOption.optional(),
  /** Longest question, in characters (longer: 422). */
  maxQuestionLength: z.number().int().min(20).max(20_000).default(1_000),
  /** Passages quoted or handed to the model per answer. */
  passages: z.number().int().min(1).max(12).default(4),
  /** Keep conversations (`GET /api/assistant/conversations`); false keeps no question or answer with a name. */
  storeConversations: z.boolean().default(true),
  historyTurns: z.number().int().min(0).max(20).default(6),
  /** How long the model may take for a whole answer before quotations stand in. */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Retries of a failed model call inside one answer. */
  maxRetries: z.number().int().min(0).max(5).default(1),
  budget: z
    .object({
      requestsPerDay: z.number().int().positive().default(100),
      tokensPerDay: z.number().int().positive().default(100_000),
    })
    .prefault({}),
  indexing: z
    .object({
      chunkSize: z.number().int().min(200).max(8_000).default(1_000),
      chunkOverlap: z.number().int().min(0).max(2_000).default(150),
      /** Largest file read, in bytes. */
      maxFileBytes: z
        .number()
        .int()
        .positive()
        .default(200 * 1024 * 1024),
    })
    .prefault({}),
});

export type AssistantOptions = z.input<typeof assistantOptions>;
type Options = z.output<typeof assistantOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    assistant: AssistantService;
  }
}

/** Creates each configured model once, on first use, so an unused optional peer is never imported. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    made ??= make().catch((error) => {
      made = null;
      throw error;
    });
    return made;
  };
}

function buildService(ctx: PluginContext<Options>): AssistantService {
  const { options } = ctx;
  const chatModel = lazy<BaseChatModel | null>(async () =>
    options.model ? createChatModel(options.model, { maxRetries: options.maxRetries }) : null,
  );
  const embedder = lazy<EmbedderHandle | null>(async () => {
    if (!options.embeddings) return null;
    const { embeddings, name } = await createEmbeddings(options.embeddings, {
      maxRetries: options.maxRetries,
      timeoutMs: options.timeoutMs,
    });
    return embedderHandle(embeddings, name);
  });
  // Asked once, and only with an embedding model: without vectors there is nothing to compare.
  const vectorSearch = lazy<VectorSearch>(() => detectVectorSearch(ctx.db, ctx.logger));
  const courses = coursesPort(ctx);
  const indexer = new Indexer({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    courses,
    embedder,
    settings: options.indexing,
  });
  return new AssistantService({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    timeZone: ctx.config.timeZone,
    courses,
    indexer,
    chatModel,
    embedder,
    vectorSearch,
    settings: {
      passages: options.passages,
      storeConversations: options.storeConversations,
      historyTurns: options.historyTurns,
      timeoutMs: options.timeoutMs,
      budget: options.budget,
    },
  });
}

/**
 * The course assistant: indexes what courses say (materials and descriptions) as they change,
 * and answers questions from the courses a user may read, with sources — generated by a
 * LangChain chat model when one is configured, quoted from the materials otherwise.
 */
export const assistant = definePlugin({
  id: "assistant",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses"],
  options: assistantOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: {
    "model-unavailable": { status: 503, title: "The assistant's model did not answer" },
  },
  permissions: {
    "assistant.insights": ["instructor", "admin"],
  },
  services: (ctx) => buildService(ctx),
  routes: (ctx) =>
    assistantRoutes(ctx.services.get("assistant"), { maxQuestionLength: ctx.options.maxQuestionLength }),
  events: { on: (ctx) => assistantSubscriptions(ctx as PluginContext) },
  contributes: () => ({ "core.privacy": assistantPrivacy }),
  jobs: (ctx) => [
    {
      name: INDEX_MATERIAL_JOB,
      retry: { attempts: 4, backoffMs: 10_000 },
      run: async (payload: { materialId: string }) => {
        await ctx.services.get("assistant").indexer.indexMaterial(payload.materialId);
      },
    },
    {
      name: INDEX_COURSE_JOB,
      retry: { attempts: 4, backoffMs: 10_000 },
      run: async (payload: { courseId: string }) => {
        await ctx.services.get("assistant").indexer.indexCourse(payload.courseId);
      },
    },
  ],
});
