import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface StoredObject {
  size: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/** A stored body grew past `maxBytes`; nothing was kept. The HTTP layer answers 413. */
export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
  constructor(readonly limit: number) {
    super(`The file is larger than the limit of ${limit} bytes.`);
  }
}

export interface PutOptions {
  /** Refuse (413) and keep nothing when the body grows past this many bytes. */
  maxBytes?: number;
}

/** Where uploaded files live. Implement it for S3 or anything else; the local disk is the default. */
export interface Storage {
  put(key: string, body: Readable | ReadableStream<Uint8Array>, options?: PutOptions): Promise<StoredObject>;
  /** The object as a stream, or just `range` of it. Null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null>;
  stat(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
  /** The keys under `prefix` (a folder such as `certificates/<id>/`), for sweeping files nobody references. Optional. */
  list?(prefix: string): Promise<string[]>;
}

/** Files on local disk, written to a temporary name and renamed, so a failed upload leaves nothing. */
export class LocalDiskStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  #path(key: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key) || key.includes("..")) {
      throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
    }
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
    return path;
  }

  async put(key: string, body: Readable | ReadableStream<Uint8Array>, options: PutOptions = {}) {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${randomUUID()}.part`);
    const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
    let size = 0;
    const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limit) callback(new FileTooLargeError(limit));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createWriteStream(temporary));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { size };
  }

  async get(key: string, range?: ByteRange) {
    const info = await this.stat(key);
    if (!info) return null;
    const body = createReadStream(this.#path(key), range ? { start: range.start, end: range.end } : {});
    return { body, size: info.size };
  }

  async stat(key: string) {
    try {
      const info = await stat(this.#path(key));
      return info.isFile() ? { size: info.size } : null;
    } catch {
      return null;
    }
  }

  async delete(key: string) {
    await rm(this.#path(key), { force: true });
  }

  async list(prefix: string) {
    const folder = prefix.replace(/\/+$/, "");
    try {
      const names = await readdir(this.#path(folder), { recursive: true, withFileTypes: true });
      return names
        .filter((entry) => entry.isFile() && !entry.name.endsWith(".part"))
        .map((entry) => `${folder}/${relative(this.#path(folder), join(entry.parentPath, entry.name))}`);
    } catch {
      return [];
    }
  }
}
