import { createLectern, createLogger, type Lectern } from "@lectern/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLecternClient, LecternApiError, unwrap } from "../src/index.js";

let lectern: Lectern;
const viaApp = async (request: Request) => lectern.app.fetch(request);

beforeAll(async () => {
  lectern = await createLectern({ database: {}, worker: false, logger: createLogger({ level: "warn" }) });
});
afterAll(() => lectern?.stop());

describe("the typed client", () => {
  it("registers a student, then reads /api/auth/me with the Bearer token it got", async () => {
    const anonymous = createLecternClient({ baseUrl: "http://campus.test", fetch: viaApp });
    const registered = await unwrap(
      anonymous.POST("/api/auth/register", {
        body: { email: "lena@example.com", password: "correct horse", name: "Lena" },
      }),
    );
    expect(registered.user.role).toBe("student");

    const lena = createLecternClient({
      baseUrl: "http://campus.test",
      fetch: viaApp,
      token: registered.token,
    });
    const me = await unwrap(lena.GET("/api/auth/me"));
    expect(me.user.email).toBe("lena@example.com");
  });

  it("turns a problem answer into a LecternApiError with the server's title and status", async () => {
    const anonymous = createLecternClient({ baseUrl: "http://campus.test", fetch: viaApp });
    const failure = await unwrap(
      anonymous.POST("/api/auth/login", {
        body: { email: "nobody@example.com", password: "wrong password" },
      }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LecternApiError);
    expect((failure as LecternApiError).status).toBe(401);
    expect((failure as LecternApiError).problem.title).toBeTruthy();
  });

  it("reports an unreachable server as a network problem rather than throwing a bare TypeError", async () => {
    const offline = createLecternClient({
      baseUrl: "http://campus.test",
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const failure = await unwrap(offline.GET("/api/auth/me")).catch((error: unknown) => error);
    expect((failure as LecternApiError).problem).toMatchObject({ status: 0, title: "Network error" });
  });
});
