import { DataSource } from "typeorm";
import { TransactionRunner } from "../db/transaction";
import { rowMapper } from "../db/rows";
import { fixedSql, quoted } from "../db/sql";
import {
  ApiKey,
  ApiKeyEnvironment,
  ApiKeyScope,
  ApiKeyStatus,
  ApiKeyWorkspace,
  statusOf,
} from "../modules/api-key/api-key.entity";
import { Organization } from "../modules/organization/organization.entity";
import { hashToken, isWellFormedToken } from "../modules/api-key/token";
import { LastUsedThrottle, writeLastUsed } from "./last-used";
import { isAddressAllowed } from "../common/ip-ranges";
import type { UsageCounter } from "../modules/usage/usage.counter";
import type { ApiKeyPrincipal } from "./principal";
import type { VerificationCache } from "./verify-cache";

/** What one authentication by API key came to (a label of latchkey_api_key_authentications_total). */
export type KeyAuthOutcome =
  "success" | "bad_checksum" | "unknown" | "revoked" | "expired" | "suspended" | "ip_not_allowed" | "api_plan_required";
export type KeyAuthFailure = Exclude<KeyAuthOutcome, "success">;

const FAILURE_OF: Record<Exclude<ApiKeyStatus, ApiKeyStatus.ACTIVE>, KeyAuthFailure> = {
  [ApiKeyStatus.REVOKED]: "revoked",
  [ApiKeyStatus.EXPIRED]: "expired",
  [ApiKeyStatus.SUSPENDED]: "suspended",
};

/**
 * A key by its token's hash, with its organization's row joined in (undefined only while a deleteOrganization
 * commits): one fixed statement on the primary, built once per data source, mapped by rowMapper.
 */
async function keyWithOrganization(
  db: DataSource,
  tokenHash: string,
): Promise<{ key: ApiKey; organization: Organization | undefined } | null> {
  const keys = rowMapper(db, ApiKey, "k");
  const organizations = rowMapper(db, Organization, "o");
  const sql = fixedSql(db, "keyWithOrganization", () => {
    const q = (name: string) => quoted(db, name);
    const keyTable = db.getMetadata(ApiKey);
    const organizationTable = db.getMetadata(Organization);
    const column = (property: string) => q(keyTable.findColumnWithPropertyName(property)!.databaseName);
    return (
      `SELECT ${keys.quotedSelect}, ${organizations.quotedSelect} FROM ${q(keyTable.tableName)} ${q("k")} ` +
      `LEFT JOIN ${q(organizationTable.tableName)} ${q("o")} ` +
      `ON ${q("o")}.${q(organizationTable.primaryColumns[0].databaseName)} = ${q("k")}.${column("organizationId")} ` +
      `WHERE ${q("k")}.${column("tokenHash")} = ? LIMIT 1`
    );
  });
  const rows = await db.query<Record<string, unknown>[]>(sql, [tokenHash]);
  const key = rows.length ? keys.map(rows[0]) : null;
  return key ? { key, organization: organizations.map(rows[0]) ?? undefined } : null;
}

/**
 * Authenticates API keys: checksum first (no lookup for a mistyped or random string), then by hash.
 * Every request reads the key row, so a revocation takes effect on the next request — or, with the optional
 * verification cache (VERIFY_CACHE_TTL_MS), finds it in memory, where every change of its organization drops
 * it on every process before the change answers (verify-cache.ts).
 */
