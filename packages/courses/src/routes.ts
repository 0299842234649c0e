import { randomUUID } from "node:crypto";
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
  type ReceivedUpload,
  receiveUpload,
  serveStoredFile,
  z,
} from "@lectern/core";
import { COURSE_STATUSES, ENROLLMENT_STATUSES, LEVELS, MATERIAL_KINDS, type MaterialKind } from "./schema.js";
import type { CoursesService } from "./service.js";

export interface CoursesRouteOptions {
  limits: Record<Exclude<MaterialKind, "link"> | "cover", number>;
  accept: Record<Exclude<MaterialKind, "link"> | "cover", string[]>;
}

const Id = z.string().uuid();
const IdOrSlugParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, description: "The course id or its slug" }),
});

/** Control characters other than tab, newline and carriage return only hide things. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

const cleanText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacters(s), "Control characters are not allowed.");
const title = cleanText(200)
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "A title is required."));
const Money = z
  .object({
    amount: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .openapi({ description: "Integer minor units", example: 4900 }),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "An ISO 4217 code such as USD.")
      .openapi({ example: "USD" }),
  })
  .openapi("Money");

const CourseFields = {
  title,
  summary: cleanText(500).default(""),
  description: cleanText(50_000).default("").openapi({ description: "Markdown" }),
  tags: z
    .array(cleanText(40).pipe(z.string().trim().min(1)))
    .max(20)
    .default([]),
  level: z.enum(LEVELS).default("beginner"),
  price: Money.nullable().optional().openapi({ description: "Null or absent for a free course" }),
};

const Instructor = z.object({ id: z.string(), name: z.string() });
const CourseSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    summary: z.string(),
    tags: z.array(z.string()),
    level: z.enum(LEVELS),
    price: Money.nullable(),
    instructor: Instructor,
    enrolledCount: z.number().int(),
    coverUrl: z.string().nullable(),
  })
  .openapi("CourseSummary");
const CourseSchema = CourseSummarySchema.extend({
  description: z.string(),
  status: z.enum(COURSE_STATUSES),
  rejectionReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
}).openapi("Course");
const EnrollmentSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    userId: z.string(),
    status: z.enum(ENROLLMENT_STATUSES),
    progress: z.number().min(0).max(1),
    enrolledAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi("Enrollment");
const OutlineSchema = z.array(
  z.object({
    id: z.string().nullable(),
    title: z.string(),
    position: z.number().int(),
    materials: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        kind: z.enum(MATERIAL_KINDS),
        required: z.boolean(),
        position: z.number().int(),
        url: z.string().optional(),
        completed: z.boolean().optional(),
      }),
    ),
  }),
);
const CourseDetailSchema = CourseSchema.extend({
  descriptionHtml: z
    .string()
    .openapi({ description: "The description rendered from Markdown and sanitized" }),
  outline: OutlineSchema,
  enrollment: EnrollmentSchema.nullable(),
  canReadMaterials: z.boolean(),
}).openapi("CourseDetail");
const SectionSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    title: z.string(),
    position: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Section");
const MaterialSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    sectionId: z.string().nullable(),
    title: z.string(),
    kind: z.enum(MATERIAL_KINDS),
    required: z.boolean(),
    size: z.number().int().nullable(),
    contentType: z.string().nullable(),
    position: z.number().int(),
    url: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi("Material");
const StudentSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    enrollment: EnrollmentSchema,
  })
  .catchall(z.unknown())
  .openapi("CourseStudent");

const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "Only http and https links are allowed.");
const boolField = z
  .enum(["true", "false", "on", "1", "0"])
  .transform((v) => v === "true" || v === "on" || v === "1");
const MaterialFields = z.object({
  title,
  kind: z.enum(MATERIAL_KINDS),
  sectionId: Id.optional(),
  required: boolField.optional(),
  url: httpUrl.optional(),
});
const LinkBody = z.object({
  title,
  kind: z.literal("link"),
  url: httpUrl,
  sectionId: Id.nullable().optional(),
  required: z.boolean().optional(),
});

const multipartDoc = (properties: Record<string, object>, required: string[]) => ({
  required: true,
  content: {
    "multipart/form-data": {
      // A plain schema: documented, but not validated by the router, which would buffer the file.
      schema: { type: "object", properties, required } as never,
    },
  },
});

const TAG = ["Courses"];
const fileResponse = {
  description: "The file (206 for a Range)",
  content: { "application/octet-stream": { schema: z.string() } },
};

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
    responses: { 200: json(pageOf(CourseSummarySchema), "A page of courses") },
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
          tags: CourseFields.tags.optional(),
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
    request: { params: IdParam },
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
  createSection: defineRoute({
    method: "post",
    path: "/courses/{id}/sections",
    access: "courses.manage",
    tags: TAG,
    summary: "Add a section (week, module); `position` is 1-based",
    request: {
      params: IdParam,
      body: jsonBody(z.object({ title, position: z.number().int().min(1).optional() })),
    },
    responses: { 201: json(SectionSchema, "The new section") },
  }),
  listSections: defineRoute({
    method: "get",
    path: "/courses/{id}/sections",
    access: "public",
    tags: TAG,
    summary: "The course's sections in order",
    request: { params: IdOrSlugParam },
    responses: { 200: json(z.object({ items: z.array(SectionSchema) }), "Sections") },
  }),
  updateSection: defineRoute({
    method: "patch",
    path: "/sections/{id}",
    access: "courses.manage",
    tags: TAG,
    summary: "Rename or move a section",
    request: {
      params: IdParam,
      body: jsonBody(z.object({ title: title.optional(), position: z.number().int().min(1).optional() })),
    },
    responses: { 200: json(SectionSchema, "The section") },
  }),
  deleteSection: defineRoute({
    method: "delete",
    path: "/sections/{id}",
    access: "courses.manage",
    tags: TAG,
    summary: "Remove a section; its materials stay in the course",
    request: { params: IdParam },
    responses: { 204: { description: "Removed" } },
  }),
  addMaterial: defineRoute({
    method: "post",
    path: "/courses/{id}/materials",
    access: "courses.manage",
    tags: TAG,
    summary: "Upload a material (multipart, text fields before `file`) or add a link (multipart or JSON)",
    request: {
      params: IdParam,
      body: multipartDoc(
        {
          title: { type: "string" },
          kind: { type: "string", enum: [...MATERIAL_KINDS] },
          sectionId: { type: "string", format: "uuid" },
          required: { type: "boolean", default: true },
          url: { type: "string", format: "uri", description: "For a link" },
          file: { type: "string", format: "binary", description: "For every kind but link; send it last" },
        },
        ["title", "kind"],
      ),
    },
    responses: { 201: json(MaterialSchema, "The new material") },
  }),
  listMaterials: defineRoute({
    method: "get",
    path: "/courses/{id}/materials",
    access: "signed-in",
    tags: TAG,
    summary: "The course's materials, in outline order (enrolled students, the owner, admins)",
    request: { params: IdOrSlugParam },
    responses: { 200: json(z.object({ items: z.array(MaterialSchema), nextCursor: z.null() }), "Materials") },
  }),
  updateMaterial: defineRoute({
    method: "patch",
    path: "/materials/{id}",
    access: "courses.manage",
    tags: TAG,
    summary: "Rename, move (section, 1-based position) or change whether a material is required",
    request: {
      params: IdParam,
      body: jsonBody(
        z.object({
          title: title.optional(),
          required: z.boolean().optional(),
          sectionId: Id.nullable().optional(),
          position: z.number().int().min(1).optional(),
        }),
      ),
    },
    responses: { 200: json(MaterialSchema, "The material") },
  }),
  deleteMaterial: defineRoute({
    method: "delete",
    path: "/materials/{id}",
    access: "courses.manage",
    tags: TAG,
    summary: "Remove a material and its file",
    request: { params: IdParam },
    responses: { 204: { description: "Removed" } },
  }),
  content: defineRoute({
    method: "get",
    path: "/materials/{id}/content",
    access: "signed-in",
    tags: TAG,
    summary: "The material's file, with HTTP Range support",
    request: { params: IdParam },
    responses: { 200: fileResponse, 206: fileResponse },
  }),
  complete: defineRoute({
    method: "post",
    path: "/materials/{id}/complete",
    access: "courses.learn",
    tags: TAG,
    summary: "Mark a material complete; answers the enrollment with its progress",
    request: { params: IdParam },
    responses: { 200: json(EnrollmentSchema, "The enrollment") },
  }),
  enroll: defineRoute({
    method: "post",
    path: "/courses/{id}/enroll",
    access: "courses.learn",
    tags: TAG,
    summary: "Enroll in a free course (201; again: 200 with the same enrollment); a paid course answers 402",
    request: { params: IdOrSlugParam },
    responses: { 200: json(EnrollmentSchema, "Already enrolled"), 201: json(EnrollmentSchema, "Enrolled") },
  }),
  unenroll: defineRoute({
    method: "delete",
    path: "/courses/{id}/enroll",
    access: "courses.learn",
    tags: TAG,
    summary: "Leave a free course; the enrollment is kept as cancelled",
    request: { params: IdOrSlugParam },
    responses: { 200: json(EnrollmentSchema, "The cancelled enrollment") },
  }),
  myEnrollments: defineRoute({
    method: "get",
    path: "/me/enrollments",
    access: "courses.learn",
    tags: TAG,
    summary: "The student's enrollments, each with its course and progress",
    request: { query: z.object({ status: z.enum(ENROLLMENT_STATUSES).optional(), ...pageQuery }) },
    responses: {
      200: json(
        pageOf(
          EnrollmentSchema.extend({
            course: CourseSummarySchema.extend({ status: z.enum(COURSE_STATUSES) }),
          }),
        ),
        "A page of enrollments",
      ),
    },
  }),
  students: defineRoute({
    method: "get",
    path: "/courses/{id}/students",
    access: "courses.manage",
    tags: TAG,
    summary: "The course's students with their progress (owner, admin)",
    request: {
      params: IdParam,
      query: z.object({ status: z.enum(ENROLLMENT_STATUSES).optional(), ...pageQuery }),
    },
    responses: { 200: json(pageOf(StudentSchema), "A page of students") },
  }),
};

/** Runs what follows an upload; if it fails, the stored file goes too. */
async function keepingUpload<T>(upload: ReceivedUpload, then: () => Promise<T>): Promise<T> {
  try {
    return await then();
  } catch (error) {
    await upload.discard();
    throw error;
  }
}

