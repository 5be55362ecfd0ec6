import { DataSource } from "typeorm";
import { TransactionRunner } from "../db/transaction";
import { findOneByColumn } from "../db/rows";
import { hashToken, isWellFormedPlatformToken } from "../modules/api-key/token";
import { PlatformKey } from "../modules/platform-key/platform-key.entity";
import { LastUsedThrottle, writeLastUsed } from "./last-used";

export type PlatformKeyFailure = "platform_bad_checksum" | "platform_unknown" | "platform_revoked";

/** Platform keys: checksum first, then by hash; every request reads the row, so a revocation holds at once. */
export class PlatformKeyAuthenticator {
  private readonly lastUsed = new LastUsedThrottle();

  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  async authenticate(token: string, now: Date): Promise<PlatformKey | PlatformKeyFailure> {
    if (!isWellFormedPlatformToken(token)) return "platform_bad_checksum";
    const key = await findOneByColumn(this.db, PlatformKey, "tokenHash", hashToken(token));
    if (!key) return "platform_unknown";
    if (key.revokedAt) return "platform_revoked";
    if (this.lastUsed.due(key.id, now)) {
      key.lastUsedAt = now;
      await this.tx.run((m) => writeLastUsed(m, PlatformKey, key.id, { lastUsedAt: now }, now));
    }
    return key;
  }
}
