import { randomUUID } from "node:crypto";
import { type Page, problems, type User } from "@lectern/core";
import { and, eq, inArray, sql } from "drizzle-orm";
import { classes } from "../schema.js";
import { LiveClassesPart } from "./context.js";
import {
  CANCEL_MEETING_JOB,
  type ClassPatch,
  type ClassRow,
  type LiveClass,
  notFound,
  type ScheduleInput,
  type Viewer,
} from "./types.js";

/** Scheduling, recurrence, moving and cancelling classes, and reading the schedule. */
export class LiveClassScheduling extends LiveClassesPart {
  /** The installed platforms, for the scheduling form. */
  listProviders(): { id: string; name: string }[] {
    return this.deps.providers.map(({ id, name }) => ({ id, name }));
  }

  /**
   * Schedules one class, or one per week. Every meeting is made at the platform first; if any
   * fails, those already made are cancelled and nothing is stored (502).
   */
  async schedule(
    viewer: Viewer,
    courseId: string,
    input: ScheduleInput,
  ): Promise<{ liveClass: LiveClass; occurrences: number; hostUrl: string }> {
    const course = await this.support.manageableCourse(viewer, courseId);
    const installed = this.support.provider(input.provider);
    this.support.checkTiming(input.startsAt, input.durationMinutes);
    const starts = this.support.starts(input);

    const ids = starts.map(() => randomUUID());
    const made: { id: string; meetingId: string; data: Record<string, string> }[] = [];
    const host = { id: viewer.id, name: viewer.name, email: viewer.email };
    try {
      for (const [i, startsAt] of starts.entries()) {
        const meeting = await installed.provider.createMeeting({
          classId: ids[i]!,
          title: input.title,
          startsAt,
          durationMinutes: input.durationMinutes,
          timeZone: this.deps.timeZone,
          host,
        });
        made.push({ id: ids[i]!, meetingId: meeting.meetingId, data: meeting.data ?? {} });
      }
    } catch (error) {
      await this.support.cancelQuietly(installed, made);
      throw this.support.providerProblem(installed, error);
    }

    const now = this.deps.clock.now();
    const seriesId = input.recurrence ? randomUUID() : null;
    const rows: ClassRow[] = made.map((m, i) => ({
      id: m.id,
      courseId: course,
      seriesId,
      title: input.title,
      startsAt: starts[i]!,
      durationMinutes: input.durationMinutes,
      provider: installed.id,
      status: "scheduled",
      meetingId: m.meetingId,
      meetingData: m.data,
      sequence: 0,
      createdBy: viewer.id,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
    }));
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(classes).values(rows);
        // Each occurrence is reminded of (and its report fetched) even if it is never moved.
        await this.deps.jobs.enqueueMany(
          tx,
          rows.flatMap((row) => [
            this.reminders.reminderJob(row),
            ...(installed.provider.fetchAttendance ? [this.reminders.reportJob(row)] : []),
          ]),
        );
        const first = rows[0]!;
        await this.deps.events.emit(tx, "live-class.scheduled", {
          ...this.views.eventFields(first),
          occurrences: rows.length,
        });
      });
    } catch (error) {
      await this.support.cancelQuietly(installed, made);
      throw error;
    }
    const first = rows[0]!;
    const hostUrl = await this.support.link(installed, first, viewer, "host");
    return { liveClass: this.views.toJson(first), occurrences: rows.length, hostUrl };
  }

  /** One class, for its course's enrolled students, its owner and admins; 404 for everyone else. */
  async get(viewer: Viewer, id: string): Promise<LiveClass> {
    const row = await this.support.find(id);
    if (!row || !(await this.support.canSee(viewer, row.courseId))) throw notFound();
    return this.views.toJson(row);
  }

  /** The course's schedule, in start order. */
  async listForCourse(
    viewer: Viewer,
    courseId: string,
    query: { limit: number; cursor?: string; from?: Date; to?: Date },
  ): Promise<Page<LiveClass>> {
    const course = await this.deps.courses.course(courseId);
    if (!course || !(await this.support.canSee(viewer, course.id))) {
      throw problems.notFound("There is no such course, or you are not enrolled in it.");
    }
    return this.support.page(eq(classes.courseId, course.id), query);
  }

  /** Classes not yet over in every course the viewer studies or teaches. */
  async listUpcoming(viewer: Viewer, query: { limit: number; cursor?: string }): Promise<Page<LiveClass>> {
    const now = this.deps.clock.now();
    const courseIds = await this.deps.courses.courseIdsOf(viewer);
    if (courseIds.length === 0) return { items: [], nextCursor: null };
    const notOver = sql`${classes.startsAt} + make_interval(mins => ${classes.durationMinutes}) > ${now.toISOString()}::timestamptz`;
    return this.support.page(and(inArray(classes.courseId, courseIds), notOver)!, query);
  }

  /** Moves, lengthens or renames one class (one occurrence of a series); the platform first. */
  async move(viewer: Viewer, id: string, patch: ClassPatch): Promise<LiveClass> {
    const row = await this.support.managed(viewer, id);
    this.support.checkChangeable(row);
    const next = {
      title: patch.title ?? row.title,
      startsAt: patch.startsAt ?? row.startsAt,
      durationMinutes: patch.durationMinutes ?? row.durationMinutes,
    };
    if (patch.startsAt || patch.durationMinutes)
      this.support.checkTiming(next.startsAt, next.durationMinutes);
    const installed = this.support.provider(row.provider, 409);
    let data = row.meetingData;
    try {
      const updated = await installed.provider.updateMeeting({
        classId: row.id,
        meetingId: row.meetingId,
        data: row.meetingData,
        ...next,
        timeZone: this.deps.timeZone,
      });
      data = updated.data ?? data;
    } catch (error) {
      throw this.support.providerProblem(installed, error);
    }
    const updated = await this.db.transaction(async (tx) => {
      const [stored] = await tx
        .update(classes)
        .set({
          ...next,
          meetingData: data,
          sequence: sql`${classes.sequence} + 1`,
          updatedAt: this.deps.clock.now(),
        })
        .where(and(eq(classes.id, row.id), eq(classes.status, "scheduled")))
        .returning();
      if (!stored) throw problems.conflict("This class was cancelled meanwhile.");
      await this.deps.jobs.enqueueMany(tx, [
        this.reminders.reminderJob(stored),
        ...(installed.provider.fetchAttendance ? [this.reminders.reportJob(stored)] : []),
      ]);
      await this.deps.events.emit(tx, "live-class.updated", {
        ...this.views.eventFields(stored),
        sequence: stored.sequence,
      });
      return stored;
    });
    this.state.joinCache.delete(row.id);
    return this.views.toJson(updated);
  }

  /** Cancels one class: kept and listed as cancelled; the platform's meeting is ended by a retried job. */
  async cancel(viewer: Viewer, id: string): Promise<LiveClass> {
    const row = await this.support.managed(viewer, id);
    if (row.status === "cancelled") return this.views.toJson(row);
    if (this.views.statusOf(row) === "ended") throw problems.conflict("This class has already taken place.");
    const cancelled = await this.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const [stored] = await tx
        .update(classes)
        .set({
          status: "cancelled",
          cancelledAt: now,
          updatedAt: now,
          sequence: sql`${classes.sequence} + 1`,
        })
        .where(and(eq(classes.id, row.id), eq(classes.status, "scheduled")))
        .returning();
      if (!stored) return row;
      await this.deps.jobs.enqueue(tx, CANCEL_MEETING_JOB, { liveClassId: row.id });
      await this.deps.events.emit(tx, "live-class.cancelled", this.views.eventFields(stored));
      return stored;
    });
    this.state.joinCache.delete(row.id);
    return this.views.toJson(cancelled);
  }

  /** The `live-classes.cancel-meeting` job: ends the meeting at the platform. */
  async cancelMeeting(liveClassId: string): Promise<void> {
    const row = await this.support.find(liveClassId);
    if (row?.status !== "cancelled") return;
    const installed = this.deps.providers.find((p) => p.id === row.provider);
    if (!installed) return;
    await installed.provider.cancelMeeting({
      classId: row.id,
      meetingId: row.meetingId,
      data: row.meetingData,
    });
  }

  /** Whether the viewer owns the class's course or is an admin; for attendance's routes. */
  async managedClass(viewer: Pick<User, "id" | "role">, id: string): Promise<LiveClass> {
    return this.views.toJson(await this.support.managed(viewer, id));
  }
}
