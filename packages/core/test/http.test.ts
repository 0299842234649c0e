import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/index.js";
import {
  authorizationMatrix,
  createTestLectern,
  type TestLectern,
  type TestUser,
} from "../src/testing/index.js";
import { notes } from "./fixtures.js";

let t: TestLectern;
let instructor: TestUser;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [notes()] });
  instructor = await t.createUser("instructor");
});
afterAll(() => t.close());

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
};

describe("problem+json for every error", () => {
  it("malformed JSON → 400", async () => {
    const res = await t.request("POST", "/api/notes", {
      token: instructor.token,
      body: '{"text": "unterminated',
      headers: { "content-type": "application/json" },
    });
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/not valid JSON/);
  });

  it("wrong types, missing fields, over-long strings and unknown enum values → 422 with paths", async () => {
    const cases = [
      [{ text: 42 }, "text"],
      [{}, "text"],
      [{ text: "x".repeat(10_001) }, "text"],
      [{ text: "ok", tags: ["c"] }, "tags.0"],
    ] as const;
    for (const [body, path] of cases) {
      const res = await t.as(instructor).post("/api/notes", body);
      expectProblem(res, 422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it("a JSON body over 1 MiB → 413", async () => {
    const res = await t.as(instructor).post("/api/notes", { text: "x".repeat(1024 * 1024 + 10) });
    expectProblem(res, 413);
  });

  it("a wrong content type → 415", async () => {
    const res = await t.request("POST", "/api/notes", {
      token: instructor.token,
      body: "text=hello",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectProblem(res, 415);
  });

  it("an unknown route → 404", async () => {
    expectProblem(await t.anonymous.get("/api/no/such/route"), 404);
    expectProblem(await t.anonymous.post("/api/auth/me"), 404);
  });

  it("no session → 401; wrong role → 403 (before any validation)", async () => {
    expectProblem(await t.anonymous.post("/api/notes", { text: "hi" }), 401);
    const student = await t.createUser("student");
    expectProblem(await t.as(student).post("/api/notes", {}), 403);
  });

  it("an unexpected exception → 500 with a request id and nothing else", async () => {
    const res = await t.as(instructor).get("/api/notes/boom");
    expectProblem(res, 500);
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
    expect(res.body.requestId).toBe(res.headers.get("x-request-id"));
    expect(res.body.detail).toContain(res.body.requestId);
  });
});

describe("hostile input is data, never code", () => {
  it("stores SQL metacharacters and long strings verbatim", async () => {
    const nasty = `'); DROP TABLE notes_items; -- "\\ ${"é".repeat(150)} \u0000`.replace("\u0000", "");
    const res = await t.as(instructor).post("/api/notes", { text: nasty });
    expect(res.status).toBe(201);
    expect(res.body.text).toBe(nasty);
    const stored = rowsOf<{ text: string }>(
      await t.lectern.db.execute(sql`select text from notes_items where id = ${res.body.id}`),
    );
    expect(stored[0]?.text).toBe(nasty);
  });
});

describe("operations and documents", () => {
  it("reports health", async () => {
    const res = await t.anonymous.get("/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", database: "ok" });
  });

  it("serves an OpenAPI 3.1 document with every route and its access rule", async () => {
    const doc = (await t.anonymous.get("/api/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/notes"].post["x-lectern-access"]).toBe("notes.write");
    expect(doc.paths["/api/auth/login"].post["x-lectern-access"]).toBe("public");
    expect(doc.paths["/api/health"].get).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
  });

  it("serves an interactive reference from local assets, with a restrictive CSP", async () => {
    const page = await t.anonymous.get("/api/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const script = await t.anonymous.get("/api/docs/assets/swagger-ui-bundle.js");
    expect(script.status).toBe(200);
    expect(String(script.body).length).toBeGreaterThan(100_000);
  });

  it("sets security headers on every response", async () => {
    const res = await t.anonymous.get("/api/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBeTruthy();
    expect(res.headers.get("strict-transport-security")).toBeNull();
    const https = await t.request("GET", "https://campus.example/api/health");
    expect(https.headers.get("strict-transport-security")).toContain("max-age");
  });
});

describe("the authorization matrix", () => {
  it("every route answers 401/403 exactly as its declared access says", async () => {
    const result = await authorizationMatrix(t, { skip: ["GET /api/notes/boom"] });
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThanOrEqual(20);
  });
});

describe("an unreachable database", () => {
  it("makes /api/health answer 503", async () => {
    const { createLectern, createLogger } = await import("../src/index.js");
    const lectern = await createLectern({
      database: { url: "postgres://nobody@127.0.0.1:1/none", maxConnections: 1 },
      migrate: false,
      worker: false,
      logger: createLogger({ level: "silent" }),
      storage: "/tmp/lectern-unreachable",
    });
    try {
      const res = await lectern.app.request("/api/health");
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable" });
    } finally {
      await lectern.stop();
    }
  });
});
