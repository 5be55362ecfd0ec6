import ipaddr from "ipaddr.js";
import { badInput } from "../errors/app-error";

/** At most this many CIDRs per key (and in an organization's default). */
export const MAX_IP_RANGES = 50;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Validates and normalizes an allowlist: each entry an IPv4 or IPv6 CIDR, or a bare address (a /32 or /128), given in
 * the canonical notation only (four decimal parts for IPv4: `010.0.0.1` or `10.1` would be read in octal or short
 * form by a lenient parser and mean another network). Host bits are cleared (`10.1.2.3/8` → `10.0.0.0/8`), IPv6 is
 * written compact and lower-case, IPv4-mapped IPv6 becomes IPv4, duplicates go. Null or [] means any address.
 * Parsing is ipaddr.js's. @throws BAD_USER_INPUT (`field`)
 */
export function normalizeIpRanges(field: string, list: readonly string[] | null | undefined): string[] | null {
  if (list == null || list.length === 0) return null;
  if (list.length > MAX_IP_RANGES) throw badInput(field, `At most ${MAX_IP_RANGES} IP ranges`);
  const normalized = new Set<string>();
  for (const entry of list) {
    const text = entry.trim();
    const [address, prefix, ...rest] = text.split("/");
    const isV4 = ipaddr.IPv4.isValidFourPartDecimal(address);
    const isV6 = !isV4 && address.includes(":") && ipaddr.IPv6.isValid(address);
    const bits = isV4 ? 32 : 128;
    const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (text.length > 64 || rest.length > 0 || (!isV4 && !isV6) || length < 0 || length > bits)
      throw badInput(field, `Not an IPv4 or IPv6 CIDR: ${JSON.stringify(entry.slice(0, 64))}`);
    let network = (isV4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(`${address}/${length}`);
    let networkLength = length;
    if (network instanceof ipaddr.IPv6 && network.isIPv4MappedAddress() && length >= 96) {
      network = network.toIPv4Address();
      networkLength = length - 96;
    }
    normalized.add(`${network.toString()}/${networkLength}`);
  }
  return [...normalized];
}

const parsedCache = new Map<string, Range[]>();

/** Parsed ranges, kept per distinct list (a key's list is parsed once per process, not per request). */
function parsed(ranges: readonly string[]): Range[] {
  const cacheKey = ranges.join(" ");
  let result = parsedCache.get(cacheKey);
  if (!result) {
    result = ranges.map((r) => ipaddr.parseCIDR(r));
    if (parsedCache.size >= 10_000) parsedCache.clear();
    parsedCache.set(cacheKey, result);
  }
  return result;
}

/** Whether `address` (as Fastify's request.ip gives it, IPv4-mapped IPv6 included) is inside one of `ranges`. */
export function isAddressAllowed(ranges: readonly string[] | null, address: string | null | undefined): boolean {
  if (!ranges || ranges.length === 0) return true;
  if (!address || !ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  return parsed(ranges).some(([network, length]) => network.kind() === ip.kind() && ip.match(network, length));
}
