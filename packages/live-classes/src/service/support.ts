import { decodeCursor, ProblemError, ProviderError, problems, toPage, type User } from "@lectern/core";
import { and, asc, eq, gt, gte, lt, or, type SQL } from "drizzle-orm";
import { MAX_OCCURRENCES, weeklyStarts } from "../recurrence.js";
import { classes } from "../schema.js";
import { LiveClassesPart } from "./context.js";
import {
  type ClassRow,
  type InstalledProvider,
  JOIN_CACHE_MS,
  JOIN_CACHE_SIZE,
  MAX_DURATION_MINUTES,
  notFound,
  type ScheduleInput,
  type Viewer,
} from "./types.js";

/** Lookups, access checks, validation and platform calls the other parts share. */
export class LiveClassSupport extends LiveClassesPart {
  provider(id: string, status: 409 | 422 = 422): InstalledProvider {
    const installed = this.deps.providers.find((p) => p.id === id);
    if (installed) return installed;
    if (status === 409) throw problems.conflict(`The video provider "${id}" is no longer installed.`);
    const known = this.deps.providers.map((p) => p.id).join(", ");
    throw problems.validation([{ path: "provider", message: `Unknown provider; installed: ${known}.` }]);
  }

  checkTiming(startsAt: Date, durationMinutes: number): void {
    const errors: { path: string; message: string }[] = [];
    if (startsAt.getTime() <= this.deps.clock.now().getTime()) {
      errors.push({ path: "startsAt", message: "A class must start in the future." });
    }
    if (durationMinutes > MAX_DURATION_MINUTES) {
      errors.push({ path: "durationMinutes", message: "A class may last at most 12 hours." });
    }
    if (errors.length > 0) throw problems.validation(errors);
  }

  starts(input: ScheduleInput): Date[] {
    const recurrence = input.recurrence;
    if (!recurrence) return [input.startsAt];
    if (recurrence.count === undefined && !recurrence.until) {
      throw problems.validation([
        { path: "recurrence", message: "A weekly series needs `until` or `count`." },
      ]);
    }
    if (recurrence.until && recurrence.until < input.startsAt) {
      throw problems.validation([
        { path: "recurrence.until", message: "`until` is before the first class." },
      ]);
    }
    const starts = weeklyStarts(input.startsAt, this.deps.timeZone, recurrence);
    if (starts.length > MAX_OCCURRENCES) {
      throw problems.validation([
        { path: "recurrence", message: `A series may have at most ${MAX_OCCURRENCES} classes.` },
      ]);
    }
    return starts;
  }

  async manageableCourse(viewer: Viewer, courseId: string): Promise<string> {
    const course = await this.deps.courses.course(courseId);
    if (!course || !(await this.deps.courses.canManage(viewer, course.id))) {
      throw problems.notFound("There is no such course among yours.");
    }
    return course.id;
  }

  async managed(viewer: Pick<User, "id" | "role">, id: string): Promise<ClassRow> {
    const row = await this.find(id);
    if (!row || !(await this.deps.courses.canManage(viewer, row.courseId))) throw notFound();
    return row;
  }

  checkChangeable(row: ClassRow): void {
    const status = this.views.statusOf(row);
    if (status === "cancelled") throw problems.conflict("This class was cancelled; schedule a new one.");
    if (status === "ended") throw problems.conflict("This class has already taken place.");
  }

  async canSee(viewer: Viewer, courseId: string): Promise<boolean> {
    return (
      (await this.deps.courses.isEnrolled(this.db, { courseId, userId: viewer.id })) ||
      (await this.deps.courses.canManage(viewer, courseId))
    );
  }

  /**
   * The class for the join route, from a short-lived per-process cache: when a class starts,
   * every student asks for the same row within seconds. Changes made here drop the entry at
   * once; another instance's change is seen within `JOIN_CACHE_MS`.
   */
  async findCached(id: string): Promise<ClassRow | undefined> {
    const now = Date.now();
    const hit = this.state.joinCache.get(id);
    if (hit && hit.until > now) return hit.row;
    const row = await this.find(id);
    if (this.state.joinCache.size >= JOIN_CACHE_SIZE) this.state.joinCache.clear();
    if (row) this.state.joinCache.set(id, { row, until: now + JOIN_CACHE_MS });
    return row;
  }

  async find(id: string): Promise<ClassRow | undefined> {
    const [row] = await this.db.select().from(classes).where(eq(classes.id, id));
    return row;
  }

  async page(condition: SQL, query: { limit: number; cursor?: string; from?: Date; to?: Date }) {
    const after = decodeCursor(query.cursor);
    let afterCondition: SQL | undefined;
    if (after) {
      const at = new Date(String(after[0]));
      if (after.length !== 2 || Number.isNaN(at.getTime())) {
        throw problems.validation([{ path: "cursor", message: "Invalid cursor." }]);
      }
      afterCondition = or(
        gt(classes.startsAt, at),
        and(eq(classes.startsAt, at), gt(classes.id, String(after[1]))),
      );
    }
    const rows = await this.db
      .select()
      .from(classes)
      .where(
        and(
          condition,
          afterCondition,
          query.from ? gte(classes.startsAt, query.from) : undefined,
          query.to ? lt(classes.startsAt, query.to) : undefined,
        ),
      )
      .orderBy(asc(classes.startsAt), asc(classes.id))
      .limit(query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.startsAt.toISOString(), r.id],
      (r) => this.views.toJson(r),
    );
  }

  async link(installed: InstalledProvider, row: ClassRow, viewer: Viewer, role: "host" | "attendee") {
    try {
      const { url } = await installed.provider.joinLink({
        classId: row.id,
        meetingId: row.meetingId,
        data: row.meetingData,
        title: row.title,
        startsAt: row.startsAt,
        durationMinutes: row.durationMinutes,
        user: { id: viewer.id, name: viewer.name, email: viewer.email },
        role,
      });
      return url;
    } catch (error) {
      throw this.providerProblem(installed, error);
    }
  }

  async cancelQuietly(
    installed: InstalledProvider,
    made: { id: string; meetingId: string; data: Record<string, string> }[],
  ) {
    for (const m of made) {
      try {
        await installed.provider.cancelMeeting({ classId: m.id, meetingId: m.meetingId, data: m.data });
      } catch (error) {
        this.deps.logger.warn(
          { provider: installed.id, meetingId: m.meetingId, err: error },
          "could not cancel an unused meeting",
        );
      }
    }
  }

  providerProblem(installed: InstalledProvider, error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    this.deps.logger.warn(
      { provider: installed.id, err: error instanceof Error ? error.message : String(error) },
      "video provider failed",
    );
    const retryable = error instanceof ProviderError ? error.retryable : true;
    return new ProblemError({
      status: 502,
      type: "provider-failed",
      title: "The video platform failed",
      detail: `${installed.name} did not answer as expected; nothing was changed.${retryable ? " Try again in a moment." : ""}`,
    });
  }
}
