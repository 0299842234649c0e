import { randomUUID } from "node:crypto";
import {
  type Clock,
  type Database,
  type EventBus,
  type Logger,
  type Mailer,
  MINUTE,
  problems,
  type ServiceRegistry,
  type User,
  users,
} from "@lectern/core";
import type { LiveClass, LiveClassesService } from "@lectern/live-classes";
import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { CourseAccess } from "./courses-access.js";
import { DailyAttendance, dayIn } from "./daily.js";
import { alerts, days, type RollCallStatus, rollCallChanges, rollCalls } from "./schema.js";

type Viewer = Pick<User, "id" | "role">;

export interface AttendanceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  events: EventBus;
  mail: Mailer;
  services: ServiceRegistry;
  courses: CourseAccess;
  timeZone: string;
  publicUrl: string;
  /** Under this share of classes attended, a student is alerted. */
  threshold: number;
  /** A join this long after the start counts as late. */
  lateAfterMinutes: number;
}

/** One student in one held class, as the report shows it. */
export interface ClassRecord {
  userId: string;
  liveClassId: string;
  /** Roll call if taken, else from the join: present, late (joined after the grace period) or absent. */
  status: RollCallStatus;
  automatic: Exclude<RollCallStatus, "excused">;
  joinedAt: string | null;
  rollCall: { status: RollCallStatus; changedBy: string; changedAt: string } | null;
}

export interface StudentRate {
  userId: string;
  held: number;
  attended: number;
  excused: number;
  /** Attended / (held − excused), 0..1; null before any class was held. */
  rate: number | null;
}

export interface CourseAttendance {
  courseId: string;
  classes: LiveClass[];
  students: (StudentRate & { name: string; email: string; records: ClassRecord[] })[];
}

/** Daily attendance, live-class attendance with roll call, rates, reports and alerts. */
export class AttendanceService {
  readonly daily: DailyAttendance;
  readonly #db: Database;

  constructor(private readonly deps: AttendanceDeps) {
    this.#db = deps.db;
    this.daily = new DailyAttendance(deps.db, deps.timeZone);
  }

