import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestLectern, linkToken, type TestLectern } from "../testing/index.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern();
});
afterAll(() => t.close());

describe("registration and sign-in", () => {
  it("registers a student, who can then read themselves with the token", async () => {
    const registered = await t.anonymous.post("/api/auth/register", {
      email: "  Zoe@Example.com ",
      password: "a long password",
      name: "Zoë Ñúñez-Øberg",
    });
    expect(registered.status).toBe(201);
    expect(registered.body.user).toMatchObject({
      email: "zoe@example.com",
      name: "Zoë Ñúñez-Øberg",
      role: "student",
    });
    expect(registered.body.token).toMatch(/^[a-z0-9]+\.[a-z0-9]+$/);
    expect(registered.headers.get("set-cookie")).toMatch(/lectern_session=.*HttpOnly.*SameSite=Lax/i);

    const me = await t.as(registered.body).get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(registered.body.user.id);
    expect(Object.keys(me.body.user).sort()).toEqual(["createdAt", "email", "id", "name", "role"]);
  });

  it("refuses a duplicate email with 409 and a short password with 422", async () => {
    await t.anonymous.post("/api/auth/register", {
      email: "dup@example.com",
      password: "password1",
      name: "A",
    });
    const again = await t.anonymous.post("/api/auth/register", {
      email: "DUP@example.com",
      password: "password1",
      name: "B",
    });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    const short = await t.anonymous.post("/api/auth/register", {
      email: "short@example.com",
      password: "1234567",
      name: "C",
    });
    expect(short.status).toBe(422);
    expect(short.body.errors).toContainEqual(expect.objectContaining({ path: "password" }));
  });

  it("ignores a role in the registration body: only students register", async () => {
    const res = await t.anonymous.post("/api/auth/register", {
      email: "sneaky@example.com",
      password: "password1",
      name: "Sneaky",
      role: "admin",
    });
    expect(res.status).toBe(201);
    expect(res.body.user.role).toBe("student");
  });

  it("logs in with the right role and refuses everything else with one generic message", async () => {
    const instructor = await t.createUser("instructor", {
      email: "ivy@example.com",
      password: "teach-me-more",
    });
    const ok = await t.anonymous.post("/api/auth/login", {
      email: "IVY@example.com",
      password: "teach-me-more",
      role: "instructor",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(instructor.id);

    const failures = await Promise.all([
      t.anonymous.post("/api/auth/login", { email: "ivy@example.com", password: "wrong-password" }),
      t.anonymous.post("/api/auth/login", { email: "nobody@example.com", password: "teach-me-more" }),
      t.anonymous.post("/api/auth/login", {
        email: "ivy@example.com",
        password: "teach-me-more",
        role: "admin",
      }),
    ]);
    for (const failure of failures) {
      expect(failure.status).toBe(401);
      expect(failure.body.detail).toBe(failures[0]!.body.detail);
      expect(failure.body.token).toBeUndefined();
    }
  });

  it("logout ends the session at once", async () => {
    const user = await t.createUser("student");
    expect((await t.as(user).post("/api/auth/logout")).status).toBe(204);
    expect((await t.as(user).get("/api/auth/me")).status).toBe(401);
  });

  it("answers 401 for no session and for a forged token", async () => {
    const user = await t.createUser("student");
    const [id] = user.token.split(".");
    expect((await t.anonymous.get("/api/auth/me")).status).toBe(401);
    expect((await t.as({ token: `${id}.forgedsecretforgedsecret` }).get("/api/auth/me")).status).toBe(401);
    expect((await t.as({ token: "not-a-token" }).get("/api/auth/me")).status).toBe(401);
  });

  it("expires sessions after 30 idle days and slides them while used", async () => {
    const user = await t.createUser("student");
    t.clock.advance(20 * 86_400_000);
    expect((await t.as(user).get("/api/auth/me")).status).toBe(200); // renewed here
    t.clock.advance(20 * 86_400_000);
    expect((await t.as(user).get("/api/auth/me")).status).toBe(200);
    t.clock.advance(31 * 86_400_000);
    expect((await t.as(user).get("/api/auth/me")).status).toBe(401);
  });
});

describe("cookie sessions and cross-site requests", () => {
  it("accepts the cookie for reads and same-origin writes, refuses cross-site writes", async () => {
    const login = await t.anonymous.post("/api/auth/login", {
      email: (await t.createUser("student", { email: "cookie@example.com", password: "cookie-pass" })).email,
      password: "cookie-pass",
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const read = await t.request("GET", "http://campus.test/api/auth/me", { headers: { cookie } });
    expect(read.status).toBe(200);

    const crossSite = await t.request("POST", "http://campus.test/api/auth/logout", {
      headers: { cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    const noOrigin = await t.request("POST", "http://campus.test/api/auth/logout", { headers: { cookie } });
    expect(noOrigin.status).toBe(403);
    expect((await t.request("GET", "http://campus.test/api/auth/me", { headers: { cookie } })).status).toBe(
      200,
    );

    const sameOrigin = await t.request("POST", "http://campus.test/api/auth/logout", {
      headers: { cookie, origin: "http://campus.test", "sec-fetch-site": "same-origin" },
    });
    expect(sameOrigin.status).toBe(204);
    expect((await t.request("GET", "http://campus.test/api/auth/me", { headers: { cookie } })).status).toBe(
      401,
    );
  });
});

describe("login rate limits", () => {
  it("locks an account after 10 failures in 15 minutes with Retry-After, and lets it in later", async () => {
    await t.createUser("student", { email: "target@example.com", password: "the-real-one" });
    for (let i = 0; i < 10; i++) {
      const res = await t.anonymous.post("/api/auth/login", {
        email: "target@example.com",
        password: `guess-${i}`,
      });
      expect(res.status).toBe(401);
    }
    const limited = await t.anonymous.post("/api/auth/login", {
      email: "target@example.com",
      password: "the-real-one",
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);

    t.clock.advance(15 * 60_000 + 1000);
    const later = await t.anonymous.post("/api/auth/login", {
      email: "target@example.com",
      password: "the-real-one",
    });
    expect(later.status).toBe(200);
  });

  it("does not count successful logins", async () => {
    await t.createUser("student", { email: "regular@example.com", password: "regular-pass" });
    for (let i = 0; i < 12; i++) {
      const res = await t.anonymous.post("/api/auth/login", {
        email: "regular@example.com",
        password: "regular-pass",
      });
      expect(res.status).toBe(200);
    }
  });
});

describe("invitations and password resets", () => {
  it("an admin invites an instructor, who sets a password through the single-use link", async () => {
    const admin = await t.createUser("admin");
    const created = await t.as(admin).post("/api/admin/users", {
      email: "new.teacher@example.com",
      name: "New Teacher",
      role: "instructor",
    });
    expect(created.status).toBe(201);
    expect(created.body.role).toBe("instructor");
    expect(t.mail).toHaveLength(0); // mail goes out from a job, never inside the request
    await t.drain();
    const invitation = t.mail.find((m) => m.to.includes("new.teacher@example.com"))!;
    expect(invitation.subject).toMatch(/invited/i);

    const token = linkToken(invitation);
    const accepted = await t.anonymous.post("/api/auth/invitations/accept", {
      token,
      password: "my own password",
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user.role).toBe("instructor");
    const again = await t.anonymous.post("/api/auth/invitations/accept", {
      token,
      password: "another password",
    });
    expect(again.status).toBe(410);
    const login = await t.anonymous.post("/api/auth/login", {
      email: "new.teacher@example.com",
      password: "my own password",
      role: "instructor",
    });
    expect(login.status).toBe(200);
  });

  it("invitation links expire", async () => {
    const admin = await t.createUser("admin");
    await t.as(admin).post("/api/admin/users", { email: "late@example.com", name: "Late", role: "admin" });
    await t.drain();
    const token = linkToken(t.mail.find((m) => m.to.includes("late@example.com"))!);
    t.clock.advance(8 * 86_400_000);
    expect(
      (await t.anonymous.post("/api/auth/invitations/accept", { token, password: "too late now" })).status,
    ).toBe(410);
  });

  it("only admins create users, and never students through this route", async () => {
    const instructor = await t.createUser("instructor");
    const admin = await t.createUser("admin");
    expect(
      (await t.as(instructor).post("/api/admin/users", { email: "x@example.com", name: "X", role: "admin" }))
        .status,
    ).toBe(403);
    expect(
      (await t.as(admin).post("/api/admin/users", { email: "s@example.com", name: "S", role: "student" }))
        .status,
    ).toBe(422);
  });

  it("resets a password: 202 either way, one-hour single-use link, every other session ended", async () => {
    const user = await t.createUser("student", { email: "forgetful@example.com", password: "old password" });
    const before = t.mail.length;
    expect(
      (await t.anonymous.post("/api/auth/password-reset", { email: "forgetful@example.com" })).status,
    ).toBe(202);
    expect((await t.anonymous.post("/api/auth/password-reset", { email: "ghost@example.com" })).status).toBe(
      202,
    );
    await t.drain();
    const sent = t.mail.slice(before);
    expect(sent).toHaveLength(1);
    const token = linkToken(sent[0]!);

    const confirmed = await t.anonymous.post("/api/auth/password-reset/confirm", {
      token,
      password: "new password",
    });
    expect(confirmed.status).toBe(200);
    expect((await t.as(user).get("/api/auth/me")).status).toBe(401);
    expect(
      (await t.anonymous.post("/api/auth/password-reset/confirm", { token, password: "third password" }))
        .status,
    ).toBe(410);
    expect(
      (
        await t.anonymous.post("/api/auth/login", {
          email: "forgetful@example.com",
          password: "new password",
        })
      ).status,
    ).toBe(200);

    await t.anonymous.post("/api/auth/password-reset", { email: "forgetful@example.com" });
    await t.drain();
    const late = linkToken(t.mail.at(-1)!);
    t.clock.advance(61 * 60_000);
    expect(
      (
        await t.anonymous.post("/api/auth/password-reset/confirm", {
          token: late,
          password: "newest password",
        })
      ).status,
    ).toBe(410);
  });

  it("lists users for admins with role and search filters and cursor pages", async () => {
    const admin = await t.createUser("admin");
    for (let i = 0; i < 3; i++) await t.createUser("student", { name: `Pagination Person ${i}` });
    const first = await t.as(admin).get("/api/admin/users?role=student&search=pagination%20person&limit=2");
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t
      .as(admin)
      .get(
        `/api/admin/users?role=student&search=pagination%20person&limit=2&cursor=${first.body.nextCursor}`,
      );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const names = [...first.body.items, ...second.body.items].map((u: { name: string }) => u.name).sort();
    expect(names).toEqual(["Pagination Person 0", "Pagination Person 1", "Pagination Person 2"]);

    // A cursor that decodes but whose time is not a date is a 422, like any other bad cursor.
    const forged = Buffer.from(JSON.stringify(["yesterday", crypto.randomUUID()])).toString("base64url");
    const refused = await t.as(admin).get(`/api/admin/users?cursor=${forged}`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: "cursor", message: "Invalid cursor." }]);
  });
});
