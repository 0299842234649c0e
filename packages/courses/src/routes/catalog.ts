import {
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  jsonBody,
  type PluginContext,
  pageOf,
  pageQuery,
  problems,
  receiveUpload,
  serveStoredFile,
  z,
} from "@lectern/core";
import { COURSE_STATUSES, LEVELS } from "../schema.js";
import type { CoursesService } from "../service.js";
import {
  CourseDetailSchema,
  CourseFields,
  CourseSchema,
  CourseSummarySchema,
  type CoursesRouteOptions,
  cleanText,
  fileResponse,
  IdOrSlugParam,
  keepingUpload,
  Money,
  multipartDoc,
  storageKey,
  TAG,
  tagList,
  title,
} from "./shared.js";

const routes = {
  catalog: defineRoute({
    method: "get",
    path: "/courses",
    access: "public",
    tags: TAG,
    summary: "The catalog: published courses, searched by relevance or newest first",
    request: {
      query: z.object({
        search: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: "Words over title, summary, description and tags" }),
        tag: z.string().max(40).optional(),
        level: z.enum(LEVELS).optional(),
        ...pageQuery,
      }),
    },
    responses: {
      200: json(
        pageOf(CourseSummarySchema).extend({
          suggestion: z.string().nullable().optional().openapi({
            description:
              'With `search` and nothing found: the search with likely typos corrected from the catalog\'s words ("pyhton" → "python"), or null',
          }),
        }),
        "A page of courses",
      ),
    },
  }),
  get: defineRoute({
    method: "get",
    path: "/courses/{id}",
    access: "public",
    tags: TAG,
    summary: "A course with its outline; unpublished ones only for the owner and admins",
    request: { params: IdOrSlugParam },
    responses: { 200: json(CourseDetailSchema, "The course") },
  }),
  create: defineRoute({
    method: "post",
    path: "/courses",
    access: "courses.create",
    tags: TAG,
    summary: "Create a draft course",
    request: { body: jsonBody(z.object(CourseFields)) },
    responses: { 201: json(CourseSchema, "The new draft course") },
  }),
  update: defineRoute({
    method: "patch",
    path: "/courses/{id}",
    access: "courses.manage",
    tags: TAG,
    summary: "Edit a course (its instructor or an admin)",
    request: {
      params: IdParam,
      body: jsonBody(
        z.object({
          title: title.optional(),
          summary: cleanText(500).optional(),
          description: cleanText(50_000).optional(),
          tags: tagList.optional(),
          level: z.enum(LEVELS).optional(),
          price: Money.nullable().optional(),
        }),
      ),
    },
    responses: { 200: json(CourseSchema, "The course") },
  }),
  remove: defineRoute({
    method: "delete",
    path: "/courses/{id}",
    access: "courses.manage",
    tags: TAG,
    summary: "Delete a course; one with enrollments is archived and keeps them",
    request: { params: IdParam },
    responses: { 204: { description: "Deleted or archived" } },
  }),
  submit: defineRoute({
    method: "post",
    path: "/courses/{id}/submit",
    access: "courses.manage",
    tags: TAG,
    summary: "Submit a draft or rejected course for review",
    description:
      "With the `submitChecklist` option on, a course lacking a description, a section with a material, or (with exams) a published exam answers 422 with one error per gap; `exclude` lists ids (draft exams) the instructor leaves out on purpose.",
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z.object({ exclude: z.array(z.string().uuid()).max(200).optional() }),
          },
        },
      },
    },
    responses: { 200: json(CourseSchema, "The pending course") },
  }),
  archive: defineRoute({
    method: "post",
    path: "/courses/{id}/archive",
    access: "courses.manage",
    tags: TAG,
    summary: "Archive a course: out of the catalog, enrolled students keep it",
    request: { params: IdParam },
    responses: { 200: json(CourseSchema, "The archived course") },
  }),
  approve: defineRoute({
    method: "post",
    path: "/admin/courses/{id}/approve",
    access: "courses.review",
    tags: TAG,
    summary: "Publish a pending course",
    request: { params: IdParam },
    responses: { 200: json(CourseSchema, "The published course") },
  }),
  reject: defineRoute({
    method: "post",
    path: "/admin/courses/{id}/reject",
    access: "courses.review",
    tags: TAG,
    summary: "Send a pending course back to its instructor with a reason",
    request: {
      params: IdParam,
      body: jsonBody(z.object({ reason: cleanText(2000).pipe(z.string().trim().min(1)) })),
    },
    responses: { 200: json(CourseSchema, "The rejected course") },
  }),
  adminList: defineRoute({
    method: "get",
    path: "/admin/courses",
    access: "courses.review",
    tags: TAG,
    summary: "Every course, newest first, by status",
    request: { query: z.object({ status: z.enum(COURSE_STATUSES).optional(), ...pageQuery }) },
    responses: { 200: json(pageOf(CourseSchema), "A page of courses") },
  }),
  instructorList: defineRoute({
    method: "get",
    path: "/instructor/courses",
    access: "courses.teach",
    tags: TAG,
    summary: "The instructor's own courses, every status",
    request: { query: z.object({ status: z.enum(COURSE_STATUSES).optional(), ...pageQuery }) },
    responses: { 200: json(pageOf(CourseSchema), "A page of courses") },
  }),
  putCover: defineRoute({
    method: "put",
    path: "/courses/{id}/cover",
    access: "courses.manage",
    tags: TAG,
    summary: "Upload the cover image (PNG, JPEG, WebP or GIF, multipart field `file`)",
    request: {
      params: IdParam,
      body: multipartDoc({ file: { type: "string", format: "binary" } }, ["file"]),
    },
    responses: { 200: json(CourseSchema, "The course") },
  }),
  getCover: defineRoute({
    method: "get",
    path: "/courses/{id}/cover",
    access: "public",
    tags: TAG,
    summary: "The cover image",
    request: { params: IdOrSlugParam },
    responses: { 200: fileResponse },
  }),
};

