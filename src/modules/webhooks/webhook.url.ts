import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { badInput } from "../../errors/app-error";

export const WEBHOOK_URL_MAX = 2000;

/** A public unicast address: not private, loopback, link-local, unique-local, multicast, reserved or unspecified. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/**
 * An endpoint URL as given to create/update: http(s) (https only in production), at most 2,000 characters, no
 * credentials in it, and — unless private addresses are allowed — no literal private, loopback or link-local address
 * and no `localhost`. Names are checked again at every delivery, by the address actually connected to.
 * @throws BAD_USER_INPUT (url)
 */
export function checkEndpointUrl(raw: string, options: { production: boolean; allowPrivate: boolean }): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput("url", "url must be an absolute http(s) URL");
  }
  if (text.length > WEBHOOK_URL_MAX) throw badInput("url", `url must be at most ${WEBHOOK_URL_MAX} characters`);
  if (url.protocol !== "https:" && (url.protocol !== "http:" || options.production))
    throw badInput("url", options.production ? "url must use https" : "url must use http or https");
  if (url.username || url.password) throw badInput("url", "url must not carry credentials");
  if (!options.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const literal = ipaddr.isValid(host);
    if ((literal && !isPublicAddress(host)) || host === "localhost" || host.endsWith(".localhost"))
      throw badInput("url", "url must not point to a private, loopback or link-local address");
  }
  return url.toString();
}

/**
 * A DNS lookup for deliveries that refuses names resolving to non-public addresses: the check happens on the address
 * the socket connects to, so a name cannot pass the check and then rebind to a private address.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      const denied = Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: "EPRIVATE" });
      return callback(denied, "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};
