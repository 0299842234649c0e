import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createRouter, definePlugin, defineRoute, json, resolvePlugins, rowsOf } from "../src/index.js";
import { createTestLectern } from "../src/testing/index.js";
import { bootWithoutDatabase, notes } from "./fixtures.js";

const plugin = (id: string, extra: Partial<Parameters<typeof definePlugin>[0]> = {}) =>
  definePlugin({ id, version: "1.0.0", coreRange: "^0.1.0", ...extra })();

describe("the plugin registry", () => {
  it("orders plugins by dependsOn, never by their place in the array", () => {
    const order = resolvePlugins([
      plugin("certificates", { dependsOn: ["courses", { id: "payments", optional: true }] }),
      plugin("exams", { dependsOn: ["courses"] }),
      plugin("courses"),
    ]).map((p) => p.definition.id);
    expect(order.indexOf("courses")).toBeLessThan(order.indexOf("exams"));
    expect(order.indexOf("courses")).toBeLessThan(order.indexOf("certificates"));
  });

  it("refuses a missing dependency, naming the plugin and the fix", () => {
    expect(() => resolvePlugins([plugin("exams", { dependsOn: ["courses"] })])).toThrow(
      /Plugin "exams" depends on "courses", which is not installed. Add courses\(\)/,
    );
  });

  it("refuses a cycle and shows it", () => {
    expect(() =>
      resolvePlugins([
        plugin("a", { dependsOn: ["b"] }),
        plugin("b", { dependsOn: ["c"] }),
        plugin("c", { dependsOn: ["a"] }),
      ]),
    ).toThrow(/cycle: a → b → c → a/);
  });

  it("refuses duplicates and an incompatible core", () => {
    expect(() => resolvePlugins([plugin("a"), plugin("a")])).toThrow(/installed twice/);
    expect(() => resolvePlugins([plugin("old", { coreRange: "^2.0.0" })])).toThrow(
      /"old" 1.0.0 needs @lectern\/core \^2.0.0, but this is 0.1.0/,
    );
  });

  it("validates options at boot with errors naming the plugin and the field", () => {
    expect(() => resolvePlugins([notes({ maxLength: -3 })])).toThrow(
      /Invalid options for plugin "notes": maxLength/,
    );
    expect(resolvePlugins([notes()])[0]!.options).toEqual({ maxLength: 200 });
  });

  it("refuses two plugins claiming the same route", async () => {
    const route = defineRoute({
      method: "get",
      path: "/notes/{id}",
      access: "public",
      responses: { 200: json(z.object({}), "ok") },
    });
    const clash = definePlugin({
      id: "clash",
      version: "1.0.0",
      coreRange: "^0.1.0",
      routes: () => createRouter().openapi(route, (c) => c.json({}, 200)),
    });
    const twin = definePlugin({
      id: "twin",
      version: "1.0.0",
      coreRange: "^0.1.0",
      routes: () => createRouter().openapi(route, (c) => c.json({}, 200)),
    });
    await expect(bootWithoutDatabase([clash(), twin()])).rejects.toThrow(
      /Route GET \/notes\/\{id\} is claimed by both "clash" and "twin"/,
    );
  });
});

describe("a booted plugin", () => {
  it("gets its migrations applied once, journaled per plugin", async () => {
    const t = await createTestLectern({ plugins: [notes()] });
    try {
      const journal = rowsOf<{ owner: string; tag: string }>(
        await t.lectern.db.execute(sql`select owner, tag from lectern_migrations order by owner, tag`),
      );
      expect(journal).toContainEqual(expect.objectContaining({ owner: "notes", tag: "0000_notes" }));
      expect(journal).toContainEqual(expect.objectContaining({ owner: "core", tag: "0000_init" }));
    } finally {
      await t.close();
    }
  });

  it("runs lifecycle hooks in dependency order and reaches other plugins' services", async () => {
    const calls: string[] = [];
    const base = definePlugin({
      id: "base",
      version: "1.0.0",
      coreRange: "^0.1.0",
      services: () => ({ greet: (name: string) => `hello ${name}` }),
      lifecycle: {
        onInit: () => void calls.push("base:init"),
        onReady: () => void calls.push("base:ready"),
        onShutdown: () => void calls.push("base:shutdown"),
      },
    });
    const top = definePlugin({
      id: "top",
      version: "1.0.0",
      coreRange: "^0.1.0",
      dependsOn: ["base"],
      lifecycle: {
        onInit: () => void calls.push("top:init"),
        onReady: (ctx) => {
          calls.push(
            `top:ready:${(ctx.services.get("base" as never) as { greet(n: string): string }).greet("top")}`,
          );
          expect(() => ctx.services.get("payments" as never)).toThrow(
            /Plugin "top" uses the "payments" service but does not depend on "payments"/,
          );
        },
        onShutdown: () => void calls.push("top:shutdown"),
      },
    });
    const t = await createTestLectern({ plugins: [top(), base()] });
    await t.close();
    expect(calls).toEqual([
      "base:init",
      "top:init",
      "base:ready",
      "top:ready:hello top",
      "top:shutdown",
      "base:shutdown",
    ]);
  });

  it("refuses a handler for an event nobody declares, and a job outside its namespace, before the database", async () => {
    const listener = definePlugin({
      id: "listener",
      version: "1.0.0",
      coreRange: "^0.1.0",
      events: { on: () => ({ "ghost.event": async () => {} }) as never },
    });
    await expect(bootWithoutDatabase([listener()])).rejects.toThrow(
      /Plugin "listener" handles event "ghost.event", which no installed plugin declares/,
    );
    const squatter = definePlugin({
      id: "squatter",
      version: "1.0.0",
      coreRange: "^0.1.0",
      jobs: () => [{ name: "core.mail.send", run: async () => {} }],
    });
    await expect(bootWithoutDatabase([squatter()])).rejects.toThrow(/must be named "squatter.<name>"/);
  });
});

describe("routes outside /api", () => {
  it("serve documents at places a standard fixes", async () => {
    const { Hono } = await import("hono");
    const issuer = definePlugin({
      id: "issuer",
      version: "1.0.0",
      coreRange: "^0.1.0",
      rootRoutes: () => new Hono().get("/.well-known/jwks.json", (c) => c.json({ keys: [] })),
    });
    const t = await createTestLectern({ plugins: [issuer()] });
    try {
      const res = await t.anonymous.get("/.well-known/jwks.json");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ keys: [] });
    } finally {
      await t.close();
    }
  });
});

describe("the embedded database", () => {
  it("opens in a data folder whose parents do not exist yet (a fresh checkout)", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createLectern, createLogger } = await import("../src/index.js");
    const root = await mkdtemp(join(tmpdir(), "lectern-fresh-"));
    try {
      const lectern = await createLectern({
        database: { dataDir: join(root, ".lectern", "data") },
        storage: join(root, ".lectern", "files"),
        worker: false,
        logger: createLogger({ level: "silent" }),
      });
      expect((await lectern.app.request("/api/health")).status).toBe(200);
      await lectern.stop();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
