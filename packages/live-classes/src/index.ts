import { definePlugin, providersOption, z } from "@lectern/core";
import { CalendarFeed } from "./calendar.js";
import { CourseAccess } from "./courses-access.js";
import { liveClassEvents } from "./events.js";
import { liveClassesNotificationKinds, liveClassesRealtime } from "./notifications.js";
import { liveClassesPrivacy } from "./privacy.js";
import { videoProviderSlot } from "./provider.js";
import { liveClassesRoutes } from "./routes.js";
import { seedDemoLiveClasses } from "./seed.js";
import { CANCEL_MEETING_JOB, FETCH_ATTENDANCE_JOB, LiveClassesService, REMIND_JOB } from "./service.js";

export { CalendarFeed } from "./calendar.js";
export { CourseAccess } from "./courses-access.js";
export { liveClassEvents } from "./events.js";
export { liveClassesNotificationKinds, liveClassesRealtime } from "./notifications.js";
export { type MergedPresence, mergePresence, type PresenceEvent } from "./presence.js";
export {
  type AttendanceSegment,
  type CreateMeetingInput,
  defineVideoProvider,
  type JoinLinkInput,
  type MeetingOutput,
  type MeetingRef,
  type Participant,
  type ParticipantEvent,
  type Person,
  type UpdateMeetingInput,
  type VideoProvider,
  type VideoProviderContext,
  type VideoProviderPlugin,
  videoProviderSlot,
  type WebhookInput,
  type WebhookOutput,
  WebhookSignatureError,
} from "./provider.js";
export { localDate, localTimeOf, MAX_OCCURRENCES, weeklyStarts, zonedInstant } from "./recurrence.js";
export type { ClassStatus } from "./schema.js";
export {
  type ClassAttendee,
  type ClassPatch,
  type LiveClass,
  LiveClassesService,
  MAX_DURATION_MINUTES,
  type ScheduleInput,
} from "./service.js";

export const liveClassesOptions = z.object({
  /** The video platforms instructors may choose from, e.g. `[jitsi(), zoom({...})]`; the first is the default in forms. */
  providers: providersOption("live-classes.providers"),
  /** How long before the start students may join. */
  joinWindowMinutes: z.number().int().min(0).max(120).default(15),
});

export type LiveClassesOptions = z.input<typeof liveClassesOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    "live-classes": LiveClassesService;
  }
}

/**
 * Live classes: scheduling on the installed video platforms, the join redirect, and who was
 * there. `liveClasses({ providers: [jitsi()] })`, installed with `courses()`.
 */
export const liveClasses = definePlugin({
  id: "live-classes",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses", { id: "exams", optional: true }],
  options: liveClassesOptions,
  providerSlots: { providers: { slot: videoProviderSlot.name, min: 1 } },
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: {
    "live-class-not-open": { status: 409, title: "Not open yet" },
    "webhook-signature": { status: 401, title: "Bad signature" },
  },
  permissions: {
    "live-classes.schedule": ["instructor", "admin"],
  },
  services: (ctx) =>
    new LiveClassesService({
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      events: ctx.events,
      jobs: ctx.jobs,
      mail: ctx.mail,
      courses: new CourseAccess(ctx.services, ctx.db),
      providers: ctx.providers(videoProviderSlot),
      publicUrl: ctx.config.publicUrl,
      timeZone: ctx.config.timeZone,
      joinWindowMinutes: ctx.options.joinWindowMinutes,
    }),
  routes: (ctx) =>
    liveClassesRoutes(
      ctx.services.get("live-classes"),
      new CalendarFeed({
        db: ctx.db,
        clock: ctx.clock,
        courses: new CourseAccess(ctx.services, ctx.db),
        services: ctx.services,
        publicUrl: ctx.config.publicUrl,
        hostName: new URL(ctx.config.publicUrl).hostname,
      }),
    ),
  events: { emits: liveClassEvents },
  realtime: liveClassesRealtime,
  contributes: () => ({
    "core.notificationKinds": liveClassesNotificationKinds,
    "core.privacy": liveClassesPrivacy,
  }),
  jobs: (ctx) => [
    {
      name: FETCH_ATTENDANCE_JOB,
      retry: { attempts: 6, backoffMs: 60_000 },
      run: async (payload: { liveClassId: string }) => {
        await ctx.services.get("live-classes").importReport(payload.liveClassId);
      },
    },
    {
      name: REMIND_JOB,
      retry: { attempts: 3, backoffMs: 30_000 },
      run: async (payload: { liveClassId: string; startsAt: string }) => {
        await ctx.services.get("live-classes").remind(payload.liveClassId, payload.startsAt);
      },
    },
    {
      name: CANCEL_MEETING_JOB,
      retry: { attempts: 8, backoffMs: 30_000 },
      run: async (payload: { liveClassId: string }) => {
        await ctx.services.get("live-classes").cancelMeeting(payload.liveClassId);
      },
    },
  ],
  seed: {
    demo: (ctx) => seedDemoLiveClasses(ctx, ctx.services.get("live-classes")),
  },
});
