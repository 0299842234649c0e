import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRouter,
  definePlugin,
  defineWebhookRoute,
  type Executor,
  type InboxEntry,
  problems,
  rowsOf,
  WebhookInbox,
} from "../src/index.js";
import { createTestLectern, type TestLectern } from "../src/testing/index.js";

// A small plugin that receives signed "parcel" webhooks through core's inbox and applies them by
// adding to a counter table; `failNext` makes the next applications throw.
const SECRET = "parcel-secret";
const applied: InboxEntry<{ parcel: string }>[] = [];
let failNext = 0;
let onApply: ((tx: Executor, entry: InboxEntry<{ parcel: string }>) => Promise<void>) | null = null;
let inbox: WebhookInbox<{ parcel: string }>;

const parcels = definePlugin({
  id: "parcels",
  version: "0.1.0",
  coreRange: "^0.1.0",
  services: (ctx) => {
    inbox = new WebhookInbox<{ parcel: string }>({
      name: "parcels",
      db: ctx.db,
      jobs: ctx.jobs,
      clock: ctx.clock,
      logger: ctx.logger,
      maxAttempts: 3,
      apply: async (tx, entry) => {
        // Written in the inbox's transaction: a failure below rolls this row back too.
        await tx.execute(sql`insert into lectern_settings (plugin, key, value, updated_at)
          values ('parcels', ${entry.eventId}, '1'::jsonb, now())`);
        if (failNext > 0) {
          failNext--;
          throw new Error("the warehouse is closed");
        }
        applied.push(entry);
        await onApply?.(tx, entry);
      },
    });
    return {} as never;
  },
  routes: () =>
    createRouter().route(
      "/",
      defineWebhookRoute({
        path: "/parcels/webhooks/{carrier}",
        inbox,
        verify: async ({ text, headers, params }) => {
          const expected = createHmac("sha256", SECRET).update(text).digest("hex");
          if (headers.get("x-signature") !== expected) throw problems.unauthorized("Bad signature.");
          const body = JSON.parse(text) as { events: { id: string; parcel: string }[] };
          return {
            source: params.carrier ?? "",
            events: body.events.map((e) => ({ id: e.id, payload: { parcel: e.parcel } })),
          };
        },
      }),
    ),
  jobs: () => [inbox.job() as never],
});

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [parcels()] });
});
afterAll(() => t?.close());

const send = (events: { id: string; parcel: string }[], signature?: string) => {
  const body = JSON.stringify({ events });
  return t.request("POST", "/api/parcels/webhooks/post", {
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": signature ?? createHmac("sha256", SECRET).update(body).digest("hex"),
    },
  });
};
const rows = async () =>
  rowsOf<{ event_id: string; status: string; attempts: number; last_error: string | null }>(
    await t.lectern.db.execute(
      sql`select event_id, status, attempts, last_error from lectern_webhook_inbox order by seq`,
    ),
  );

