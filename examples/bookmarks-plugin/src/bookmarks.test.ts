import { rowsOf } from "@lectern/core";
import { authorizationMatrix, createTestLectern, type TestLectern } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookmarks } from "./index.js";

let t: TestLectern;
beforeAll(async () => {
  t = await createTestLectern({ plugins: [bookmarks({ maxPerUser: 2 })] });
});
afterAll(() => t.close());

describe("bookmarks", () => {
  it("a student keeps links and sees only their own, newest first", async () => {
    const zoe = await t.createUser("student");
    const other = await t.createUser("student");
    await t.as(zoe).post("/api/me/bookmarks", { url: "https://example.org/a", note: "first" });
    t.clock.advance(1000);
    const added = await t.as(zoe).post("/api/me/bookmarks", { url: "https://example.org/b" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ url: "https://example.org/b", note: "" });

    const mine = await t.as(zoe).get("/api/me/bookmarks");
    expect(mine.body.items.map((b: { url: string }) => b.url)).toEqual([
      "https://example.org/b",
      "https://example.org/a",
    ]);
    expect((await t.as(other).get("/api/me/bookmarks")).body.items).toEqual([]);
  });

  it("refuses more than the configured number with 409", async () => {
    const user = await t.createUser("student");
    await t.as(user).post("/api/me/bookmarks", { url: "https://example.org/1" });
    await t.as(user).post("/api/me/bookmarks", { url: "https://example.org/2" });
    const third = await t.as(user).post("/api/me/bookmarks", { url: "https://example.org/3" });
    expect(third.status).toBe(409);
    expect(third.body.detail).toMatch(/2 bookmarks/);
  });

  it("refuses a URL that is not one with 422 and the field's path", async () => {
    const user = await t.createUser("student");
    const res = await t.as(user).post("/api/me/bookmarks", { url: "not a url" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe("url");
  });

  it("emits bookmark.created in the same transaction", async () => {
    const user = await t.createUser("student");
    const res = await t.as(user).post("/api/me/bookmarks", { url: "https://example.org/event" });
    const events = rowsOf<{ payload: { bookmarkId: string } }>(
      await t.lectern.db.execute(sql`select payload from lectern_events where name = 'bookmark.created'`),
    );
    expect(events.map((e) => e.payload.bookmarkId)).toContain(res.body.id);
  });

  it("contributes a person's bookmarks to the core's data export and erasure", async () => {
    const ada = await t.createUser("student");
    const bob = await t.createUser("student");
    await t.as(ada).post("/api/me/bookmarks", { url: "https://example.org/ada" });
    await t.as(bob).post("/api/me/bookmarks", { url: "https://example.org/bob" });
    const privacy = t.lectern.contributions("core.privacy").find((c) => c.pluginId === "bookmarks")!.value;
    expect(privacy.key).toBe("bookmarks.bookmarks");
    expect(await privacy.export(t.lectern.db, { userId: ada.id })).toEqual([
      expect.objectContaining({ url: "https://example.org/ada" }),
    ]);
    await t.lectern.db.transaction((tx) => privacy.erase(tx, { userId: ada.id }));
    expect((await t.as(ada).get("/api/me/bookmarks")).body.items).toEqual([]);
    expect((await t.as(bob).get("/api/me/bookmarks")).body.items).toHaveLength(1);
  });

  it("answers 401 and 403 exactly as declared", async () => {
    const { failures } = await authorizationMatrix(t);
    expect(failures).toEqual([]);
  });
});