function validationOf(error: z.ZodError) {
  return problems.validation(
    error.issues.map((i) => ({ path: i.path.map(String).join(".") || "body", message: i.message })),
  );
}

export function coursesRoutes(ctx: PluginContext, service: CoursesService, options: CoursesRouteOptions) {
  const storageKey = (courseId: string) => () => `courses/${courseId}/${randomUUID()}`;

  return createRouter()
    .openapi(routes.catalog, async (c) => c.json(await service.listCatalog(c.req.valid("query")), 200))
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
    .openapi(routes.submit, async (c) =>
      c.json(await service.submitCourse(currentUser(c), c.req.valid("param").id), 200),
    )
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
    })
    .openapi(routes.createSection, async (c) =>
      c.json(await service.createSection(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 201),
    )
    .openapi(routes.listSections, async (c) =>
      c.json({ items: await service.listSections(c.get("user"), c.req.valid("param").id) }, 200),
    )
    .openapi(routes.updateSection, async (c) =>
      c.json(await service.updateSection(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(routes.deleteSection, async (c) => {
      await service.deleteSection(currentUser(c), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(routes.addMaterial, async (c) => {
      const viewer = currentUser(c);
      const { id } = c.req.valid("param");
      await service.requireManageable(viewer, id);
      if (/^application\/json/i.test(c.req.header("content-type") ?? "")) {
        const parsed = LinkBody.safeParse(await c.req.json().catch(() => null));
        if (!parsed.success) throw validationOf(parsed.error);
        return c.json(await service.addMaterial(viewer, id, parsed.data), 201);
      }
      const upload = await receiveUpload(c.req.raw, {
        storage: ctx.storage,
        key: storageKey(id),
        rule: (fields) => {
          const kind = MaterialFields.shape.kind.safeParse(fields.kind);
          if (!kind.success || kind.data === "link") {
            throw problems.validation([
              {
                path: "kind",
                message: "Send `kind` (video, pdf or document) before the file; links take no file.",
              },
            ]);
          }
          return { maxBytes: options.limits[kind.data], accept: options.accept[kind.data] };
        },
      });
      return keepingUpload(upload, async () => {
        const parsed = MaterialFields.safeParse(upload.fields);
        if (!parsed.success) throw validationOf(parsed.error);
        const input = parsed.data;
        if (input.kind === "link" && !input.url)
          throw problems.validation([{ path: "url", message: "A link needs a url." }]);
        if (input.kind !== "link" && !upload.file) {
          throw problems.validation([{ path: "file", message: `A ${input.kind} material needs a file.` }]);
        }
        return c.json(await service.addMaterial(viewer, id, { ...input, file: upload.file }), 201);
      });
    })
    .openapi(routes.listMaterials, async (c) =>
      c.json(
        { items: await service.listMaterials(currentUser(c), c.req.valid("param").id), nextCursor: null },
        200,
      ),
    )
    .openapi(routes.updateMaterial, async (c) =>
      c.json(await service.updateMaterial(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(routes.deleteMaterial, async (c) => {
      await service.deleteMaterial(currentUser(c), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(routes.content, async (c) => {
      const file = await service.openMaterial(currentUser(c), c.req.valid("param").id);
      return serveStoredFile(c, { storage: ctx.storage, ...file }) as never;
    })
    .openapi(routes.complete, async (c) =>
      c.json(await service.completeMaterial(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.enroll, async (c) => {
      const { enrollment, created } = await service.enrollStudent(currentUser(c), c.req.valid("param").id);
      return created ? c.json(enrollment, 201) : c.json(enrollment, 200);
    })
    .openapi(routes.unenroll, async (c) =>
      c.json(await service.unenroll(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.myEnrollments, async (c) =>
      c.json(await service.listMyEnrollments(currentUser(c).id, c.req.valid("query")), 200),
    )
    .openapi(routes.students, async (c) =>
      c.json(await service.listStudents(currentUser(c), c.req.valid("param").id, c.req.valid("query")), 200),
    );
}
