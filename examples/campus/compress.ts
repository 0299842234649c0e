import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from "node:zlib";

/** Text worth compressing; images, fonts (woff2) and PDFs are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|xml|map|webmanifest)$/;
/** Below this, the headers cost more than compression saves. */
export const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.test(entry.name)) yield path;
  }
}

/**
 * Writes `name.br` (brotli, best quality) and `name.gz` (gzip, level 9) beside every compressible
 * static asset, once at build, so serving them costs no CPU per request.
 */
export async function precompress(dir: string): Promise<{ files: number; bytes: number; brotli: number }> {
  let count = 0;
  let bytes = 0;
  let brotliBytes = 0;
  for await (const path of files(dir)) {
    if ((await stat(path)).size < MIN_BYTES) continue;
    const body = await readFile(path);
    const br = await brotli(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    await writeFile(`${path}.br`, br);
    await writeFile(`${path}.gz`, await gzipAsync(body, { level: 9 }));
    count++;
    bytes += body.length;
    brotliBytes += br.length;
  }
  return { files: count, bytes, brotli: brotliBytes };
}

/** The encoding to answer with for an `Accept-Encoding` header: brotli, else gzip, else none. */
export function chooseEncoding(accept: string | undefined): "br" | "gzip" | null {
  const offered = new Map<string, number>();
  for (const part of (accept ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    if (name) offered.set(name, q === undefined ? 1 : Number(q));
  }
  const allowed = (name: string) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  if (allowed("br")) return "br";
  if (allowed("gzip")) return "gzip";
  return null;
}

/**
 * A page rendered for one request, compressed on the fly when it is large enough: brotli at a
 * middling quality (fast enough per request), gzip for clients without brotli.
 */
export function compressBody(
  body: Buffer,
  accept: string | undefined,
): { body: Buffer; encoding: string | null } {
  const encoding = body.length >= MIN_BYTES ? chooseEncoding(accept) : null;
  if (encoding === "br")
    return {
      body: brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      }),
      encoding,
    };
  if (encoding === "gzip") return { body: gzipSync(body, { level: 6 }), encoding };
  return { body, encoding: null };
}