  get #live(): LiveClassesService | null {
    return this.deps.services.has("live-classes") ? this.deps.services.get("live-classes") : null;
  }

  #requireLive(): LiveClassesService {
    const live = this.#live;
    if (!live) throw problems.notFound("Live classes are not installed here.");
    return live;
  }

  /** The signed-in user's own attendance: days present, classes joined, and the overall rate. */
  async mine(user: Viewer, range: { from?: string; to?: string }) {
    const to = range.to ?? dayIn(this.deps.clock.now(), this.deps.timeZone);
    const presentDays = await this.#db
      .select({ day: days.day })
      .from(days)
      .where(
        and(eq(days.userId, user.id), range.from ? gte(days.day, range.from) : undefined, lte(days.day, to)),
      )
      .orderBy(asc(days.day));
    const enrolled = await this.deps.courses.enrollmentsOf(this.#db, user.id);
    const live = this.#live;
    if (!live || enrolled.length === 0)
      return { days: presentDays.map((d) => d.day), liveClasses: [], rate: null, courses: [] };

    const reports = await this.#courseRecords(
      enrolled.map((e) => e.courseId),
      enrolled.map((e) => ({ ...e, userId: user.id })),
    );
    const records = reports.flatMap((r) => r.records);
    const liveClasses = records
      .filter((r) => r.joinedAt)
      .map((r) => ({ liveClassId: r.liveClassId, joinedAt: r.joinedAt! }))
      .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
    const total = rateOf(user.id, records);
    return {
      days: presentDays.map((d) => d.day),
      liveClasses,
      rate: total.rate,
      courses: reports.map((r) => ({
        courseId: r.courseId,
        ...rateOf(user.id, r.records),
        classes: r.records.map((rec) => {
          const held = r.classes.find((c) => c.id === rec.liveClassId)!;
          return {
            liveClassId: rec.liveClassId,
            title: held.title,
            startsAt: held.startsAt,
            status: rec.status,
          };
        }),
      })),
    };
  }

  /** The attendance section of one student's report in a course: the rate and each class held. */
  async studentSection(input: { userId: string; courseId?: string }) {
    if (!input.courseId || !this.#live) return null;
    const enrollment = (await this.deps.courses.enrollmentsOf(this.#db, input.userId)).find(
      (e) => e.courseId === input.courseId,
    );
    if (!enrollment) return null;
    const [report] = await this.#courseRecords([input.courseId], [{ ...enrollment, userId: input.userId }]);
    const records = report?.records ?? [];
    return {
      ...rateOf(input.userId, records),
      classes: records.map((r) => {
        const held = report!.classes.find((c) => c.id === r.liveClassId)!;
        return {
          liveClassId: r.liveClassId,
          title: held.title,
          startsAt: held.startsAt,
          status: r.status,
          joinedAt: r.joinedAt,
        };
      }),
    };
  }

  /**
   * Each given student's live-class attendance rate in one course, for another plugin's signals
   * (recommendations' at-risk model): the classes held since the student enrolled and, with
   * `asOf`, those held by then — one day for all, or each student's own (a rate "as it stood"
   * on a day of their enrollment). The caller decides who may see the figures. A student with
   * no class counted has null; without live classes installed the map is empty.
   */
  async attendanceRates(
    courseId: string,
    students: { userId: string; enrolledAt: Date; asOf?: Date }[],
    asOf?: Date,
  ): Promise<Map<string, number | null>> {
    const live = this.#live;
    if (!live || students.length === 0) return new Map();
    const latest = students.every((s) => s.asOf ?? asOf)
      ? new Date(Math.max(...students.map((s) => (s.asOf ?? asOf)!.getTime())))
      : undefined;
    const held = await live.classesHeld([courseId], latest ? { to: latest } : {});
    const [report] = await this.#courseRecords(
      [courseId],
      students.map((s) => ({ ...s, courseId, asOf: s.asOf ?? asOf })),
      held,
    );
    const records = report?.records ?? [];
    return new Map(students.map((s) => [s.userId, rateOf(s.userId, records).rate]));
  }

  /** Who attended one class, for its course's owner or an admin: each enrolled student, with the roll call. */
  async classAttendance(viewer: Viewer, liveClassId: string) {
    const live = this.#requireLive();
    const liveClass = await live.managedClass(viewer, liveClassId);
    const students = await this.deps.courses.activeStudents(this.#db, [liveClass.courseId]);
    const [merged, calls, names] = await Promise.all([
      live.attendanceOf(liveClass.id),
      this.#db.select().from(rollCalls).where(eq(rollCalls.liveClassId, liveClass.id)),
      this.#names(students.map((s) => s.userId)),
    ]);
    const presenceOf = new Map(merged.filter((m) => m.userId).map((m) => [m.userId!, m.presence]));
    const callOf = new Map(calls.map((c) => [c.userId, c]));
    const started = new Date(liveClass.startsAt) <= this.deps.clock.now();
    const items = students.map((s) => {
      const p = presenceOf.get(s.userId);
      const automatic = this.#automatic(liveClass, p?.joinedAt ?? null);
      const call = callOf.get(s.userId);
      return {
        user: { id: s.userId, ...names.get(s.userId)! },
        joinedAt: p?.joinedAt.toISOString() ?? null,
        leftAt: p?.leftAt?.toISOString() ?? null,
        minutesPresent: p?.minutesPresent ?? null,
        automatic: started || p ? automatic : null,
        rollCall: call
          ? { status: call.status, changedBy: call.changedBy, changedAt: call.changedAt.toISOString() }
          : null,
        status: call?.status ?? (started || p ? automatic : null),
      };
    });
    const guests = merged
      .filter((m) => !m.userId || !students.some((s) => s.userId === m.userId))
      .map((m) => ({
        name: m.name,
        joinedAt: m.presence.joinedAt.toISOString(),
        minutesPresent: m.presence.minutesPresent,
      }));
    return { liveClass, items, guests };
  }

  /** The instructor's roll call: overrides the automatic record, remembering who changed what. */
  async rollCall(viewer: Viewer, liveClassId: string, entries: { userId: string; status: RollCallStatus }[]) {
    const live = this.#requireLive();
    const liveClass = await live.managedClass(viewer, liveClassId);
    if (liveClass.status === "cancelled")
      throw problems.conflict("This class was cancelled; there is no roll to take.");
    if (new Date(liveClass.opensAt) > this.deps.clock.now()) {
      throw problems.conflict("The roll can be taken once the class opens.");
    }
    const ids = entries.map((e) => e.userId);
    if (new Set(ids).size !== ids.length) {
      throw problems.validation([{ path: "entries", message: "Each student may appear once." }]);
    }
    const enrolled = new Set(
      (await this.deps.courses.activeStudents(this.#db, [liveClass.courseId])).map((s) => s.userId),
    );
    const strangers = entries.flatMap((e, i) => (enrolled.has(e.userId) ? [] : [i]));
    if (strangers.length > 0) {
      throw problems.validation(
        strangers.map((i) => ({ path: `entries.${i}.userId`, message: "Not a student of this course." })),
      );
    }
    const now = this.deps.clock.now();
    await this.#db.transaction(async (tx) => {
      const before = new Map(
        (
          await tx
            .select({ userId: rollCalls.userId, status: rollCalls.status })
            .from(rollCalls)
            .where(and(eq(rollCalls.liveClassId, liveClass.id), inArray(rollCalls.userId, ids)))
            .for("update")
        ).map((r) => [r.userId, r.status]),
      );
      const changed = entries.filter((e) => before.get(e.userId) !== e.status);
      if (changed.length === 0) return;
      await tx
        .insert(rollCalls)
        .values(
          changed.map((e) => ({
            liveClassId: liveClass.id,
            courseId: liveClass.courseId,
            userId: e.userId,
            status: e.status,
            changedBy: viewer.id,
            changedAt: now,
          })),
        )
        .onConflictDoUpdate({
          target: [rollCalls.liveClassId, rollCalls.userId],
          set: {
            status: sql`excluded.status`,
            changedBy: sql`excluded.changed_by`,
            changedAt: sql`excluded.changed_at`,
          },
        });
      await tx.insert(rollCallChanges).values(
        changed.map((e) => ({
          id: randomUUID(),
          liveClassId: liveClass.id,
          userId: e.userId,
          from: before.get(e.userId) ?? null,
          to: e.status,
          changedBy: viewer.id,
          changedAt: now,
        })),
      );
    });
    return this.classAttendance(viewer, liveClass.id);
  }

  /** Each student's classes and rate in one course, for its owner or an admin. */
  async courseReport(viewer: Viewer, courseId: string): Promise<CourseAttendance> {
    const course = await this.deps.courses.course(courseId);
    if (!course || !(await this.deps.courses.canManage(viewer, course.id))) {
      throw problems.notFound("There is no such course among yours.");
    }
    const students = await this.deps.courses.activeStudents(this.#db, [course.id]);
    const [report] = await this.#courseRecords([course.id], students);
    const names = await this.#names(students.map((s) => s.userId));
    return {
      courseId: course.id,
      classes: report?.classes ?? [],
      students: students
        .map((s) => {
          const records = (report?.records ?? []).filter((r) => r.userId === s.userId);
          return { ...rateOf(s.userId, records), ...names.get(s.userId)!, records };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /** Students of the course under the threshold, lowest first. */
  async lowAttendance(viewer: Viewer, courseId: string) {
    const report = await this.courseReport(viewer, courseId);
    return {
      threshold: this.deps.threshold,
      items: report.students
        .filter((s) => s.rate !== null && s.rate < this.deps.threshold)
        .sort((a, b) => a.rate! - b.rate!)
        .map(({ records: _records, ...s }) => ({
          student: { id: s.userId, name: s.name, email: s.email },
          ...s,
        })),
    };
  }

  /** Institution-wide: users present per day, and each course's class attendance. */
  async institutionReport(range: { from?: string; to?: string }) {
    const today = dayIn(this.deps.clock.now(), this.deps.timeZone);
    const from =
      range.from ??
      dayIn(new Date(this.deps.clock.now().getTime() - 30 * 24 * 60 * MINUTE), this.deps.timeZone);
    const to = range.to ?? today;
    const perDay = await this.#db
      .select({ day: days.day, users: sql<number>`count(*)::int` })
      .from(days)
      .where(and(gte(days.day, from), lte(days.day, to)))
      .groupBy(days.day)
      .orderBy(asc(days.day));
    const live = this.#live;
    const courses: {
      courseId: string;
      title: string;
      classesHeld: number;
      students: number;
      rate: number | null;
    }[] = [];
    if (live) {
      const held = await live.classesHeld(await live.coursesWithClasses(), {
        from: new Date(`${from}T00:00:00Z`),
        to: new Date(new Date(`${to}T00:00:00Z`).getTime() + 24 * 60 * MINUTE),
      });
      const courseIds = [...new Set(held.map((c) => c.courseId))];
      const students = await this.deps.courses.activeStudents(this.#db, courseIds);
      const reports = await this.#courseRecords(courseIds, students, held);
      for (const report of reports) {
        const course = await this.deps.courses.course(report.courseId);
        const counted = report.records.filter((r) => r.status !== "excused");
        const attended = counted.filter((r) => r.status === "present" || r.status === "late").length;
        courses.push({
          courseId: report.courseId,
          title: course?.title ?? "",
          classesHeld: report.classes.length,
          students: students.filter((s) => s.courseId === report.courseId).length,
          rate: counted.length > 0 ? attended / counted.length : null,
        });
      }
    }
    return { from, to, days: perDay, courses: courses.sort((a, b) => a.title.localeCompare(b.title)) };
  }

  /**
   * The weekly job: each student under the threshold in a course gets one alert per period
   * (mail and `attendance.low`); the alert row's key makes a rerun send nothing twice.
   */
  async sendLowAttendanceAlerts(): Promise<number> {
    const live = this.#live;
    if (!live) return 0;
    const now = this.deps.clock.now();
    const period = isoWeek(now, this.deps.timeZone);
    const courseIds = await live.coursesWithClasses();
    const students = await this.deps.courses.activeStudents(this.#db, courseIds);
    const reports = await this.#courseRecords(courseIds, students);
    let sent = 0;
    for (const report of reports) {
      const course = await this.deps.courses.course(report.courseId);
      if (!course) continue;
      const inCourse = students.filter((s) => s.courseId === report.courseId);
      const names = await this.#names(inCourse.map((s) => s.userId));
      for (const student of inCourse) {
        const { rate } = rateOf(student.userId, report.records);
        if (rate === null || rate >= this.deps.threshold) continue;
        const person = names.get(student.userId)!;
        const alerted = await this.#db.transaction(async (tx) => {
          const [row] = await tx
            .insert(alerts)
            .values({ userId: student.userId, courseId: course.id, period, rate, sentAt: now })
            .onConflictDoNothing()
            .returning();
          if (!row) return false;
          const percent = Math.round(rate * 100);
          await this.deps.mail.send(tx, {
            to: person.email,
            subject: `Your attendance in ${course.title} is ${percent}%`,
            notificationKind: "attendance.low",
            text: [
              `Hello ${person.name},`,
              "",
              `You have attended ${percent}% of the live classes in ${course.title} so far; the course expects at least ${Math.round(this.deps.threshold * 100)}%.`,
              "If something keeps you away, tell your instructor.",
              "",
              `${this.deps.publicUrl}/courses/${course.slug}`,
            ].join("\n"),
          });
          await this.deps.events.emit(tx, "attendance.low", {
            userId: student.userId,
            courseId: course.id,
            instructorId: course.instructorId,
            rate,
            threshold: this.deps.threshold,
            period,
          });
          return true;
        });
        if (alerted) sent++;
      }
    }
    return sent;
  }

  // Helpers

  /** Every held class of the courses and each given student's record in those held since they enrolled. */
  async #courseRecords(
    courseIds: string[],
    students: { courseId: string; userId: string; enrolledAt: Date; asOf?: Date }[],
    heldClasses?: LiveClass[],
  ): Promise<{ courseId: string; classes: LiveClass[]; records: ClassRecord[] }[]> {
    const live = this.#live;
    if (!live || courseIds.length === 0) return [];
    const held = heldClasses ?? (await live.classesHeld(courseIds));
    const classIds = held.map((c) => c.id);
    const [joins, calls] = await Promise.all([
      live.joinsOf(classIds),
      classIds.length === 0
        ? []
        : this.#db.select().from(rollCalls).where(inArray(rollCalls.liveClassId, classIds)),
    ]);
    const joinOf = new Map(joins.map((j) => [`${j.liveClassId}:${j.userId}`, j.joinedAt]));
    const callOf = new Map(calls.map((c) => [`${c.liveClassId}:${c.userId}`, c]));
    return courseIds.map((courseId) => {
      const classes = held.filter((c) => c.courseId === courseId);
      const records: ClassRecord[] = [];
      for (const student of students.filter((s) => s.courseId === courseId)) {
        for (const liveClass of classes) {
          // A class counts from the enrollment on: one that ended before it is not the student's.
          if (new Date(liveClass.endsAt) <= student.enrolledAt) continue;
          // Nor one still to end on the day the rate is taken for.
          if (student.asOf && new Date(liveClass.endsAt) > student.asOf) continue;
          const key = `${liveClass.id}:${student.userId}`;
          const joinedAt = joinOf.get(key) ?? null;
          const call = callOf.get(key);
          const automatic = this.#automatic(liveClass, joinedAt);
          records.push({
            userId: student.userId,
            liveClassId: liveClass.id,
            status: call?.status ?? automatic,
            automatic,
            joinedAt: joinedAt?.toISOString() ?? null,
            rollCall: call
              ? { status: call.status, changedBy: call.changedBy, changedAt: call.changedAt.toISOString() }
              : null,
          });
        }
      }
      return { courseId, classes, records };
    });
  }

  #automatic(liveClass: LiveClass, joinedAt: Date | null): "present" | "late" | "absent" {
    if (!joinedAt) return "absent";
    const lateFrom = new Date(liveClass.startsAt).getTime() + this.deps.lateAfterMinutes * MINUTE;
    return joinedAt.getTime() > lateFrom ? "late" : "present";
  }

  async #names(userIds: string[]): Promise<Map<string, { name: string; email: string }>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.#db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(inArray(users.id, userIds));
    return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
  }
}

/** A student's rate from their records: present or late over those not excused. */
export function rateOf(userId: string, records: ClassRecord[]): StudentRate {
  const mine = records.filter((r) => r.userId === userId);
  const excused = mine.filter((r) => r.status === "excused").length;
  const attended = mine.filter((r) => r.status === "present" || r.status === "late").length;
  const counted = mine.length - excused;
  return { userId, held: mine.length, attended, excused, rate: counted > 0 ? attended / counted : null };
}

/** The ISO week (`2026-W10`) of `at` in the institution's calendar: one alert period. */
export function isoWeek(at: Date, timeZone: string): string {
  const [y, m, d] = dayIn(at, timeZone).split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
