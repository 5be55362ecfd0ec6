import { DataSource } from "typeorm";
import { TransactionRunner } from "../db/transaction";
import { ApiKey, ApiKeyScope, ApiKeyStatus, ApiKeyWorkspace, statusOf } from "../modules/api-key/api-key.entity";
import { hashToken, isWellFormedToken } from "../modules/api-key/token";
import type { ApiKeyPrincipal } from "./principal";

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** What one authentication by API key came to (a label of latchkey_api_key_authentications_total). */
export type KeyAuthOutcome = "success" | "bad_checksum" | "unknown" | "revoked" | "expired";
export type KeyAuthFailure = Exclude<KeyAuthOutcome, "success">;

/**
 * Authenticates API keys: checksum first (no lookup for a mistyped or random string), then by hash.
 * Every request reads the key row, so a revocation takes effect on the next request.
 */
export class ApiKeyAuthenticator {
  /** When this process last wrote `lastUsedAt` for each key. */
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly observe: (outcome: KeyAuthOutcome) => void = () => undefined,
  ) {}

  /** The key's principal, or why the token was refused. */
  async authenticate(token: string, now: Date): Promise<ApiKeyPrincipal | KeyAuthFailure> {
    if (!isWellFormedToken(token)) return this.fail("bad_checksum");
    const key = await this.db.getRepository(ApiKey).findOneBy({ tokenHash: hashToken(token) });
    if (!key) return this.fail("unknown");
    const status = statusOf(key, now);
    if (status !== ApiKeyStatus.ACTIVE) return this.fail(status === ApiKeyStatus.REVOKED ? "revoked" : "expired");
    this.observe("success");
    const workspaceIds =
      key.scope === ApiKeyScope.WORKSPACE
        ? (await this.db.getRepository(ApiKeyWorkspace).findBy({ apiKeyId: key.id })).map((l) => l.workspaceId)
        : [];
    await this.touch(key, now);
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

  /** Writes lastUsedAt at most once per key per minute per process. */
  private async touch(key: ApiKey, now: Date): Promise<void> {
    const last = this.lastWrite.get(key.id);
    if (last !== undefined && now.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWrite.set(key.id, now.getTime());
    if (this.lastWrite.size > 100_000) this.forgetOlderThan(now.getTime() - LAST_USED_WRITE_INTERVAL_MS);
    key.lastUsedAt = now;
    await this.tx.run((m) => m.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: now }));
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [id, at] of this.lastWrite) if (at < cutoff) this.lastWrite.delete(id);
  }
}
