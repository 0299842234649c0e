import { describe, expect, it } from "vitest";
import { formatMoney, MoneySchema } from "./money.js";

describe("money", () => {
  it("formats minor units with each currency's own decimals", () => {
    expect(formatMoney({ amount: 4900, currency: "USD" })).toBe("$49.00");
    expect(formatMoney({ amount: 4900, currency: "JPY" })).toBe("¥4,900");
    expect(formatMoney({ amount: 12345, currency: "EUR" }, "de")).toBe("123,45\u00a0€");
    // A code Intl refuses still reads as an amount.
    expect(formatMoney({ amount: 500, currency: "EURO" })).toBe("500 EURO");
  });

  it("accepts only integer minor units and ISO codes", () => {
    expect(MoneySchema.safeParse({ amount: 49.5, currency: "USD" }).success).toBe(false);
    expect(MoneySchema.safeParse({ amount: 4950, currency: "usd" }).success).toBe(false);
    expect(MoneySchema.safeParse({ amount: 4950, currency: "USD" }).success).toBe(true);
  });
});
