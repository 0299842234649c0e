import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { compressBody } from "./compress.js";

const DIRECTIVES = [
  "default-src 'self'",
  // Inline styles stay allowed: the branding colours are one server-rendered <style>.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
];

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/** The policy for one HTML page: scripts from our origin, and inline scripts only by their hash. */
export function contentSecurityPolicy(html: string): string {
  const hashes = new Set<string>();
  for (const [, body] of html.matchAll(INLINE_SCRIPT)) {
    if (body) hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return [`script-src 'self' ${[...hashes].join(" ")}`.trim(), ...DIRECTIVES].join("; ");
}

/** The policy for answers that are not HTML (no inline script can run in them). */
export const STRICT_POLICY = ["script-src 'self'", ...DIRECTIVES].join("; ");

/**
 * Holds an HTML response back until it is complete, then sends it with a CSP listing the hash of
 * each inline script it contains (Astro's island loader among them), so no injected inline script
 * can run. Other responses pass straight through. Pages are small; buffering them costs little.
 */
export function hashInlineScripts(outgoing: ServerResponse, acceptEncoding?: string): void {
  const original = { writeHead: outgoing.writeHead, write: outgoing.write, end: outgoing.end };
  let head: { status: number; headers?: OutgoingHttpHeaders } | null = null;
  const chunks: Buffer[] = [];
  const restore = () => Object.assign(outgoing, original);

  outgoing.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((r): r is OutgoingHttpHeaders => typeof r === "object" && r !== null) ?? {};
    const type = String(headers["content-type"] ?? outgoing.getHeader("content-type") ?? "");
    if (!type.includes("text/html")) {
      restore();
      outgoing.setHeader("Content-Security-Policy", STRICT_POLICY);
      return original.writeHead.call(outgoing, status, ...(rest as []));
    }
    head = { status, headers };
    return outgoing;
  }) as ServerResponse["writeHead"];

  outgoing.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!head) return (original.write as (...args: unknown[]) => boolean).call(outgoing, chunk, ...rest);
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return true;
  }) as ServerResponse["write"];

  outgoing.end = ((chunk?: unknown, ...rest: unknown[]) => {
    restore();
    if (!head) return (original.end as (...args: unknown[]) => ServerResponse).call(outgoing, chunk, ...rest);
    if (chunk && typeof chunk !== "function") {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    }
    const html = Buffer.concat(chunks);
    outgoing.setHeader("Content-Security-Policy", contentSecurityPolicy(html.toString("utf8")));
    // The whole page is here anyway: compress it for the client when it is worth it.
    const { body, encoding } = compressBody(html, acceptEncoding);
    outgoing.setHeader("Vary", "Accept-Encoding");
    if (encoding) outgoing.setHeader("Content-Encoding", encoding);
    outgoing.setHeader("Content-Length", body.length);
    const { "content-length": _length, ...headers } = head.headers ?? {};
    outgoing.writeHead(head.status, headers);
    return outgoing.end(body);
  }) as ServerResponse["end"];
}
