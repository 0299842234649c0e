import { MINUTE } from "@lectern/core";
import type { ClassStatus } from "../schema.js";
import { LiveClassesPart } from "./context.js";
import type { ClassRow, LiveClass } from "./types.js";

/** The DTO mapping: a class row as the API shows it, its derived times and status, and event fields. */
export class LiveClassViews extends LiveClassesPart {
  endOf(row: Pick<ClassRow, "startsAt" | "durationMinutes">): Date {
    return new Date(row.startsAt.getTime() + row.durationMinutes * MINUTE);
  }

  opensAt(row: Pick<ClassRow, "startsAt">): Date {
    return new Date(row.startsAt.getTime() - this.deps.joinWindowMinutes * MINUTE);
  }

  statusOf(row: ClassRow): ClassStatus {
    if (row.status === "cancelled") return "cancelled";
    return this.deps.clock.now() >= this.endOf(row) ? "ended" : "scheduled";
  }

  toJson(row: ClassRow): LiveClass {
    return {
      id: row.id,
      courseId: row.courseId,
      seriesId: row.seriesId,
      title: row.title,
      startsAt: row.startsAt.toISOString(),
      endsAt: this.endOf(row).toISOString(),
      opensAt: this.opensAt(row).toISOString(),
      durationMinutes: row.durationMinutes,
      provider: row.provider,
      status: this.statusOf(row),
      joinUrl: `${this.deps.publicUrl}/api/live-classes/${row.id}/join`,
      sequence: row.sequence,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  eventFields(row: ClassRow) {
    return {
      liveClassId: row.id,
      courseId: row.courseId,
      seriesId: row.seriesId,
      title: row.title,
      startsAt: row.startsAt.toISOString(),
      durationMinutes: row.durationMinutes,
      provider: row.provider,
    };
  }
}
