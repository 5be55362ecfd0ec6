import { DataSource, EntityNotFoundError } from "typeorm";
import { findOneByColumn } from "../../db/rows";
import type { Config } from "../../config";
import { actorOf, type Principal } from "../../auth/principal";
import type { TransactionRunner } from "../../db/transaction";
import { mergePolicy, policyOf, type ApiKeyPolicy, type UpdateApiKeyPolicyInput } from "./api-key-policy";
import { lockOrganization } from "./organization.locks";
import { countActiveKeys } from "../api-key/api-key.queries";
import { ApiKeyQuota, ApiTrial, Organization } from "./organization.entity";

export class OrganizationService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: Pick<Config, "apiKeyLimit">,
  ) {}

  /**
   * Changes the organization's key policy (parts left out stay); recorded as `organization.api_key_policy_changed`.
   * Existing keys are not touched. @throws BAD_USER_INPUT
   */
  async updateKeyPolicy(principal: Principal, input: UpdateApiKeyPolicyInput): Promise<ApiKeyPolicy> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const organization = await lockOrganization(m, principal.organizationId);
      const apiKeyPolicy = mergePolicy(organization.apiKeyPolicy, input);
      await writes.update(Organization, organization, { apiKeyPolicy }, "organization.api_key_policy_changed");
      return policyOf(organization.apiKeyPolicy);
    });
  }

  /** The principal's own organization; there is no way to name another one. */
  async ofPrincipal(principal: Principal): Promise<Organization> {
    const organization = await findOneByColumn(this.db, Organization, "id", principal.organizationId);
    // (only while a deleteOrganization commits: the request's principal was read a moment before)
    if (!organization) throw new EntityNotFoundError(Organization, { id: principal.organizationId });
    return organization;
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
