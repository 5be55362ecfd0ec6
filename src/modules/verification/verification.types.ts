import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { ApiKey, ApiKeyEnvironment, ApiKeyPermission } from "../api-key/api-key.entity";
import { Organization } from "../organization/organization.entity";

export enum VerificationCode {
  VALID = "VALID",
  NOT_FOUND = "NOT_FOUND",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
  SUSPENDED = "SUSPENDED",
  IP_NOT_ALLOWED = "IP_NOT_ALLOWED",
  API_PLAN_REQUIRED = "API_PLAN_REQUIRED",
  INSUFFICIENT_PERMISSION = "INSUFFICIENT_PERMISSION",
  WORKSPACE_NOT_IN_SCOPE = "WORKSPACE_NOT_IN_SCOPE",
  ENVIRONMENT_MISMATCH = "ENVIRONMENT_MISMATCH",
  RATE_LIMITED = "RATE_LIMITED",
}
registerEnumType(VerificationCode, {
  name: "VerificationCode",
  description: "Why a key is or is not good for a request: the platform's API maps it to its own answer.",
});

@InputType({ description: "What the platform's request needs of the key; each part left out is not checked." })
export class VerifyRequirement {
  @Field(() => ApiKeyPermission, { nullable: true, description: "FULL_ACCESS refuses a READ_ONLY key." })
  permission?: ApiKeyPermission | null;

  @Field(() => ID, { nullable: true, description: "A workspace the key must reach." })
  workspaceId?: string | null;

  @Field(() => ApiKeyEnvironment, { nullable: true })
  environment?: ApiKeyEnvironment | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The address the platform's request came from (IPv4 or IPv6), checked against the key's allowlist; a key with an allowlist verified without it is IP_NOT_ALLOWED.",
  })
  ip?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "The key's own request budget after this verification." })
export class RateLimitState {
  @Field(() => Int)
  limit: number;

  @Field(() => Int)
  remaining: number;

  @Field()
  resetAt: Date;
}

@ObjectType({ simpleResolvers: true })
export class ApiKeyVerification {
  @Field({ description: "True exactly when code is VALID." })
  valid: boolean;

  @Field(() => VerificationCode)
  code: VerificationCode;

  @Field(() => ApiKey, { nullable: true, description: "Null when the key is unknown." })
  apiKey: ApiKey | null;

  @Field(() => Organization, { nullable: true, description: "The key's organization; null when the key is unknown." })
  organization: Organization | null;

  @Field(() => RateLimitState, {
    nullable: true,
    description: "Null when keys have no budget, or the key is not active.",
  })
  rateLimit: RateLimitState | null;
}
