import {
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  type PluginContext,
  problems,
  receiveUpload,
  serveStoredFile,
} from "@lectern/core";
import type { CoursesService } from "../service.js";
import {
  type CoursesRouteOptions,
  keepingUpload,
  MaterialSchema,
  multipartDoc,
  storageKey,
  TAG,
} from "./shared.js";

const routes = {
  put: defineRoute({
    method: "put",
    path: "/materials/{id}/captions",
    access: "courses.manage",
    tags: TAG,
    summary: "Upload WebVTT captions for a video material (multipart field `file`); replaces earlier ones",
    request: {
      params: IdParam,
      body: multipartDoc({ file: { type: "string", format: "binary", description: "A .vtt file" } }, [
        "file",
      ]),
    },
    responses: { 200: json(MaterialSchema, "The material, with its `captionsUrl`") },
  }),
  get: defineRoute({
    method: "get",
    path: "/materials/{id}/captions",
    access: "signed-in",
    tags: TAG,
    summary: "The video's captions as `text/vtt` (enrolled students, the owner, admins)",
    request: { params: IdParam },
    responses: {
      200: { description: "The captions", content: { "text/vtt": { schema: { type: "string" } as never } } },
    },
  }),
  remove: defineRoute({
    method: "delete",
    path: "/materials/{id}/captions",
    access: "courses.manage",
    tags: TAG,
    summary: "Remove a video's captions",
    request: { params: IdParam },
    responses: { 204: { description: "Removed" } },
  }),
};

/** Captions for video materials: uploaded by the course's instructor, read by its students. */
export function captionsRoutes(ctx: PluginContext, service: CoursesService, options: CoursesRouteOptions) {
  return createRouter()
    .openapi(routes.put, async (c) => {
      const viewer = currentUser(c);
      const { id } = c.req.valid("param");
      // Before anything is stored: someone else's material answers 404 and keeps nothing.
      const material = await service.requireManageableMaterial(viewer, id);
      const upload = await receiveUpload(c.req.raw, {
        storage: ctx.storage,
        key: () => `${storageKey(material.courseId)()}.vtt`,
        // WebVTT is text (recognised by its header, or plain text that then fails the check with a
        // reason): anything the bytes show to be something else is refused as it arrives.
        rule: () => ({ maxBytes: options.limits.captions, accept: ["text/vtt", "text/plain"] }),
      });
      return keepingUpload(upload, async () => {
        if (!upload.file)
          throw problems.validation([{ path: "file", message: "Send the captions as the field `file`." }]);
        return c.json(await service.setCaptions(viewer, id, upload.file), 200);
      });
    })
    .openapi(routes.get, async (c) => {
      const captions = await service.openCaptions(currentUser(c), c.req.valid("param").id);
      return serveStoredFile(c, { storage: ctx.storage, ...captions }) as never;
    })
    .openapi(routes.remove, async (c) => {
      await service.removeCaptions(currentUser(c), c.req.valid("param").id);
      return c.body(null, 204);
    });
}
