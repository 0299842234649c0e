import { users } from "@lectern/core";
import { referencesCourse } from "@lectern/courses";
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { Contribution, RiskModel } from "./model/index.js";
import type { Neighbour } from "./recommender/types.js";
import type { StoredRecommendation } from "./service/recommendations.js";
import type { CatalogEntry } from "./sources.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** The topics a student chose (at sign-up or on the profile): the cold start's first signal. */
export const interests = pgTable("recommendations_interests", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tags: text("tags").array().notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
});

/** "Take `prerequisiteId` before `courseId`": declared by the course's instructor. */
export const prerequisites = pgTable(
  "recommendations_prerequisites",
  {
    courseId: referencesCourse(uuid("course_id").notNull(), { onDelete: "cascade" }),
    prerequisiteId: referencesCourse(uuid("prerequisite_id").notNull(), { onDelete: "cascade" }),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.courseId, t.prerequisiteId] }),
    index("recommendations_prerequisites_prerequisite_idx").on(t.prerequisiteId),
    check("recommendations_prerequisites_not_self", sql`${t.courseId} <> ${t.prerequisiteId}`),
  ],
);

export const MODEL_KINDS = ["at-risk", "recommender"] as const;

/**
 * Every model a job produced. The newest row with `active` set serves; a job writes its row and
 * flips `active` in one transaction at the very end, so a job that fails half-way leaves the
 * previous model serving.
 */
export const models = pgTable(
  "recommendations_models",
  {
    id: uuid("id").primaryKey(),
    kind: text("kind", { enum: MODEL_KINDS }).notNull(),
    active: boolean("active").notNull(),
    /** The fitted at-risk model, or the recommender's summary (sizes, timings). */
    body: jsonb("body").$type<RiskModel | Record<string, unknown>>().notNull(),
    trainedOn: integer("trained_on").notNull(),
    trainedAt: timestamptz("trained_at").notNull(),
  },
  (t) => [index("recommendations_models_kind_idx").on(t.kind, t.active, t.trainedAt)],
);

/** Per course: its most similar courses (co-enrollment, completion and content) and its standing. */
export const neighbours = pgTable("recommendations_neighbours", {
  courseId: referencesCourse(uuid("course_id").primaryKey(), { onDelete: "cascade" }),
  /** The catalogue entry as of the last rebuild: what the refresh jobs and the answers show. */
  course: jsonb("course").$type<CatalogEntry>().notNull(),
  neighbours: jsonb("neighbours").$type<Neighbour[]>().notNull(),
  popularity: real("popularity").notNull(),
  completionRate: real("completion_rate").notNull(),
  computedAt: timestamptz("computed_at").notNull(),
});

/** Each student's recommendations, computed by jobs: a request reads one row. */
export const studentRecommendations = pgTable("recommendations_students", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  items: jsonb("items").$type<StoredRecommendation[]>().notNull(),
  computedAt: timestamptz("computed_at").notNull(),
});

/** Predicted risk of failing, one row per student, course and scoring run: the history shows change. */
export const riskScores = pgTable(
  "recommendations_risk_scores",
  {
    id: uuid("id").primaryKey(),
    courseId: referencesCourse(uuid("course_id").notNull(), { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    risk: real("risk").notNull(),
    factors: jsonb("factors").$type<Contribution[]>().notNull(),
    modelId: uuid("model_id"),
    scoredAt: timestamptz("scored_at").notNull(),
  },
  (t) => [index("recommendations_risk_scores_course_idx").on(t.courseId, t.userId, t.scoredAt)],
);

/** The at-risk mail already sent to a course's instructor for a period (one per period). */
export const riskDigests = pgTable(
  "recommendations_risk_digests",
  {
    courseId: referencesCourse(uuid("course_id").notNull(), { onDelete: "cascade" }),
    period: text("period").notNull(),
    students: integer("students").notNull(),
    sentAt: timestamptz("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.period] })],
);
