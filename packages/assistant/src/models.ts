import type { Embeddings } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { z } from "@lectern/core";

/**
 * The chat model: an OpenAI-compatible endpoint by base URL (OpenAI, Ollama, vLLM, llama.cpp
 * servers), Anthropic, or any LangChain chat model instance. The provider packages are optional
 * peers, imported only when configured.
 */
export const chatModelOption = z.union([
  z.object({
    provider: z.literal("openai"),
    model: z.string().min(1),
    /** e.g. `http://127.0.0.1:11434/v1` for Ollama; OpenAI's own API when omitted. */
    baseUrl: z.string().url().optional(),
    apiKey: z.string().optional(),
    temperature: z.number().min(0).max(2).default(0.2),
    maxTokens: z.number().int().positive().default(800),
  }),
  z.object({
    provider: z.literal("anthropic"),
    model: z.string().min(1),
    apiKey: z.string().optional(),
    baseUrl: z.string().url().optional(),
    temperature: z.number().min(0).max(1).default(0.2),
    maxTokens: z.number().int().positive().default(800),
  }),
  z.custom<BaseChatModel>(
    (value) =>
      typeof value === "object" && value !== null && typeof (value as BaseChatModel).stream === "function",
    "A LangChain chat model instance, or { provider: 'openai' | 'anthropic', model, ... }.",
  ),
]);

export const embeddingsOption = z.union([
  z.object({
    provider: z.literal("openai"),
    model: z.string().min(1),
    baseUrl: z.string().url().optional(),
    apiKey: z.string().optional(),
    dimensions: z.number().int().positive().optional(),
  }),
  z.custom<Embeddings & { model?: string }>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as Embeddings).embedDocuments === "function",
    "A LangChain embeddings instance, or { provider: 'openai', model, baseUrl? }.",
  ),
]);

export type ChatModelOption = z.output<typeof chatModelOption>;
export type EmbeddingsOption = z.output<typeof embeddingsOption>;

function missing(pkg: string, version: string): Error {
  return new Error(
    `The assistant is configured to use "${pkg}", which is not installed. Install it next to @lectern/assistant: pnpm add ${pkg}@${version}`,
  );
}

export async function createChatModel(
  option: ChatModelOption,
  settings: { maxRetries: number },
): Promise<BaseChatModel> {
  if (!("provider" in option)) return option;
  if (option.provider === "openai") {
    const { ChatOpenAI } = await import("@langchain/openai").catch(() => {
      throw missing("@langchain/openai", "1.6.0");
    });
    return new ChatOpenAI({
      model: option.model,
      apiKey: option.apiKey ?? "unused",
      temperature: option.temperature,
      maxTokens: option.maxTokens,
      maxRetries: settings.maxRetries,
      streamUsage: true,
      configuration: option.baseUrl ? { baseURL: option.baseUrl } : undefined,
    });
  }
  const { ChatAnthropic } = await import("@langchain/anthropic").catch(() => {
    throw missing("@langchain/anthropic", "1.5.11");
  });
  return new ChatAnthropic({
    model: option.model,
    apiKey: option.apiKey,
    temperature: option.temperature,
    maxTokens: option.maxTokens,
    maxRetries: settings.maxRetries,
    ...(option.baseUrl && { anthropicApiUrl: option.baseUrl }),
  });
}

/** The embedding model and a name that changes when its vectors would (model and dimensions). */
export async function createEmbeddings(
  option: EmbeddingsOption,
  settings: { maxRetries: number; timeoutMs: number },
): Promise<{ embeddings: Embeddings; name: string }> {
  if (!("provider" in option)) return { embeddings: option, name: option.model ?? option.constructor.name };
  const { OpenAIEmbeddings } = await import("@langchain/openai").catch(() => {
    throw missing("@langchain/openai", "1.6.0");
  });
  return {
    embeddings: new OpenAIEmbeddings({
      model: option.model,
      apiKey: option.apiKey ?? "unused",
      dimensions: option.dimensions,
      maxRetries: settings.maxRetries,
      timeout: settings.timeoutMs,
      configuration: option.baseUrl ? { baseURL: option.baseUrl } : undefined,
    }),
    name: `${option.model}${option.dimensions ? `@${option.dimensions}` : ""}`,
  };
}

/** Scales a vector to unit length, so a dot product is the cosine similarity. */
export function normalise(vector: number[]): number[] {
  const length = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1;
  return vector.map((x) => x / length);
}
