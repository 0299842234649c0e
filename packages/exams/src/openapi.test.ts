import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { answersInputSchema, examInputSchema } from "./model.js";

describe("OpenAPI metadata", () => {
  it("documents the exam and answers bodies as named components", () => {
    const app = new OpenAPIHono();
    const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } }, required: true });
    app.openapi(
      createRoute({
        method: "post",
        path: "/courses/{id}/exams",
        request: { body: json(examInputSchema()) },
        responses: { 201: { description: "draft" } },
      }),
      (c) => c.body(null, 201),
    );
    app.openapi(
      createRoute({
        method: "put",
        path: "/attempts/{id}/answers",
        request: { body: json(answersInputSchema) },
        responses: { 200: { description: "attempt" } },
      }),
      (c) => c.body(null, 200),
    );
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(["ExamInput", "ExamQuestionInput", "ExamQuestionOption", "ExamAnswersInput"]),
    );
    expect(JSON.stringify(schemas.ExamInput)).toContain('"maxItems":10');
  });
});
