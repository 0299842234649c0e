import { randomUUID } from "node:crypto";
import { type Executor, ProblemError, problems, users } from "@lectern/core";
import { and, asc, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import { mergePresence } from "../presence.js";
import {
  type AttendanceSegment,
  type ParticipantEvent,
  type VideoProvider,
  WebhookSignatureError,
} from "../provider.js";
import { classes, presence } from "../schema.js";
import { LiveClassesPart } from "./context.js";
import type { ClassAttendee, ClassRow, LiveClass } from "./types.js";

/** Webhooks, attendance reports and the presence records read from them. */
export class LiveClassAttendance extends LiveClassesPart {
  /**
   * A platform's webhook: verified by its provider, then each participant event stored once
   * (a repeated delivery changes nothing). Events for meetings Lectern did not make are ignored.
   */
  async receiveWebhook(
    providerId: string,
    input: { rawBody: string; headers: Headers; url: string },
  ): Promise<{ status: number; body?: unknown }> {
    const installed = this.deps.providers.find((p) => p.id === providerId);
    if (!installed?.provider.parseWebhook) {
      throw problems.notFound(`No installed video provider "${providerId}" takes webhooks.`);
    }
    let parsed: Awaited<ReturnType<NonNullable<VideoProvider["parseWebhook"]>>>;
    try {
      parsed = await installed.provider.parseWebhook(input);
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        throw new ProblemError({
          status: 401,
          type: "webhook-signature",
          title: "Bad signature",
          detail: error.message,
        });
      }
      if (error instanceof SyntaxError) throw problems.badRequest("The webhook body is not well-formed.");
      throw error;
    }
    await this.#storeParticipantEvents(installed.id, parsed.events, "webhook");
    return parsed.reply ?? { status: 204 };
  }

  /** The `live-classes.fetch-attendance` job: reads the platform's report once the class is over. */
  async importReport(liveClassId: string): Promise<void> {
    const row = await this.support.find(liveClassId);
    if (!row || this.views.statusOf(row) !== "ended") return;
    const installed = this.deps.providers.find((p) => p.id === row.provider);
    if (!installed?.provider.fetchAttendance) return;
    const { participants } = await installed.provider.fetchAttendance({
      classId: row.id,
      meetingId: row.meetingId,
      data: row.meetingData,
    });
    await this.#storeSegments(row, participants);
  }

  /** Who attended one class: one merged record per person, earliest join first. */
  async attendanceOf(liveClassId: string, executor: Executor = this.db): Promise<ClassAttendee[]> {
    const [row] = await executor.select().from(classes).where(eq(classes.id, liveClassId));
    if (!row) return [];
    const events = await executor
      .select()
      .from(presence)
      .where(eq(presence.classId, row.id))
      .orderBy(asc(presence.at));
    const byPerson = new Map<string, (typeof events)[number][]>();
    for (const event of events) {
      if (event.role === "host") continue;
      const key = event.userId ?? `external:${event.externalId}`;
      byPerson.set(key, [...(byPerson.get(key) ?? []), event]);
    }
    const window = { startsAt: row.startsAt, endsAt: this.views.endOf(row), now: this.deps.clock.now() };
    const attendees: ClassAttendee[] = [];
    for (const list of byPerson.values()) {
      const merged = mergePresence(list, window);
      if (!merged) continue;
      const first = list[0]!;
      attendees.push({
        userId: first.userId,
        externalId: list.find((e) => e.externalId)?.externalId ?? null,
        name: list.find((e) => e.name)?.name ?? null,
        presence: merged,
      });
    }
    return attendees.sort((a, b) => a.presence.joinedAt.getTime() - b.presence.joinedAt.getTime());
  }

  /** The course's classes (not cancelled) that started in [from, to); for attendance rates and reports. */
  async classesHeld(
    courseIds: string[],
    range: { from?: Date; to?: Date } = {},
    executor: Executor = this.db,
  ): Promise<LiveClass[]> {
    if (courseIds.length === 0) return [];
    const now = this.deps.clock.now();
    const to = range.to && range.to < now ? range.to : now;
    const rows = await executor
      .select()
      .from(classes)
      .where(
        and(
          inArray(classes.courseId, courseIds),
          eq(classes.status, "scheduled"),
          lt(classes.startsAt, to),
          range.from ? gte(classes.startsAt, range.from) : undefined,
        ),
      )
      .orderBy(asc(classes.startsAt), asc(classes.id));
    return rows.map((row) => this.views.toJson(row));
  }

  /** The courses with at least one class held (started, not cancelled) so far. */
  async coursesWithClasses(executor: Executor = this.db): Promise<string[]> {
    const rows = await executor
      .selectDistinct({ courseId: classes.courseId })
      .from(classes)
      .where(and(eq(classes.status, "scheduled"), lt(classes.startsAt, this.deps.clock.now())));
    return rows.map((r) => r.courseId);
  }

  /** Each user's earliest join of each of these classes; for attendance reports. */
  async joinsOf(
    classIds: string[],
    executor: Executor = this.db,
  ): Promise<{ liveClassId: string; userId: string; joinedAt: Date }[]> {
    if (classIds.length === 0) return [];
    const rows = await executor
      .select({
        liveClassId: presence.classId,
        userId: presence.userId,
        joinedAt: sql<Date>`min(${presence.at})`.mapWith((v) => new Date(v)),
      })
      .from(presence)
      .where(
        and(
          inArray(presence.classId, classIds),
          eq(presence.kind, "joined"),
          sql`${presence.userId} is not null`,
          or(sql`${presence.role} is null`, eq(presence.role, "attendee")),
        ),
      )
      .groupBy(presence.classId, presence.userId);
    return rows.map((r) => ({ liveClassId: r.liveClassId, userId: r.userId!, joinedAt: r.joinedAt }));
  }

  async #storeParticipantEvents(providerId: string, events: ParticipantEvent[], source: "webhook") {
    if (events.length === 0) return;
    const meetings = [...new Set(events.map((e) => e.meetingId))];
    const owned = await this.db
      .select({ id: classes.id, meetingId: classes.meetingId, courseId: classes.courseId })
      .from(classes)
      .where(and(eq(classes.provider, providerId), inArray(classes.meetingId, meetings)));
    const classOf = new Map(owned.map((c) => [c.meetingId, c.id]));
    const courseOf = new Map(owned.map((c) => [c.meetingId, c.courseId]));
    const meetingOf = new Map(events.map((e) => [e.participant, e.meetingId]));
    const userIds = await this.#resolveUsers(
      events.map((e) => e.participant),
      (p) => courseOf.get(meetingOf.get(p) ?? ""),
    );
    const now = this.deps.clock.now();
    const rows = events.flatMap((event) => {
      const classId = classOf.get(event.meetingId);
      if (!classId) return [];
      return [
        {
          id: randomUUID(),
          classId,
          userId: userIds.get(event.participant) ?? null,
          externalId: event.participant.externalId,
          name: event.participant.name ?? null,
          kind: event.kind,
          source,
          at: event.at,
          dedupeKey: `${source}:${event.kind}:${event.eventId}`,
          receivedAt: now,
        },
      ];
    });
    if (rows.length > 0) await this.db.insert(presence).values(rows).onConflictDoNothing();
  }

  async #storeSegments(row: ClassRow, segments: AttendanceSegment[]) {
    if (segments.length === 0) return;
    const userIds = await this.#resolveUsers(
      segments.map((s) => s.participant),
      () => row.courseId,
    );
    const now = this.deps.clock.now();
    const rows = segments.flatMap((segment) => {
      const base = {
        classId: row.id,
        userId: userIds.get(segment.participant) ?? null,
        externalId: segment.participant.externalId,
        name: segment.participant.name ?? null,
        source: "report" as const,
        receivedAt: now,
      };
      const key = `${segment.participant.externalId}:${segment.joinedAt.toISOString()}`;
      return [
        {
          ...base,
          id: randomUUID(),
          kind: "joined" as const,
          at: segment.joinedAt,
          dedupeKey: `report:joined:${key}`,
        },
        {
          ...base,
          id: randomUUID(),
          kind: "left" as const,
          at: segment.leftAt,
          dedupeKey: `report:left:${key}`,
        },
      ];
    });
    await this.db.insert(presence).values(rows).onConflictDoNothing();
  }

  /**
   * Lectern's user for each participant: the id the platform echoed, else the email, else (for
   * platforms that report only names) the one student of the course with exactly that name.
   */
  async #resolveUsers<P extends { userId?: string; email?: string; name?: string }>(
    participants: P[],
    courseIdOf: (p: P) => string | undefined,
  ): Promise<Map<P, string>> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const ids = [
      ...new Set(participants.flatMap((p) => (p.userId && uuid.test(p.userId) ? [p.userId] : []))),
    ];
    const emails = [...new Set(participants.flatMap((p) => (p.email ? [p.email.toLowerCase()] : [])))];
    const found =
      ids.length + emails.length === 0
        ? []
        : await this.db
            .select({ id: users.id, email: users.email })
            .from(users)
            .where(
              or(
                ids.length > 0 ? inArray(users.id, ids) : undefined,
                emails.length > 0 ? inArray(sql`lower(${users.email})`, emails) : undefined,
              ),
            );
    const byId = new Set(found.map((u) => u.id));
    const byEmail = new Map(found.map((u) => [u.email.toLowerCase(), u.id]));
    const resolved = new Map<P, string>();
    const unmatched: P[] = [];
    for (const p of participants) {
      const id =
        p.userId && byId.has(p.userId) ? p.userId : p.email ? byEmail.get(p.email.toLowerCase()) : undefined;
      if (id) resolved.set(p, id);
      else if (p.name) unmatched.push(p);
    }
    const byCourse = new Map<string, Map<string, string | null>>();
    for (const p of unmatched) {
      const courseId = courseIdOf(p);
      if (!courseId) continue;
      if (!byCourse.has(courseId)) byCourse.set(courseId, await this.#studentsByName(courseId));
      const id = byCourse.get(courseId)!.get(normalName(p.name!));
      if (id) resolved.set(p, id);
    }
    return resolved;
  }

  /** The course's students by normalised name; a name two students share maps to null. */
  async #studentsByName(courseId: string): Promise<Map<string, string | null>> {
    const students = await this.deps.courses.activeStudents(this.db, courseId);
    if (students.length === 0) return new Map();
    const rows = await this.db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(
        inArray(
          users.id,
          students.map((s) => s.userId),
        ),
      );
    const names = new Map<string, string | null>();
    for (const row of rows) {
      const key = normalName(row.name);
      names.set(key, names.has(key) ? null : row.id);
    }
    return names;
  }
}

function normalName(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}
