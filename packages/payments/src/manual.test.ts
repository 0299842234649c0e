import { describe, expect, it } from "vitest";
import { manual, manualReference } from "./manual.js";
import { createGateway, gatewayConformance } from "./testing/index.js";

// Bank transfer has no service behind it: the offline part of the contract.
gatewayConformance("manual", async () => ({ gateway: createGateway(manual()), close: async () => {} }), {
  offline: true,
});

describe("manual gateway", () => {
  it("fills the instructions with the amount in the institution's locale and a stable reference", () => {
    const gateway = createGateway(
      manual({ instructions: "Pay {amount}, quote {reference}.", locale: "de-DE" }),
    );
    const paymentId = "0f3c2a91-7b1e-4d3a-9c55-1a2b3c4d5e6f";
    const text = gateway.instructions!({
      paymentId,
      reference: manualReference(paymentId),
      total: { amount: 4900, currency: "EUR" },
    });
    expect(text).toMatch(/^Pay 49,00\s€, quote LEC-0F3C2-A917B\.$/);
  });
});
