import { DataSource } from "typeorm";
import type { ApiKeyAuthenticator, KeyAuthOutcome } from "../../auth/api-key-auth";
import { isId } from "../../common/ids";
import type { RateLimits } from "../../http/rate-limit";
import ipaddr from "ipaddr.js";
import { badInput } from "../../errors/app-error";
import type { UsageCounter } from "../usage/usage.counter";
import { ApiKeyPermission, ApiKeyScope, type ApiKey } from "../api-key/api-key.entity";
import type { Organization } from "../organization/organization.entity";
import { Workspace } from "../workspace/workspace.entity";
import {
  ApiKeyVerification,
  VerificationCode,
  type RateLimitState,
  type VerifyRequirement,
} from "./verification.types";

const CODE_OF: Record<KeyAuthOutcome, VerificationCode> = {
  success: VerificationCode.VALID,
  bad_checksum: VerificationCode.NOT_FOUND,
  unknown: VerificationCode.NOT_FOUND,
  revoked: VerificationCode.REVOKED,
  expired: VerificationCode.EXPIRED,
  suspended: VerificationCode.SUSPENDED,
  ip_not_allowed: VerificationCode.IP_NOT_ALLOWED,
  api_plan_required: VerificationCode.API_PLAN_REQUIRED,
};

/**
 * verifyApiKey: the rules HTTP authentication applies (one ApiKeyAuthenticator.check), then the request's
 * requirements. A bad key is an answer, never an error. A malformed token or a bad checksum reads nothing.
 */
export class VerificationService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ApiKeyAuthenticator,
    private readonly rateLimits: RateLimits,
    private readonly usage: UsageCounter,
  ) {}

  /** `organizationId`: the platform acts inside one organization (Latchkey-Organization): another's key is NOT_FOUND. */
  async verify(
    token: string,
    require: VerifyRequirement | null | undefined,
    now: Date,
    organizationId: string | null,
  ): Promise<ApiKeyVerification> {
    const ip = require?.ip ?? null;
    if (ip !== null && !ipaddr.isValid(ip)) throw badInput("require.ip", "require.ip must be an IPv4 or IPv6 address");
    const checked = await this.keys.check(token, now, ip);
    const { key, outcome } = checked;
    if (!key || (organizationId !== null && key.organizationId !== organizationId))
      return answer(VerificationCode.NOT_FOUND, null, null, null);
    // read with the key (the same statement)
    const { organization } = checked;
    if (!organization) return answer(VerificationCode.NOT_FOUND, null, null, null); // deleted while we looked
    if (outcome !== "success") return answer(CODE_OF[outcome], key, organization, null);

    const budget = await this.rateLimits.spendForVerification(key.id, now);
    const rateLimit: RateLimitState | null = budget
      ? { limit: budget.limit, remaining: budget.remaining, resetAt: budget.resetAt }
      : null;
    const code = budget?.limited ? VerificationCode.RATE_LIMITED : await this.requirementCode(key, require ?? {});
    this.usage.record(
      key.id,
      code === VerificationCode.VALID ? "success" : code === VerificationCode.RATE_LIMITED ? "rateLimited" : "denied",
      now,
    );
    return answer(code, key, organization, rateLimit);
  }

  /** The workspaces a workspace-scope key reaches (cached with the key when the verification cache is on). */
  workspaceIdsOf(key: ApiKey): Promise<string[]> {
    return this.keys.workspaceIdsOf(key);
  }

  private async requirementCode(key: ApiKey, require: VerifyRequirement): Promise<VerificationCode> {
    if (require.environment && require.environment !== key.environment) return VerificationCode.ENVIRONMENT_MISMATCH;
    if (require.permission === ApiKeyPermission.FULL_ACCESS && key.permission !== ApiKeyPermission.FULL_ACCESS)
      return VerificationCode.INSUFFICIENT_PERMISSION;
    if (require.workspaceId != null && !(await this.reaches(key, require.workspaceId)))
      return VerificationCode.WORKSPACE_NOT_IN_SCOPE;
    return VerificationCode.VALID;
  }

  /** Organization scope reaches every workspace of its organization, and only of it; workspace scope its list. */
  private async reaches(key: ApiKey, workspaceId: string): Promise<boolean> {
    if (!isId(workspaceId)) return false;
    if (key.scope === ApiKeyScope.WORKSPACE) return (await this.keys.workspaceIdsOf(key)).includes(workspaceId);
    return (
      (await this.db.getRepository(Workspace).countBy({ id: workspaceId, organizationId: key.organizationId })) > 0
    );
  }
}

function answer(
  code: VerificationCode,
  apiKey: ApiKey | null,
  organization: Organization | null,
  rateLimit: RateLimitState | null,
): ApiKeyVerification {
  return { valid: code === VerificationCode.VALID, code, apiKey, organization, rateLimit };
}
