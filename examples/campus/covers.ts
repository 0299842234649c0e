import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Lectern } from "@lectern/core";
import type { Context } from "hono";
import { renderCoverSvg } from "./cover-art.js";
import type { Branding } from "./src/lib/branding.js";
import { coverVersion } from "./src/lib/covers.js";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** One drawn cover, compressed once: serving it again costs no CPU. */
interface Drawn {
  svg: Buffer;
  br: Buffer;
  gz: Buffer;
}

/**
 * Generated covers by content hash, least recently used first out. A cover is 15–25 KB of SVG
 * (5–7 KB with brotli), so the default bound keeps memory under about 10 MB whatever the catalog.
 */
export class CoverCache {
  private readonly entries = new Map<string, Promise<Drawn>>();
  rendered = 0;

  constructor(private readonly limit = 256) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cover for `version`, drawn by `draw` only when it is not cached (or being drawn). */
  get(version: string, draw: () => Promise<string>): Promise<Drawn> {
    const cached = this.entries.get(version);
    if (cached) {
      this.entries.delete(version);
      this.entries.set(version, cached);
      return cached;
    }
    const drawing = draw().then(async (text) => {
      this.rendered++;
      const svg = Buffer.from(text);
      const [br, gz] = await Promise.all([
        brotli(svg, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        gzipAsync(svg, { level: 9 }),
      ]);
      return { svg, br, gz };
    });
    // A failed drawing is not kept: the next request tries again.
    drawing.catch(() => this.entries.delete(version));
    this.entries.set(version, drawing);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return drawing;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CourseFacts {
  title: string;
  tags: string[];
  status: string;
  coverUrl: string | null;
}

/**
 * `GET /covers/<course id>.svg?v=<version>`: the cover drawn for a course without an uploaded one.
 * The course is read through the API as the visitor, so a draft's cover shows only to those who may
 * see the draft. With the current version in the URL the answer is immutable for a year; any other
 * URL is answered with the current cover and must be revalidated (its ETag is the version).
 */
export function mountCovers(lectern: Lectern, branding: Branding, cache = new CoverCache()): CoverCache {
  lectern.app.get("/covers/:file", async (c) => {
    const id = c.req.param("file").replace(/\.svg$/, "");
    if (!UUID.test(id)) return c.text("Not found", 404);
    const course = await readCourse(lectern, c, id);
    if (!course) return c.text("Not found", 404);
    // An uploaded cover wins; an old link to the generated one leads to it.
    if (course.coverUrl) return c.redirect(course.coverUrl, 302);
    const version = coverVersion({
      title: course.title,
      tags: course.tags,
      primaryColor: branding.primaryColor,
    });
    const etag = `"${version}"`;
    const shared = course.status === "published" ? "public" : "private";
    const headers: Record<string, string> = {
      "Content-Type": "image/svg+xml",
      ETag: etag,
      Vary: "Accept-Encoding",
      "Cache-Control":
        c.req.query("v") === version ? `${shared}, max-age=31536000, immutable` : `${shared}, no-cache`,
      // Opened on its own, the image may run nothing and load nothing.
      "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
      "X-Content-Type-Options": "nosniff",
    };
    if (
      c.req
        .header("if-none-match")
        ?.split(",")
        .some((tag) => tag.trim() === etag)
    )
      return c.body(null, 304, headers);
    const drawn = await cache.get(version, () =>
      renderCoverSvg({ title: course.title, tags: course.tags, primaryColor: branding.primaryColor }),
    );
    const accepts = c.req.header("accept-encoding") ?? "";
    const [body, encoding] = /\bbr\b/.test(accepts)
      ? [drawn.br, "br"]
      : /\bgzip\b/.test(accepts)
        ? [drawn.gz, "gzip"]
        : [drawn.svg, null];
    if (encoding) headers["Content-Encoding"] = encoding;
    return c.body(new Uint8Array(body), 200, headers);
  });
  return cache;
}

async function readCourse(lectern: Lectern, c: Context, id: string): Promise<CourseFacts | null> {
  const headers = new Headers({ accept: "application/json" });
  const cookie = c.req.header("cookie");
  if (cookie) headers.set("cookie", cookie);
  const origin = new URL(c.req.url).origin;
  const response = await lectern.app.fetch(new Request(`${origin}/api/courses/${id}`, { headers }));
  if (!response.ok) return null;
  return (await response.json()) as CourseFacts;
}
