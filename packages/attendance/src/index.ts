import { definePlugin, type LecternEnv, z } from "@lectern/core";
import { createMiddleware } from "hono/factory";
import { CourseAccess } from "./courses-access.js";
import { dayIn } from "./daily.js";
import { attendanceEvents } from "./events.js";
import { attendanceNotificationKinds, attendanceRealtime } from "./notifications.js";
import { attendancePrivacy } from "./privacy.js";
import { attendanceRoutes } from "./routes.js";
import { seedDemoDays } from "./seed.js";
import { AttendanceService } from "./service.js";

export { DailyAttendance, dayIn } from "./daily.js";
export { attendanceEvents } from "./events.js";
export { attendanceNotificationKinds, attendanceRealtime } from "./notifications.js";
export { ROLL_CALL_STATUSES, type RollCallStatus } from "./schema.js";
export {
  AttendanceService,
  type ClassRecord,
  type CourseAttendance,
  isoWeek,
  rateOf,
  type StudentRate,
} from "./service.js";

export const LOW_ATTENDANCE_JOB = "attendance.low-attendance";

export const attendanceOptions = z.object({
  /** Students under this share of classes attended (0..1) are alerted weekly. */
  threshold: z.number().min(0).max(1).default(0.75),
  /** A join this many minutes after the start counts as late. */
  lateAfterMinutes: z.number().int().min(0).max(120).default(10),
  /** When the low-attendance alerts go out (cron, institution time): Mondays at 07:00. */
  lowAttendanceSchedule: z.string().default("0 7 * * 1"),
});

export type AttendanceOptions = z.input<typeof attendanceOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    attendance: AttendanceService;
  }
}

/**
 * Attendance: the days each user was signed in, who attended each live class (the join redirect,
 * the platform's webhooks and report, and the instructor's roll call), rates, reports and
 * low-attendance alerts. `attendance({ threshold: 0.8 })`, installed with `courses()` and,
 * for classes, `liveClasses()`.
 */
export const attendance = definePlugin({
  id: "attendance",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses", { id: "live-classes", optional: true }],
  options: attendanceOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  permissions: {
    "attendance.report": ["instructor", "admin"],
    "attendance.institution": ["admin"],
  },
  services: (ctx) =>
    new AttendanceService({
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      events: ctx.events,
      mail: ctx.mail,
      services: ctx.services,
      courses: new CourseAccess(ctx.services, ctx.db),
      timeZone: ctx.config.timeZone,
      publicUrl: ctx.config.publicUrl,
      threshold: ctx.options.threshold,
      lateAfterMinutes: ctx.options.lateAfterMinutes,
    }),
  routes: (ctx) => attendanceRoutes(ctx.services.get("attendance")),
  realtime: attendanceRealtime,
  contributes: (ctx) => ({
    "core.notificationKinds": attendanceNotificationKinds,
    "core.studentReport": {
      key: "attendance.classes",
      title: "Attendance",
      load: (_executor, input) => ctx.services.get("attendance").studentSection(input),
    },
    "core.privacy": attendancePrivacy,
  }),
  middleware: (ctx) => {
    const daily = ctx.services.get("attendance").daily;
    return createMiddleware<LecternEnv>(async (c, next) => {
      const user = c.get("user");
      const now = ctx.clock.now();
      // After a user's first request of the day this is a set lookup: no await, no query.
      if (user && !daily.isRecorded(user.id, now)) {
        try {
          await daily.record(user.id, now);
        } catch (error) {
          // Attendance must never cost a user their request.
          ctx.logger.warn({ err: error, day: dayIn(now, ctx.config.timeZone) }, "could not record the day");
        }
      }
      await next();
    });
  },
  events: { emits: attendanceEvents },
  seed: {
    demo: (ctx) => seedDemoDays(ctx, ctx.config.timeZone),
  },
  jobs: (ctx) => [
    {
      name: LOW_ATTENDANCE_JOB,
      schedule: ctx.options.lowAttendanceSchedule,
      retry: { attempts: 3, backoffMs: 60_000 },
      run: async () => {
        await ctx.services.get("attendance").sendLowAttendanceAlerts();
      },
    },
  ],
});
