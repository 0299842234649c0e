/** Text out of the files instructors upload: PDF (page by page), Markdown, HTML, plain text, WebVTT and SRT captions. */

export type Format = "pdf" | "markdown" | "html" | "vtt" | "srt" | "text";

export interface ExtractedPage {
  /** 1-based PDF page; absent for formats without pages. */
  page?: number;
  /** Captions: seconds from the start of the video where this text begins. */
  at?: number;
  text: string;
}

/** A file the assistant cannot read; `reason` is shown to the instructor. */
export class NotSearchableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "NotSearchableError";
  }
}

const extension = (filename: string | null) => filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";

/** The format of a file, from its first bytes, its name and its stored content type; null when unreadable. */
export function detectFormat(
  bytes: Uint8Array,
  contentType: string | null,
  filename: string | null,
): Format | null {
  const head = new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, "");
  const ext = extension(filename);
  if (head.startsWith("%PDF-") || contentType === "application/pdf") return "pdf";
  if (head.startsWith("WEBVTT") || ext === "vtt" || contentType === "text/vtt") return "vtt";
  if (ext === "srt" || /^\d+\r?\n\d{2}:\d{2}:\d{2},\d{3} -->/.test(head)) return "srt";
  if (ext === "md" || ext === "markdown" || contentType === "text/markdown") return "markdown";
  if (
    ext === "html" ||
    ext === "htm" ||
    contentType === "text/html" ||
    /^\s*<(!doctype html|html)/i.test(head)
  )
    return "html";
  if (contentType?.startsWith("text/") || ext === "txt") return "text";
  return null;
}

/** The file's text, a page at a time, so a long PDF never needs all its text in memory at once. */
export async function* extractPages(bytes: Uint8Array, format: Format): AsyncGenerator<ExtractedPage> {
  if (format === "pdf") {
    yield* pdfPages(bytes);
    return;
  }
  const text = decodeText(bytes);
  if (format === "markdown") yield { text: markdownToText(text) };
  else if (format === "html") yield { text: htmlToText(text) };
  else if (format === "vtt" || format === "srt") yield* captionSegments(captionCues(text));
  else yield { text };
}

function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
  // Binary in disguise: many replacement or NUL characters.
  let bad = 0;
  for (const char of text.slice(0, 4096)) if (char === "\uFFFD" || char === "\0") bad++;
  if (bad > 32) throw new NotSearchableError("The file is not text in UTF-8.");
  return text;
}

async function* pdfPages(bytes: Uint8Array): AsyncGenerator<ExtractedPage> {
  const { getDocumentProxy } = await import("unpdf");
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(bytes, { useSystemFonts: false, verbosity: 0 });
  } catch (error) {
    throw new NotSearchableError(pdfFailure(error));
  }
  let withText = 0;
  try {
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str;
        text += item.hasEOL ? "\n" : item.str.endsWith(" ") ? "" : " ";
      }
      page.cleanup();
      text = text.replace(/[ \t]+/g, " ").trim();
      if (text) withText++;
      yield { page: number, text };
    }
  } catch (error) {
    if (error instanceof NotSearchableError) throw error;
    throw new NotSearchableError(pdfFailure(error));
  } finally {
    await pdf.loadingTask.destroy();
  }
  if (withText === 0)
    throw new NotSearchableError(
      "The PDF has no text layer (a scan?): run it through OCR and upload it again.",
    );
}

function pdfFailure(error: unknown): string {
  const name = (error as { name?: string })?.name ?? "";
  if (name === "PasswordException") return "The PDF is protected by a password.";
  if (name === "InvalidPDFException") return "The file is damaged or not a PDF.";
  return "The PDF could not be read.";
}

export function markdownToText(markdown: string): string {
  return markdown
    .replace(/```[^\n]*\n([\s\S]*?)```/g, "$1")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/^\s*>\s?/gm, "")
    .replace(/^\s*[-*+]\s+/gm, "- ")
    .replace(/(\*\*|__)(.*?)\1/g, "$2")
    .replace(/(^|[^*])\*([^*\n]+)\*/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/<[^>]+>/g, "");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/tr|\/section|\/article)[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
      return ENTITIES[entity.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export interface Cue {
  /** Seconds from the start of the video. */
  start: number;
  text: string;
}

/** `01:02:03.500`, `02:03.500` (WebVTT) or `01:02:03,500` (SRT) in seconds. */
function seconds(stamp: string): number {
  const parts = stamp.trim().replace(",", ".").split(":").map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** The cues of WebVTT or SRT captions: when each starts, and its words without voice or style tags. */
export function captionCues(captions: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of captions.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const rows = block.split("\n").filter((l) => l.trim() !== "");
    const timing = rows.findIndex((r) => r.includes("-->"));
    // Headers, notes, styles and regions have no timing line.
    if (timing < 0 || /^(NOTE|STYLE|REGION)\b/.test(rows[0]!)) continue;
    const start = seconds(rows[timing]!.split("-->")[0]!);
    const text = rows
      .slice(timing + 1)
      .map((r) => r.replace(/<[^>]+>/g, "").trim())
      .filter(Boolean)
      .join(" ");
    if (!text || Number.isNaN(start)) continue;
    // Rolling captions repeat the previous cue's words; keep them once.
    if (cues.at(-1)?.text === text) continue;
    cues.push({ start, text });
  }
  return cues;
}

/** The spoken words of WebVTT or SRT captions: no header, cue numbers, timings, notes or voice tags. */
export function captionsToText(captions: string): string {
  return captionCues(captions)
    .map((c) => c.text)
    .join(" ");
}

/**
 * A timed segment of captions holds at most this many characters and seconds: a citation "at
 * 12:05" then lands within a minute of the words, and a segment fits one passage.
 */
const SEGMENT_CHARS = 700;
const SEGMENT_SECONDS = 60;

/** Consecutive cues gathered into segments, each starting at its first cue's time. */
function* captionSegments(cues: Cue[]): Generator<ExtractedPage> {
  let segment: ExtractedPage | null = null;
  for (const cue of cues) {
    if (
      segment &&
      (segment.text.length + cue.text.length + 1 > SEGMENT_CHARS ||
        cue.start - segment.at! >= SEGMENT_SECONDS)
    ) {
      yield segment;
      segment = null;
    }
    if (segment) segment.text += ` ${cue.text}`;
    else segment = { at: Math.floor(cue.start), text: cue.text };
  }
  if (segment) yield segment;
}

/** `mm:ss`, or `h:mm:ss` past an hour: how a moment of a video is cited. */
export function clockTime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const two = (n: number) => String(n).padStart(2, "0");
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${two(minutes)}:${two(s % 60)}`;
}