/** The catalog, course authoring and review, and covers. */
export function catalogRoutes(ctx: PluginContext, service: CoursesService, options: CoursesRouteOptions) {
  return createRouter()
    .openapi(routes.catalog, async (c) => {
      const query = c.req.valid("query");
      const page = await service.listCatalog(query);
      // Only an empty first page of a search earns a suggestion; it costs a query no other answer pays.
      if (!query.search?.trim() || query.cursor || page.items.length > 0) return c.json(page, 200);
      return c.json({ ...page, suggestion: await service.suggestSearch(query.search) }, 200);
    })
    .openapi(routes.get, async (c) =>
      c.json(await service.getCourse(c.get("user"), c.req.valid("param").id), 200),
    )
    .openapi(routes.create, async (c) =>
      c.json(await service.createCourse(currentUser(c), c.req.valid("json")), 201),
    )
    .openapi(routes.update, async (c) =>
      c.json(await service.updateCourse(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(routes.remove, async (c) => {
      await service.deleteCourse(currentUser(c), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(routes.submit, async (c) => {
      // The body is optional: a bare POST submits with nothing excluded.
      const body = (c.req.valid("json") ?? {}) as { exclude?: string[] };
      const course = await service.submitCourse(currentUser(c), c.req.valid("param").id, {
        checklist: options.submitChecklist,
        exclude: body.exclude ?? [],
      });
      return c.json(course, 200);
    })
    .openapi(routes.archive, async (c) =>
      c.json(await service.archiveCourse(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.approve, async (c) =>
      c.json(await service.approveCourse(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.reject, async (c) =>
      c.json(
        await service.rejectCourse(currentUser(c), c.req.valid("param").id, c.req.valid("json").reason),
        200,
      ),
    )
    .openapi(routes.adminList, async (c) => c.json(await service.listCourses(c.req.valid("query")), 200))
    .openapi(routes.instructorList, async (c) =>
      c.json(await service.listCourses({ ...c.req.valid("query"), instructorId: currentUser(c).id }), 200),
    )
    .openapi(routes.putCover, async (c) => {
      const viewer = currentUser(c);
      const { id } = c.req.valid("param");
      await service.requireManageable(viewer, id);
      const upload = await receiveUpload(c.req.raw, {
        storage: ctx.storage,
        key: storageKey(id),
        rule: () => ({ maxBytes: options.limits.cover, accept: options.accept.cover }),
      });
      return keepingUpload(upload, async () => {
        if (!upload.file)
          throw problems.validation([{ path: "file", message: "Send the image as the field `file`." }]);
        return c.json(await service.setCover(viewer, id, upload.file), 200);
      });
    })
    .openapi(routes.getCover, async (c) => {
      const cover = await service.openCover(c.get("user"), c.req.valid("param").id);
      return serveStoredFile(c, {
        storage: ctx.storage,
        ...cover,
        cacheControl: "public, max-age=300",
      }) as never;
    });
}
