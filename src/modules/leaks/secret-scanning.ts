import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { ChangeActor, TransactionRunner } from "../../db/transaction";
import type { RequestOrigin } from "../../common/request-origin";
import { ApiKey } from "../api-key/api-key.entity";
import { PlatformKey } from "../platform-key/platform-key.entity";
import { hashToken, isWellFormedPlatformToken, isWellFormedToken } from "../api-key/token";

/** One match as GitHub's secret scanning sends it. */
interface Match {
  token: string;
  type: string;
  url?: string;
  source?: string;
}

/** What we answer for each match (GitHub's feedback format; the token by its SHA-256, never echoed). */
export interface MatchLabel {
  token_hash: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

/** An unknown key identifier refetches the public keys, at most this often. */
const REFETCH_MS = 60_000;
export const MAX_MATCHES = 1000;

/** A report that is not GitHub's, or not signed by GitHub's key. */
export class ScanRejected extends Error {
  constructor(
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

/**
 * GitHub's secret-scanning partner endpoint: a signed list of tokens found in public code. The signature (ECDSA P-256
 * over the raw body, DER, base64) is checked with node:crypto against the public key the identifier names, from
 * `keysUrl` (GitHub's `{ public_keys: [{ key_identifier, key }] }`), cached and refetched for an unknown identifier.
 * Every token that is one of our keys is revoked at once (actor: the scanner) and recorded as `api_key.leaked`.
 */
export class SecretScanning {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly keysUrl: string,
  ) {}

  /** @throws ScanRejected (401 unsigned or badly signed, 400 not a list of matches) */
  async report(
    body: string,
    keyId: string | undefined,
    signature: string | undefined,
    origin?: RequestOrigin,
  ): Promise<MatchLabel[]> {
    const scanner: ChangeActor = { kind: "scanner", display: "GitHub secret scanning", origin };
    if (!keyId || !signature) throw new ScanRejected(401, "GitHub-Public-Key-Identifier and -Signature are required");
    const key = await this.publicKey(keyId);
    const signatureBytes = Buffer.from(signature, "base64");
    if (
      !key ||
      signatureBytes.length === 0 ||
      !verify("sha256", Buffer.from(body), { key, dsaEncoding: "der" }, signatureBytes)
    )
      throw new ScanRejected(401, "The signature does not verify");
    const matches = parseMatches(body);
    const labels: MatchLabel[] = [];
    for (const match of matches) labels.push(await this.handle(match, scanner));
    return labels;
  }

  private async handle(match: Match, scanner: ChangeActor): Promise<MatchLabel> {
    const answer = (label: MatchLabel["label"]): MatchLabel => ({
      token_hash: hashToken(match.token),
      token_type: match.type,
      label,
    });
    if (isWellFormedPlatformToken(match.token)) {
      // a platform key in public code: ours, and revoked as well (it is the operator's, not a tenant's)
      const revoked = await this.tx.run(
        async (m, writes) => {
          const key = await m.getRepository(PlatformKey).findOneBy({ tokenHash: hashToken(match.token) });
          if (!key) return false;
          if (!key.revokedAt) await writes.update(PlatformKey, key, { revokedAt: writes.now }, "platform_key.revoked");
          return true;
        },
        { actor: scanner },
      );
      return answer(revoked ? "true_positive" : "false_positive");
    }
    if (!isWellFormedToken(match.token)) return answer("false_positive");
    const found = await this.tx.run(
      async (m, writes) => {
        const key = await m.getRepository(ApiKey).findOneBy({ tokenHash: hashToken(match.token) });
        if (!key) return false;
        if (!key.revokedAt) await writes.update(ApiKey, key, { revokedAt: writes.now }, "api_key.revoked");
        writes.record({
          action: "api_key.leaked",
          organizationId: key.organizationId,
          environment: key.environment,
          target: { type: "api_key", id: key.id },
          changes: { foundAt: { from: null, to: match.url ?? null }, source: { from: null, to: match.source ?? null } },
        });
        return true;
      },
      { actor: scanner },
    );
    return answer(found ? "true_positive" : "false_positive");
  }

  /** The public key named `keyId`: from the cache, else from a fresh fetch (at most once a minute). */
  private async publicKey(keyId: string): Promise<KeyObject | null> {
    const cached = this.keys.get(keyId);
    if (cached) return cached;
    if (Date.now() - this.fetchedAt < REFETCH_MS && this.fetchedAt !== 0) return null;
    this.fetchedAt = Date.now();
    try {
      const response = await fetch(this.keysUrl, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return null;
      const json = (await response.json()) as { public_keys?: { key_identifier?: unknown; key?: unknown }[] };
      const keys = new Map<string, KeyObject>();
      for (const entry of json.public_keys ?? []) {
        if (typeof entry.key_identifier !== "string" || typeof entry.key !== "string") continue;
        try {
          keys.set(entry.key_identifier, createPublicKey(entry.key));
        } catch {
          // a key we cannot read is skipped, the others still count
        }
      }
      this.keys = keys;
    } catch {
      return null;
    }
    return this.keys.get(keyId) ?? null;
  }
}

/** The body as GitHub sends it: a JSON array of `{ token, type, url, source }`. @throws ScanRejected (400) */
function parseMatches(body: string): Match[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ScanRejected(400, "The body is not JSON");
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_MATCHES)
    throw new ScanRejected(400, "Expected an array of matches");
  return parsed.map((item: unknown) => {
    const m = item as Partial<Record<keyof Match, unknown>>;
    if (typeof m !== "object" || m === null || typeof m.token !== "string" || typeof m.type !== "string")
      throw new ScanRejected(400, "Each match needs a token and a type");
    return {
      token: m.token,
      type: m.type.slice(0, 100),
      url: typeof m.url === "string" ? m.url.slice(0, 2000) : undefined,
      source: typeof m.source === "string" ? m.source.slice(0, 100) : undefined,
    };
  });
}
