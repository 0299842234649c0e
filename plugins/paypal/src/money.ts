import type { Money } from "@lectern/core";
import { ProviderError } from "@lectern/payments";

/** Currencies PayPal takes only in whole units, although Intl (and so Lectern) gives them decimals. */
const WHOLE_UNITS_ONLY = new Set(["HUF", "TWD"]);

function isoDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Lectern's integer minor units as PayPal's decimal string: `{4900, USD}` → `"49.00"`, `{500, JPY}` → `"500"`. */
export function toPayPalValue(money: Money): { currency_code: string; value: string } {
  const digits = isoDigits(money.currency);
  const unit = 10 ** digits;
  if (WHOLE_UNITS_ONLY.has(money.currency) && money.amount % unit !== 0) {
    throw new ProviderError(`PayPal takes ${money.currency} only in whole units.`, {
      provider: "paypal",
      retryable: false,
    });
  }
  const whole = Math.floor(money.amount / unit);
  const fraction = String(money.amount % unit).padStart(digits, "0");
  const value = WHOLE_UNITS_ONLY.has(money.currency) || digits === 0 ? String(whole) : `${whole}.${fraction}`;
  return { currency_code: money.currency, value };
}

/** PayPal's `{currency_code, value}` as integer minor units, without floating point. */
export function fromPayPalValue(amount: { currency_code: string; value: string }): Money {
  const currency = amount.currency_code.toUpperCase();
  const digits = isoDigits(currency);
  const [whole = "0", fraction = ""] = amount.value.trim().split(".");
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction) || fraction.length > digits) {
    // An amount Lectern cannot represent exactly never equals a stored payment: review, not enroll.
    return { amount: -1, currency };
  }
  return { amount: Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || 0), currency };
}
