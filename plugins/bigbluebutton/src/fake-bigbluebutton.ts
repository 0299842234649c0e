import { createHash, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { SignJWT } from "jose";
import { checksum } from "./bigbluebutton.js";

/**
 * A stand-in for a BigBlueButton server's API on 127.0.0.1, for tests: it checks every call's
 * checksum, answers XML as the server does, and signs bbb-webhooks posts and the analytics callback.
 */
export class FakeBigBlueButton {
  readonly secret = "bbb-shared-secret-0123456789";
  url = "";
  failNext = false;
  running = new Map<string, { name: string; duration: number; internalId: string; callback: string }>();
  ended: string[] = [];
  #server: Server | null = null;

  async start(port: number): Promise<void> {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const call = url.pathname.replace(/^\/bigbluebutton\/api\/?/, "");
      const query = url.search.slice(1).replace(/&?checksum=[0-9a-f]+$/, "");
      const reply = (body: string) => {
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(`<response>${body}</response>`);
      };
      if (url.searchParams.get("checksum") !== checksum(call, query, this.secret)) {
        return reply(
          "<returncode>FAILED</returncode><messageKey>checksumError</messageKey><message>Checksums do not match</message>",
        );
      }
      if (this.failNext) {
        this.failNext = false;
        res.writeHead(503);
        return res.end("Service Unavailable");
      }
      const id = url.searchParams.get("meetingID") ?? "";
      if (call === "isMeetingRunning")
        return reply(`<returncode>SUCCESS</returncode><running>${this.running.has(id)}</running>`);
      if (call === "create") {
        const existing = this.running.get(id);
        const meeting = existing ?? {
          name: url.searchParams.get("name") ?? "",
          duration: Number(url.searchParams.get("duration")),
          internalId: `${createHash("sha1").update(id).digest("hex")}-${Date.now()}`,
          callback: url.searchParams.get("meta_analytics-callback-url") ?? "",
        };
        this.running.set(id, meeting);
        return reply(
          `<returncode>SUCCESS</returncode><meetingID>${id}</meetingID><internalMeetingID>${meeting.internalId}</internalMeetingID>${existing ? "<messageKey>duplicateWarning</messageKey>" : ""}`,
        );
      }
      if (call === "end") {
        if (!this.running.delete(id)) {
          return reply(
            "<returncode>FAILED</returncode><messageKey>notFound</messageKey><message>We could not find a meeting with that meeting ID</message>",
          );
        }
        this.ended.push(id);
        return reply("<returncode>SUCCESS</returncode><messageKey>sentEndMeetingRequest</messageKey>");
      }
      return reply("<returncode>FAILED</returncode><messageKey>unsupportedRequest</messageKey>");
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${port}/bigbluebutton`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** A bbb-webhooks post: form body `event=[…]&timestamp=…`, checksum over callback URL + body + secret. */
  hook(callbackUrl: string, events: object[], timestamp = Date.now()) {
    const rawBody = new URLSearchParams({
      domain: "bbb.example",
      event: JSON.stringify(events),
      timestamp: String(timestamp),
    }).toString();
    const sum = createHash("sha256")
      .update(callbackUrl + rawBody + this.secret)
      .digest("hex");
    return {
      rawBody,
      url: `${callbackUrl}?checksum=${sum}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    };
  }

  userEvent(
    kind: "user-joined" | "user-left",
    meetingId: string,
    user: { id: string; name: string },
    at: Date,
  ) {
    return {
      data: {
        type: "event",
        id: kind,
        attributes: {
          meeting: { "internal-meeting-id": `internal-${meetingId}`, "external-meeting-id": meetingId },
          user: {
            "internal-user-id": `w_${user.id.slice(0, 8)}`,
            "external-user-id": user.id,
            name: user.name,
            role: "VIEWER",
          },
        },
        event: { ts: at.getTime() },
      },
    };
  }

  /** The analytics callback BigBlueButton posts when a meeting ends. */
  async analytics(meetingId: string, attendees: object[], expiresIn = 24 * 3600, now = new Date()) {
    const token = await new SignJWT({ exp: Math.floor(now.getTime() / 1000) + expiresIn })
      .setProtectedHeader({ alg: "HS512", typ: "JWT" })
      .sign(new TextEncoder().encode(this.secret));
    return {
      rawBody: JSON.stringify({
        version: "1.0",
        meeting_id: meetingId,
        internal_meeting_id: `internal-${randomUUID()}`,
        data: { metadata: {}, duration: 3600, attendees },
      }),
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    };
  }
}
