import { DataSource } from "typeorm";
import { isId, newId } from "../../common/ids";
import { cleanText } from "../../common/text";
import { found } from "../../errors/app-error";
import { TransactionRunner } from "../../db/transaction";
import { generatePlatformToken, hashToken, tokenHint } from "../api-key/token";
import { PlatformKey } from "./platform-key.entity";

export const PLATFORM_KEY_DESCRIPTION_MAX = 255;

/** Operator actions on platform keys (the CLI): never reachable over GraphQL. */
export class PlatformKeyService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  /** A new platform key; its plaintext token is returned here only (SHA-256 stored). */
  async create(description?: string | null): Promise<{ platformKey: PlatformKey; token: string }> {
    const text = cleanText("description", description, { max: PLATFORM_KEY_DESCRIPTION_MAX });
    const token = generatePlatformToken();
    const platformKey = Object.assign(new PlatformKey(), {
      id: newId(),
      description: text,
      tokenHash: hashToken(token),
      tokenHint: tokenHint(token),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.tx.run((_m, writes) => writes.insert(PlatformKey, platformKey, "platform_key.created"));
    return { platformKey, token };
  }

  /** Every platform key, newest first (revoked ones included, with revokedAt). */
  list(): Promise<PlatformKey[]> {
    return this.db.getRepository(PlatformKey).find({ order: { createdAt: "DESC", id: "DESC" } });
  }

  /** Revokes at once; idempotent (a revoked key keeps its first revokedAt). @throws NOT_FOUND */
  async revoke(id: string): Promise<PlatformKey> {
    return this.tx.run(async (m, writes) => {
      const key = found(isId(id) ? await m.getRepository(PlatformKey).findOneBy({ id }) : null, "Platform key");
      if (!key.revokedAt) await writes.update(PlatformKey, key, { revokedAt: writes.now }, "platform_key.revoked");
      return key;
    });
  }
}
