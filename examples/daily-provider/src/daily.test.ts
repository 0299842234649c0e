import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { describeVideoProvider } from "@lectern/live-classes/testing";
import { daily } from "./index.js";

const SECRET = Buffer.from("daily-webhook-secret").toString("base64");

/** A small fake of Daily's REST API on 127.0.0.1: rooms, meeting tokens, and a failure switch. */
async function fakeDaily() {
  const rooms = new Set<string>();
  const failing = new Set<string>();
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const send = (status: number, json: object = {}) => res.writeHead(status).end(JSON.stringify(json));
    const [, resource, name] = req.url!.split("/");
    if (req.headers.authorization !== "Bearer test-key") return send(401);
    if (failing.delete("next")) return send(500);
    if (req.method === "POST" && resource === "rooms" && !name) {
      const room = randomUUID().slice(0, 8);
      rooms.add(room);
      return send(200, { name: room, url: `https://lectern.daily.co/${room}` });
    }
    if (resource === "rooms" && !rooms.has(name!)) return send(404);
    if (resource === "rooms") return send(200, { deleted: req.method === "DELETE" && rooms.delete(name!) });
    const token = Buffer.from(JSON.stringify(JSON.parse(body).properties)).toString("base64url");
    send(resource === "meeting-tokens" ? 200 : 404, { token });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, fail: () => failing.add("next"), close: () => server.close() };
}

describeVideoProvider("daily (example)", async () => {
  const fake = await fakeDaily();
  return {
    plugin: daily({ apiKey: "test-key", webhookSecret: SECRET, apiBaseUrl: fake.url }),
    failNextCreate: fake.fail,
    close: fake.close,
    webhook: ({ meetingId, kind, at, participant: who, eventId }) => {
      const joined_at = Math.floor(at.getTime() / 1000) - (kind === "left" ? 60 : 0);
      const payload = { room: meetingId, user_id: who.id, user_name: who.name, session_id: `s-${who.id}` };
      const event = {
        id: eventId,
        type: `participant.${kind}`,
        payload: { ...payload, joined_at, duration: 60 },
      };
      const rawBody = JSON.stringify(event);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const hmac = createHmac("sha256", Buffer.from(SECRET, "base64")).update(`${timestamp}.${rawBody}`);
      return {
        rawBody,
        headers: { "x-webhook-timestamp": timestamp, "x-webhook-signature": hmac.digest("base64") },
      };
    },
  };
});
