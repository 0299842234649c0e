import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/index.js";
import {
  authorizationMatrix,
  createTestLectern,
  type TestLectern,
  type TestUser,
} from "../src/testing/index.js";
import { board } from "./realtime-fixtures.js";

type Mode = "ok" | "fail" | "hang" | "redirect";
let mode: Mode = "ok";
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];

/** A receiver on 127.0.0.1 that answers as `mode` says. */
function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (mode === "hang") return; // never answers
      if (mode === "redirect") {
        res.writeHead(302, { location: "http://10.0.0.1/steal" });
        return res.end();
      }
      res.writeHead(mode === "ok" ? 204 : 500);
      res.end();
    });
  });
  // Port 0: the system picks a free one, so test files running side by side never collide.
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let t: TestLectern;
let admin: TestUser;
let receiver: Server;
let url: string;

const emit = async (text: string) => {
  await t.lectern.events.emit(t.lectern.db, "board.posted", { authorId: admin.id, text });
  await t.drain();
};
const verify = (secret: string, r: (typeof received)[number]) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: unknown };
/** Whether one of the signatures is the secret's, whatever the (moved) clock made the timestamp. */
const signedBy = (secret: string, r: (typeof received)[number]) => {
  const id = String(r.headers["webhook-id"]);
  const at = new Date(Number(r.headers["webhook-timestamp"]) * 1000);
  return String(r.headers["webhook-signature"])
    .split(" ")
    .includes(new Webhook(secret).sign(id, at, r.body));
};
const deliveries = async (id: string) =>
  (await t.as(admin).get(`/api/admin/webhooks/${id}/deliveries`)).body.items;

beforeAll(async () => {
  receiver = await startReceiver();
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  t = await createTestLectern({
    plugins: [board()],
    now: new Date(), // receivers check the timestamp against their own clock
    webhooks: {
      allowedAddresses: ["127.0.0.1"],
      timeoutMs: 1_500,
      disableAfterMs: 60 * 60_000,
      retry: { attempts: 4, backoffMs: 1_000 },
    },
  });
  admin = await t.createUser("admin");
});
afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  await t?.close();
});

