import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRouter,
  defineJob,
  definePlugin,
  defineProvider,
  defineRoute,
  defineWebhookRoute,
  extensionPoint,
  json,
  type Provider,
  ProviderError,
  providerSlot,
  providersOption,
  resolvePlugins,
} from "../src/index.js";
import { createTestLectern, type TestLectern } from "../src/testing/index.js";
import { bootWithoutDatabase } from "./fixtures.js";

// The contract of a point and a slot, as a feature package declares them.
interface Greeting {
  greet(name: string): string;
}
interface Shouter {
  shout(input: { text: string }): Promise<{ text: string }>;
  signingKey?(): Promise<string>;
}
declare module "../src/index.js" {
  interface LecternExtensionPoints {
    "hub.greetings": Greeting;
  }
  interface LecternProviderSlots {
    "hub.shouters": Shouter;
  }
  interface LecternJobs {
    "hub.shout": { text: string };
  }
}

const shouterSlot = providerSlot<Shouter>("hub.shouters");

const loud = defineProvider({
  slot: shouterSlot,
  id: "loud",
  name: "Loud",
  options: z.object({ volume: z.number().int().min(1).max(11), apiKey: z.string().min(8) }),
  create: (ctx, options): Shouter => ({
    async shout({ text }) {
      if (text === "fail") throw new ProviderError("Loud is down.", { provider: "loud", retryable: true });
      if (text === "refused")
        throw new ProviderError("Loud refuses this text.", {
          provider: "loud",
          retryable: false,
          status: 400,
        });
      return { text: `${text.toUpperCase()}${"!".repeat(options.volume)} ${ctx.config.timeZone}` };
    },
  }),
});
const quiet = defineProvider({
  slot: "hub.shouters",
  id: "quiet",
  name: "Quiet",
  create: (ctx): Shouter => ({
    shout: async ({ text }) => ({ text: text.toLowerCase() }),
    signingKey: () => ctx.secret("signing"),
  }),
});
const elsewhere = defineProvider({
  slot: "other.things",
  id: "stray",
  name: "Stray",
  create: () => ({}),
});

const runs: string[] = [];
const hub = definePlugin({
  id: "hub",
  version: "1.0.0",
  coreRange: "^0.1.0",
  options: z.object({ shouters: providersOption("hub.shouters") }),
  providerSlots: { shouters: { slot: "hub.shouters", min: 1 } },
  extensionPoints: {
    greetings: extensionPoint<Greeting>({
      schema: z.object({ greet: z.custom((v) => typeof v === "function", "greet must be a function") }),
    }),
  },
  permissions: { "hub.use": ["student", "admin"] },
  problemTypes: { "hub-busy": { status: 409, title: "The hub is busy" } },
  services: (ctx) => ({
    greetAll: (name: string) =>
      ctx.contributions("hub.greetings").map((c) => `${c.pluginId}: ${c.value.greet(name)}`),
    shouters: (): Provider<Shouter>[] => ctx.providers("hub.shouters"),
  }),
  routes: (ctx) => {
    const shout = defineRoute({
      method: "post",
      path: "/hub/shout/{text}",
      access: "public",
      request: { params: z.object({ text: z.string() }) },
      responses: { 200: json(z.object({ text: z.string() }), "Shouted") },
    });
    return createRouter()
      .openapi(shout, async (c) => {
        const [first] = ctx.providers("hub.shouters");
        return c.json(await first!.provider.shout({ text: c.req.valid("param").text }), 200);
      })
      .route(
        "/",
        defineWebhookRoute({
          path: "/hub/webhooks/{provider}",
          handler: ({ rawBody, text, headers, params }) => ({
            status: 200,
            body: {
              bytes: rawBody.byteLength,
              text,
              signature: headers.get("x-signature"),
              provider: params.provider,
            },
          }),
        }),
      );
  },
  jobs: (ctx) => [
    defineJob({
      name: "hub.shout",
      retry: { attempts: 5, backoffMs: 1 },
      run: async (payload) => {
        runs.push(payload.text);
        await ctx.providers("hub.shouters")[0]!.provider.shout({ text: payload.text });
      },
    }),
  ],
});

const friendly = definePlugin({
  id: "friendly",
  version: "1.0.0",
  coreRange: "^0.1.0",
  dependsOn: ["hub"],
  contributes: () => ({
    "hub.greetings": [{ greet: (name) => `hello ${name}` }, { greet: (name) => `hi ${name}` }],
  }),
});

