import { randomUUID } from "node:crypto";
import {
  type Clock,
  DAY,
  type Database,
  type EventBus,
  type Logger,
  type Mailer,
  problems,
  users,
} from "@lectern/core";
import type { Course } from "@lectern/courses";
import { and, desc, eq, gte, inArray } from "drizzle-orm";
import {
  type Contribution,
  enoughHistory,
  explain,
  FEATURE_LABELS,
  type FeatureName,
  type FeatureVector,
  fitRiskModel,
  type RiskModel,
  rulesModel,
  SNAPSHOT_DAYS,
  type StudentSignals,
  toVector,
} from "../model/index.js";
import { models, riskDigests, riskScores } from "../schema.js";
import type { Sources, StudentActivity } from "../sources.js";

type Viewer = { id: string; role: "student" | "instructor" | "admin" };

export interface AtRiskItem {
  student: { id: string; name: string };
  risk: number;
  factors: { name: FeatureName; label: string; value: number | null; contribution: number }[];
  /** Risk now minus risk a week before the latest score; null without a score that old. */
  change: number | null;
  scoredAt: string;
}

interface Deps {
  db: Database;
  clock: Clock;
  events: EventBus;
  mail: Mailer;
  logger: Logger;
  sources: Sources;
  publicUrl: string;
  threshold: number;
  period: "day" | "week";
}

/** Signals of one student against their cohort, as of now. */
export function signalsOf(student: StudentActivity, cohortMedianProgress: number, now: Date): StudentSignals {
  return {
    paceAgainstCohort: student.progress - cohortMedianProgress,
    daysInactive: Math.max(0, Math.floor((now.getTime() - student.lastActiveAt.getTime()) / DAY)),
    marksSoFar: student.marks.length ? student.marks.reduce((a, b) => a + b, 0) / student.marks.length : null,
    missedAssessments: student.missed,
    attendance: student.attendance,
  };
}

/**
 * A finished enrollment's signals as they stood `day` days after it began, from what was on
 * record by then: the marks graded, the exams closed without an attempt, the last activity
 * (attendance on that day is filled in by the caller, from attendance's service). Its progress
 * on that day is not published by courses, so it is unknown (the model's training mean,
 * contributing nothing). Null once the enrollment had already finished, or for a day still to
 * come.
 */
export function snapshotOf(student: StudentActivity, day: number, now: Date): StudentSignals | null {
  const asOf = new Date(student.enrolledAt.getTime() + day * DAY);
  const finished = student.completedAt ?? now;
  if (asOf >= finished) return null;
  const marks = student.graded.filter((g) => g.at <= asOf).map((g) => g.mark);
  const lastActive = Math.max(
    student.enrolledAt.getTime(),
    ...student.graded.filter((g) => g.at <= asOf).map((g) => g.at.getTime()),
  );
  return {
    paceAgainstCohort: null,
    daysInactive: Math.max(0, Math.floor((asOf.getTime() - lastActive) / DAY)),
    marksSoFar: marks.length ? marks.reduce((a, b) => a + b, 0) / marks.length : null,
    missedAssessments: student.closingExams.filter((e) => e.closesAt <= asOf && !e.attempted).length,
    attendance: null,
  };
}

/**
 * The early warning: trains the at-risk model on the institution's finished enrollments, scores
 * each course's active students (keeping every score, so a week's change can be shown), emits
 * `student.at-risk` and mails each instructor once per period.
 */
export class AtRisk {
  constructor(private readonly deps: Deps) {}

