import { z } from "@hono/zod-openapi";
import type { Clock } from "./clock.js";
import type { Logger } from "./logger.js";
import type { LecternSettings } from "./plugin.js";

/**
 * Every provider slot, by name, and the interface its providers implement; the feature package
 * that owns a slot adds it by declaration merging:
 * `declare module "@lectern/core" { interface LecternProviderSlots { "payments.gateways": PaymentGateway } }`.
 * Slots not declared here still work; `ctx.providers(name)` is then untyped.
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface LecternProviderSlots {}

/** A slot's name and (for typing only) the interface of its providers. */
export interface ProviderSlot<T = unknown> {
  readonly name: string;
  /** Only for typing; never set. */
  readonly __provider?: T;
}

/** `export const gatewaySlot = providerSlot<PaymentGateway>("payments.gateways")`. */
export function providerSlot<T>(name: string): ProviderSlot<T> {
  return { name };
}

/** What a provider's `create` receives: nothing more, so providers stay small and testable. */
export interface ProviderContext {
  logger: Logger;
  clock: Clock;
  config: LecternSettings;
  /** The `fetch` to call the provider's API with (tests and proxies may replace it in `createLectern({ fetch })`). */
  fetch: typeof fetch;
  /**
   * A random secret kept in the database for this provider (e.g. to sign its own tokens):
   * created on first use, the same on every instance and after restarts.
   */
  secret(name: string): Promise<string>;
}

/** A provider as installed, e.g. the value of `stripe({ secretKey })`. */
export interface ProviderInstall<T = unknown> {
  readonly kind: "lectern.provider";
  readonly slot: string;
  readonly id: string;
  readonly name: string;
  readonly definition: ProviderDefinition<T, z.ZodType>;
  readonly rawOptions: unknown;
}

export interface ProviderDefinition<T, Schema extends z.ZodType> {
  /** The slot it fills: its name or the slot token. */
  slot: string | ProviderSlot<T>;
  /** Unique within the slot, lowercase, e.g. `stripe`. */
  id: string;
  /** For people, e.g. `Stripe`. */
  name: string;
  options?: Schema;
  create: (ctx: ProviderContext, options: z.output<Schema>) => T;
}

/** A created provider, as the feature plugin reads it with `ctx.providers(slot)`. */
export interface Provider<T> {
  id: string;
  name: string;
  provider: T;
}

/**
 * Declares a provider plugin and returns its factory: `export const stripe = defineProvider({...})`,
 * installed as an option of the feature plugin: `payments({ gateways: [stripe({ secretKey })] })`.
 * Options are validated at boot, with errors naming the plugin, the provider and the field.
 */
export function defineProvider<T, Schema extends z.ZodType = z.ZodType<Record<string, never>>>(
  definition: ProviderDefinition<T, Schema>,
): (options?: z.input<Schema>) => ProviderInstall<T> {
  const slot = typeof definition.slot === "string" ? definition.slot : definition.slot.name;
  return (options) => ({
    kind: "lectern.provider",
    slot,
    id: definition.id,
    name: definition.name,
    definition: definition as unknown as ProviderDefinition<T, z.ZodType>,
    rawOptions: options ?? {},
  });
}

export function isProviderInstall(value: unknown): value is ProviderInstall {
  return (
    typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "lectern.provider"
  );
}

/**
 * The option that carries a slot's providers: `options: z.object({ gateways: providersOption("payments.gateways") })`.
 * Accepts an array of installed providers (default none); boot checks the slot, ids and options.
 */
export function providersOption<K extends string>(slot: K) {
  type T = K extends keyof LecternProviderSlots ? LecternProviderSlots[K] : unknown;
  return z
    .array(
      z.custom<ProviderInstall<T>>(isProviderInstall, {
        message: `Expected providers made by a provider plugin for "${slot}", e.g. [jitsi()].`,
      }),
    )
    .default([]);
}

/** A slot a feature plugin declares: which option carries it and how many providers it needs. */
export interface ProviderSlotDeclaration {
  slot: string;
  /** Fewest providers the plugin works with. Default 0. */
  min?: number;
  /** Most providers allowed (e.g. one chat model). */
  max?: number;
}

/**
 * A provider's call failed (the provider answered an error, timed out or could not be reached).
 * Routes answer 502 problem+json (`…/provider-failed`); jobs retry it when `retryable`.
 * The message is for people: say what failed, never a secret or a raw response body.
 */
export class ProviderError extends Error {
  override name = "ProviderError";
  readonly provider: string;
  readonly retryable: boolean;
  /** The provider's HTTP status, when it answered one. */
  readonly status?: number;

  constructor(
    message: string,
    options: { provider: string; retryable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.retryable = options.retryable;
    this.status = options.status;
  }
}
