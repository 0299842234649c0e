import { definePlugin, z } from "@lectern/core";
import { recommendationEvents } from "./events.js";
import { RISK_THRESHOLD } from "./model/index.js";
import { recommendationsPrivacy } from "./privacy.js";
import { recommendationsRoutes } from "./routes.js";
import { seedDemoRecommendations } from "./seed.js";
import { REFRESH_JOB, RecommendationsService as Service } from "./service/index.js";
import { Sources } from "./sources.js";

export { recommendationEvents } from "./events.js";
export * from "./model/index.js";
export * from "./recommender/index.js";
export { type AtRiskItem, RecommendationsService, type StoredRecommendation } from "./service/index.js";

export const recommendationsOptions = z.object({
  /** When every student's recommendations and the item-item model are rebuilt (cron). */
  rebuildSchedule: z.string().default("30 2 * * *"),
  /** When the at-risk model is retrained on finished enrollments (cron). */
  trainSchedule: z.string().default("0 3 * * 0"),
  /** When active students are scored and instructors warned (cron). */
  scoreSchedule: z.string().default("0 4 * * *"),
  /** Predicted risk (0–1) at which a student is flagged to the instructor. */
  threshold: z.number().min(0).max(1).default(RISK_THRESHOLD),
  /** How often an instructor may receive the at-risk mail for one course. */
  digestPeriod: z.enum(["day", "week"]).default("week"),
});

export type RecommendationsOptions = z.input<typeof recommendationsOptions>;

declare module "@lectern/core" {
  interface LecternServices {
    recommendations: Service;
  }
}

/**
 * Recommendations: five courses for each student with their reasons, learning paths over
 * prerequisites, and an early warning of students at risk. Install after `courses()` (and
 * `exams()`, whose grades it reads when present): `recommendations({ digestPeriod: "week" })`.
 */
export const recommendations = definePlugin({
  id: "recommendations",
  version: "0.1.0",
  coreRange: "^0.1.0",
  dependsOn: ["courses", { id: "exams", optional: true }, { id: "attendance", optional: true }],
  options: recommendationsOptions,
  db: { migrations: new URL("../migrations", import.meta.url) },
  permissions: {
    "recommendations.receive": ["student"],
    "recommendations.prerequisites": ["instructor", "admin"],
    "recommendations.atRisk": ["instructor", "admin"],
  },
  services: (ctx) =>
    new Service({
      db: ctx.db,
      clock: ctx.clock,
      events: ctx.events,
      jobs: ctx.jobs,
      mail: ctx.mail,
      logger: ctx.logger,
      sources: new Sources(ctx.services, ctx.db),
      publicUrl: ctx.config.publicUrl,
      threshold: ctx.options.threshold,
      digestPeriod: ctx.options.digestPeriod,
    }),
  routes: (ctx) => recommendationsRoutes(ctx.services.get("recommendations")),
  contributes: () => ({ "core.privacy": recommendationsPrivacy }),
  events: {
    emits: recommendationEvents,
    on: (ctx) => ({
      "enrollment.created": async (event) => {
        await ctx.services.get("recommendations").engine.refreshStudent(event.data.userId);
      },
      "enrollment.cancelled": async (event) => {
        await ctx.services.get("recommendations").engine.refreshStudent(event.data.userId);
      },
      "course.completed": async (event) => {
        await ctx.services.get("recommendations").engine.refreshStudent(event.data.userId);
      },
    }),
  },
  jobs: (ctx) => [
    {
      name: REFRESH_JOB,
      run: async (payload: { userId: string }) => {
        await ctx.services.get("recommendations").engine.refreshStudent(payload.userId);
      },
    },
    {
      name: "recommendations.rebuild",
      schedule: ctx.options.rebuildSchedule,
      retry: { attempts: 3, backoffMs: 60_000 },
      run: async () => {
        await ctx.services.get("recommendations").engine.rebuild();
      },
    },
    {
      name: "recommendations.trainAtRisk",
      schedule: ctx.options.trainSchedule,
      retry: { attempts: 3, backoffMs: 60_000 },
      run: async () => {
        await ctx.services.get("recommendations").atRisk.train();
      },
    },
    {
      name: "recommendations.scoreAtRisk",
      schedule: ctx.options.scoreSchedule,
      retry: { attempts: 3, backoffMs: 60_000 },
      run: async () => {
        await ctx.services.get("recommendations").atRisk.scoreAll();
      },
    },
  ],
  seed: {
    demo: (ctx) => seedDemoRecommendations(ctx),
  },
});
