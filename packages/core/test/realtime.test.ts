import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, rowsOf } from "../src/index.js";
import {
  createTestLectern,
  linkToken,
  openTestSocket,
  type TestLectern,
  type TestUser,
} from "../src/testing/index.js";
import { board } from "./realtime-fixtures.js";

const logLines: string[] = [];
let t: TestLectern;
let base: string;
let student: TestUser;
let other: TestUser;
let admin: TestUser;

const post = async (authorId: string, text: string) => {
  await t.lectern.events.emit(t.lectern.db, "board.posted", { authorId, text, secret: "hidden" });
  await t.drain();
};

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [board()],
    logger: createLogger({
      level: "info",
      destination: new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    }),
    realtime: { connectionsPerMinute: 40, maxMessageBytes: 1024 },
  });
  const { port } = await t.lectern.start({ port: 0, hostname: "127.0.0.1" });
  base = `http://127.0.0.1:${port}`;
  student = await t.createUser("student");
  other = await t.createUser("student");
  admin = await t.createUser("admin");
});
afterAll(() => t?.close());

describe("GET /api/realtime", () => {
  it("answers 401 without a session and never upgrades", async () => {
    await expect(openTestSocket(base)).rejects.toMatchObject({ status: 401 });
    await expect(openTestSocket(base, { token: "nope.nope" })).rejects.toMatchObject({ status: 401 });
    const plain = await t.anonymous.get("/api/realtime");
    expect(plain.status).toBe(401);
  });

  it("delivers a committed event to its user's socket, only the declared fields, and never logs the token", async () => {
    const socket = await openTestSocket(base, { token: student.token });
    await post(student.id, "hello");
    const message = await socket.next((m) => m.type === "event");
    expect(message).toMatchObject({
      type: "event",
      channel: `user:${student.id}`,
      seq: 1,
      event: "board.posted",
      data: { authorId: student.id, text: "hello" },
    });
    expect(message.data.secret).toBeUndefined();
    expect(typeof message.at).toBe("string");
    socket.close();
    expect(logLines.join("")).toContain("/api/realtime");
    expect(logLines.join("")).not.toContain(student.token.split(".")[1]);
  });

  it("delivers a message larger than a NOTIFY payload whole, by its key", async () => {
    const user = await t.createUser("student");
    const socket = await openTestSocket(base, { token: user.token });
    socket.send({ type: "ping" });
    await socket.next((m) => m.type === "pong");
    const text = "é".repeat(6_000); // 12 KB in UTF-8
    await post(user.id, text);
    expect((await socket.next((m) => m.type === "event")).data.text).toBe(text);
    socket.close();
  });

  it("sends nothing for a change that rolled back", async () => {
    const socket = await openTestSocket(base, { token: other.token });
    await socket.next(() => true, 1_200).catch(() => null);
    await t.lectern.db
      .transaction(async (tx) => {
        await t.lectern.events.emit(tx, "board.posted", { authorId: other.id, text: "rolled back" });
        throw new Error("abort");
      })
      .catch(() => {});
    await post(other.id, "committed");
    const message = await socket.next((m) => m.type === "event");
    expect(message.data.text).toBe("committed");
    expect(socket.messages.filter((m) => m.type === "event")).toHaveLength(1);
    socket.close();
  });

  it("refuses another user's channel and the admin channel with an error message only", async () => {
    const socket = await openTestSocket(base, { token: student.token });
    socket.send({ type: "subscribe", channel: `user:${other.id}` });
    expect(await socket.next((m) => m.type === "error")).toMatchObject({
      code: "forbidden",
      channel: `user:${other.id}`,
    });
    socket.send({ type: "subscribe", channel: "role:admin" });
    await socket.next((m) => m.type === "error" && m.channel === "role:admin");
    socket.send({ type: "subscribe", channel: "anything:else" });
    expect(await socket.next((m) => m.code === "unknown-channel")).toBeTruthy();
    await post(other.id, "not for student");
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.messages.filter((m) => m.type === "event")).toHaveLength(0);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    socket.close();
  });

  it("lets admins follow role:admin", async () => {
    const socket = await openTestSocket(base, { token: admin.token });
    socket.send({ type: "subscribe", channel: "role:admin" });
    const ack = await socket.next((m) => m.type === "subscribed" && m.channel === "role:admin");
    await post(student.id, "for admins too");
    const message = await socket.next((m) => m.type === "event" && m.channel === "role:admin");
    expect(message.seq).toBe(ack.seq + 1);
    socket.close();
  });

  it("replays what a reconnecting client missed, or tells it to reload", async () => {
    const user = await t.createUser("student");
    const first = await openTestSocket(base, { token: user.token });
    await post(user.id, "one");
    const one = await first.next((m) => m.type === "event");
    first.close();
    await first.closed;
    await post(user.id, "two");
    await post(user.id, "three");
    const second = await openTestSocket(base, { token: user.token });
    second.send({ type: "resume", channel: `user:${user.id}`, after: one.seq });
    await second.next((m) => m.type === "subscribed");
    expect(second.messages.filter((m) => m.type === "event").map((m) => [m.seq, m.data.text])).toEqual([
      [2, "two"],
      [3, "three"],
    ]);
    second.close();

    // Past the window, what was missed is gone: the client must reload.
    t.clock.advance(11 * 60_000);
    await post(user.id, "four");
    const third = await openTestSocket(base, { token: user.token });
    third.send({ type: "resume", channel: `user:${user.id}`, after: 1 });
    expect(await third.next((m) => m.type === "reload")).toEqual({
      type: "reload",
      channel: `user:${user.id}`,
    });
    expect(await third.next((m) => m.type === "subscribed")).toMatchObject({ seq: 4 });
    // A seq the channel never gave out also means reload.
    third.send({ type: "resume", channel: `user:${user.id}`, after: 99 });
    await third.next(
      (m) => m.type === "reload" && third.messages.filter((x) => x.type === "reload").length === 2,
    );
    third.close();
  });

  it("closes on malformed messages and oversize frames with a code, and keeps serving others", async () => {
    const bystander = await openTestSocket(base, { token: other.token });
    const bad = await openTestSocket(base, { token: student.token });
    bad.send("{not json");
    expect(await bad.closed).toBe(1008);
    const wrong = await openTestSocket(base, { token: student.token });
    wrong.send({ type: "subscribe" });
    expect(await wrong.closed).toBe(1008);
    const big = await openTestSocket(base, { token: student.token });
    big.send({ type: "subscribe", channel: "x".repeat(5000) });
    expect(await big.closed).toBe(1009);
    bystander.send({ type: "ping" });
    expect(await bystander.next((m) => m.type === "pong")).toEqual({ type: "pong" });
    bystander.close();
  });

  it("closes a user's sockets when they log out", async () => {
    const user = await t.createUser("student");
    const socket = await openTestSocket(base, { token: user.token });
    const logout = await t.as(user).post("/api/auth/logout");
    expect(logout.status).toBe(204);
    expect(await socket.closed).toBe(4001);
    await expect(openTestSocket(base, { token: user.token })).rejects.toMatchObject({ status: 401 });
  });

  it("closes all of a user's sockets when their password is reset", async () => {
    const user = await t.createUser("student");
    const first = await openTestSocket(base, { token: user.token });
    const second = await openTestSocket(base, { token: user.token });
    expect((await t.anonymous.post("/api/auth/password-reset", { email: user.email })).status).toBe(202);
    await t.drain();
    const token = linkToken(t.mail.at(-1)!);
    const confirmed = await t.anonymous.post("/api/auth/password-reset/confirm", {
      token,
      password: "a brand new password",
    });
    expect(confirmed.status).toBe(200);
    expect(await first.closed).toBe(4001);
    expect(await second.closed).toBe(4001);
  });

  it("refuses a cookie handshake from another site", async () => {
    const cookie = `lectern_session=${student.token}`;
    await expect(
      openTestSocket(base, { headers: { cookie, origin: "https://evil.example" } }),
    ).rejects.toMatchObject({ status: 403 });
    const ok = await openTestSocket(base, { headers: { cookie, origin: base } });
    ok.close();
  });
});

