import { Readable } from "node:stream";
import type { Context } from "hono";
import type { ByteRange, Storage } from "../storage.js";
import { ProblemError, problems } from "./problem.js";

export interface ServeFileOptions {
  storage: Storage;
  key: string;
  /** The stored media type; decided when the file was received, never from its name. */
  contentType: string;
  /** The name offered to the browser when it saves the file. */
  filename?: string;
  /** A strong validator for the content (e.g. the object's id and size); enables 304 and If-Range. */
  etag?: string;
  /** Default `private, max-age=0, must-revalidate`: the content is behind access checks. */
  cacheControl?: string;
}

/** Types a browser shows without running anything; everything else is offered as a download. */
const INLINE_TYPES = [
  /^image\/(png|jpeg|gif|webp|avif)$/,
  /^audio\//,
  /^video\//,
  /^application\/pdf$/,
  /^text\/plain$/,
];

/** Whether a browser could run this content (HTML, SVG, XML, scripts …) if it were shown inline. */
export function mustDownload(contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return !INLINE_TYPES.some((pattern) => pattern.test(type));
}

export function contentDisposition(kind: "inline" | "attachment", filename?: string): string {
  if (!filename) return kind;
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The byte range a `Range` header asks for (RFC 9110 §14), `null` to send the whole file
 * (no header, another unit, several ranges or a malformed one), or 416 when it is unsatisfiable.
 */
export function parseRange(header: string | undefined | null, size: number): ByteRange | null {
  if (!header) return null;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "" && last === "") return null;
  const unsatisfiable = () =>
    new ProblemError(
      {
        ...problems.rangeNotSatisfiable(`The file has ${size} bytes; the range "${header}" lies outside it.`)
          .problem,
      },
      { "Content-Range": `bytes */${size}` },
    );
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== "" && Number(last) < start)) throw unsatisfiable();
  return { start, end };
}

/**
 * Answers a request for a stored object: the whole file (200), a byte range (206) so video
 * players can seek, 416 for a range outside the file, 304 for a matching ETag. Content a browser
 * could execute is sent as an attachment under a sandboxing CSP.
 */
export async function serveStoredFile(c: Context, options: ServeFileOptions): Promise<Response> {
  const request = c.req.raw;
  const info = await options.storage.stat(options.key);
  if (!info) throw problems.notFound("The file is missing from storage.");
  const size = info.size;
  const etag = options.etag ? `"${options.etag.replace(/"/g, "")}"` : undefined;
  const download = mustDownload(options.contentType);
  const headers: Record<string, string> = {
    "Content-Type": options.contentType,
    "Accept-Ranges": "bytes",
    "Content-Disposition": contentDisposition(download ? "attachment" : "inline", options.filename),
    "Cache-Control": options.cacheControl ?? "private, max-age=0, must-revalidate",
    "X-Content-Type-Options": "nosniff",
  };
  if (download) headers["Content-Security-Policy"] = "default-src 'none'; sandbox";
  if (etag) headers.ETag = etag;

  const ifNoneMatch = request.headers.get("if-none-match");
  if (etag && ifNoneMatch?.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
    return c.body(null, 304, headers);
  }

  const ifRange = request.headers.get("if-range");
  const rangeHeader = ifRange && ifRange !== etag ? null : request.headers.get("range");
  const range = parseRange(rangeHeader, size);
  const head = request.method === "HEAD";

  if (!range) {
    headers["Content-Length"] = String(size);
    if (head) return c.body(null, 200, headers);
    const object = await options.storage.get(options.key);
    if (!object) throw problems.notFound("The file is missing from storage.");
    return c.body(Readable.toWeb(object.body) as ReadableStream, 200, headers);
  }
  headers["Content-Range"] = `bytes ${range.start}-${range.end}/${size}`;
  headers["Content-Length"] = String(range.end - range.start + 1);
  if (head) return c.body(null, 206, headers);
  const object = await options.storage.get(options.key, range);
  if (!object) throw problems.notFound("The file is missing from storage.");
  return c.body(Readable.toWeb(object.body) as ReadableStream, 206, headers);
}
