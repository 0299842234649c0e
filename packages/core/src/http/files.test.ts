import { describe, expect, it } from "vitest";
import { contentDisposition, mustDownload, parseRange } from "./files.js";
import { acceptsType, sniffContentType } from "./upload.js";

describe("Range headers", () => {
  it("reads single byte ranges, suffixes and open ends, clamped to the file", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-5000", 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange("bytes=990-2000", 1000)).toEqual({ start: 990, end: 999 });
  });

  it("ignores what it cannot honour and refuses what lies outside the file with 416", () => {
    for (const header of [undefined, "", "items=0-1", "bytes=0-1,5-6", "bytes=abc", "bytes=-"]) {
      expect(parseRange(header, 1000)).toBeNull();
    }
    for (const header of ["bytes=1000-", "bytes=5-2", "bytes=-0"]) {
      expect(() => parseRange(header, 1000)).toThrow(expect.objectContaining({ status: 416 }));
    }
    expect(() => parseRange("bytes=0-0", 0)).toThrow(
      expect.objectContaining({ headers: { "Content-Range": "bytes */0" } }),
    );
  });
});

describe("serving types safely", () => {
  it("downloads whatever a browser could run, shows media and PDFs inline", () => {
    for (const type of [
      "text/html",
      "image/svg+xml",
      "application/xml",
      "text/xml",
      "application/javascript",
      "application/zip",
    ]) {
      expect(mustDownload(type)).toBe(true);
    }
    for (const type of ["application/pdf", "video/mp4", "audio/wav", "image/png", "text/plain"]) {
      expect(mustDownload(type)).toBe(false);
    }
  });

  it("names files safely in Content-Disposition", () => {
    expect(contentDisposition("attachment", 'Über "notes".pdf')).toBe(
      "attachment; filename=\"_ber _notes_.pdf\"; filename*=UTF-8''%C3%9Cber%20%22notes%22.pdf",
    );
    expect(contentDisposition("inline")).toBe("inline");
  });

  it("sniffs types from bytes and never takes markup for plain text", async () => {
    expect(await sniffContentType(Buffer.from("%PDF-1.7\n"))).toBe("application/pdf");
    expect(await sniffContentType(Buffer.from("Just some notes.\n"))).toBe("text/plain");
    expect(await sniffContentType(Buffer.from("  <!doctype html><p>hi"))).toBe("text/html");
    expect(
      await sniffContentType(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toBe("image/svg+xml");
    expect(await sniffContentType(Buffer.from('<?xml version="1.0"?><note/>'))).toBe("application/xml");
    expect(await sniffContentType(Buffer.from([0, 1, 2, 3, 0, 0]))).toBe("application/octet-stream");
    expect(acceptsType(["video/*"], "video/mp4")).toBe(true);
    expect(acceptsType(["video/*"], "audio/wav")).toBe(false);
  });
});
