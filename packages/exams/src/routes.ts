import {
  createRouter,
  csvHeaders,
  currentUser,
  defineRoute,
  IdParam,
  json,
  jsonBody,
  pageOf,
  pageQuery,
  problems,
  z,
} from "@lectern/core";
import { AttemptSchema, ExamSchema, GradebookSchema, MyGradeSchema, WarningSchema } from "./dto.js";
import { answersInputSchema, examInputSchema, GRADE_POLICIES, LIMITS, questionInputSchema } from "./model.js";
import { ATTEMPT_STATUSES } from "./schema.js";
import type { ExamsService } from "./service.js";

const TAG = ["Exams"];

const datetime = z.iso.datetime({ offset: true });
const ExamPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(LIMITS.title),
    opensAt: datetime.nullable(),
    closesAt: datetime.nullable(),
    durationMinutes: z.number().int().min(1).max(LIMITS.maxDurationMinutes).nullable(),
    maxAttempts: z.number().int().min(1).max(LIMITS.maxAttempts),
    passingPercent: z.number().min(0).max(100),
    passingMarks: z.number().min(0),
    shuffle: z.boolean(),
    allowReview: z.boolean(),
    gradePolicy: z.enum(GRADE_POLICIES),
    questions: z.array(questionInputSchema),
  })
  .partial()
  .openapi("ExamPatch", { description: "Any fields of the exam; the whole is then checked as on create" });

const GradesBody = z
  .object({
    grades: z
      .array(
        z.object({
          questionId: z.string().uuid(),
          marks: z.number().min(0).max(LIMITS.maxMarks).multipleOf(0.01),
          feedback: z.string().trim().max(LIMITS.feedback).optional(),
        }),
      )
      .min(1)
      .max(100),
  })
  .openapi("AttemptGrades");

function routeDefinitions(maxQuestions: number) {
  return {
    create: defineRoute({
      method: "post",
      path: "/courses/{id}/exams",
      access: "exams.author",
      tags: TAG,
      summary: "Create a draft exam in a course (its owner or an admin)",
      request: { params: IdParam, body: jsonBody(examInputSchema({ maxQuestions })) },
      responses: { 201: json(ExamSchema, "The draft exam") },
    }),
    list: defineRoute({
      method: "get",
      path: "/courses/{id}/exams",
      access: "signed-in",
      tags: TAG,
      summary: "The course's exams: all for its owner, the published ones for enrolled students",
      request: { params: IdParam, query: z.object(pageQuery) },
      responses: { 200: json(pageOf(ExamSchema), "A page of exams") },
    }),
    import: defineRoute({
      method: "post",
      path: "/courses/{id}/exams/import",
      access: "exams.author",
      tags: TAG,
      summary: "Import Moodle GIFT or Aiken text (text/plain) into a draft exam",
      request: {
        params: IdParam,
        query: z.object({
          title: z.string().max(LIMITS.title).optional(),
          format: z
            .enum(["gift", "aiken"])
            .optional()
            .openapi({ description: "Detected from the text when left out" }),
          marks: z.coerce.number().int().min(LIMITS.minMarks).max(LIMITS.maxMarks).optional(),
        }),
        body: { required: true, content: { "text/plain": { schema: z.string() } } },
      },
      responses: {
        201: json(
          ExamSchema.extend({ warnings: z.array(WarningSchema) }),
          "The draft, with a warning per skipped question",
        ),
      },
    }),
    get: defineRoute({
      method: "get",
      path: "/exams/{id}",
      access: "signed-in",
      tags: TAG,
      summary: "One exam: with the key for its owner; without questions for enrolled students",
      request: { params: IdParam },
      responses: { 200: json(ExamSchema, "The exam") },
    }),
    update: defineRoute({
      method: "patch",
      path: "/exams/{id}",
      access: "exams.author",
      tags: TAG,
      summary: "Edit an exam; on a published one, graded changes make a new version",
      request: { params: IdParam, body: jsonBody(ExamPatchSchema) },
      responses: { 200: json(ExamSchema, "The exam") },
    }),
    remove: defineRoute({
      method: "delete",
      path: "/exams/{id}",
      access: "exams.author",
      tags: TAG,
      summary: "Delete an exam nobody has attempted",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" } },
    }),
    publish: defineRoute({
      method: "post",
      path: "/exams/{id}/publish",
      access: "exams.author",
      tags: TAG,
      summary: "Publish a draft; emits exam.published and mails the enrolled students",
      request: { params: IdParam },
      responses: { 200: json(ExamSchema, "The published exam") },
    }),
    start: defineRoute({
      method: "post",
      path: "/exams/{id}/attempts",
      access: "exams.take",
      tags: TAG,
      summary: "Start an attempt (201), or get the one in progress (200)",
      request: { params: IdParam },
      responses: {
        200: json(AttemptSchema, "The attempt in progress"),
        201: json(AttemptSchema, "A new attempt"),
      },
    }),
    attempts: defineRoute({
      method: "get",
      path: "/exams/{id}/attempts",
      access: "exams.author",
      tags: TAG,
      summary: "Every attempt at the exam, with the key and results (its owner)",
      request: {
        params: IdParam,
        query: z.object({ status: z.enum(ATTEMPT_STATUSES).optional(), ...pageQuery }),
      },
      responses: { 200: json(pageOf(AttemptSchema), "A page of attempts") },
    }),
    answers: defineRoute({
      method: "put",
      path: "/attempts/{id}/answers",
      access: "exams.take",
      tags: TAG,
      summary: "Save answers: each replaces the earlier answer to its question; 409 after the deadline",
      request: { params: IdParam, body: jsonBody(answersInputSchema) },
      responses: { 200: json(AttemptSchema, "The attempt with its answers") },
    }),
    submit: defineRoute({
      method: "post",
      path: "/attempts/{id}/submit",
      access: "exams.take",
      tags: TAG,
      summary: "Submit and grade the attempt; again answers the same result",
      request: { params: IdParam },
      responses: { 200: json(AttemptSchema, "The graded attempt") },
    }),
    getAttempt: defineRoute({
      method: "get",
      path: "/attempts/{id}",
      access: "signed-in",
      tags: TAG,
      summary: "An attempt, for its student or the course owner; the key only after submission",
      request: { params: IdParam },
      responses: { 200: json(AttemptSchema, "The attempt") },
    }),
    grade: defineRoute({
      method: "post",
      path: "/attempts/{id}/grade",
      access: "exams.author",
      tags: TAG,
      summary: "Grade questions by hand (short answers awaiting review), with marks and feedback",
      request: { params: IdParam, body: jsonBody(GradesBody) },
      responses: { 200: json(AttemptSchema, "The attempt") },
    }),
    myGrades: defineRoute({
      method: "get",
      path: "/me/grades",
      access: "exams.take",
      tags: TAG,
      summary: "The student's marks per course and exam",
      request: { query: z.object(pageQuery) },
      responses: { 200: json(pageOf(MyGradeSchema), "A page of grades") },
    }),
    gradebook: defineRoute({
      method: "get",
      path: "/courses/{id}/gradebook",
      access: "exams.author",
      tags: TAG,
      summary: "Students × published exams, with the counted attempt (best or last) of each",
      request: { params: IdParam, query: z.object(pageQuery) },
      responses: { 200: json(GradebookSchema, "A page of students with their grades") },
    }),
    gradebookCsv: defineRoute({
      method: "get",
      path: "/courses/{id}/gradebook.csv",
      access: "exams.author",
      tags: TAG,
      summary: "The whole gradebook as CSV",
      request: { params: IdParam },
      responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
    }),
  };
}

