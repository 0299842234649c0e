import { users } from "@lectern/core";
import { inArray } from "drizzle-orm";
import { LiveClassesPart } from "./context.js";
import {
  type ClassRow,
  FETCH_ATTENDANCE_JOB,
  REMIND_JOB,
  REMINDER_LEAD_MS,
  REPORT_DELAY_MS,
} from "./types.js";

/** Reminder mails and the jobs queued for each class (reminder, attendance report). */
export class LiveClassReminders extends LiveClassesPart {
  /**
   * The `live-classes.remind` job, queued for 15 minutes before each start (again when a class
   * moves): mails the course's students and emits `live-class.starting`, in one transaction.
   * A job queued for a start the class no longer has does nothing.
   */
  async remind(liveClassId: string, startsAt: string): Promise<number> {
    const row = await this.support.find(liveClassId);
    if (!row || row.status !== "scheduled" || row.startsAt.toISOString() !== startsAt) return 0;
    const course = await this.deps.courses.course(row.courseId);
    const students = await this.deps.courses.activeStudents(this.db, row.courseId);
    if (!course || students.length === 0) return 0;
    const people = await this.db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(
        inArray(
          users.id,
          students.map((s) => s.userId),
        ),
      );
    const joinUrl = `${this.deps.publicUrl}/api/live-classes/${row.id}/join`;
    await this.db.transaction(async (tx) => {
      for (const person of people) {
        await this.deps.mail.send(tx, {
          to: person.email,
          subject: `Starting soon: ${row.title} (${course.title})`,
          notificationKind: "live-class.starting",
          text: [
            `Hello ${person.name},`,
            "",
            `"${row.title}" in ${course.title} starts at ${row.startsAt.toISOString().slice(11, 16)} UTC and lasts ${row.durationMinutes} minutes.`,
            `Join here: ${joinUrl}`,
          ].join("\n"),
        });
      }
      await this.deps.events.emit(tx, "live-class.starting", {
        ...this.views.eventFields(row),
        userIds: people.map((p) => p.id),
      });
    });
    return people.length;
  }

  reminderJob(row: ClassRow) {
    const runAt = new Date(
      Math.max(row.startsAt.getTime() - REMINDER_LEAD_MS, this.deps.clock.now().getTime()),
    );
    return {
      name: REMIND_JOB,
      payload: { liveClassId: row.id, startsAt: row.startsAt.toISOString() },
      runAt,
      dedupeKey: `${REMIND_JOB}:${row.id}:${row.startsAt.toISOString()}`,
    };
  }

  reportJob(row: ClassRow) {
    return {
      name: FETCH_ATTENDANCE_JOB,
      payload: { liveClassId: row.id },
      runAt: new Date(this.views.endOf(row).getTime() + REPORT_DELAY_MS),
      dedupeKey: `${FETCH_ATTENDANCE_JOB}:${row.id}:${row.startsAt.toISOString()}:${row.durationMinutes}`,
    };
  }
}