describe("the webhook inbox", () => {
  it("keeps verified events with one answer, and applies them only when its job runs", async () => {
    const answer = await send([
      { id: "e1", parcel: "A" },
      { id: "e2", parcel: "B" },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: 2, accepted: 2 });
    expect(applied).toHaveLength(0);
    expect(await inbox.pendingCount()).toBe(2);

    await t.drain();
    expect(applied.map((e) => [e.source, e.eventId, e.payload.parcel])).toEqual([
      ["post", "e1", "A"],
      ["post", "e2", "B"],
    ]);
    expect((await rows()).map((r) => r.status)).toEqual(["applied", "applied"]);
  });

  it("keeps a redelivered event once and applies it once", async () => {
    const again = await send([
      { id: "e2", parcel: "B" },
      { id: "e3", parcel: "C" },
    ]);
    expect(again.body).toEqual({ received: 2, accepted: 1 });
    await t.drain();
    expect(applied.map((e) => e.eventId)).toEqual(["e1", "e2", "e3"]);
  });

  it("answers deliveries arriving together with their own counts; one the database refuses fails alone", async () => {
    // Twelve deliveries at once share statements; neighbours overlap by one event.
    const deliveries = Array.from({ length: 12 }, (_, i) => [
      { id: `t${i}`, parcel: `T${i}` },
      { id: `t${i + 1}`, parcel: `T${i + 1}` },
    ]);
    const answers = await Promise.all(deliveries.map((events) => send(events)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    const accepted = answers.map((a) => (a.body as { accepted: number }).accepted);
    // 13 distinct events, each counted once, for a delivery that carried it.
    expect(accepted.reduce((sum, n) => sum + n, 0)).toBe(13);
    expect(Math.min(...accepted)).toBeGreaterThanOrEqual(1);

    // A NUL cannot be stored in JSON by PostgreSQL: that delivery alone is refused, though it
    // arrives last and so shares a statement with the one before it.
    const wave = await Promise.all([
      send([{ id: "t13", parcel: "T13" }]),
      send([{ id: "t14", parcel: "T14" }]),
      send([{ id: "t15", parcel: "T15" }]),
      send([{ id: "t-nul", parcel: "\u0000" }]),
    ]);
    const [others, refused] = [wave.slice(0, 3), wave[3]!];
    expect(refused.status).toBe(422);
    expect(others.map((a) => [a.status, a.body])).toEqual(Array(3).fill([200, { received: 1, accepted: 1 }]));

    const stored = (await rows()).filter((r) => r.event_id.startsWith("t"));
    expect(stored.map((r) => r.event_id).sort()).toEqual(
      Array.from({ length: 16 }, (_, i) => `t${i}`).sort(),
    );
    const jobs = await t.lectern.db.execute(
      sql`select count(*)::int as n from lectern_jobs where name = 'parcels.inbox'
        and payload->>'seq' in (select seq::text from lectern_webhook_inbox where event_id like 't%')`,
    );
    expect(rowsOf<{ n: number }>(jobs)[0]!.n).toBe(16);
    await t.drain();
    expect(applied.filter((e) => e.eventId.startsWith("t"))).toHaveLength(16);
  });

  it("keeps nothing when verification refuses the request", async () => {
    const before = (await rows()).length;
    const refused = await send([{ id: "e9", parcel: "Z" }], "forged");
    expect(refused.status).toBe(401);
    expect((await rows()).length).toBe(before);
  });

  it("rolls back a failed application, tries again later, and sets the event aside after its last try", async () => {
    failNext = 1;
    await send([{ id: "e4", parcel: "D" }]);
    await t.drain();
    let row = (await rows()).find((r) => r.event_id === "e4")!;
    expect(row).toMatchObject({ status: "pending", attempts: 1, last_error: "the warehouse is closed" });
    // The application's own write went with the rollback.
    const kept = await t.lectern.db.execute(sql`select 1 from lectern_settings where key = 'e4'`);
    expect(rowsOf(kept)).toHaveLength(0);

    t.clock.advance(60_000);
    await t.drain();
    expect(applied.map((e) => e.eventId)).toContain("e4");
    expect((await rows()).find((r) => r.event_id === "e4")!.status).toBe("applied");

    failNext = 10;
    await send([{ id: "e5", parcel: "E" }]);
    for (let i = 0; i < 4; i++) {
      await t.drain();
      t.clock.advance(10 * 60_000);
    }
    row = (await rows()).find((r) => r.event_id === "e5")!;
    expect(row).toMatchObject({ status: "failed", attempts: 3, last_error: "the warehouse is closed" });
    failNext = 0;
    expect(await inbox.pendingCount()).toBe(0);
    expect(await t.lectern.jobs.failed()).toEqual([]);
  });

  it("renews its hold on a batch it applies slowly, so no other worker takes those events", async () => {
    await send([
      { id: "e6", parcel: "F" },
      { id: "e7", parcel: "G" },
      { id: "e8", parcel: "H" },
    ]);
    const heldFor: number[] = [];
    onApply = async (tx, entry) => {
      const [row] = rowsOf<{ locked_until: Date | string }>(
        await tx.execute(
          sql`select locked_until from lectern_webhook_inbox where event_id = ${entry.eventId}`,
        ),
      );
      heldFor.push(new Date(row!.locked_until).getTime() - t.clock.now().getTime());
      // Each event takes 40 s (a process busy with requests): past half the 60 s hold.
      t.clock.advance(40_000);
    };
    try {
      await inbox.applyPending();
    } finally {
      onApply = null;
    }
    expect(applied.map((e) => e.eventId).slice(-3)).toEqual(["e6", "e7", "e8"]);
    // Every event is still held when it is applied: taken for 60 s, renewed whenever half is gone.
    expect(heldFor).toEqual([60_000, 60_000, 60_000]);
  });
});
