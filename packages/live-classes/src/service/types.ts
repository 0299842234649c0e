import {
  type Clock,
  type Database,
  type EventBus,
  type JobQueue,
  type Logger,
  type Mailer,
  MINUTE,
  problems,
  type User,
} from "@lectern/core";
import type { CourseAccess } from "../courses-access.js";
import type { MergedPresence } from "../presence.js";
import type { VideoProvider } from "../provider.js";
import type { ClassStatus, classes } from "../schema.js";

/** The longest class anyone may schedule. */
export const MAX_DURATION_MINUTES = 12 * 60;
export const FETCH_ATTENDANCE_JOB = "live-classes.fetch-attendance";
export const CANCEL_MEETING_JOB = "live-classes.cancel-meeting";
export const REMIND_JOB = "live-classes.remind";
/** Students are reminded this long before a class starts. */
export const REMINDER_LEAD_MS = 15 * MINUTE;
/** How long the join route may use a class row it read (see `#findCached`). */
export const JOIN_CACHE_MS = 5_000;
export const JOIN_CACHE_SIZE = 10_000;
/** Platforms finish their reports a little after a meeting ends. */
export const REPORT_DELAY_MS = 15 * MINUTE;

export type Viewer = Pick<User, "id" | "role" | "name" | "email">;
export type ClassRow = typeof classes.$inferSelect;

export interface InstalledProvider {
  id: string;
  name: string;
  provider: VideoProvider;
}

export interface LiveClass {
  id: string;
  courseId: string;
  seriesId: string | null;
  title: string;
  startsAt: string;
  endsAt: string;
  /** When the join route starts letting students in. */
  opensAt: string;
  durationMinutes: number;
  provider: string;
  status: ClassStatus;
  /** Lectern's join route, never the platform's link. */
  joinUrl: string;
  sequence: number;
  updatedAt: string;
}

export interface ScheduleInput {
  title: string;
  startsAt: Date;
  durationMinutes: number;
  provider: string;
  recurrence?: { weekly: true; until?: Date; count?: number };
}

export interface ClassPatch {
  title?: string;
  startsAt?: Date;
  durationMinutes?: number;
}

export interface ClassAttendee {
  userId: string | null;
  externalId: string | null;
  name: string | null;
  presence: MergedPresence;
}

export interface LiveClassesDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  events: EventBus;
  jobs: JobQueue;
  mail: Mailer;
  courses: CourseAccess;
  providers: InstalledProvider[];
  publicUrl: string;
  timeZone: string;
  joinWindowMinutes: number;
}

export const notFound = () => problems.notFound("There is no such live class.");