  /**
   * Fits a new model. Finished enrollments: completed ones did not fail; cancelled ones, and
   * active ones whose every exam has closed without completing the course, did. Each gives a row
   * at its end and one per `SNAPSHOT_DAYS` day it lasted past, so the model learns what a
   * student heading for a fail looks like mid-course, where it is used, not only at the end (see
   * docs/recommendations.md for what this changed on OULAD). The new model replaces the serving
   * one in the last statement, so a failure on the way changes nothing.
   */
  async train(): Promise<{ modelId: string; kind: RiskModel["kind"]; rows: number; enrollments: number }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const { rows, failed, outcomes } = await this.trainingSet(now);
    const model = enoughHistory(outcomes) ? fitRiskModel(rows, failed) : rulesModel();
    const modelId = randomUUID();
    await db.transaction(async (tx) => {
      await tx
        .update(models)
        .set({ active: false })
        .where(and(eq(models.kind, "at-risk"), eq(models.active, true)));
      await tx.insert(models).values({
        id: modelId,
        kind: "at-risk",
        active: true,
        body: model,
        trainedOn: rows.length,
        trainedAt: now,
      });
    });
    this.deps.logger.info({ kind: model.kind, rows: rows.length }, "at-risk model trained");
    return { modelId, kind: model.kind, rows: rows.length, enrollments: outcomes.length };
  }

  /**
   * The rows the model is fitted on: each finished enrollment at its end and at each snapshot
   * day it lasted past, with whether it failed; `outcomes` has one entry per enrollment.
   */
  async trainingSet(now: Date): Promise<{ rows: FeatureVector[]; failed: boolean[]; outcomes: boolean[] }> {
    const { sources } = this.deps;
    const rows: FeatureVector[] = [];
    const failed: boolean[] = [];
    // One outcome per finished enrollment: snapshots add rows, not history.
    const outcomes: boolean[] = [];
    for (const entry of await sources.catalog()) {
      const course = await sources.findCourse(entry.id);
      if (!course) continue;
      const students = await sources.studentsOf(course, now, ["active", "completed", "cancelled"]);
      const median = medianOf(students.filter((s) => s.status !== "cancelled").map((s) => s.progress));
      for (const s of students) {
        const finished = s.status !== "active" || s.examsOver;
        if (!finished) continue;
        outcomes.push(s.status !== "completed");
        rows.push(toVector(signalsOf(s, median, now)));
        failed.push(s.status !== "completed");
      }
      for (const day of SNAPSHOT_DAYS) {
        const snapshots = students
          .filter((s) => s.status !== "active" || s.examsOver)
          .map((s) => ({ student: s, signals: snapshotOf(s, day, now) }))
          .filter((x): x is { student: StudentActivity; signals: StudentSignals } => x.signals !== null);
        // One call per course and day: each student's rate as it stood on their own day.
        const attendance = await sources.attendanceAsOf(
          course.id,
          snapshots.map(({ student }) => ({
            userId: student.user.id,
            enrolledAt: student.enrolledAt,
            asOf: new Date(student.enrolledAt.getTime() + day * DAY),
          })),
        );
        for (const { student, signals } of snapshots) {
          rows.push(toVector({ ...signals, attendance: attendance.get(student.user.id) ?? null }));
          failed.push(student.status !== "completed");
        }
      }
    }
    return { rows, failed, outcomes };
  }

  async activeModel(): Promise<{ id: string | null; model: RiskModel }> {
    const [row] = await this.deps.db
      .select({ id: models.id, body: models.body })
      .from(models)
      .where(and(eq(models.kind, "at-risk"), eq(models.active, true)))
      .orderBy(desc(models.trainedAt))
      .limit(1);
    return row ? { id: row.id, model: row.body as RiskModel } : { id: null, model: rulesModel() };
  }

  /** Scores every published course's active students; flags and mails the ones above the threshold. */
  async scoreAll(): Promise<number> {
    let scored = 0;
    for (const entry of await this.deps.sources.catalog()) scored += await this.scoreCourse(entry.id);
    return scored;
  }

  async scoreCourse(courseId: string): Promise<number> {
    const { db, clock, sources } = this.deps;
    const course = await sources.findCourse(courseId);
    if (!course) return 0;
    const now = clock.now();
    const { id: modelId, model } = await this.activeModel();
    const scored = await this.#score(course, now, model);
    if (scored.length === 0) return 0;
    const period = periodOf(now, this.deps.period);
    const flagged = scored.filter((s) => s.risk >= this.deps.threshold);
    await db.transaction(async (tx) => {
      await tx.insert(riskScores).values(
        scored.map((s) => ({
          id: randomUUID(),
          courseId: course.id,
          userId: s.student.id,
          risk: s.risk,
          factors: s.factors,
          modelId,
          scoredAt: now,
        })),
      );
      if (flagged.length === 0) return;
      // Once per period: the digest row is the record that this period's mail and events went out.
      const [digest] = await tx
        .insert(riskDigests)
        .values({ courseId: course.id, period, students: flagged.length, sentAt: now })
        .onConflictDoNothing()
        .returning();
      if (!digest) return;
      for (const s of flagged) {
        await this.deps.events.emit(tx, "student.at-risk", {
          courseId: course.id,
          userId: s.student.id,
          risk: round(s.risk),
          period,
        });
      }
      const [instructor] = await tx
        .select({ email: users.email, name: users.name })
        .from(users)
        .where(eq(users.id, course.instructor.id));
      if (instructor) {
        const lines = flagged
          .sort((a, b) => b.risk - a.risk)
          .map((s) => `- ${s.student.name}: ${Math.round(s.risk * 100)}% risk (${topFactor(s.factors)})`);
        await this.deps.mail.send(tx, {
          to: instructor.email,
          subject: `${flagged.length} ${flagged.length === 1 ? "student" : "students"} at risk in ${course.title}`,
          text: [
            `Hello ${instructor.name},`,
            "",
            `These students of ${course.title} may be heading for a fail:`,
            "",
            ...lines,
            "",
            `See why, and how it changed since last week: ${this.deps.publicUrl}/instructor/courses/${course.id}`,
          ].join("\n"),
        });
      }
    });
    return scored.length;
  }

  /** The course's active students with their latest score, factors and change over a week. */
  async list(
    viewer: Viewer,
    courseId: string,
  ): Promise<{ items: AtRiskItem[]; nextCursor: null; threshold: number }> {
    const { db, sources, clock } = this.deps;
    const course = await sources.findCourse(courseId).catch(() => null);
    if (!course || !(await sources.canManage(viewer, course.id)))
      throw problems.notFound("There is no such course.");
    const now = clock.now();
    const students = await sources.studentsOf(course, now, ["active"]);
    if (students.length === 0) return { items: [], nextCursor: null, threshold: this.deps.threshold };
    const ids = students.map((s) => s.user.id);
    const history = await db
      .select({
        userId: riskScores.userId,
        risk: riskScores.risk,
        factors: riskScores.factors,
        scoredAt: riskScores.scoredAt,
      })
      .from(riskScores)
      .where(
        and(
          eq(riskScores.courseId, course.id),
          inArray(riskScores.userId, ids),
          gte(riskScores.scoredAt, new Date(now.getTime() - 60 * DAY)),
        ),
      )
      .orderBy(desc(riskScores.scoredAt));
    // Students never scored yet (enrolled since the last run) are scored now, not stored.
    const unscored = students.filter((s) => !history.some((h) => h.userId === s.user.id));
    const fresh = unscored.length
      ? await this.#score(course, now, (await this.activeModel()).model, unscored)
      : [];
    const items: AtRiskItem[] = students.map((s) => {
      const mine = history.filter((h) => h.userId === s.user.id);
      const latest = mine[0];
      if (!latest) {
        const f = fresh.find((x) => x.student.id === s.user.id) as Scored;
        return {
          student: s.user,
          risk: round(f.risk),
          factors: labelled(f.factors),
          change: null,
          scoredAt: now.toISOString(),
        };
      }
      const weekBefore = mine.find((h) => h.scoredAt.getTime() <= latest.scoredAt.getTime() - 7 * DAY);
      return {
        student: s.user,
        risk: round(latest.risk),
        factors: labelled(latest.factors),
        change: weekBefore ? round(latest.risk - weekBefore.risk) : null,
        scoredAt: latest.scoredAt.toISOString(),
      };
    });
    items.sort((a, b) => b.risk - a.risk || a.student.name.localeCompare(b.student.name));
    return { items, nextCursor: null, threshold: this.deps.threshold };
  }

  async #score(course: Course, now: Date, model: RiskModel, only?: StudentActivity[]): Promise<Scored[]> {
    const all = await this.deps.sources.studentsOf(course, now, ["active", "completed"]);
    const median = medianOf(all.map((s) => s.progress));
    const targets = only ?? all.filter((s) => s.status === "active");
    return targets.map((s) => {
      const { risk, contributions } = explain(model, toVector(signalsOf(s, median, now)));
      return { student: s.user, risk, factors: contributions };
    });
  }
}

interface Scored {
  student: { id: string; name: string };
  risk: number;
  factors: Contribution[];
}

function labelled(factors: Contribution[]) {
  return factors.map((f) => ({
    name: f.name,
    label: FEATURE_LABELS[f.name],
    value: f.value === null ? null : round(f.value),
    contribution: round(f.contribution),
  }));
}

function topFactor(factors: Contribution[]): string {
  const top = [...factors].sort((a, b) => b.contribution - a.contribution)[0];
  return top && top.contribution > 0
    ? `mostly ${FEATURE_LABELS[top.name].toLowerCase()}`
    : "several small signals";
}

export function periodOf(date: Date, period: "day" | "week"): string {
  if (period === "day") return date.toISOString().slice(0, 10);
  // ISO week: the Thursday of this week decides the year.
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

function medianOf(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
