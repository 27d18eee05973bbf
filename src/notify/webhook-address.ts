/**
 * Where a webhook may be sent: public addresses only, unless the operator allows a private range
 * (HANDOFF_WEBHOOK_ALLOW). An admin's URL must not become a way to reach the cloud metadata
 * service, the database or the admin pages of the machines beside the server (SSRF). The address is
 * checked after DNS resolution, on the address actually connected to, so a name that resolves to a
 * public address when saved and a private one when sent (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { BlockList, isIP } from "node:net";

/** Ranges that are not the public internet (IANA special-purpose registries, RFC 6890 and after). */
const PRIVATE_RANGES: ReadonlyArray<readonly [string, number, "ipv4" | "ipv6"]> = [
  ["0.0.0.0", 8, "ipv4"], // "this network"
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"], // carrier-grade NAT
  ["127.0.0.0", 8, "ipv4"], // loopback
  ["169.254.0.0", 16, "ipv4"], // link-local, including the cloud metadata service
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"], // documentation
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"], // benchmarking
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"], // multicast
  ["240.0.0.0", 4, "ipv4"], // reserved, and broadcast
  ["::", 128, "ipv6"],
  ["::1", 128, "ipv6"],
  ["64:ff9b:1::", 48, "ipv6"], // local-use NAT64
  ["100::", 64, "ipv6"], // discard
  ["2001:db8::", 32, "ipv6"], // documentation
  ["fc00::", 7, "ipv6"], // unique local
  ["fe80::", 10, "ipv6"], // link-local
  ["ff00::", 8, "ipv6"], // multicast
];

const PRIVATE = new BlockList();
for (const [network, prefix, family] of PRIVATE_RANGES) PRIVATE.addSubnet(network, prefix, family);

/**
 * An IPv4 address written as IPv6 (::ffff:10.0.0.1, or NAT64's 64:ff9b::10.0.0.1, in dotted or hex
 * form: URLs write ::ffff:a00:1) is judged as the IPv4 address it carries.
 */
function embeddedIpv4(address: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d{1,3}(?:\.\d{1,3}){3})|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(
    address,
  );
  if (!match) return null;
  if (match[1]) return match[1];
  const high = Number.parseInt(match[2] ?? "", 16);
  const low = Number.parseInt(match[3] ?? "", 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

export interface AddressPolicy {
  /** Why the address may not be reached ("a private address …"), or null when it may. */
  refusal(address: string): string | null;
}

/**
 * `allow` lists addresses and CIDR ranges (`10.0.0.0/8`, `127.0.0.1`, `fd00::/8`) that may be reached
 * although they are private: webhooks to a CRM on the same network, or a test receiver on loopback.
 */
export function addressPolicy(allow: readonly string[]): AddressPolicy {
  const allowed = new BlockList();
  for (const entry of allow) {
    const [network = "", prefix] = entry.split("/");
    const family = isIP(network) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) allowed.addAddress(network, family);
    else allowed.addSubnet(network, Number(prefix), family);
  }
  return {
    refusal(address) {
      const version = isIP(address);
      if (version === 0) return "not an IP address";
      const v4 = version === 6 ? embeddedIpv4(address) : address;
      const [judged, family] = v4 ? [v4, "ipv4" as const] : [address, "ipv6" as const];
      if (allowed.check(judged, family) || allowed.check(address, version === 6 ? "ipv6" : "ipv4"))
        return null;
      if (!PRIVATE.check(judged, family)) return null;
      return "a private address (HANDOFF_WEBHOOK_ALLOW can allow it)";
    },
  };
}

/** The host of a URL as an address to check, when it is written as one (brackets of IPv6 removed). */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}

/** Why a webhook URL may not be saved, or null: a literal private address, or localhost. */
export function urlRefusal(url: string, policy: AddressPolicy): string | null {
  const { hostname } = new URL(url);
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) {
    return policy.refusal("127.0.0.1") === null ? null : "points to this machine (localhost)";
  }
  const literal = literalAddress(host);
  if (literal === null) return null;
  const refusal = policy.refusal(literal);
  return refusal === null ? null : `points to ${literal}, ${refusal}`;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A drop-in for dns.lookup, given to http.request, that fails the connection when any address a
 * name resolves to is refused (all of them are checked, since the socket may try each in turn).
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refusal = policy.refusal(address);
        if (refusal !== null) {
          const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${address}, ${refusal}`);
          refused.code = "EADDRNOTAVAIL";
          return callback(refused, []);
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}
