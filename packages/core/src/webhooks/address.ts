import { lookup } from "node:dns";
import { BlockList, isIP } from "node:net";

/** Addresses a webhook may not reach unless configured: loopback, private, link-local, and the like. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv6");

/** Whether the address is private, loopback or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

export class BlockedAddressError extends Error {
  constructor(readonly address: string) {
    super(`The address ${address} is private or loopback, and not allowed for webhooks.`);
  }
}

/**
 * A `lookup` for http.request that refuses private addresses (unless allowed) at connection
 * time, so a name that resolves differently later (DNS rebinding) cannot reach the inside.
 */
export function guardedLookup(allowed: ReadonlySet<string>) {
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const list = addresses as { address: string; family: number }[];
      const blocked = list.find((a) => isPrivateAddress(a.address) && !allowed.has(a.address));
      if (blocked) return callback(new BlockedAddressError(blocked.address));
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  }) as never;
}

/** Resolves the URL's host and throws if any address it names is private and not allowed. */
export async function assertPublicUrl(url: URL, allowed: ReadonlySet<string>): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [host]
    : await new Promise<string[]>((resolve, reject) =>
        lookup(host, { all: true }, (error, list) =>
          error ? reject(error) : resolve(list.map((a) => a.address)),
        ),
      );
  const blocked = addresses.find((a) => isPrivateAddress(a) && !allowed.has(a));
  if (blocked) throw new BlockedAddressError(blocked);
}
