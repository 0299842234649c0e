import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../schema.js";
import { createTestLectern, linkToken, type TestLectern } from "../testing/index.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern();
});
afterAll(() => t.close());

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** Signs in over HTTP as a browser would, so the session records its device and address. */
async function signIn(email: string, password: string, userAgent = FIREFOX) {
  const res = await t.request("POST", "/api/auth/login", {
    body: { email, password },
    headers: { "user-agent": userAgent },
  });
  expect(res.status).toBe(200);
  return { token: res.body.token as string };
}

const rowOf = async (id: string) => (await t.lectern.db.select().from(users).where(eq(users.id, id)))[0];

describe("own name", () => {
  it("changes the name, and refuses an empty or multi-line one with the field named", async () => {
    const user = await t.createUser("student", { name: "Old Name" });
    const ok = await t.as(user).patch("/api/auth/me", { name: "  Ada Lovelace " });
    expect(ok.status).toBe(200);
    expect(ok.body.user.name).toBe("Ada Lovelace");
    for (const name of ["", "   ", "Two\nLines", "x".repeat(121), "bell\u0007"]) {
      const bad = await t.as(user).patch("/api/auth/me", { name });
      expect(bad.status).toBe(422);
      expect(bad.headers.get("content-type")).toContain("application/problem+json");
      expect(bad.body.errors?.[0]?.path ?? "name").toBe("name");
    }
    expect((await t.as(user).get("/api/auth/me")).body.user.name).toBe("Ada Lovelace");
  });
});