export class ApiKeyAuthenticator {
  private readonly lastUsed = new LastUsedThrottle();

  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly usage: UsageCounter,
    private readonly observe: (outcome: KeyAuthOutcome) => void = () => undefined,
    private readonly cache?: VerificationCache,
  ) {}

  /** The key's principal, or why the token was refused; `address` is the client's (request.ip). */
  async authenticate(token: string, now: Date, address: string): Promise<ApiKeyPrincipal | KeyAuthFailure> {
    const { key, outcome } = await this.check(token, now, address);
    return key && outcome === "success" ? this.principalOf(key) : (outcome as KeyAuthFailure);
  }

  /**
   * The rules of SPEC §4 for one token, shared by authentication and verifyApiKey: checksum (no read), the row by
   * hash, its status, its IP allowlist (`address`: the client's; null when unknown, which a key with an allowlist
   * refuses), the organization's API plan for a production key; lastUsedAt (and lastUsedIp) written when it passes.
   * A refused known key counts as `denied` in its usage; the caller counts a pass once the budget is spent.
   * `key` is the row whenever one matched, refused or not; `organization` its organization's row, read with it (in
   * the same statement), so a caller needing it does not read it again.
   */
  async check(
    token: string,
    now: Date,
    address: string | null,
  ): Promise<{ key: ApiKey | null; outcome: KeyAuthOutcome; organization?: Organization }> {
    if (!isWellFormedToken(token)) return { key: null, outcome: this.fail("bad_checksum") };
    const tokenHash = hashToken(token);
    const cached = this.cache?.get(tokenHash, now.getTime());
    const generation = this.cache?.begin() ?? 0;
    // the key and its organization in one statement (the plan check and verifyApiKey's answer need the latter)
    const found = cached ?? (await keyWithOrganization(this.db, tokenHash));
    const key = found?.key;
    if (!key) return { key: null, outcome: this.fail("unknown") };
    const { organization } = found;
    const status = statusOf(key, now);
    if (status !== ApiKeyStatus.ACTIVE) return { key, outcome: this.deny(key, FAILURE_OF[status], now), organization };
    if (!isAddressAllowed(key.allowedIpRanges, address))
      return { key, outcome: this.deny(key, "ip_not_allowed", now), organization };
    // a production key outlives its organization's API plan, refused until a plan returns (no organization: only
    // while a deleteOrganization commits, refused as planless)
    if (key.environment === ApiKeyEnvironment.PRODUCTION && organization?.apiPlan == null)
      return { key, outcome: this.deny(key, "api_plan_required", now), organization };
    if (!cached) this.cache?.put(tokenHash, { key, organization }, generation, now.getTime());
    this.observe("success");
    await this.touch(key, now, address);
    return { key, outcome: "success", organization };
  }

  /** The workspaces a WORKSPACE-scope key reaches (empty for ORGANIZATION scope). */
  async workspaceIdsOf(key: ApiKey): Promise<string[]> {
    if (key.scope !== ApiKeyScope.WORKSPACE) return [];
    const cached = this.cache?.peek(key.tokenHash);
    if (cached?.key === key && cached.workspaceIds) return cached.workspaceIds;
    const generation = this.cache?.begin() ?? 0;
    const ids = (await this.db.getRepository(ApiKeyWorkspace).findBy({ apiKeyId: key.id })).map((l) => l.workspaceId);
    if (cached?.key === key) this.cache?.addWorkspaces(key.tokenHash, ids, generation);
    return ids;
  }

  private async principalOf(key: ApiKey): Promise<ApiKeyPrincipal> {
    const workspaceIds = await this.workspaceIdsOf(key);
    return {
      kind: "apiKey",
      organizationId: key.organizationId,
      apiKey: key,
      environment: key.environment,
      scope: key.scope,
      permission: key.permission,
      workspaceIds,
    };
  }

  private fail(outcome: KeyAuthFailure): KeyAuthFailure {
    this.observe(outcome);
    return outcome;
  }

  /** A known key refused: counted in the metrics and in the key's usage. */
  private deny(key: ApiKey, outcome: KeyAuthFailure, now: Date): KeyAuthFailure {
    this.usage.record(key.id, "denied", now);
    return this.fail(outcome);
  }

  /** Writes lastUsedAt, and the client address when known, at most once per key per minute (all processes). */
  private async touch(key: ApiKey, now: Date, address: string | null): Promise<void> {
    if (!this.lastUsed.due(key.id, now)) return;
    key.lastUsedAt = now;
    const patch: Partial<ApiKey> = { lastUsedAt: now };
    if (address) key.lastUsedIp = patch.lastUsedIp = address;
    await this.tx.run((m) => writeLastUsed(m, ApiKey, key.id, patch, now));
  }
}
