import { problems, type UploadedFile } from "@lectern/core";
import { eq } from "drizzle-orm";
import { materials } from "../schema.js";
import { CoursesPart, toMaterial } from "./context.js";
import type { Material, Viewer } from "./types.js";

/** The media type captions are served with; browsers load a `<track>` only from this one. */
export const VTT_TYPE = "text/vtt; charset=utf-8";

/**
 * Why the bytes are not a WebVTT file, in a sentence for the person who sent it, or null.
 * The format: UTF-8, an optional byte-order mark, then "WEBVTT" alone or followed by a space,
 * tab or line break. Control characters (other than tab and line breaks) only hide things.
 */
export function webVttProblem(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "The captions file must be text in UTF-8; save it again as UTF-8.";
  }
  const body = text.replace(/^\uFEFF/, "");
  if (!/^WEBVTT(?:[ \t\r\n]|$)/.test(body))
    return 'This is not a WebVTT captions file: it must start with the line "WEBVTT".';
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f || code === 0xfeff)
      return "The captions file contains control characters; save it again as plain text.";
  }
  return null;
}

/** Captions (WebVTT) for video materials: the instructor uploads them, readers of the course load them. */
export class CourseCaptions extends CoursesPart {
  /** The material, if the viewer may change its course; 404 otherwise, as for the course itself. */
  async requireManageableMaterial(viewer: Viewer, materialId: string) {
    const material = await this.access.material(this.db, materialId);
    await this.access.manageable(this.db, viewer, material.courseId);
    return material;
  }

  /** Checks a stored upload is WebVTT and puts it on the video, replacing earlier captions. */
  async setCaptions(viewer: Viewer, materialId: string, file: UploadedFile): Promise<Material> {
    const material = await this.requireManageableMaterial(viewer, materialId);
    if (material.kind !== "video")
      throw problems.validation([{ path: "file", message: "Captions go with a video material." }]);
    const problem = webVttProblem(await this.read(file.key));
    if (problem) throw problems.validation([{ path: "file", message: problem }]);
    const { previous, row } = await this.db.transaction(async (tx) => {
      const current = await this.access.material(tx, materialId);
      await this.access.manageable(tx, viewer, current.courseId, { lock: true });
      const [row] = await tx
        .update(materials)
        .set({ captionsKey: file.key, captionsSize: file.size })
        .where(eq(materials.id, materialId))
        .returning();
      await this.deps.events.emit(tx, "material.updated", { materialId, courseId: current.courseId });
      return { previous: current.captionsKey, row: row! };
    });
    await this.access.deleteFiles(previous && previous !== file.key ? [previous] : []);
    return toMaterial(row);
  }

  async removeCaptions(viewer: Viewer, materialId: string): Promise<void> {
    const previous = await this.db.transaction(async (tx) => {
      const material = await this.access.material(tx, materialId);
      await this.access.manageable(tx, viewer, material.courseId, { lock: true });
      if (!material.captionsKey) return null;
      await tx
        .update(materials)
        .set({ captionsKey: null, captionsSize: null })
        .where(eq(materials.id, materialId));
      await this.deps.events.emit(tx, "material.updated", { materialId, courseId: material.courseId });
      return material.captionsKey;
    });
    await this.access.deleteFiles(previous ? [previous] : []);
  }

  /** Where the captions are, for someone who may read the course's materials. */
  async openCaptions(viewer: Viewer, materialId: string) {
    const material = await this.access.material(this.db, materialId);
    await this.access.readableCourse(this.db, viewer, material.courseId);
    if (!material.captionsKey) throw problems.notFound("This material has no captions.");
    return {
      key: material.captionsKey,
      contentType: VTT_TYPE,
      filename: `${material.title}.vtt`,
      etag: material.captionsKey.split("/").at(-1)!,
    };
  }

  private async read(key: string): Promise<Buffer> {
    const stored = await this.deps.storage.get(key);
    if (!stored) throw problems.validation([{ path: "file", message: "The captions file is empty." }]);
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
}
