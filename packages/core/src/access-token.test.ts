import { describe, expect, it } from "vitest";
import { AccessTokenCache } from "./access-token.js";
import { ManualClock } from "./clock.js";

describe("a provider's access token", () => {
  const setup = () => {
    const clock = new ManualClock("2026-03-02T09:00:00Z");
    let issued = 0;
    let release: () => void = () => {};
    const cache = new AccessTokenCache(clock, async () => {
      issued++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { accessToken: `token-${issued}`, expiresIn: 3600 };
    });
    return { clock, cache, issued: () => issued, release: () => release() };
  };

  it("is fetched once for calls that wait for it together, then reused", async () => {
    const { cache, issued, release } = setup();
    const waiting = [cache.get(), cache.get(), cache.get()];
    release();
    expect(await Promise.all(waiting)).toEqual(["token-1", "token-1", "token-1"]);
    expect(await cache.get()).toBe("token-1");
    expect(issued()).toBe(1);
  });

  it("is renewed a minute before it expires, and after the API refused it", async () => {
    const { clock, cache, release } = setup();
    const first = cache.get();
    release();
    await first;
    clock.advance(3600_000 - 61_000);
    expect(await cache.get()).toBe("token-1");
    clock.advance(2_000);
    const second = cache.get();
    release();
    expect(await second).toBe("token-2");
    cache.forget();
    const third = cache.get();
    release();
    expect(await third).toBe("token-3");
  });
});
