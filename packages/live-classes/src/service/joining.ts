import { randomUUID } from "node:crypto";
import { ProblemError, problems } from "@lectern/core";
import { sql } from "drizzle-orm";
import { presence } from "../schema.js";
import { LiveClassesPart } from "./context.js";
import { notFound, type Viewer } from "./types.js";

/** The join route. */
export class LiveClassJoining extends LiveClassesPart {
  /**
   * The join route: checks the viewer may enter now, records that they did, and answers the
   * platform link made for them (the host link for the course's owner or an admin).
   */
  async join(viewer: Viewer, id: string): Promise<{ url: string }> {
    const row = await this.support.findCached(id);
    if (!row) throw notFound();
    const enrolled = await this.deps.courses.isEnrolled(this.db, {
      courseId: row.courseId,
      userId: viewer.id,
    });
    const hosts = !enrolled && (await this.deps.courses.canManage(viewer, row.courseId));
    if (!enrolled && !hosts) {
      throw problems.forbidden("You are not enrolled in the course this class belongs to.");
    }
    const status = this.views.statusOf(row);
    if (status === "cancelled") throw problems.gone("This class was cancelled.");
    if (status === "ended") throw problems.gone("This class has ended.");
    const opensAt = this.views.opensAt(row);
    if (!hosts && this.deps.clock.now() < opensAt) {
      throw new ProblemError({
        status: 409,
        type: "live-class-not-open",
        title: "Not open yet",
        detail: `You can join from ${opensAt.toISOString()}, ${this.deps.joinWindowMinutes} minutes before the start.`,
        opensAt: opensAt.toISOString(),
      });
    }
    const installed = this.support.provider(row.provider, 409);
    const role = hosts ? "host" : "attendee";
    const url = await this.support.link(installed, row, viewer, role);
    this.#recordJoin ??= this.db
      .insert(presence)
      .values({
        id: sql.placeholder("id"),
        classId: sql.placeholder("classId"),
        userId: sql.placeholder("userId"),
        kind: "joined",
        source: "lectern",
        role: sql.placeholder("role"),
        at: sql.placeholder("at"),
        receivedAt: sql.placeholder("at"),
      })
      .prepare("live_classes_record_join");
    await this.#recordJoin.execute({
      id: randomUUID(),
      classId: row.id,
      userId: viewer.id,
      role,
      at: this.deps.clock.now(),
    });
    return { url };
  }
  /** Built once: every join runs it. */
  #recordJoin?: { execute(values: Record<string, unknown>): Promise<unknown> };
}
