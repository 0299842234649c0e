import {
  defineProvider,
  type ProviderContext,
  type ProviderInstall,
  providersOption,
  type z,
} from "@lectern/core";
import type { PaymentGateway } from "./gateway.js";

export { ProviderError } from "@lectern/core";

/** The slot gateways fill: `payments({ gateways: [stripe({...}), manual()] })`. */
export const GATEWAY_SLOT = "payments.gateways";

declare module "@lectern/core" {
  interface LecternProviderSlots {
    "payments.gateways": PaymentGateway;
  }
}

/** What a gateway's `create` receives (core's provider context). */
export type GatewayContext = ProviderContext;

/** A gateway as installed. */
export type GatewayProvider = ProviderInstall<PaymentGateway>;

export interface GatewayDefinition<Schema extends z.ZodType> {
  /** Lower-case letters, digits and dashes: it appears in webhook URLs. */
  id: string;
  name: string;
  options: Schema;
  /** The name students see, when the options may change it. */
  displayName?: (options: z.output<Schema>) => string;
  create(ctx: GatewayContext, options: z.output<Schema>): PaymentGateway;
}

/**
 * Declares a gateway plugin: core's `defineProvider` for the `payments.gateways` slot. Options
 * are checked at boot; errors name the plugin, the gateway and the field, never the value.
 */
export function defineGateway<Schema extends z.ZodType>(
  definition: GatewayDefinition<Schema>,
): (options?: z.input<Schema>) => GatewayProvider {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.id)) throw new Error(`Invalid gateway id "${definition.id}".`);
  const install = defineProvider<PaymentGateway, Schema>({
    slot: GATEWAY_SLOT,
    id: definition.id,
    name: definition.name,
    options: definition.options,
    create: definition.create,
  });
  return (raw) => ({ ...install(raw), name: nameOf(definition, raw) });
}

export const gatewaysOption = providersOption(GATEWAY_SLOT);

export interface InstalledGateway {
  id: string;
  name: string;
  gateway: PaymentGateway;
}

function nameOf<Schema extends z.ZodType>(definition: GatewayDefinition<Schema>, raw: unknown): string {
  if (!definition.displayName) return definition.name;
  const parsed = definition.options.safeParse(raw ?? {});
  return parsed.success ? definition.displayName(parsed.data) : definition.name;
}