const IMPORT_TYPES = /^text\/plain\b/i;

export function examsRoutes(service: ExamsService, options: { maxQuestions: number }) {
  const routes = routeDefinitions(options.maxQuestions);
  return createRouter()
    .openapi(routes.create, async (c) =>
      c.json(await service.createExam(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 201),
    )
    .openapi(routes.list, async (c) =>
      c.json(await service.listExams(currentUser(c), c.req.valid("param").id, c.req.valid("query")), 200),
    )
    .openapi(routes.import, async (c) => {
      if (!IMPORT_TYPES.test(c.req.header("content-type") ?? "")) {
        throw problems.unsupportedMediaType("Send the GIFT or Aiken text as text/plain.");
      }
      const { exam, warnings } = await service.importExam(
        currentUser(c),
        c.req.valid("param").id,
        await c.req.text(),
        c.req.valid("query"),
      );
      return c.json({ ...exam, warnings }, 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(await service.getExam(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.update, async (c) =>
      c.json(await service.updateExam(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(routes.remove, async (c) => {
      await service.deleteExam(currentUser(c), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(routes.publish, async (c) =>
      c.json(await service.publishExam(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.start, async (c) => {
      const { attempt, created } = await service.startAttempt(currentUser(c), c.req.valid("param").id);
      return created ? c.json(attempt, 201) : c.json(attempt, 200);
    })
    .openapi(routes.attempts, async (c) =>
      c.json(await service.listAttempts(currentUser(c), c.req.valid("param").id, c.req.valid("query")), 200),
    )
    .openapi(routes.answers, async (c) =>
      c.json(
        await service.saveAnswers(currentUser(c), c.req.valid("param").id, c.req.valid("json").answers),
        200,
      ),
    )
    .openapi(routes.submit, async (c) =>
      c.json(await service.submitAttempt(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.getAttempt, async (c) =>
      c.json(await service.getAttempt(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.grade, async (c) =>
      c.json(
        await service.gradeManually(currentUser(c), c.req.valid("param").id, c.req.valid("json").grades),
        200,
      ),
    )
    .openapi(routes.myGrades, async (c) =>
      c.json(await service.myGrades(currentUser(c), c.req.valid("query")), 200),
    )
    .openapi(routes.gradebook, async (c) =>
      c.json(await service.gradebook(currentUser(c), c.req.valid("param").id, c.req.valid("query")), 200),
    )
    .openapi(routes.gradebookCsv, async (c) => {
      const csv = await service.gradebookCsv(currentUser(c), c.req.valid("param").id);
      return c.body(csv, 200, csvHeaders("gradebook.csv"));
    });
}
