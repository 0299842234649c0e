import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { connectRealtime, type RealtimeEvent, type RealtimeStatus, realtimeUrl } from "../src/realtime.js";

/** A WebSocket server speaking the realtime protocol of API.md, recording what clients send. */
async function startServer() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const received: { url: string; message: unknown }[] = [];
  const connections: string[] = [];
  server.on("connection", (socket, request) => {
    connections.push(request.url ?? "");
    socket.on("message", (data) =>
      received.push({ url: request.url ?? "", message: JSON.parse(String(data)) }),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const push = (event: Omit<RealtimeEvent, "type">) => {
    for (const client of server.clients) client.send(JSON.stringify({ type: "event", ...event }));
  };
  return { server, port, received, connections, push };
}

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

describe("the realtime helper", () => {
  it("builds the ws:/wss: address with the token", () => {
    expect(realtimeUrl("https://campus.example.edu/", "abc")).toBe(
      "wss://campus.example.edu/api/realtime?token=abc",
    );
    expect(realtimeUrl("http://localhost:4321")).toBe("ws://localhost:4321/api/realtime");
  });

  it("delivers pushed events, subscribes, and after a dropped connection reconnects and subscribes again", async () => {
    const { server, port, received, connections, push } = await startServer();
    cleanup.push(() => server.close());
    const events: RealtimeEvent[] = [];
    const statuses: RealtimeStatus[] = [];
    const connection = connectRealtime({
      baseUrl: `http://127.0.0.1:${port}`,
      token: "secret-token",
      WebSocket: WebSocket as never,
      reconnect: { minMs: 20, maxMs: 50 },
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
    });
    cleanup.push(() => connection.close());
    connection.subscribe("course:42"); // before the socket is open: sent once it is

    await until(() => received.length === 1);
    expect(connections[0]).toBe("/api/realtime?token=secret-token");
    expect(received[0]!.message).toEqual({ type: "subscribe", channel: "course:42" });

    push({ event: "exam.published", data: { examId: "e1" }, at: "2026-11-27T09:00:00.000Z" });
    await until(() => events.length === 1);
    expect(events[0]).toEqual({
      type: "event",
      event: "exam.published",
      data: { examId: "e1" },
      at: "2026-11-27T09:00:00.000Z",
    });

    for (const client of server.clients) client.terminate();
    await until(() => connections.length === 2 && received.length === 2);
    expect(received[1]!.message).toEqual({ type: "subscribe", channel: "course:42" });
    expect(statuses).toContain("reconnecting");
    expect(statuses.at(-1)).toBe("open");

    connection.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(connections).toHaveLength(2); // closed for good: no reconnect
    expect(statuses.at(-1)).toBe("closed");
  });

  it("ignores messages that are not events", async () => {
    const { server, port } = await startServer();
    cleanup.push(() => server.close());
    const events: RealtimeEvent[] = [];
    const connection = connectRealtime({
      baseUrl: `http://127.0.0.1:${port}`,
      WebSocket: WebSocket as never,
      onEvent: (e) => events.push(e),
    });
    cleanup.push(() => connection.close());
    await until(() => server.clients.size === 1);
    for (const client of server.clients) {
      client.send("not json");
      client.send(JSON.stringify({ type: "pong" }));
      client.send(JSON.stringify({ type: "event", event: "course.approved", data: {}, at: "x" }));
    }
    await until(() => events.length === 1);
    expect(events[0]!.event).toBe("course.approved");
  });

  it("resumes each channel after the last seq it saw, skips repeats, and reports reloads", async () => {
    const { server, port, received, push } = await startServer();
    cleanup.push(() => server.close());
    const events: RealtimeEvent[] = [];
    const reloads: string[] = [];
    const connection = connectRealtime({
      baseUrl: `http://127.0.0.1:${port}`,
      WebSocket: WebSocket as never,
      reconnect: { minMs: 20, maxMs: 50 },
      onEvent: (e) => events.push(e),
      onReload: (channel) => reloads.push(channel),
    });
    cleanup.push(() => connection.close());
    connection.subscribe("course:42");
    await until(() => received.length === 1);
    const at = "2026-11-27T09:00:00.000Z";
    push({ channel: "user:u1", seq: 7, event: "a", data: {}, at });
    push({ channel: "course:42", seq: 3, event: "b", data: {}, at });
    push({ channel: "course:42", seq: 3, event: "b", data: {}, at }); // a repeat is dropped
    await until(() => events.length === 2);
    for (const client of server.clients) client.terminate();
    await until(() => received.length === 3);
    expect(received.slice(1).map((r) => r.message)).toEqual([
      { type: "resume", channel: "user:u1", after: 7 },
      { type: "resume", channel: "course:42", after: 3 },
    ]);
    for (const client of server.clients)
      client.send(JSON.stringify({ type: "reload", channel: "course:42" }));
    await until(() => reloads.length === 1);
    expect(reloads).toEqual(["course:42"]);
    expect(events).toHaveLength(2);
  });
});
