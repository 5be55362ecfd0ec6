import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from "jose";
import { formatDuration, parseDuration, type Config } from "../config";

export interface JwtClaims {
  /** `sub`: a Latchkey user id, or with JWT_SUBJECT=externalId the SaaS's own user id. */
  subject: string;
  /** JWT_ORGANIZATION_CLAIM's value (the organization's externalId), when configured and present. */
  organization?: string;
  email?: string;
  /** JWT_ROLE_CLAIM's value (a string, or the first string of a list). */
  role?: string;
}

const stringClaim = (value: unknown): string | undefined => {
  if (typeof value === "string" && value.length > 0 && value.length <= 255) return value;
  if (Array.isArray(value)) return stringClaim(value.find((v) => typeof v === "string"));
  return undefined;
};

/**
 * Outside production a missing JWT_SECRET is generated once and kept in the data directory,
 * so tokens printed by `npm start` or the CLI stay valid across restarts.
 */
export function resolveJwtSecret(config: Config): string | undefined {
  if (config.jwt.secret || config.jwt.jwksUrl || config.production) return config.jwt.secret;
  const file = join(config.dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** Verifies and issues users' JWTs (HS256 with a secret, or RS256/ES256 through a JWKS). */
export class JwtService {
  private readonly secretKey?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;

  constructor(
    private readonly config: Config,
    secret = resolveJwtSecret(config),
  ) {
    if (secret) this.secretKey = new TextEncoder().encode(secret);
    if (config.jwt.jwksUrl) this.jwks = createRemoteJWKSet(new URL(config.jwt.jwksUrl));
  }

  /**
   * Returns the claims, or null for any token that is malformed (anything but the strict compact form),
   * badly signed, expired, lacks `sub`/`exp`, or lives longer than JWT_MAX_TTL.
   */
  async verify(token: string, now = Date.now()): Promise<JwtClaims | null> {
    if (!isStrictCompactJws(token)) return null;
    const options = {
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      requiredClaims: ["exp", "sub"],
    };
    try {
      const { payload } = this.jwks
        ? await jwtVerify(token, this.jwks, { ...options, algorithms: ["RS256", "ES256"] })
        : this.secretKey
          ? await jwtVerify(token, this.secretKey, { ...options, algorithms: ["HS256"] })
          : { payload: null };
      if (!payload?.sub || typeof payload.exp !== "number") return null;
      // a lifetime counted from iat, or from now when iat is absent or in the future
      const from = Math.min(typeof payload.iat === "number" ? payload.iat : Infinity, now / 1000);
      if (payload.exp - from > this.config.jwt.maxTtlSeconds) return null;
      const { organizationClaim, roleClaim } = this.config.jwt;
      return {
        subject: payload.sub,
        organization: organizationClaim ? stringClaim(payload[organizationClaim]) : undefined,
        email: stringClaim(payload.email),
        role: stringClaim(payload[roleClaim]),
      };
    } catch {
      return null;
    }
  }

  /** Signs an HS256 token for a user (CLI, seeding, tests), valid `expiresIn` seconds, at most JWT_MAX_TTL. */
  async sign(userId: string, lifetime: string | number = "1h"): Promise<string> {
    if (!this.secretKey) throw new Error("JWT_SECRET is required to issue tokens (JWKS is verify-only)");
    const seconds = typeof lifetime === "number" ? lifetime : parseDuration(lifetime);
    if (seconds === null || seconds <= 0)
      throw new JwtLifetimeError("A token lifetime (--expires-in) looks like 30m, 1h or 7d");
    if (seconds > this.config.jwt.maxTtlSeconds) {
      throw new JwtLifetimeError(
        `A token (--expires-in) may live at most JWT_MAX_TTL (${formatDuration(this.config.jwt.maxTtlSeconds)})`,
      );
    }
    const expiresIn = Math.floor(Date.now() / 1000) + seconds;
    let jwt = new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(expiresIn);
    if (this.config.jwt.issuer) jwt = jwt.setIssuer(this.config.jwt.issuer);
    if (this.config.jwt.audience) jwt = jwt.setAudience(this.config.jwt.audience);
    return jwt.sign(this.secretKey);
  }
}

/** Asked for a token longer-lived than JWT_MAX_TTL allows. */
export class JwtLifetimeError extends Error {}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Exactly three base64url segments, unpadded, each in its one canonical spelling: a lenient decoder
 * would otherwise accept `<jwt>;`, `<jwt>==` or stray characters, giving one token many spellings.
 */
export function isStrictCompactJws(token: string): boolean {
  if (token.length > 8192 || !COMPACT_JWS.test(token)) return false;
  return token.split(".").every((segment) => Buffer.from(segment, "base64url").toString("base64url") === segment);
}
