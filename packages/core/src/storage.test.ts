import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileTooLargeError, LocalDiskStorage } from "./storage.js";

let root: string;
let storage: LocalDiskStorage;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "lectern-storage-"));
  storage = new LocalDiskStorage(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("local disk storage", () => {
  it("stores a stream and reads it back whole or by byte range", async () => {
    const bytes = Buffer.from("0123456789abcdef");
    expect(
      await storage.put("courses/a/file.bin", Readable.from([bytes.subarray(0, 5), bytes.subarray(5)])),
    ).toEqual({ size: 16 });
    const whole = await storage.get("courses/a/file.bin");
    expect((await buffer(whole!.body)).toString()).toBe("0123456789abcdef");
    const part = await storage.get("courses/a/file.bin", { start: 10, end: 12 });
    expect((await buffer(part!.body)).toString()).toBe("abc");
    expect(part!.size).toBe(16);
  });

  it("accepts web streams", async () => {
    const web = new Blob(["from the web"]).stream();
    await storage.put("web.txt", web);
    expect((await buffer((await storage.get("web.txt"))!.body)).toString()).toBe("from the web");
  });

  it("refuses a body over the limit with 413 and leaves nothing behind", async () => {
    const big = Readable.from(
      (function* () {
        for (let i = 0; i < 10; i++) yield Buffer.alloc(1024, 1);
      })(),
    );
    const error = await storage.put("too/big.bin", big, { maxBytes: 4096 }).catch((e) => e);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as FileTooLargeError).limit).toBe(4096);
    expect(await storage.stat("too/big.bin")).toBeNull();
    expect(await readdir(join(root, "too"))).toEqual([]);
  });

  it("refuses keys that would escape its folder", async () => {
    for (const key of ["../etc/passwd", "/abs", "a/../../b", ""]) {
      await expect(storage.put(key, Readable.from([Buffer.from("x")]))).rejects.toThrow(
        /Invalid storage key/,
      );
    }
  });

  it("answers null for a missing object and deletes idempotently", async () => {
    expect(await storage.get("nothing/here")).toBeNull();
    await storage.put("gone.txt", Readable.from([Buffer.from("x")]));
    await storage.delete("gone.txt");
    await storage.delete("gone.txt");
    expect(await storage.stat("gone.txt")).toBeNull();
  });
});
