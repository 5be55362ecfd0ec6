import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config";

export interface JwtClaims {
  userId: string;
}

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

  constructor(private readonly config: Config, secret = resolveJwtSecret(config)) {
    if (secret) this.secretKey = new TextEncoder().encode(secret);
    if (config.jwt.jwksUrl) this.jwks = createRemoteJWKSet(new URL(config.jwt.jwksUrl));
  }

  /** Returns the claims, or null for any token that is malformed, badly signed, expired or lacks `sub`/`exp`. */
  async verify(token: string): Promise<JwtClaims | null> {
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
      return payload?.sub ? { userId: payload.sub } : null;
    } catch {
      return null;
    }
  }

  /** Signs an HS256 token for a user (CLI, seeding, tests). */
  async sign(userId: string, expiresIn: string | number = "1h"): Promise<string> {
    if (!this.secretKey) throw new Error("JWT_SECRET is required to issue tokens (JWKS is verify-only)");
    let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(userId).setIssuedAt().setExpirationTime(expiresIn);
    if (this.config.jwt.issuer) jwt = jwt.setIssuer(this.config.jwt.issuer);
    if (this.config.jwt.audience) jwt = jwt.setAudience(this.config.jwt.audience);
    return jwt.sign(this.secretKey);
  }
}
