import type { PrivacyHandler } from "@lectern/core";
import { and, asc, eq, isNull, or } from "drizzle-orm";
import { calendarTokens, classes, presence } from "./schema.js";

/**
 * What live classes keeps about a person: when they joined and left each class (from Lectern's
 * join redirect and the platforms' webhooks and reports), their calendar feed, and the classes
 * they scheduled. On erasure their presence records (also those a platform reported under their
 * name without an account) and their calendar feed are deleted; classes they scheduled stay with
 * the course.
 */
export const liveClassesPrivacy: PrivacyHandler = {
  key: "live-classes.presence",
  async export(executor, { userId }) {
    const joins = await executor
      .select({
        liveClassId: presence.classId,
        title: classes.title,
        kind: presence.kind,
        source: presence.source,
        role: presence.role,
        at: presence.at,
      })
      .from(presence)
      .innerJoin(classes, eq(classes.id, presence.classId))
      .where(eq(presence.userId, userId))
      .orderBy(asc(presence.at));
    const [feed] = await executor
      .select({ createdAt: calendarTokens.createdAt })
      .from(calendarTokens)
      .where(eq(calendarTokens.userId, userId));
    const scheduled = await executor
      .select({
        id: classes.id,
        courseId: classes.courseId,
        title: classes.title,
        startsAt: classes.startsAt,
      })
      .from(classes)
      .where(eq(classes.createdBy, userId))
      .orderBy(asc(classes.startsAt));
    return { presence: joins, calendarFeedSince: feed?.createdAt ?? null, classesScheduled: scheduled };
  },
  async erase(tx, { userId, name }) {
    await tx
      .delete(presence)
      .where(
        or(
          eq(presence.userId, userId),
          name ? and(isNull(presence.userId), eq(presence.name, name)) : undefined,
        ),
      );
    await tx.delete(calendarTokens).where(eq(calendarTokens.userId, userId));
  },
};
