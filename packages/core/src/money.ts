import { z } from "@hono/zod-openapi";

/** Money is integer minor units with an ISO 4217 currency: `{ amount: 4900, currency: "USD" }`. */
export interface Money {
  amount: number;
  currency: string;
}

export const MoneySchema = z
  .object({
    amount: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .openapi({ description: "Integer minor units", example: 4900 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "An ISO 4217 code in capitals, such as USD.")
      .openapi({ example: "USD" }),
  })
  .openapi("Money");

/** For people: `formatMoney({amount: 4900, currency: "USD"}, "en")` → `$49.00`; uses the currency's own decimals. */
export function formatMoney(money: Money, locale = "en"): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: "currency", currency: money.currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(money.amount / 10 ** digits);
  } catch {
    // A code Intl does not know still reads as an amount, never as an error.
    return `${money.amount} ${money.currency}`;
  }
}
