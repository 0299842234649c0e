import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { importSPKI, jwtVerify } from "jose";

/**
 * A stand-in for Google's token endpoint and the Meet REST API v2 on 127.0.0.1, for tests: it
 * checks the service account's RS256 assertion with its public key, keeps spaces, and serves
 * conference records and participants page by page.
 */
export class FakeMeet {
  readonly clientEmail = "lectern@campus-project.iam.gserviceaccount.com";
  readonly impersonate = "classes@campus.example.edu";
  readonly privateKey: string;
  readonly #publicKey: string;
  url = "";
  tokensIssued = 0;
  failNext: number | null = null;
  /** Google's clock, for checking the assertion's times; a test with a moved clock sets it. */
  now: () => Date = () => new Date();
  spaces = new Map<string, { meetingUri: string; meetingCode: string; ended: number }>();
  /** Participants by space, one conference record each. */
  attendance = new Map<string, object[]>();
  #tokens = new Set<string>();
  #server: Server | null = null;

  constructor() {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    this.#publicKey = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  async start(port: number): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  serviceAccount() {
    return { client_email: this.clientEmail, private_key: this.privateKey, token_uri: `${this.url}/token` };
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/token" && req.method === "POST") {
      const form = new URLSearchParams(text);
      if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
        return send(400, { error: "unsupported_grant_type" });
      try {
        const { payload } = await jwtVerify(
          form.get("assertion") ?? "",
          await importSPKI(this.#publicKey, "RS256"),
          {
            algorithms: ["RS256"],
            issuer: this.clientEmail,
            subject: this.impersonate,
            audience: `${this.url}/token`,
            currentDate: this.now(),
          },
        );
        if (!String(payload.scope).includes("meetings.space.created"))
          return send(400, { error: "invalid_scope" });
      } catch {
        return send(400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
      }
      const token = `ya29.${randomUUID()}`;
      this.#tokens.add(token);
      this.tokensIssued++;
      return send(200, { access_token: token, expires_in: 3599, token_type: "Bearer" });
    }
    if (!this.#tokens.has(req.headers.authorization?.replace(/^Bearer /, "") ?? "")) {
      return send(401, { error: { code: 401, status: "UNAUTHENTICATED" } });
    }
    if (this.failNext !== null) {
      const status = this.failNext;
      this.failNext = null;
      return send(status, { error: { code: status, status: "INTERNAL" } });
    }
    if (url.pathname === "/v2/spaces" && req.method === "POST") {
      const id = randomUUID().replaceAll("-", "").slice(0, 12);
      const code = `${id.slice(0, 3)}-${id.slice(3, 7)}-${id.slice(7, 10)}`;
      const space = { meetingUri: `https://meet.google.com/${code}`, meetingCode: code, ended: 0 };
      this.spaces.set(`spaces/${id}`, space);
      return send(200, { name: `spaces/${id}`, ...space, config: JSON.parse(text || "{}").config });
    }
    let match = url.pathname.match(/^\/v2\/(spaces\/[^/:]+):endActiveConference$/);
    if (match && req.method === "POST") {
      const space = this.spaces.get(match[1]!);
      if (!space) return send(404, { error: { code: 404, status: "NOT_FOUND" } });
      space.ended++;
      return send(
        space.ended > 1 ? 400 : 200,
        space.ended > 1 ? { error: { code: 400, status: "FAILED_PRECONDITION" } } : {},
      );
    }
    if (url.pathname === "/v2/conferenceRecords" && req.method === "GET") {
      const name = url.searchParams.get("filter")?.match(/^space\.name="([^"]+)"$/)?.[1] ?? "";
      const records = this.attendance.has(name)
        ? [{ name: `conferenceRecords/${name.slice(7)}`, space: name }]
        : [];
      return send(200, { conferenceRecords: records });
    }
    match = url.pathname.match(/^\/v2\/conferenceRecords\/([^/]+)\/participants$/);
    if (match && req.method === "GET") {
      const all = this.attendance.get(`spaces/${match[1]}`) ?? [];
      const start = Number(url.searchParams.get("pageToken") || 0);
      const next = start + 1 < all.length ? String(start + 1) : undefined;
      return send(200, {
        participants: all.slice(start, start + 1),
        nextPageToken: next,
        totalSize: all.length,
      });
    }
    return send(404, { error: { code: 404, status: "NOT_FOUND" } });
  }
}
