import type { PrivacyHandler } from "@lectern/core";
import { asc, eq } from "drizzle-orm";
import { alerts, days, rollCallChanges, rollCalls } from "./schema.js";

/**
 * What attendance keeps about a person: the days they were signed in, their roll-call statuses
 * and the history of changes to them, and the low-attendance alerts they were sent. All of it is
 * deleted on erasure. Roll calls an instructor took for others stay, pointing at the erased account.
 */
export const attendancePrivacy: PrivacyHandler = {
  key: "attendance.attendance",
  async export(executor, { userId }) {
    const [present, statuses, changes, sent] = await Promise.all([
      executor
        .select({ day: days.day, firstSeenAt: days.firstSeenAt })
        .from(days)
        .where(eq(days.userId, userId))
        .orderBy(asc(days.day)),
      executor
        .select({
          liveClassId: rollCalls.liveClassId,
          courseId: rollCalls.courseId,
          status: rollCalls.status,
          changedAt: rollCalls.changedAt,
        })
        .from(rollCalls)
        .where(eq(rollCalls.userId, userId))
        .orderBy(asc(rollCalls.changedAt)),
      executor
        .select({
          liveClassId: rollCallChanges.liveClassId,
          from: rollCallChanges.from,
          to: rollCallChanges.to,
          changedAt: rollCallChanges.changedAt,
        })
        .from(rollCallChanges)
        .where(eq(rollCallChanges.userId, userId))
        .orderBy(asc(rollCallChanges.changedAt)),
      executor
        .select({
          courseId: alerts.courseId,
          period: alerts.period,
          rate: alerts.rate,
          sentAt: alerts.sentAt,
        })
        .from(alerts)
        .where(eq(alerts.userId, userId))
        .orderBy(asc(alerts.sentAt)),
    ]);
    return { days: present, rollCalls: statuses, rollCallChanges: changes, lowAttendanceAlerts: sent };
  },
  async erase(tx, { userId }) {
    await tx.delete(days).where(eq(days.userId, userId));
    await tx.delete(rollCalls).where(eq(rollCalls.userId, userId));
    await tx.delete(rollCallChanges).where(eq(rollCallChanges.userId, userId));
    await tx.delete(alerts).where(eq(alerts.userId, userId));
  },
};
