import {
  type Clock,
  type Database,
  type EventBus,
  type JobQueue,
  type Logger,
  type Mailer,
  problems,
} from "@lectern/core";
import { eq } from "drizzle-orm";
import { interests } from "../schema.js";
import type { Sources } from "../sources.js";
import { AtRisk } from "./at-risk.js";
import { Paths } from "./paths.js";
import { MAX_LIMIT, RecommendationsEngine } from "./recommendations.js";

export { type AtRiskItem, periodOf, signalsOf } from "./at-risk.js";
export { MAX_PREREQUISITES } from "./paths.js";
export { MAX_LIMIT, REFRESH_JOB, type StoredRecommendation } from "./recommendations.js";

type Viewer = { id: string; role: "student" | "instructor" | "admin" };

export interface RecommendationsServiceDeps {
  db: Database;
  clock: Clock;
  events: EventBus;
  jobs: JobQueue;
  mail: Mailer;
  logger: Logger;
  sources: Sources;
  publicUrl: string;
  threshold: number;
  digestPeriod: "day" | "week";
}

/** The recommendations plugin's published service: recommendations, interests, paths, at-risk. */
export class RecommendationsService {
  readonly engine: RecommendationsEngine;
  readonly paths: Paths;
  readonly atRisk: AtRisk;

  constructor(private readonly deps: RecommendationsServiceDeps) {
    this.engine = new RecommendationsEngine(deps);
    this.paths = new Paths(deps.db, deps.sources);
    this.atRisk = new AtRisk({ ...deps, period: deps.digestPeriod });
  }

  async recommendations(viewer: Viewer, limit: number) {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw problems.validation([{ path: "limit", message: `Ask for 1 to ${MAX_LIMIT} recommendations.` }]);
    }
    return this.engine.forStudent(viewer.id, limit);
  }

  async interests(viewer: Viewer): Promise<{ tags: string[] }> {
    const [row] = await this.deps.db
      .select({ tags: interests.tags })
      .from(interests)
      .where(eq(interests.userId, viewer.id));
    return { tags: row?.tags ?? [] };
  }

  async setInterests(viewer: Viewer, tags: string[]): Promise<{ tags: string[] }> {
    const clean = [...new Set(tags.map((t) => t.trim().toLowerCase().replace(/\s+/g, "-")).filter(Boolean))];
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      await tx
        .insert(interests)
        .values({ userId: viewer.id, tags: clean, updatedAt: now })
        .onConflictDoUpdate({ target: interests.userId, set: { tags: clean, updatedAt: now } });
      await this.engine.queueRefresh(tx, viewer.id);
    });
    return { tags: clean };
  }
}
