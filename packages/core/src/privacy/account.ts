import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Executor, Transaction } from "../db/index.js";
import type { PrivacyHandler } from "../extensions.js";
import { MAIL_JOB } from "../mail.js";
import {
  events,
  jobs,
  notificationPreferences,
  notifications,
  rateLimits,
  realtimeChannels,
  realtimeMessages,
  sessions,
  users,
  userTokens,
  webhookDeliveries,
} from "../schema.js";

/** What an erased account's row says instead of the person's name. */
export const ERASED_NAME = "Former user";
/** Erased accounts keep their row (other records point at it) under an address no one can hold. */
export const ERASED_DOMAIN = "erased.invalid";
export const erasedEmail = (userId: string) => `erased-${userId}@${ERASED_DOMAIN}`;

/** A text inside a JSON document, as `jsonb::text` spells it (quotes and backslashes escaped). */
const inJson = (text: string) => JSON.stringify(text).slice(1, -1);

/** True when `column::text` contains any of `needles` (exact, case-sensitive substrings). */
const mentions = (column: unknown, needles: string[]) =>
  or(...needles.map((n) => sql`strpos(${column}::text, ${n}) > 0`));

/**
 * The core's own part of a person's data: the account, its sessions, mailed links, notifications
 * and preferences, and the traces mail and realtime left in the job queue and the message log.
 * It runs last on erasure, so plugins still read the account while they erase.
 */
export const accountPrivacy: PrivacyHandler = {
  key: "core.account",
  async export(executor: Executor, { userId }) {
    const [user] = await executor.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!user) return null;
    const own = await Promise.all([
      executor
        .select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .orderBy(asc(sessions.createdAt)),
      executor
        .select({
          purpose: userTokens.purpose,
          createdAt: userTokens.createdAt,
          expiresAt: userTokens.expiresAt,
          usedAt: userTokens.usedAt,
        })
        .from(userTokens)
        .where(eq(userTokens.userId, userId))
        .orderBy(asc(userTokens.createdAt)),
      executor
        .select({
          kind: notifications.kind,
          title: notifications.title,
          body: notifications.body,
          link: notifications.link,
          readAt: notifications.readAt,
          createdAt: notifications.createdAt,
        })
        .from(notifications)
        .where(eq(notifications.userId, userId))
        .orderBy(asc(notifications.createdAt)),
      executor
        .select({
          kind: notificationPreferences.kind,
          inApp: notificationPreferences.inApp,
          email: notificationPreferences.email,
        })
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, userId)),
    ]);
    const [signIns, links, received, preferences] = own;
    return {
      profile: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        createdAt: user.createdAt,
      },
      // Only when and until when: the session secrets are never part of an export.
      sessions: signIns,
      mailedLinks: links,
      notifications: received,
      notificationPreferences: preferences,
    };
  },
  async erase(tx: Transaction, { userId }) {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!user) return;
    const needles = [userId, user.email, inJson(user.email), inJson(user.name)].filter((n) => n.length > 0);
    await tx.delete(userTokens).where(eq(userTokens.userId, userId));
    await tx.delete(notifications).where(eq(notifications.userId, userId));
    await tx.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId));
    await tx
      .delete(realtimeMessages)
      .where(or(eq(realtimeMessages.channel, `user:${userId}`), mentions(realtimeMessages.data, needles)));
    await tx.delete(realtimeChannels).where(eq(realtimeChannels.channel, `user:${userId}`));
    // Finished jobs are history; mail still queued for the person is not sent to someone who left.
    // Other queued work (an event delivery for a course) still runs and finds the account erased.
    await tx
      .delete(jobs)
      .where(
        or(
          and(
            inArray(jobs.status, ["done", "failed"]),
            or(mentions(jobs.payload, needles), mentions(jobs.dedupeKey, [userId])),
          ),
          and(eq(jobs.status, "queued"), eq(jobs.name, MAIL_JOB), mentions(jobs.payload, needles.slice(1))),
        ),
      );
    // The event log, except events a webhook is still retrying (it reads the payload from here).
    await tx
      .delete(events)
      .where(
        and(
          mentions(events.payload, needles),
          sql`not exists (select 1 from ${webhookDeliveries} where ${webhookDeliveries.eventId} = ${events.id} and ${webhookDeliveries.status} = 'pending')`,
        ),
      );
    await tx.delete(rateLimits).where(sql`strpos(${rateLimits.key}, ${user.email}) > 0`);
    await tx
      .update(users)
      .set({ email: erasedEmail(userId), name: ERASED_NAME, passwordHash: null, role: "student" })
      .where(eq(users.id, userId));
  },
};
