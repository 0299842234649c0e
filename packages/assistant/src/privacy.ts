import type { PrivacyHandler } from "@lectern/core";
import { asc, eq, inArray } from "drizzle-orm";
import { conversations, messages, usage } from "./schema.js";

/**
 * What the assistant keeps about a person: their conversations and daily usage. The question log
 * behind instructors' top questions holds no user, so there is nothing of theirs in it to erase.
 */
export const assistantPrivacy: PrivacyHandler = {
  key: "assistant.conversations",
  async export(executor, { userId }) {
    const own = await executor
      .select()
      .from(conversations)
      .where(eq(conversations.userId, userId))
      .orderBy(asc(conversations.createdAt));
    const all =
      own.length === 0
        ? []
        : await executor
            .select()
            .from(messages)
            .where(
              inArray(
                messages.conversationId,
                own.map((c) => c.id),
              ),
            )
            .orderBy(asc(messages.createdAt));
    const days = await executor.select().from(usage).where(eq(usage.userId, userId));
    return {
      conversations: own.map((c) => ({
        id: c.id,
        courseId: c.courseId,
        title: c.title,
        createdAt: c.createdAt.toISOString(),
        messages: all
          .filter((m) => m.conversationId === c.id)
          .map((m) => ({
            role: m.role,
            content: m.content,
            mode: m.mode,
            createdAt: m.createdAt.toISOString(),
          })),
      })),
      usage: days.map((d) => ({ day: d.day, requests: d.requests, tokens: d.tokens })),
    };
  },
  async erase(tx, { userId }) {
    await tx.delete(conversations).where(eq(conversations.userId, userId));
    await tx.delete(usage).where(eq(usage.userId, userId));
  },
};