describe("password change", () => {
  it("403 for a wrong current password and 422 for a short new one, changing nothing", async () => {
    const user = await t.createUser("student", { password: "the old password" });
    const wrong = await t.as(user).post("/api/auth/password", {
      currentPassword: "not it at all",
      newPassword: "a brand new password",
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errors).toContainEqual(expect.objectContaining({ path: "currentPassword" }));
    const short = await t.as(user).post("/api/auth/password", {
      currentPassword: "the old password",
      newPassword: "short",
    });
    expect(short.status).toBe(422);
    expect(short.body.errors).toContainEqual(expect.objectContaining({ path: "newPassword" }));
    await t.drain();
    expect(t.mail.filter((m) => m.to.includes(user.email))).toHaveLength(0);
    await signIn(user.email, "the old password");
  });

  it("ends every other session, keeps this one, and mails the user", async () => {
    const user = await t.createUser("student", { password: "the old password" });
    const laptop = await signIn(user.email, "the old password");
    const phone = await signIn(user.email, "the old password", SAFARI);
    const res = await t.as(laptop).post("/api/auth/password", {
      currentPassword: "the old password",
      newPassword: "the new password",
    });
    expect(res.status).toBe(200);
    expect(res.body.endedSessions).toBe(2); // the phone and the kit's own session
    expect((await t.as(laptop).get("/api/auth/me")).status).toBe(200);
    expect((await t.as(phone).get("/api/auth/me")).status).toBe(401);
    expect((await t.as(user).get("/api/auth/me")).status).toBe(401);
    await t.drain();
    const notice = t.mail.find((m) => m.to.includes(user.email) && /password was changed/i.test(m.subject));
    expect(notice?.text).not.toContain("the new password");
    const old = await t.anonymous.post("/api/auth/login", {
      email: user.email,
      password: "the old password",
    });
    expect(old.status).toBe(401);
    await signIn(user.email, "the new password");
  });

  it("limits wrong current passwords with 429", async () => {
    const user = await t.createUser("student");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t
        .as(user)
        .post("/api/auth/password", { currentPassword: `nope-${i}`, newPassword: "whatever-new" });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 403)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("email change", () => {
  it("mails a link to the new address and a notice to the old; the change waits for the link", async () => {
    const user = await t.createUser("student", { email: "before@example.com" });
    const res = await t
      .as(user)
      .post("/api/auth/email", { newEmail: "After@Example.com", password: user.password });
    expect(res.status).toBe(202);
    await t.drain();
    expect((await rowOf(user.id))!.email).toBe("before@example.com");
    const link = t.mail.find((m) => m.to.includes("after@example.com"))!;
    expect(link.subject).toMatch(/confirm/i);
    const notice = t.mail.find((m) => m.to.includes("before@example.com") && /change/i.test(m.subject));
    expect(notice).toBeDefined();
    expect(notice!.text).not.toContain("token=");

    const confirmed = await t.anonymous.post("/api/auth/email/confirm", { token: linkToken(link) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.user.email).toBe("after@example.com");
    // Single use.
    const again = await t.anonymous.post("/api/auth/email/confirm", { token: linkToken(link) });
    expect(again.status).toBe(410);
    await signIn("after@example.com", user.password);
  });

  it("a wrong password answers 403 and sends nothing; the same address answers 422", async () => {
    const user = await t.createUser("student");
    const before = t.mail.length;
    const wrong = await t
      .as(user)
      .post("/api/auth/email", { newEmail: "x1@example.com", password: "wrong one" });
    expect(wrong.status).toBe(403);
    const same = await t
      .as(user)
      .post("/api/auth/email", { newEmail: user.email.toUpperCase(), password: user.password });
    expect(same.status).toBe(422);
    expect(same.body.errors[0].path).toBe("newEmail");
    const bad = await t
      .as(user)
      .post("/api/auth/email", { newEmail: "not an address", password: user.password });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe("newEmail");
    await t.drain();
    expect(t.mail.length).toBe(before);
  });

  it("an address already taken answers 202 at the request and 409 only at confirmation", async () => {
    const taken = await t.createUser("student", { email: "taken@example.com" });
    const user = await t.createUser("student");
    const res = await t
      .as(user)
      .post("/api/auth/email", { newEmail: "taken@example.com", password: user.password });
    expect(res.status).toBe(202);
    await t.drain();
    const link = t.mail
      .filter((m) => m.to.includes("taken@example.com") && /confirm/i.test(m.subject))
      .at(-1)!;
    const confirmed = await t.anonymous.post("/api/auth/email/confirm", { token: linkToken(link) });
    expect(confirmed.status).toBe(409);
    expect((await rowOf(user.id))!.email).toBe(user.email);
    expect((await rowOf(taken.id))!.email).toBe("taken@example.com");
  });

  it("the link expires after 24 hours and dies with a password change", async () => {
    const user = await t.createUser("student");
    await t.as(user).post("/api/auth/email", { newEmail: "late@example.com", password: user.password });
    await t.drain();
    const late = linkToken(t.mail.filter((m) => m.to.includes("late@example.com")).at(-1)!);
    t.clock.advance(24 * 3_600_000 + 1_000);
    expect((await t.anonymous.post("/api/auth/email/confirm", { token: late })).status).toBe(410);

    await t.as(user).post("/api/auth/email", { newEmail: "moved@example.com", password: user.password });
    await t.drain();
    const pending = linkToken(t.mail.filter((m) => m.to.includes("moved@example.com")).at(-1)!);
    const changed = await t.as(user).post("/api/auth/password", {
      currentPassword: user.password,
      newPassword: "another long password",
    });
    expect(changed.status).toBe(200);
    const used = await t.anonymous.post("/api/auth/email/confirm", { token: pending });
    expect(used.status).toBe(410);
    expect((await rowOf(user.id))!.email).toBe(user.email);
  });

  it("refuses a malformed token with 422 and an unknown one with 410", async () => {
    expect((await t.anonymous.post("/api/auth/email/confirm", { token: "x".repeat(201) })).status).toBe(422);
    expect((await t.anonymous.post("/api/auth/email/confirm", { token: "unknowntoken" })).status).toBe(410);
  });
});

describe("sessions list", () => {
  it("shows device, address and last use; signs out one, or everywhere else", async () => {
    const user = await t.createUser("student", { password: "sessions password" });
    const laptop = await signIn(user.email, "sessions password");
    const phone = await signIn(user.email, "sessions password", SAFARI);
    const list = await t.as(laptop).get("/api/auth/sessions");
    expect(list.status).toBe(200);
    const devices = list.body.items.map((s: { device: string }) => s.device);
    expect(devices).toEqual(expect.arrayContaining(["Firefox on Windows", "Safari on iOS"]));
    const current = list.body.items.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0].device).toBe("Firefox on Windows");
    expect(current[0].lastSeenAt).toBeTruthy();
    // Handles, not tokens.
    for (const s of list.body.items) {
      expect(laptop.token).not.toContain(s.id);
      expect(phone.token).not.toContain(s.id);
    }
    const phoneSession = list.body.items.find((s: { device: string }) => s.device === "Safari on iOS");
    // Someone else cannot end it.
    const other = await t.createUser("student");
    expect((await t.as(other).delete(`/api/auth/sessions/${phoneSession.id}`)).status).toBe(404);
    expect((await t.as(phone).get("/api/auth/me")).status).toBe(200);
    expect((await t.as(laptop).delete(`/api/auth/sessions/${phoneSession.id}`)).status).toBe(204);
    expect((await t.as(phone).get("/api/auth/me")).status).toBe(401);
    expect((await t.as(laptop).delete("/api/auth/sessions/not-a-handle")).status).toBe(422);

    const everywhere = await t.as(laptop).post("/api/auth/sessions/end-others");
    expect(everywhere.status).toBe(200);
    expect(everywhere.body.endedSessions).toBe(1); // the kit's own session
    expect((await t.as(user).get("/api/auth/me")).status).toBe(401);
    expect((await t.as(laptop).get("/api/auth/sessions")).body.items).toHaveLength(1);
  });
});
