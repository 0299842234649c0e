import type { Clock } from "./clock.js";

/** What a token endpoint answered: the token and its lifetime in seconds. */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * A provider's OAuth access token, kept until shortly before it expires so no call carries a
 * dying one. Calls made while it is being fetched share one request; `forget()` drops a token the
 * API refused before its time.
 */
export class AccessTokenCache {
  #token: { value: string; expiresAt: number } | null = null;
  #pending: Promise<string> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly marginMs = 60_000,
  ) {}

  get(): Promise<string> {
    if (this.#token && this.#token.expiresAt > this.clock.now().getTime()) {
      return Promise.resolve(this.#token.value);
    }
    this.#pending ??= this.#renew().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  forget(): void {
    this.#token = null;
  }

  async #renew(): Promise<string> {
    const { accessToken, expiresIn } = await this.fetchToken();
    const lifetimeMs = Math.max(0, expiresIn * 1000 - this.marginMs);
    this.#token = { value: accessToken, expiresAt: this.clock.now().getTime() + lifetimeMs };
    return accessToken;
  }
}