describe("dead and slow connections", () => {
  it("closes a socket that stops answering pings", async () => {
    const user = await t.createUser("student");
    const url = `ws://127.0.0.1:${new URL(base).port}/api/realtime?token=${user.token}`;
    const { default: WebSocket } = await import("ws");
    const silent = new WebSocket(url, { autoPong: false });
    const closed = new Promise<void>((resolve) => silent.on("close", () => resolve()));
    await new Promise((resolve) => silent.on("open", resolve));
    const alive = await openTestSocket(base, { token: user.token });
    t.lectern.realtime.hub.beat();
    await new Promise((r) => setTimeout(r, 100));
    t.lectern.realtime.hub.beat();
    await closed;
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    alive.close();
  });

  it("disconnects a consumer too slow to read instead of buffering without limit", async () => {
    const user = await t.createUser("student");
    const slow = await openTestSocket(base, { token: user.token });
    slow.send({ type: "ping" });
    await slow.next((m) => m.type === "pong");
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = "x".repeat(64 * 1024);
    for (let seq = 1; seq <= 600; seq++) {
      t.lectern.realtime.hub.deliver([
        { channel: `user:${user.id}`, seq, event: "bulk", data: big, at: new Date().toISOString() },
      ]);
      if (seq % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toBe(1006);
    expect(slow.messages.filter((m) => m.type === "event").length).toBeLessThan(600);
  });
});

describe("realtime store", () => {
  it("stores one message per event and channel however often the event is delivered", async () => {
    const at = new Date();
    const id = crypto.randomUUID();
    const store = t.lectern.realtime.store;
    const a = await store.append(t.lectern.db, {
      eventId: id,
      channel: `user:${student.id}`,
      event: "x",
      data: {},
      at,
    });
    const b = await store.append(t.lectern.db, {
      eventId: id,
      channel: `user:${student.id}`,
      event: "x",
      data: {},
      at,
    });
    expect(b.seq).toBe(a.seq);
    const rows = rowsOf(
      await t.lectern.db.execute(sql`select 1 from lectern_realtime_messages where event_id = ${id}`),
    );
    expect(rows).toHaveLength(1);
  });
});

// Last: it spends this address's connection budget.
describe("reconnect storms", () => {
  it("rate-limits a reconnect storm from one address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      try {
        const s = await openTestSocket(base, { token: student.token });
        s.socket.terminate();
        statuses.push(101);
      } catch (error) {
        statuses.push((error as { status: number }).status);
      }
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(10);
  });
});
