import {
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  jsonBody,
  type PluginContext,
  problems,
  receiveUpload,
  serveStoredFile,
  z,
} from "@lectern/core";
import { MATERIAL_KINDS } from "../schema.js";
import type { CoursesService } from "../service.js";
import {
  type CoursesRouteOptions,
  EnrollmentSchema,
  fileResponse,
  Id,
  IdOrSlugParam,
  keepingUpload,
  LinkBody,
  MaterialFields,
  MaterialSchema,
  multipartDoc,
  SectionSchema,
  storageKey,
  TAG,
  title,
  validationOf,
} from "./shared.js";

const routes = {
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
};

/** Sections and materials: a course's structure and what students read. */
export function structureRoutes(ctx: PluginContext, service: CoursesService, options: CoursesRouteOptions) {
  return createRouter()
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
    );
}
