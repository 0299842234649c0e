import { isIP } from "node:net";

/** Host names that always mean "this machine" or "this private network". */
const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/i;

function privateIPv4(address: string): boolean {
  const [a = 0, b = 0] = address.split(".").map(Number);
  return (
    a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  );
}

function privateIPv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  // IPv4-mapped or -translated addresses carry an IPv4 address in their last 32 bits.
  const mapped = lower.match(/^::ffff:(?:0:)?(.+)$/);
  if (mapped) {
    const tail = mapped[1]!;
    if (isIP(tail) === 4) return privateIPv4(tail);
    const [hi = "0", lo = "0"] = tail.split(":");
    const n = (Number.parseInt(hi, 16) << 16) | Number.parseInt(lo, 16);
    return privateIPv4([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));
  }
  const first = Number.parseInt(lower.split(":")[0] || "0", 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}

/**
 * Why a URL may not be used as an outbound link or webhook target, or null when it may: only
 * http(s), and never a loopback, private, link-local or otherwise internal address. The WHATWG
 * parser first normalises the tricks (`http://2852039166/`, `0xa9fea9fe`, `127.1`) to dotted form.
 * Names are not resolved here: a caller that fetches the URL must also check the resolved address.
 */
export function publicUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full address, starting with https://.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Only http and https links are allowed.";
  if (url.username || url.password) return "Links may not carry a user name or password.";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const internal = "Links to private, loopback or link-local addresses are not allowed.";
  const family = isIP(host);
  if (family === 4 && privateIPv4(host)) return internal;
  if (family === 6 && privateIPv6(host)) return internal;
  if (family === 0 && (INTERNAL_NAMES.test(host) || !host.includes("."))) return internal;
  return null;
}
