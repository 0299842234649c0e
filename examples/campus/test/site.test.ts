import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningCampus, startCampus } from "./campus.js";

let campus: RunningCampus;
beforeAll(async () => {
  campus = await startCampus({ snapshot: inject("campusSnapshot") });
});
afterAll(() => campus?.stop());

/** A request that must be answered within seconds: a hang fails it instead of the whole run. */
const get = (path: string) =>
  fetch(campus.url + path, { signal: AbortSignal.timeout(8_000), redirect: "manual" });

describe("paths without a page", () => {
  it("answer the site's 404 page at once, never hang", async () => {
    for (const path of ["/nonexistent", "/.env", "/wp-login.php", "/courses/x/y/z"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toContain("text/html");
      expect(await res.text(), path).toContain("This page does not exist");
    }
  });

  it("serve a real robots.txt and favicon", async () => {
    const robots = await get("/robots.txt");
    expect(robots.status).toBe(200);
    expect(robots.headers.get("content-type")).toContain("text/plain");
    expect(await robots.text()).toMatch(/User-agent: \*[\s\S]*Disallow: \/api\//);
    const favicon = await get("/favicon.ico");
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-type")).toMatch(/^image\//);
  });
});

describe("the site's content security policy", () => {
  it("allows no inline script except by hash", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    const html = await res.text();
    const { createHash } = await import("node:crypto");
    for (const [, body] of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
      const hash = `'sha256-${createHash("sha256").update(body!).digest("base64")}'`;
      expect(scriptSrc, "every inline script is allowed by its hash").toContain(hash);
    }
  });
});
