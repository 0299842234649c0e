import {
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  jsonBody,
  type LecternEnv,
  type Problem,
  ProblemError,
  pageOf,
  pageQuery,
  z,
} from "@lectern/core";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { DOCUMENT_STATUSES } from "./schema.js";
import { type AssistantService, MODEL_FAILED_NOTICE, ModelUnavailableError } from "./service.js";

const TAG = ["Assistant"];

/** Tabs and line breaks are fine in a question; other control characters only hide things. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

const SourceSchema = z
  .object({
    materialId: z.string().nullable().openapi({ description: "Null for the course's own description" }),
    courseId: z.string(),
    title: z.string(),
    excerpt: z.string(),
    page: z.number().int().optional().openapi({ description: "1-based page of a PDF" }),
    at: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Captions: seconds into the video where the quoted words are spoken" }),
  })
  .openapi("AssistantSource");

const AnswerSchema = z
  .object({
    answer: z.string(),
    mode: z.enum(["generated", "quoted"]).openapi({
      description:
        "`quoted`: passages quoted from the materials, not generated (no model, or the model failed)",
    }),
    sources: z.array(SourceSchema),
    conversationId: z.string().nullable().openapi({ description: "Null when conversations are not kept" }),
    notice: z
      .string()
      .optional()
      .openapi({ description: "Why a quotation stands in for a generated answer" }),
  })
  .openapi("AssistantAnswer");

const ConversationSchema = z
  .object({
    id: z.string(),
    courseId: z.string().nullable(),
    title: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("AssistantConversation");

const MessageSchema = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  mode: z.enum(["generated", "quoted"]).nullable(),
  sources: z.array(SourceSchema),
  createdAt: z.string(),
});

export function assistantRoutes(service: AssistantService, options: { maxQuestionLength: number }) {
  const routes = {
    chat: defineRoute({
      method: "post",
      path: "/assistant/chat",
      access: "signed-in",
      tags: TAG,
      summary:
        "Ask about the courses you may read; `Accept: text/event-stream` streams `token`, `sources`, then `done` (or `error`, a problem)",
      request: {
        body: jsonBody(
          z.object({
            message: z
              .string()
              .trim()
              .min(1, "Ask a question.")
              .max(
                options.maxQuestionLength,
                `A question may have at most ${options.maxQuestionLength} characters.`,
              )
              .refine((s) => !hasControlCharacters(s), "Control characters are not allowed."),
            courseId: z.string().uuid().optional(),
            conversationId: z.string().uuid().optional(),
          }),
        ),
      },
      responses: {
        200: {
          description: "The answer, or its event stream",
          content: {
            "application/json": { schema: AnswerSchema },
            "text/event-stream": { schema: z.string() },
          },
        },
      },
    }),
    conversations: defineRoute({
      method: "get",
      path: "/assistant/conversations",
      access: "signed-in",
      tags: TAG,
      summary: "Your conversations with the assistant, latest first",
      request: { query: z.object(pageQuery) },
      responses: { 200: json(pageOf(ConversationSchema), "A page of conversations") },
    }),
    conversation: defineRoute({
      method: "get",
      path: "/assistant/conversations/{id}",
      access: "signed-in",
      tags: TAG,
      summary: "One of your conversations with its messages",
      request: { params: IdParam },
      responses: {
        200: json(ConversationSchema.extend({ messages: z.array(MessageSchema) }), "The conversation"),
      },
    }),
    deleteConversation: defineRoute({
      method: "delete",
      path: "/assistant/conversations/{id}",
      access: "signed-in",
      tags: TAG,
      summary: "Delete one of your conversations",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" } },
    }),
    topQuestions: defineRoute({
      method: "get",
      path: "/courses/{id}/assistant/top-questions",
      access: "assistant.insights",
      tags: TAG,
      summary: "The questions asked most in the course (owner, admin); no one's name",
      request: {
        params: IdParam,
        query: z.object({
          days: z.coerce.number().int().min(1).max(365).default(30),
          limit: z.coerce.number().int().min(1).max(50).default(10),
        }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({ question: z.string(), count: z.number().int(), lastAskedAt: z.string() }),
            ),
          }),
          "Questions and how often they were asked",
        ),
      },
    }),
    indexStatus: defineRoute({
      method: "get",
      path: "/courses/{id}/assistant/materials",
      access: "assistant.insights",
      tags: TAG,
      summary: "What the assistant can search in the course, and why a file is not searchable (owner, admin)",
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                materialId: z.string().nullable(),
                title: z.string(),
                status: z.enum(DOCUMENT_STATUSES),
                reason: z.string().nullable(),
                pages: z.number().int().nullable(),
                passages: z.number().int(),
                indexedAt: z.string(),
              }),
            ),
          }),
          "The course's indexed sources",
        ),
      },
    }),
  };

  const app = createRouter();
  app.openapi(routes.chat, async (c) => {
    const user = currentUser(c);
    const input = c.req.valid("json");
    if (!wantsStream(c)) return c.json(await service.chat(user, input), 200);
    // Problems found before the first byte (404, 429) answer as problem+json, not as a stream.
    const prepared = await service.prepare(user, input);
    return streamSSE(c, async (stream) => {
      const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) });
      try {
        const answer = await service.generate(prepared, (text) => send("token", { text }));
        if (answer.mode === "quoted") await send("token", { text: answer.answer });
        await send("sources", { mode: answer.mode, sources: answer.sources });
        await send("done", { conversationId: answer.conversationId, mode: answer.mode });
      } catch (error) {
        if (error instanceof ModelUnavailableError) {
          const fallback = await service.quote(prepared, MODEL_FAILED_NOTICE);
          // Built as a ProblemError so the slug becomes the same full type URI a response carries.
          const { problem } = new ProblemError({
            type: "model-unavailable",
            title: "The assistant's model did not answer",
            status: 503,
            detail: MODEL_FAILED_NOTICE,
            fallback,
          });
          await send("error", problem);
          return;
        }
        const problem: Problem =
          error instanceof ProblemError
            ? error.problem
            : {
                type: "about:blank",
                title: "Something went wrong",
                status: 500,
                detail: "Try again in a moment.",
              };
        await send("error", problem);
      }
    }) as never;
  });
  app.openapi(routes.conversations, async (c) =>
    c.json(await service.listConversations(currentUser(c), c.req.valid("query")), 200),
  );
  app.openapi(routes.conversation, async (c) =>
    c.json(await service.getConversation(currentUser(c), c.req.valid("param").id), 200),
  );
  app.openapi(routes.deleteConversation, async (c) => {
    await service.deleteConversation(currentUser(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
  app.openapi(routes.topQuestions, async (c) => {
    const items = await service.topQuestions(currentUser(c), c.req.valid("param").id, c.req.valid("query"));
    return c.json({ items }, 200);
  });
  app.openapi(routes.indexStatus, async (c) => {
    const items = await service.indexStatus(currentUser(c), c.req.valid("param").id);
    return c.json({ items }, 200);
  });
  return app;
}

function wantsStream(c: Context<LecternEnv>): boolean {
  return (c.req.header("accept") ?? "").includes("text/event-stream");
}
