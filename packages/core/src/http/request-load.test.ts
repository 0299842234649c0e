import { describe, expect, it } from "vitest";
import { RequestLoad } from "./request-load.js";

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  return done;
};

describe("RequestLoad", () => {
  it("is idle at once when no request is in flight", async () => {
    expect(await settled(new RequestLoad().idleWithin(60_000))).toBe(true);
  });

  it("is idle when the last request in flight ends, not the first", async () => {
    const load = new RequestLoad();
    load.enter();
    load.enter();
    const idle = load.idleWithin(60_000);
    expect(await settled(idle)).toBe(false);
    load.leave();
    expect(await settled(idle)).toBe(false);
    load.leave();
    expect(await settled(idle)).toBe(true);
    expect(load.inFlight).toBe(0);
  });

  it("stops waiting after the given time when requests never end", async () => {
    const load = new RequestLoad();
    load.enter();
    expect(await settled(load.idleWithin(5))).toBe(true);
    expect(load.inFlight).toBe(1);
  });
});
