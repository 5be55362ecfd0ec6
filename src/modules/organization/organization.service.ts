import { DataSource } from "typeorm";
import type { Config } from "../../config";
import type { Principal } from "../../auth/principal";
import { countActiveKeys } from "../api-key/api-key.queries";
import { ApiKeyQuota, ApiTrial, Organization } from "./organization.entity";

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
