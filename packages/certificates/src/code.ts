import { randomInt } from "node:crypto";

// Crockford's base32: no I, L, O or U, so a code read aloud or off paper is hard to mistype.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 12; // 12 × 5 = 60 bits: guessing one of a million issued codes takes ~10^12 tries.

/** A crypto-random verification code such as "7KQ2-M9XD-4HRT". */
export function generateVerificationCode(): string {
  let raw = "";
  for (let i = 0; i < LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return formatCode(raw);
}

function formatCode(raw: string): string {
  return raw.match(/.{1,4}/g)!.join("-");
}

/**
 * The canonical form of what a person typed, or null when it cannot be a code:
 * case, spaces and dashes are ignored, and look-alikes map as Crockford's spec says (O→0, I/L→1).
 */
export function normaliseCode(input: string): string | null {
  const raw = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (raw.length !== LENGTH || [...raw].some((c) => !ALPHABET.includes(c))) return null;
  return formatCode(raw);
}
