import { createHash, randomBytes } from "node:crypto";
import { type Clock, type Database, type ServiceRegistry, type User, users } from "@lectern/core";
import { and, asc, eq, gte, inArray } from "drizzle-orm";
import ical, { ICalEventStatus } from "ical-generator";
import type { CourseAccess } from "./courses-access.js";
import { calendarTokens, classes } from "./schema.js";

/** What the feed reads of `@lectern/exams`' service (an optional dependency). */
interface ExamWindows {
  listExams(
    viewer: Pick<User, "id" | "role">,
    courseId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{
    items: {
      id: string;
      title: string;
      status: string;
      version: number;
      opensAt: string | null;
      closesAt: string | null;
      durationMinutes: number | null;
      updatedAt: string;
    }[];
    nextCursor: string | null;
  }>;
}

/** How far back the feed reaches: calendars keep past events themselves. */
const PAST_DAYS = 60;

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Each user's iCalendar feed of their classes and exam windows, read by calendar apps with a
 * token of its own (never the session's). UIDs are stable, SEQUENCE follows each change, and a
 * cancelled class stays in the feed as cancelled so calendars remove it.
 */
export class CalendarFeed {
  constructor(
    private readonly deps: {
      db: Database;
      clock: Clock;
      courses: CourseAccess;
      services: ServiceRegistry;
      publicUrl: string;
      hostName: string;
    },
  ) {}

  /** A new feed token for the user; the old one stops working. */
  async resetToken(userId: string): Promise<{ url: string }> {
    const token = randomBytes(24).toString("base64url");
    await this.deps.db
      .insert(calendarTokens)
      .values({ userId, tokenHash: hash(token), createdAt: this.deps.clock.now() })
      .onConflictDoUpdate({
        target: calendarTokens.userId,
        set: { tokenHash: hash(token), createdAt: this.deps.clock.now() },
      });
    return { url: `${this.deps.publicUrl}/api/me/calendar.ics?token=${token}` };
  }

  /** The feed for the token's owner, or null for an unknown (or replaced) token. */
  async render(token: string): Promise<string | null> {
    const [owner] = await this.deps.db
      .select({ id: users.id, role: users.role, name: users.name })
      .from(calendarTokens)
      .innerJoin(users, eq(users.id, calendarTokens.userId))
      .where(eq(calendarTokens.tokenHash, hash(token)));
    if (!owner) return null;
    const calendar = ical({ name: "Lectern classes", prodId: { company: "Lectern", product: "Lectern" } });
    const courseIds = await this.deps.courses.courseIdsOf(owner);
    const since = new Date(this.deps.clock.now().getTime() - PAST_DAYS * 86_400_000);
    const rows =
      courseIds.length === 0
        ? []
        : await this.deps.db
            .select()
            .from(classes)
            .where(and(inArray(classes.courseId, courseIds), gte(classes.startsAt, since)))
            .orderBy(asc(classes.startsAt));
    const titles = new Map<string, string>();
    for (const id of courseIds) titles.set(id, (await this.deps.courses.course(id))?.title ?? "");
    for (const row of rows) {
      calendar.createEvent({
        id: `live-class-${row.id}@${this.deps.hostName}`,
        sequence: row.sequence,
        stamp: row.updatedAt,
        start: row.startsAt,
        end: new Date(row.startsAt.getTime() + row.durationMinutes * 60_000),
        summary: `${row.title} — ${titles.get(row.courseId) ?? ""}`,
        description: `Join: ${this.deps.publicUrl}/api/live-classes/${row.id}/join`,
        url: `${this.deps.publicUrl}/api/live-classes/${row.id}/join`,
        status: row.status === "cancelled" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
    await this.#examWindows(calendar, owner, courseIds, titles);
    return calendar.toString();
  }

  /** Published exams with an opening time, through exams' own service when it is installed. */
  async #examWindows(
    calendar: ReturnType<typeof ical>,
    owner: Pick<User, "id" | "role">,
    courseIds: string[],
    titles: Map<string, string>,
  ): Promise<void> {
    if (!this.deps.services.has("exams")) return;
    // exams is optional: described here by the little the feed reads, so it need not be installed.
    const exams = this.deps.services.get("exams" as never) as ExamWindows;
    for (const courseId of courseIds) {
      let cursor: string | undefined;
      do {
        const page = await exams.listExams(owner, courseId, { limit: 100, cursor });
        for (const exam of page.items) {
          if (exam.status !== "published" || !exam.opensAt) continue;
          const start = new Date(exam.opensAt);
          const end = exam.closesAt
            ? new Date(exam.closesAt)
            : new Date(start.getTime() + (exam.durationMinutes ?? 60) * 60_000);
          calendar.createEvent({
            id: `exam-${exam.id}@${this.deps.hostName}`,
            sequence: exam.version,
            stamp: new Date(exam.updatedAt),
            start,
            end,
            summary: `Exam: ${exam.title} — ${titles.get(courseId) ?? ""}`,
            url: `${this.deps.publicUrl}/courses/${courseId}`,
          });
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
  }
}
