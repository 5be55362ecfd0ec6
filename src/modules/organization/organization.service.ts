import { DataSource, type EntityManager } from "typeorm";
import type { Config } from "../../config";
import type { Principal } from "../../auth/principal";
import { ApiKey } from "../api-key/api-key.entity";
import { ApiKeyQuota, ApiTrial, Organization } from "./organization.entity";

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

export class OrganizationService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Pick<Config, "apiKeyLimit">,
  ) {}

  /** The principal's own organization; there is no way to name another one. */
  async ofPrincipal(principal: Principal): Promise<Organization> {
    return this.db.getRepository(Organization).findOneByOrFail({ id: principal.organizationId });
  }

  trialOf(organization: Organization, now: Date): ApiTrial | null {
    if (!organization.apiTrialStartedAt || !organization.apiTrialEndsAt) return null;
    return {
      startedAt: organization.apiTrialStartedAt,
      endsAt: organization.apiTrialEndsAt,
      isActive: now.getTime() < organization.apiTrialEndsAt.getTime(),
    };
  }

  async quotaOf(organizationId: string, now: Date): Promise<ApiKeyQuota> {
    const active = await countActiveKeys(this.db.manager, organizationId, now);
    const limit = this.config.apiKeyLimit;
    return { active, limit, remaining: Math.max(0, limit - active) };
  }
}