describe("boot refuses a bad plugin before the database is touched", () => {
  it("a contribution to a point nobody declares, naming both plugins", async () => {
    const typo = definePlugin({
      id: "typo",
      version: "1.0.0",
      coreRange: "^0.1.0",
      dependsOn: ["hub"],
      contributes: () => ({ "hub.greeting": { greet: () => "" } }) as never,
    });
    await expect(bootWithoutDatabase([hub({ shouters: [quiet()] }), typo()])).rejects.toThrow(
      /Plugin "typo" contributes to "hub.greeting", but plugin "hub" declares no extension point "greeting"/,
    );
    const orphan = definePlugin({
      id: "orphan",
      version: "1.0.0",
      coreRange: "^0.1.0",
      contributes: () => ({ "hub.greetings": { greet: () => "" } }),
    });
    await expect(bootWithoutDatabase([orphan()])).rejects.toThrow(
      /Plugin "orphan" contributes to "hub.greetings", but plugin "hub" is not installed/,
    );
  });

  it("a contribution that breaks the point's contract", async () => {
    const broken = definePlugin({
      id: "broken",
      version: "1.0.0",
      coreRange: "^0.1.0",
      dependsOn: ["hub"],
      contributes: () => ({ "hub.greetings": { greet: "hello" } as never }),
    });
    await expect(bootWithoutDatabase([hub({ shouters: [quiet()] }), broken()])).rejects.toThrow(
      /Plugin "broken" contributes an invalid value to "hub.greetings" \(declared by "hub"\): greet: greet must be a function/,
    );
  });

  it("skips a contribution to an optional dependency that is not installed (and then reaches the database)", async () => {
    const polite = definePlugin({
      id: "polite",
      version: "1.0.0",
      coreRange: "^0.1.0",
      dependsOn: [{ id: "hub", optional: true }],
      contributes: () => ({ "hub.greetings": { greet: () => "" } }),
    });
    // Every check passed: what stops boot is the missing database.
    await expect(bootWithoutDatabase([polite()])).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it("a problem type two plugins declare", async () => {
    const copycat = definePlugin({
      id: "copycat",
      version: "1.0.0",
      coreRange: "^0.1.0",
      problemTypes: { "hub-busy": { status: 409, title: "Busy" } },
    });
    await expect(bootWithoutDatabase([hub({ shouters: [quiet()] }), copycat()])).rejects.toThrow(
      /Problem type "hub-busy" of plugin "copycat" is already defined by "hub"/,
    );
  });

  it("a route guarded by a permission nobody declares", async () => {
    const route = defineRoute({
      method: "get",
      path: "/ghost",
      access: "ghost.read",
      responses: { 200: json(z.object({}), "ok") },
    });
    const ghost = definePlugin({
      id: "ghost",
      version: "1.0.0",
      coreRange: "^0.1.0",
      routes: () => createRouter().openapi(route, (c) => c.json({}, 200)),
    });
    await expect(bootWithoutDatabase([ghost()])).rejects.toThrow(
      /Route GET \/ghost of plugin "ghost" requires the permission "ghost.read", which no plugin declares/,
    );
  });

  it("a service used without declaring the dependency", async () => {
    const sneaky = definePlugin({
      id: "sneaky",
      version: "1.0.0",
      coreRange: "^0.1.0",
      contributes: (ctx) => {
        ctx.services.get("hub" as never);
        return {};
      },
    });
    await expect(bootWithoutDatabase([hub({ shouters: [quiet()] }), sneaky()])).rejects.toThrow(
      /Plugin "sneaky" uses the "hub" service but does not depend on "hub". Add "hub" to its dependsOn/,
    );
  });

  it("providers: invalid options name the plugin, the provider and the field", () => {
    expect(() => resolvePlugins([hub({ shouters: [loud({ volume: 12, apiKey: "k" })] })])).toThrow(
      /Invalid options for provider "loud" of plugin "hub": volume: .*; apiKey: /,
    );
  });

  it("providers: the wrong slot, the same id twice, too few", () => {
    expect(() => resolvePlugins([hub({ shouters: [elsewhere() as never] })])).toThrow(
      /Provider "stray" fills the slot "other.things", but was given to "shouters" of plugin "hub"/,
    );
    expect(() => resolvePlugins([hub({ shouters: [quiet(), quiet()] })])).toThrow(
      /Provider "quiet" is given twice to "shouters" of plugin "hub"/,
    );
    expect(() => resolvePlugins([hub({ shouters: [] })])).toThrow(
      /Plugin "hub" needs at least 1 provider in "shouters" \(slot "hub.shouters"\); it was given 0/,
    );
    expect(() => resolvePlugins([hub({ shouters: ["loud" as never] })])).toThrow(
      /Invalid options for plugin "hub": shouters.0: Expected providers made by a provider plugin/,
    );
  });
});

describe("contributions and providers at work", () => {
  let t: TestLectern;
  beforeAll(async () => {
    t = await createTestLectern({
      plugins: [friendly(), hub({ shouters: [loud({ volume: 2, apiKey: "secret-key" }), quiet()] })],
      timeZone: "Europe/Berlin",
    });
  });
  afterAll(() => t.close());

  it("the owner reads every contribution with the plugin that made it", () => {
    const service = t.lectern.services.get("hub" as never) as { greetAll(name: string): string[] };
    expect(service.greetAll("Ada")).toEqual(["friendly: hello Ada", "friendly: hi Ada"]);
    expect(t.lectern.contributions("hub.greetings")).toHaveLength(2);
  });

  it("providers are created in order with their validated options and context", async () => {
    const service = t.lectern.services.get("hub" as never) as { shouters(): Provider<Shouter>[] };
    expect(service.shouters().map((p) => [p.id, p.name])).toEqual([
      ["loud", "Loud"],
      ["quiet", "Quiet"],
    ]);
    expect(await service.shouters()[0]!.provider.shout({ text: "hey" })).toEqual({
      text: "HEY!! Europe/Berlin",
    });
  });

  it("a provider's secret is random, kept, and the same on every call", async () => {
    const service = t.lectern.services.get("hub" as never) as { shouters(): Provider<Shouter>[] };
    const quietOne = service.shouters()[1]!.provider;
    const [a, b] = await Promise.all([quietOne.signingKey!(), quietOne.signingKey!()]);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toBe(a);
  });

  it("a ProviderError in a route answers 502 problem+json, without a stack", async () => {
    const res = await t.anonymous.post("/api/hub/shout/fail");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(res.body).toEqual({
      type: "https://lectern.dev/problems/provider-failed",
      title: "A provider failed",
      status: 502,
      detail: "Loud is down.",
      provider: "loud",
      retryable: true,
    });
  });

  it("a webhook handler gets the raw body byte for byte, the headers and the path", async () => {
    const body = '{ "amount" :  4900,\n "note": "café" }';
    const res = await t.anonymous.post("/api/hub/webhooks/loud", body, {
      headers: { "content-type": "application/json", "x-signature": "t=1,v1=abc" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      bytes: Buffer.byteLength(body),
      text: body,
      signature: "t=1,v1=abc",
      provider: "loud",
    });
  });

  it("jobs retry a retryable ProviderError and give up at once on one that is not", async () => {
    runs.length = 0;
    await t.lectern.jobs.enqueue(t.lectern.db, "hub.shout", { text: "refused" });
    await t.drain();
    expect(runs).toEqual(["refused"]);
    const failed = await t.lectern.jobs.failed();
    expect(failed).toContainEqual(expect.objectContaining({ name: "hub.shout", attempts: 1 }));

    runs.length = 0;
    await t.lectern.jobs.enqueue(t.lectern.db, "hub.shout", { text: "fail" });
    for (let i = 0; i < 5; i++) {
      await t.drain();
      t.clock.advance(60_000);
    }
    expect(runs).toEqual(["fail", "fail", "fail", "fail", "fail"]);
  });

  it("the OpenAPI document lists every problem type with its status and plugin", async () => {
    const document = (await t.anonymous.get("/api/openapi.json")).body;
    const types = document["x-lectern-problem-types"] as { type: string; status: number; plugin: string }[];
    expect(types).toContainEqual({
      type: "https://lectern.dev/problems/hub-busy",
      status: 409,
      title: "The hub is busy",
      plugin: "hub",
    });
    expect(types).toContainEqual({
      type: "https://lectern.dev/problems/provider-failed",
      status: 502,
      title: "A provider failed",
      plugin: "core",
    });
  });

  it("job payloads are typed by LecternJobs", async () => {
    // @ts-expect-error the payload of "hub.shout" is { text: string }
    const wrong = () => t.lectern.jobs.enqueue(t.lectern.db, "hub.shout", { txt: "typo" });
    expect(typeof wrong).toBe("function");
  });
});
