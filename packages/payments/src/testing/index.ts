/** Test kit for payment gateways: the conformance tests, and an in-process gateway with its fake service. */
export { type ConformanceHarness, type ConformanceOptions, gatewayConformance } from "./conformance.js";
export { FakeGatewayServer, fakeGateway, type SignedWebhook } from "./fake-gateway.js";

import { createLogger, type Executor, ManualClock } from "@lectern/core";
import type { PaymentGateway } from "../gateway.js";
import type { GatewayContext, GatewayProvider } from "../providers.js";
import { payments as paymentsTable } from "../schema.js";

/** Creates an installed gateway outside a Lectern, as boot would: for a gateway's own tests. */
export function createGateway(install: GatewayProvider, ctx: Partial<GatewayContext> = {}): PaymentGateway {
  const { definition, rawOptions } = install;
  const options = definition.options ? definition.options.parse(rawOptions) : {};
  return definition.create(
    {
      logger: createLogger({ level: "silent" }),
      clock: new ManualClock(),
      config: { publicUrl: "http://127.0.0.1", timeZone: "UTC", demo: false },
      fetch,
      secret: async (name) => `test-secret-${name}`,
      ...ctx,
    },
    options,
  );
}

/** A payment row as stored; for load tests that need many payments without a checkout each. */
export type PaymentSeed = typeof paymentsTable.$inferInsert;

/**
 * Inserts payments as they are stored, in batches: for benchmarks and tests that need thousands
 * of pending payments without driving a checkout for each.
 */
export async function insertPayments(executor: Executor, rows: PaymentSeed[], batch = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += batch)
    await executor.insert(paymentsTable).values(rows.slice(i, i + batch));
}
