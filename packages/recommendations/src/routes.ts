import { createRouter, currentUser, defineRoute, IdParam, json, jsonBody, z } from "@lectern/core";
import { FEATURES } from "./model/index.js";
import { MAX_LIMIT, MAX_PREREQUISITES, type RecommendationsService } from "./service/index.js";

const TAG = ["Recommendations"];

/** Control characters other than tab and newlines only hide things: refused before storage. */
function noControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return false;
  }
  return true;
}

const CourseSummary = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    summary: z.string(),
    tags: z.array(z.string()),
    level: z.string(),
    price: z.object({ amount: z.number().int(), currency: z.string() }).nullable(),
    instructor: z.object({ id: z.string(), name: z.string() }),
    enrolledCount: z.number().int(),
  })
  .passthrough()
  .openapi("RecommendedCourse");

const RecommendationSchema = z
  .object({
    course: CourseSummary,
    score: z.number().openapi({ description: "0–1, relative to the student's best match" }),
    reasons: z.array(z.string()).openapi({ description: "Short sentences for the student" }),
  })
  .openapi("Recommendation");

const StepSchema = z
  .object({ course: CourseSummary, reason: z.string(), completed: z.boolean() })
  .openapi("LearningPathStep");

const AtRiskSchema = z
  .object({
    student: z.object({ id: z.string(), name: z.string() }),
    risk: z.number().openapi({ description: "Predicted risk of failing, 0–1" }),
    factors: z.array(
      z.object({
        name: z.enum(FEATURES),
        label: z.string(),
        value: z.number().nullable(),
        contribution: z
          .number()
          .openapi({ description: "Added to the log-odds (a model) or to the risk (the rules)" }),
      }),
    ),
    change: z
      .number()
      .nullable()
      .openapi({ description: "Risk now minus a week before; null without a score that old" }),
    scoredAt: z.string(),
  })
  .openapi("AtRiskStudent");

const Tags = z.object({
  tags: z
    .array(z.string().trim().min(1).max(40).refine(noControl, "Control characters are not allowed."))
    .max(20),
});
const Prerequisites = z.object({ courseIds: z.array(z.string().uuid()).max(MAX_PREREQUISITES) });

const routes = {
  recommendations: defineRoute({
    method: "get",
    path: "/me/recommendations",
    access: "recommendations.receive",
    tags: TAG,
    summary: "Courses for the signed-in student, best first, each with its reasons",
    request: {
      query: z.object({
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(MAX_LIMIT)
          .default(5)
          .openapi({ description: `1–${MAX_LIMIT}` }),
      }),
    },
    responses: { 200: json(z.object({ items: z.array(RecommendationSchema) }), "Recommendations") },
  }),
  path: defineRoute({
    method: "get",
    path: "/me/learning-path",
    access: "recommendations.receive",
    tags: TAG,
    summary: "An ordered path of courses to a goal (a course id or slug, or a tag)",
    request: {
      query: z.object({
        goal: z.string().min(1).max(200).refine(noControl, "Control characters are not allowed."),
      }),
    },
    responses: { 200: json(z.object({ goal: z.string(), steps: z.array(StepSchema) }), "The path") },
  }),
  getInterests: defineRoute({
    method: "get",
    path: "/me/interests",
    access: "recommendations.receive",
    tags: TAG,
    summary: "The topics the student chose",
    responses: { 200: json(Tags, "Interests") },
  }),
  putInterests: defineRoute({
    method: "put",
    path: "/me/interests",
    access: "recommendations.receive",
    tags: TAG,
    summary: "Replace the topics the student chose; their recommendations are refreshed",
    request: { body: jsonBody(Tags) },
    responses: { 200: json(Tags, "Interests") },
  }),
  getPrerequisites: defineRoute({
    method: "get",
    path: "/courses/{id}/prerequisites",
    access: "public",
    tags: TAG,
    summary: "The courses to take before this one",
    request: { params: IdParam },
    responses: { 200: json(Prerequisites, "Prerequisites") },
  }),
  putPrerequisites: defineRoute({
    method: "put",
    path: "/courses/{id}/prerequisites",
    access: "recommendations.prerequisites",
    tags: TAG,
    summary: "Replace the course's prerequisites (its owner or an admin); a cycle is refused",
    request: { params: IdParam, body: jsonBody(Prerequisites) },
    responses: { 200: json(Prerequisites, "Prerequisites") },
  }),
  atRisk: defineRoute({
    method: "get",
    path: "/courses/{id}/at-risk",
    access: "recommendations.atRisk",
    tags: TAG,
    summary: "Each active student's predicted risk of failing, its factors, and the change over a week",
    request: { params: IdParam },
    responses: {
      200: json(
        z.object({ items: z.array(AtRiskSchema), nextCursor: z.null(), threshold: z.number() }),
        "Students, riskiest first",
      ),
    },
  }),
};

export function recommendationsRoutes(service: RecommendationsService) {
  return createRouter()
    .openapi(routes.recommendations, async (c) =>
      c.json(await service.recommendations(currentUser(c), c.req.valid("query").limit), 200),
    )
    .openapi(routes.path, async (c) =>
      c.json(await service.paths.path(currentUser(c), c.req.valid("query").goal), 200),
    )
    .openapi(routes.getInterests, async (c) => c.json(await service.interests(currentUser(c)), 200))
    .openapi(routes.putInterests, async (c) =>
      c.json(await service.setInterests(currentUser(c), c.req.valid("json").tags), 200),
    )
    .openapi(routes.getPrerequisites, async (c) =>
      c.json(await service.paths.get(c.get("user"), c.req.valid("param").id), 200),
    )
    .openapi(routes.putPrerequisites, async (c) =>
      c.json(
        await service.paths.set(currentUser(c), c.req.valid("param").id, c.req.valid("json").courseIds),
        200,
      ),
    )
    .openapi(routes.atRisk, async (c) =>
      c.json(await service.atRisk.list(currentUser(c), c.req.valid("param").id), 200),
    );
}
