import { Readable } from "node:stream";
import busboy from "busboy";
import { fileTypeFromBuffer } from "file-type";
import type { Storage } from "../storage.js";
import { ProblemError, problems } from "./problem.js";

/** What a file part may be, decided from the fields sent before it (e.g. `kind`). */
export interface UploadRule {
  /** Larger files answer 413 and leave nothing behind. */
  maxBytes: number;
  /** Media types allowed, as sniffed from the content: `"application/pdf"`, or a family like `"video/*"`. */
  accept: readonly string[];
}

export interface UploadOptions {
  storage: Storage;
  /** The storage key for the file part, made when it starts. */
  key: () => string;
  /** The limits of the file part, given the text fields that came before it. */
  rule: (fields: Readonly<Record<string, string>>) => UploadRule;
  /** The name of the file part. Default `file`. */
  fileField?: string;
  /** Text fields larger than this answer 413. Default 64 KiB. */
  maxFieldBytes?: number;
  /** Default 20. */
  maxFields?: number;
}

export interface UploadedFile {
  key: string;
  size: number;
  /** Decided by the bytes, never by the name or the header the client sent. */
  contentType: string;
  /** The client's file name, for `Content-Disposition`; never used as a path. */
  filename: string;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  file: UploadedFile | null;
  /** Removes the stored file; call it when what follows the upload (validation, the insert) fails. */
  discard(): Promise<void>;
}

/** How many leading bytes decide the content type. */
export const SNIFF_BYTES = 4100;

/**
 * The media type of content from its first bytes (magic numbers), with a careful fallback for
 * text: markup is reported as HTML, SVG or XML so it is never mistaken for harmless plain text.
 */
export async function sniffContentType(head: Uint8Array): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  const text = head.includes(0)
    ? null
    : new TextDecoder("utf-8")
        .decode(head)
        .replace(/^\uFEFF/, "")
        .trimStart();
  if (detected && detected.mime !== "application/xml") return detected.mime;
  if (text === null) return detected?.mime ?? "application/octet-stream";
  const lower = text.slice(0, 1024).toLowerCase();
  if (/<svg[\s>]/.test(lower)) return "image/svg+xml";
  if (
    /^<!doctype html|<html[\s>]|<script[\s>]|<body[\s>]|<iframe[\s>]/.test(lower) ||
    /<(script|html|body)[\s>]/.test(lower)
  ) {
    return "text/html";
  }
  if (detected || lower.startsWith("<?xml")) return "application/xml";
  return "text/plain";
}

export function acceptsType(accept: readonly string[], contentType: string): boolean {
  return accept.some(
    (a) => a === contentType || (a.endsWith("/*") && contentType.startsWith(a.slice(0, -1))),
  );
}

/** Reads up to `bytes` from a paused stream, then hands back those bytes and the untouched rest. */
function readHead(stream: Readable, bytes: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      if (!ended) stream.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => reject(error);
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
  });
}

/**
 * Parses a `multipart/form-data` request as it arrives: text fields are collected, the one file
 * part is sniffed from its first bytes and streamed to storage under its rule's size limit. A
 * file is never held whole in memory, and on any failure nothing stays in storage.
 */
export async function receiveUpload(request: Request, options: UploadOptions): Promise<ReceivedUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw problems.unsupportedMediaType("Send the upload as multipart/form-data.");
  }
  if (!request.body) throw problems.badRequest("The upload is empty.");
  const fileField = options.fileField ?? "file";
  const maxFieldBytes = options.maxFieldBytes ?? 64 * 1024;

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Browsers send file names as raw UTF-8; busboy's default reads them as Latin-1.
      defParamCharset: "utf8",
      limits: {
        fieldSize: maxFieldBytes,
        fields: options.maxFields ?? 20,
        files: 1,
        parts: (options.maxFields ?? 20) + 1,
      },
    });
  } catch {
    throw problems.badRequest("The multipart body has no valid boundary.");
  }
  const source = Readable.fromWeb(request.body as never);
  const fields: Record<string, string> = {};
  let stored: UploadedFile | null = null;
  let storing: Promise<void> | null = null;
  let fileStream: Readable | null = null;
  let failure: unknown = null;

  const discard = async () => {
    if (stored) await options.storage.delete(stored.key);
    stored = null;
  };

  const storeFile = async (stream: Readable, filename: string) => {
    const rule = options.rule(fields);
    const { head, ended } = await readHead(stream, SNIFF_BYTES);
    if (head.length === 0) throw problems.validation([{ path: fileField, message: "The file is empty." }]);
    const sniffed = await sniffContentType(head);
    if (!acceptsType(rule.accept, sniffed)) {
      throw problems.unsupportedMediaType(
        `The file's content is ${sniffed}, which is not accepted here. Accepted: ${rule.accept.join(", ")}.`,
        { type: "unsupported-file-type", detected: sniffed },
      );
    }
    const body = Readable.from(
      (async function* () {
        yield head;
        if (!ended) yield* stream;
      })(),
    );
    const key = options.key();
    const { size } = await options.storage.put(key, body, { maxBytes: rule.maxBytes });
    stored = { key, size, contentType: sniffed, filename };
  };

  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      if (!failure) failure = error;
      source.unpipe(parser);
      source.destroy();
      // An unfinished file part would wait forever for bytes that will not come.
      if (fileStream && !fileStream.readableEnded)
        fileStream.destroy(error instanceof Error ? error : undefined);
      Promise.resolve(storing)
        .catch(() => {})
        .then(discard)
        .then(
          () => reject(failure),
          () => reject(failure),
        );
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) {
        fail(problems.tooLarge(`The field "${name}" is larger than ${maxFieldBytes} bytes.`));
        return;
      }
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== fileField || storing) {
        stream.resume();
        if (name !== fileField)
          fail(problems.validation([{ path: name, message: `Send the file as "${fileField}".` }]));
        return;
      }
      fileStream = stream;
      // Its errors reach us through the storage pipeline; this keeps them from being "unhandled".
      stream.on("error", () => {});
      storing = storeFile(stream, info.filename ?? "file");
      storing.catch((error) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on("filesLimit", () =>
      fail(problems.validation([{ path: fileField, message: "Send one file at a time." }])),
    );
    parser.on("fieldsLimit", () => fail(problems.tooLarge("The upload has too many fields.")));
    parser.on("partsLimit", () => fail(problems.tooLarge("The upload has too many parts.")));
    parser.on("error", (error) =>
      fail(problems.badRequest(`The multipart body is malformed: ${(error as Error).message}`)),
    );
    parser.on("close", () => {
      if (failure) return;
      Promise.resolve(storing).then(
        () => resolve(),
        () => {},
      );
    });
    source.on("error", (error) =>
      fail(error instanceof ProblemError ? error : problems.badRequest("The upload was interrupted.")),
    );
    source.pipe(parser);
  });

  return { fields, file: stored as UploadedFile | null, discard };
}
