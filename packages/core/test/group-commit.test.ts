import { describe, expect, it } from "vitest";
import { GroupCommit } from "../src/index.js";

/** A writer whose statements finish only when the test says so, recording each batch. */
function gatedWriter() {
  const batches: string[][] = [];
  const pending: (() => void)[] = [];
  let failOn: string | null = null;
  return {
    batches,
    failOn: (item: string) => {
      failOn = item;
    },
    finishAll: async () => {
      while (pending.length > 0) {
        pending.shift()!();
        await new Promise((r) => setTimeout(r, 0));
      }
    },
    write: (items: string[]) => {
      batches.push([...items]);
      return new Promise<string[]>((resolve, reject) =>
        pending.push(() =>
          failOn && items.includes(failOn)
            ? reject(new Error("bad item"))
            : resolve(items.map((i) => `ok:${i}`)),
        ),
      );
    },
  };
}

describe("GroupCommit", () => {
  it("sends the first write at once and the ones arriving meanwhile together, each answered with its own result", async () => {
    const writer = gatedWriter();
    const group = new GroupCommit<string, string>({ write: writer.write, maxInFlight: 1 });
    const first = group.submit("a");
    const rest = ["b", "c", "d"].map((item) => group.submit(item));
    expect(writer.batches).toEqual([["a"]]);
    expect(group.waiting).toBe(3);
    await writer.finishAll();
    expect(await first).toBe("ok:a");
    expect(await Promise.all(rest)).toEqual(["ok:b", "ok:c", "ok:d"]);
    expect(writer.batches).toEqual([["a"], ["b", "c", "d"]]);
  });

  it("never puts two writes with one key in the same batch or on their way at once", async () => {
    const writer = gatedWriter();
    const group = new GroupCommit<string, string>({
      write: writer.write,
      key: (item) => item.split(":")[0]!,
      maxInFlight: 2,
    });
    const all = ["x:1", "x:2", "y:1", "x:3"].map((item) => group.submit(item));
    // x:1 goes alone; the next slot takes y:1 but not x:2, which waits for x:1.
    expect(writer.batches).toEqual([["x:1"], ["y:1"]]);
    await writer.finishAll();
    await Promise.all(all);
    expect(writer.batches).toEqual([["x:1"], ["y:1"], ["x:2"], ["x:3"]]);
  });

  it("keeps batches to maxBatch", async () => {
    const writer = gatedWriter();
    const group = new GroupCommit<string, string>({ write: writer.write, maxBatch: 2, maxInFlight: 1 });
    const all = ["a", "b", "c", "d", "e"].map((item) => group.submit(item));
    await writer.finishAll();
    await Promise.all(all);
    expect(writer.batches).toEqual([["a"], ["b", "c"], ["d", "e"]]);
  });

  it("writes each item of a failed batch again alone, so one bad item fails only its own request", async () => {
    const writer = gatedWriter();
    const group = new GroupCommit<string, string>({ write: writer.write, maxInFlight: 1 });
    const first = group.submit("a");
    const good = group.submit("b");
    const bad = expect(group.submit("poison")).rejects.toThrow("bad item");
    writer.failOn("poison");
    await writer.finishAll();
    expect(await first).toBe("ok:a");
    expect(await good).toBe("ok:b");
    await bad;
    expect(writer.batches).toEqual([["a"], ["b", "poison"], ["b"], ["poison"]]);
  });
});
