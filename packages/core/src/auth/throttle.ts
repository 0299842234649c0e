import { createHash } from "node:crypto";
import { problems } from "../http/problem.js";
import type { RateLimiter } from "../rate-limit.js";

export interface ThrottleRules {
  /** Failures per account before delays start. */
  accountLimit: number;
  /** Failures per client address before strangers from it must wait; high, for NATs. */
  addressLimit: number;
  windowMs: number;
  /** The longest delay an account's failures can impose. */
  maxDelayMs: number;
  /** How long a successful sign-in keeps its address and device recognised. */
  rememberMs: number;
}

export interface LoginOrigin {
  email: string;
  address: string;
  /** The `lectern_device` cookie of a browser that signed in before, if any. */
  device?: string;
}

const digest = (...parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("base64url");

/**
 * Login throttling as OWASP describes it: failures, never successes, are counted per account
 * and per address. Past the account's limit each further failure doubles a delay (1 s, 2 s, 4 s …
 * up to `maxDelayMs`) instead of locking the account; past the address's limit, strangers from
 * that address wait. Neither applies to a correct password from an address or device that
 * signed in to this account before — so an attacker can neither lock the owner out nor, from
 * behind a campus NAT, shut out everyone who studies there. Known origins have their own,
 * separate failure limit, so guessing from them is still bounded.
 */
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly rules: ThrottleRules,
  ) {}

  /** Throws 429 when this origin must wait; otherwise tells whether it is a recognised one. */
  async admit(origin: LoginOrigin): Promise<{ known: boolean }> {
    const known = await this.#isKnown(origin);
    const window = { limit: this.rules.accountLimit, windowMs: this.rules.windowMs };
    const wait = known
      ? await this.limiter.retryAfter(this.#keys(origin).knownFailures, window)
      : Math.max(
          await this.limiter.retryAfter(this.#keys(origin).accountDelay, { limit: 1, windowMs: 0 }),
          await this.limiter.retryAfter(this.#keys(origin).address, {
            limit: this.rules.addressLimit,
            windowMs: this.rules.windowMs,
          }),
        );
    if (wait > 0) throw problems.tooManyRequests(wait, "Too many failed sign-in attempts. Try again later.");
    return { known };
  }

  async failed(origin: LoginOrigin, known: boolean): Promise<void> {
    const keys = this.#keys(origin);
    const window = { limit: this.rules.accountLimit, windowMs: this.rules.windowMs };
    const failures = await this.limiter.hit(keys.account, window);
    if (failures >= this.rules.accountLimit) {
      const delay = Math.min(1000 * 2 ** (failures - this.rules.accountLimit), this.rules.maxDelayMs);
      await this.limiter.hold(keys.accountDelay, delay);
    }
    await this.limiter.hit(keys.address, { limit: this.rules.addressLimit, windowMs: this.rules.windowMs });
    if (known) await this.limiter.hit(keys.knownFailures, window);
  }

  async succeeded(origin: LoginOrigin): Promise<void> {
    const keys = this.#keys(origin);
    await this.limiter.hold(keys.knownAddress, this.rules.rememberMs);
    if (origin.device) await this.limiter.hold(keys.knownDevice, this.rules.rememberMs);
  }

  async #isKnown(origin: LoginOrigin): Promise<boolean> {
    const keys = this.#keys(origin);
    if (await this.limiter.isHeld(keys.knownAddress)) return true;
    return origin.device ? this.limiter.isHeld(keys.knownDevice) : false;
  }

  /** Addresses and devices are stored only as hashes tied to the account. */
  #keys({ email, address, device }: LoginOrigin) {
    return {
      account: `login:account:${digest(email)}`,
      accountDelay: `login:delay:${digest(email)}`,
      address: `login:address:${digest(address)}`,
      knownAddress: `login:known:${digest(email, address)}`,
      knownDevice: `login:device:${digest(email, device ?? "")}`,
      knownFailures: `login:known-failures:${digest(email, address, device ?? "")}`,
    };
  }
}
