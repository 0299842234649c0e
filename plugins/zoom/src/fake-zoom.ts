import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A stateful stand-in for Zoom's OAuth and REST API on 127.0.0.1, for tests: it checks the Basic
 * credentials and Bearer tokens, keeps meetings and registrants, serves the participants report
 * page by page, and signs webhooks as Zoom does.
 */
export class FakeZoom {
  readonly clientId = "client-id";
  readonly clientSecret = "client-secret";
  readonly accountId = "account-id";
  readonly webhookSecret = "zoom-webhook-secret";
  url = "";
  tokensIssued = 0;
  failNext: number | null = null;
  meetings = new Map<
    string,
    { id: number; uuid: string; topic: string; start_time: string; duration: number; deleted: boolean }
  >();
  registrants = new Map<string, { email: string; first_name: string; registrant_id: string }[]>();
  report = new Map<string, object[]>();
  #tokens = new Set<string>();
  #server: Server | null = null;
  #nextId = 81_000_000_000;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    const port = await listenInRange(this.#server);
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** A webhook as Zoom sends it: `x-zm-signature: v0=HMAC(secret, "v0:ts:body")`. */
  sign(body: object, timestamp = Math.floor(Date.now() / 1000)) {
    const rawBody = JSON.stringify(body);
    const signature = `v0=${createHmac("sha256", this.webhookSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
    return {
      rawBody,
      headers: {
        "content-type": "application/json",
        "x-zm-signature": signature,
        "x-zm-request-timestamp": String(timestamp),
      },
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const body = await readJson(req);
    const send = (status: number, json?: unknown) => {
      res.writeHead(status, json === undefined ? {} : { "content-type": "application/json" });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    if (url.pathname === "/oauth/token" && req.method === "POST") {
      const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString("base64");
      if (
        req.headers.authorization !== `Basic ${basic}` ||
        url.searchParams.get("account_id") !== this.accountId
      ) {
        return send(401, { reason: "Invalid client_id or client_secret", error: "invalid_client" });
      }
      if (url.searchParams.get("grant_type") !== "account_credentials")
        return send(400, { error: "unsupported_grant_type" });
      const token = randomUUID();
      this.#tokens.add(token);
      this.tokensIssued++;
      return send(200, {
        access_token: token,
        token_type: "bearer",
        expires_in: 3599,
        scope: "meeting:write",
      });
    }
    const bearer = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!this.#tokens.has(bearer)) return send(401, { code: 124, message: "Invalid access token." });
    if (this.failNext !== null) {
      const status = this.failNext;
      this.failNext = null;
      return send(status, { code: 300, message: "Something went wrong." });
    }

    let match = url.pathname.match(/^\/v2\/users\/([^/]+)\/meetings$/);
    if (match && req.method === "POST") {
      const id = this.#nextId++;
      const meeting = {
        id,
        uuid: `${randomUUID().slice(0, 8)}/+${id}==`,
        topic: String(body.topic),
        start_time: String(body.start_time),
        duration: Number(body.duration),
        deleted: false,
      };
      this.meetings.set(String(id), meeting);
      return send(201, {
        ...meeting,
        join_url: `https://zoom.example/j/${id}?pwd=p${id}`,
        start_url: `https://zoom.example/s/${id}?zak=start-${randomUUID()}`,
        password: `p${id}`,
      });
    }
    match = url.pathname.match(/^\/v2\/meetings\/(\d+)(\/registrants)?$/);
    if (match) {
      const meeting = this.meetings.get(match[1]!);
      if (!meeting || meeting.deleted) return send(404, { code: 3001, message: "Meeting does not exist." });
      if (match[2] && req.method === "POST") {
        const list = this.registrants.get(match[1]!) ?? [];
        let registrant = list.find((r) => r.email === body.email);
        if (!registrant) {
          registrant = {
            email: String(body.email),
            first_name: String(body.first_name),
            registrant_id: randomUUID(),
          };
          list.push(registrant);
          this.registrants.set(match[1]!, list);
        }
        return send(201, {
          id: meeting.id,
          registrant_id: registrant.registrant_id,
          join_url: `https://zoom.example/w/${meeting.id}?tk=${registrant.registrant_id}`,
        });
      }
      if (req.method === "GET") {
        return send(200, {
          ...meeting,
          start_url: `https://zoom.example/s/${meeting.id}?zak=start-${randomUUID()}`,
        });
      }
      if (req.method === "PATCH") {
        Object.assign(meeting, { topic: body.topic, start_time: body.start_time, duration: body.duration });
        return send(204);
      }
      if (req.method === "DELETE") {
        meeting.deleted = true;
        return send(204);
      }
    }
    match = url.pathname.match(/^\/v2\/report\/meetings\/(.+)\/participants$/);
    if (match && req.method === "GET") {
      const uuid = decodeURIComponent(decodeURIComponent(match[1]!));
      const meeting = [...this.meetings.values()].find((m) => m.uuid === uuid);
      if (!meeting) return send(404, { code: 3001, message: "Meeting does not exist." });
      const all = this.report.get(String(meeting.id)) ?? [];
      const pageSize = 1;
      const start = Number(url.searchParams.get("next_page_token") || 0);
      const next = start + pageSize < all.length ? String(start + pageSize) : "";
      return send(200, {
        page_size: pageSize,
        total_records: all.length,
        next_page_token: next,
        participants: all.slice(start, start + pageSize),
      });
    }
    return send(404, { code: 404, message: "No such route." });
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Listens on 127.0.0.1 on a free port of this package's test range. */
export async function listenInRange(server: Server, from = 46_100, to = 46_999): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(Math.random() * (to - from));
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) return port;
  }
  throw new Error("No free port for the fake server.");
}
