import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

export type TokenEnvironment = "SANDBOX" | "PRODUCTION";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
export const TOKEN_PATTERN = /^lk_(test|live)_[0-9A-Za-z]{36}$/;

const prefixOf = (environment: TokenEnvironment) => (environment === "PRODUCTION" ? "lk_live_" : "lk_test_");

/** `length` base62 characters from the CSPRNG, without modulo bias (bytes ≥ 248 are dropped). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** CRC32 of `text` written as exactly six base62 digits (62^6 > 2^32). */
export function checksum(text: string): string {
  let n = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A platform key's token: `lk_plat_`, 30 random characters, six of checksum. */
export const PLATFORM_TOKEN_PATTERN = /^lk_plat_[0-9A-Za-z]{36}$/;
const PLATFORM_PREFIX = "lk_plat_";

const tokenWithPrefix = (prefix: string) => {
  const body = prefix + randomBase62(RANDOM_LENGTH);
  return body + checksum(body);
};
const checksumHolds = (candidate: string) => {
  const cut = candidate.length - CHECKSUM_LENGTH;
  return checksum(candidate.slice(0, cut)) === candidate.slice(cut);
};

/** A new plaintext token: prefix, 30 random characters, checksum of everything before it. */
export const generateToken = (environment: TokenEnvironment): string => tokenWithPrefix(prefixOf(environment));

/** A new platform key token, same construction as an API key's. */
export const generatePlatformToken = (): string => tokenWithPrefix(PLATFORM_PREFIX);

/** True when `candidate` has the token format and a correct checksum: no database needed. */
export const isWellFormedToken = (candidate: string): boolean =>
  TOKEN_PATTERN.test(candidate) && checksumHolds(candidate);

/** The same for a platform key's token. */
export const isWellFormedPlatformToken = (candidate: string): boolean =>
  PLATFORM_TOKEN_PATTERN.test(candidate) && checksumHolds(candidate);

/** Looks like a token (prefix), whether or not its checksum is right. */
export const looksLikeToken = (candidate: string) =>
  candidate.startsWith("lk_test_") || candidate.startsWith("lk_live_");

/** SHA-256, hex: the only form of the token that is stored. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** First 12 and last 4 characters, e.g. `lk_live_3kF9…x2Qa`. */
export const tokenHint = (token: string) => `${token.slice(0, 12)}…${token.slice(-4)}`;
