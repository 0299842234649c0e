/**
 * Fixtures for this package's tests and benchmark (not exported from the package): PDFs written
 * byte by byte, and a fake OpenAI-compatible server on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const escapePdf = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, "?");

/** Wraps text into lines of at most `width` characters. */
function wrap(text: string, width = 90): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    lines.push("");
  }
  return lines;
}

export interface PdfOptions {
  /** Adds a standard security handler whose user password is not empty: readers ask for it. */
  encrypted?: boolean;
}

/** A PDF with one page per entry of `pages`, each in Helvetica, wrapped. */
export function makeTextPdf(pages: string[], options: PdfOptions = {}): Buffer {
  const chunks: Buffer[] = [];
  let length = 0;
  const offsets: number[] = [];
  const write = (s: string) => {
    const b = Buffer.from(s, "latin1");
    chunks.push(b);
    length += b.length;
  };
  const object = (n: number, body: string) => {
    offsets[n] = length;
    write(`${n} 0 obj\n${body}\nendobj\n`);
  };
  write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const pageIds = pages.map((_, i) => 4 + i * 2);
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(
    2,
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`,
  );
  object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  pages.forEach((text, i) => {
    const lines = wrap(text).slice(0, 48);
    const content = [
      "BT /F1 11 Tf 60 740 Td 14 TL",
      ...lines.map((line) => `(${escapePdf(line)}) Tj T*`),
      "ET",
    ].join("\n");
    object(
      pageIds[i]!,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`,
    );
    object(
      pageIds[i]! + 1,
      `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
    );
  });
  const count = 4 + pages.length * 2;
  let encrypt = "";
  if (options.encrypted) {
    const hex = (seed: number) =>
      Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) % 256).toString(16).padStart(2, "0")).join("");
    object(count, `<< /Filter /Standard /V 1 /R 2 /O <${hex(7)}> /U <${hex(11)}> /P -44 >>`);
    encrypt = ` /Encrypt ${count} 0 R /ID [<${hex(3).slice(0, 32)}> <${hex(3).slice(0, 32)}>]`;
  }
  const size = options.encrypted ? count + 1 : count;
  const xref = length;
  write(`xref\n0 ${size}\n0000000000 65535 f \n`);
  for (let n = 1; n < size; n++) write(`${String(offsets[n] ?? 0).padStart(10, "0")} 00000 n \n`);
  write(`trailer\n<< /Size ${size} /Root 1 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

export type FakeBehaviour = "ok" | "slow" | "error";

export interface FakeOpenAI {
  baseUrl: string;
  /** Every request body received, in order. */
  requests: { path: string; body: any }[];
  behaviour: FakeBehaviour;
  /** Milliseconds a `slow` server waits before answering. */
  delayMs: number;
  close(): Promise<void>;
}

/** A bag-of-words vector: texts sharing words point the same way, as real embeddings roughly do. */
export function fakeEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (word.length < 3) continue;
    let hash = 2166136261;
    for (const char of word.slice(0, 6)) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
    vector[Math.abs(hash) % dimensions]! += 1;
  }
  return vector;
}

async function bodyOf(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/** The answer the fake model gives: it cites the first passage it was handed. */
export function fakeAnswerFor(messages: { role: string; content: string }[]): string {
  const last = messages.at(-1)?.content ?? "";
  const first = last.match(/<passage number="1"[^>]*>\n([\s\S]*?)\n<\/passage>/)?.[1];
  if (!first) return "The course materials do not cover this; ask your instructor.";
  return `According to the course: ${first.split(/(?<=[.!?])\s/)[0]} [1]`;
}

/** A local server speaking OpenAI's chat completions (plain and streamed) and embeddings. */
export async function startFakeOpenAI(port = 0): Promise<FakeOpenAI> {
  const fake: FakeOpenAI = {
    baseUrl: "",
    requests: [],
    behaviour: "ok",
    delayMs: 2_000,
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const path = req.url ?? "";
    fake.requests.push({ path, body });
    // Faults are the chat model's; embeddings keep answering so retrieval still works.
    const chat = path.endsWith("/chat/completions");
    if (chat && fake.behaviour === "slow") await new Promise((r) => setTimeout(r, fake.delayMs));
    if (res.destroyed) return;
    if (chat && fake.behaviour === "error") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "The fake model is down.", type: "server_error" } }));
      return;
    }
    if (path.endsWith("/embeddings")) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          model: body.model,
          data: inputs.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text) })),
          usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        }),
      );
      return;
    }
    if (path.endsWith("/chat/completions")) {
      const answer = fakeAnswerFor(body.messages);
      const usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
      const base = { id: "chatcmpl-fake", created: Math.floor(Date.now() / 1000), model: body.model };
      if (!body.stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            ...base,
            object: "chat.completion",
            choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
            usage,
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        send({
          ...base,
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta, finish_reason: finish }],
        });
      chunk({ role: "assistant", content: "" });
      for (const piece of answer.match(/\S+\s*/g) ?? []) chunk({ content: piece });
      chunk({}, "stop");
      if (body.stream_options?.include_usage)
        send({ ...base, object: "chat.completion.chunk", choices: [], usage });
      res.end("data: [DONE]\n\n");
      return;
    }
    res.writeHead(404).end();
  });
  // A port taken by another process: try the next few.
  for (let attempt = 0; ; attempt++) {
    const tried = port === 0 ? 0 : port + attempt;
    const error = await new Promise<Error | null>((resolve) => {
      server.once("error", resolve);
      server.listen(tried, "127.0.0.1", () => resolve(null));
    });
    if (!error) break;
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw error;
  }
  const address = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${address.port}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** The events of a `text/event-stream` body. */
export function parseSse(text: string): { event: string; data: any }[] {
  return text
    .split(/\n\n+/)
    .map((block) => {
      const event = block.match(/^event: ?(.*)$/m)?.[1] ?? "message";
      const data = block
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.replace(/^data: ?/, ""))
        .join("\n");
      return data ? { event, data: JSON.parse(data) } : null;
    })
    .filter((e): e is { event: string; data: any } => e !== null);
}
