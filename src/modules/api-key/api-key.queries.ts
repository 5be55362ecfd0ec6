import type { EntityManager } from "typeorm";
import { ApiKey } from "./api-key.entity";

/** Active = not revoked and not expired at `now` (SPEC §2.6). */
export const ACTIVE_KEY_CONDITION = "k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now)";

/** The organization's active keys at `now` (the quota, and the limit check inside createApiKey's transaction). */
export function countActiveKeys(m: EntityManager, organizationId: string, now: Date): Promise<number> {
  return m
    .getRepository(ApiKey)
    .createQueryBuilder("k")
    .where("k.organization_id = :org", { org: organizationId })
    .andWhere(ACTIVE_KEY_CONDITION, { now })
    .getCount();
}