describe("outbound webhooks", () => {
  it("shows the secret once and signs deliveries that standardwebhooks verifies", async () => {
    const created = await t.as(admin).post("/api/admin/webhooks", { url, events: ["board.posted"] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const listed = await t.as(admin).get("/api/admin/webhooks");
    expect(listed.body.items[0].id).toBe(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret.slice(6));

    mode = "ok";
    received.length = 0;
    await emit("hello");
    expect(received).toHaveLength(1);
    const payload = verify(created.body.secret, received[0]!);
    expect(payload).toMatchObject({ type: "board.posted", data: { text: "hello" } });
    expect(() =>
      verify("whsec_" + Buffer.from("wrong key 123456").toString("base64"), received[0]!),
    ).toThrow();
    const [delivery] = await deliveries(created.body.id);
    expect(delivery).toMatchObject({
      event: "board.posted",
      status: "succeeded",
      attempts: 1,
      responseStatus: 204,
    });
    expect(delivery.id).toBe(received[0]!.headers["webhook-id"]);
    await t.as(admin).delete(`/api/admin/webhooks/${created.body.id}`);
  });

  it("queues nothing for events no endpoint wants", async () => {
    received.length = 0;
    const fanouts = async () =>
      rowsOf(await t.lectern.db.execute(sql`select 1 from lectern_jobs where name = 'core.webhooks.fanout'`))
        .length;
    const before = await fanouts();
    await emit("nobody listens");
    expect(received).toHaveLength(0);
    expect(await fanouts()).toBe(before);
  });

  it("retries a 500 with backoff, times out a hanging receiver, never follows a redirect", async () => {
    const created = await t.as(admin).post("/api/admin/webhooks", { url, events: ["board.posted"] });
    const id = created.body.id;
    received.length = 0;
    mode = "fail";
    await emit("retry me");
    expect((await deliveries(id))[0]).toMatchObject({ status: "pending", attempts: 1, responseStatus: 500 });
    mode = "hang";
    t.clock.advance(1_000);
    await t.drain();
    expect((await deliveries(id))[0]).toMatchObject({ status: "pending", attempts: 2, responseStatus: null });
    expect((await deliveries(id))[0].error).toContain("No answer");
    mode = "redirect";
    t.clock.advance(2_000);
    await t.drain();
    expect((await deliveries(id))[0]).toMatchObject({ attempts: 3, responseStatus: 302 });
    expect((await deliveries(id))[0].error).toContain("redirects are not followed");
    mode = "ok";
    t.clock.advance(4_000);
    await t.drain();
    expect((await deliveries(id))[0]).toMatchObject({
      status: "succeeded",
      attempts: 4,
      responseStatus: 204,
    });
    // Every retry carried the same message id, so receivers can drop repeats.
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    await t.as(admin).delete(`/api/admin/webhooks/${id}`);
  });

  it("signs with both secrets for 24 hours after a rotation", async () => {
    const created = await t.as(admin).post("/api/admin/webhooks", { url, events: ["board.posted"] });
    const old = created.body.secret;
    const rotated = await t.as(admin).post(`/api/admin/webhooks/${created.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    mode = "ok";
    received.length = 0;
    await emit("during the overlap");
    expect(verify(old, received[0]!).type).toBe("board.posted");
    expect(verify(rotated.body.secret, received[0]!).type).toBe("board.posted");
    t.clock.advance(24 * 60 * 60_000 + 1_000);
    await emit("after the overlap");
    expect(signedBy(old, received[1]!)).toBe(false);
    expect(signedBy(rotated.body.secret, received[1]!)).toBe(true);
    expect(signedBy(rotated.body.secret, received[0]!)).toBe(true);
    await t.as(admin).delete(`/api/admin/webhooks/${created.body.id}`);
  });

  it("disables an endpoint failing past the period and tells its admin", async () => {
    const created = await t.as(admin).post("/api/admin/webhooks", { url, events: ["board.posted"] });
    mode = "fail";
    await emit("first failure");
    t.clock.advance(61 * 60_000);
    await emit("still failing");
    const [endpoint] = (await t.as(admin).get("/api/admin/webhooks")).body.items;
    expect(endpoint).toMatchObject({ id: created.body.id, enabled: false });
    expect(endpoint.disabledReason).toContain("failed since");
    const notes = (await t.as(admin).get("/api/me/notifications")).body.items;
    expect(notes[0]).toMatchObject({ kind: "core.webhookDisabled", link: "/admin/webhooks" });
    expect(t.mail.at(-1)!.subject).toBe("A webhook endpoint was disabled");
    // Enabling again works, and starts a fresh period.
    const enabled = await t.as(admin).patch(`/api/admin/webhooks/${created.body.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
    await t.as(admin).delete(`/api/admin/webhooks/${created.body.id}`);
  });

  it("refuses private and loopback addresses unless allowed, bad URLs and unknown events", async () => {
    for (const bad of [
      "http://10.1.2.3/x",
      "http://[::1]:80/x",
      "http://169.254.169.254/latest",
      "ftp://example.com/",
      "not a url",
      "http://user:pw@127.0.0.1/",
    ]) {
      const res = await t.as(admin).post("/api/admin/webhooks", { url: bad, events: ["board.posted"] });
      expect(res.status, `${bad} ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const unknown = await t.as(admin).post("/api/admin/webhooks", { url, events: ["no.such.event"] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe("events.0");
    const control = await t
      .as(admin)
      .post("/api/admin/webhooks", { url: `${url}\u0000`, events: ["board.posted"] });
    expect(control.status).toBe(422);
    expect((await t.as(admin).get("/api/admin/webhooks")).body.items).toHaveLength(0);
  });

  it("are for admins only", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
  });
});

describe("without an allowance", () => {
  it("refuses loopback", async () => {
    const strict = await createTestLectern({ plugins: [board()] });
    try {
      const boss = await strict.createUser("admin");
      const res = await strict.as(boss).post("/api/admin/webhooks", { url, events: ["board.posted"] });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].message).toContain("private or loopback");
    } finally {
      await strict.close();
    }
  });
});
