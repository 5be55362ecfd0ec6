import { ArrayMaxSize } from "class-validator";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "../../common/pagination";
import { ApiKey, ApiKeyEnvironment, ApiKeyPermission, ApiKeyScope, ApiKeyStatus } from "./api-key.entity";
import { ApiKeyOrderField, OrderDirection } from "./api-key.service";

registerEnumType(ApiKeyOrderField, { name: "ApiKeyOrderField" });
registerEnumType(OrderDirection, { name: "OrderDirection" });

export const { Edge: ApiKeyEdge, Connection: ApiKeyConnection } = connectionTypes("ApiKey", ApiKey);

@InputType({ description: "Each list means 'any of'; an absent or empty list does not filter." })
export class ApiKeyFilter {
  @Field(() => [ApiKeyEnvironment], { nullable: true })
  environment?: ApiKeyEnvironment[] | null;

  @Field(() => [ApiKeyScope], { nullable: true })
  scope?: ApiKeyScope[] | null;

  @Field(() => [ApiKeyPermission], { nullable: true })
  permission?: ApiKeyPermission[] | null;

  @Field(() => [ApiKeyStatus], { nullable: true })
  status?: ApiKeyStatus[] | null;

  @Field(() => ID, {
    nullable: true,
    description: "Keys that can access this workspace (organization-scope keys included).",
  })
  workspaceId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Case-insensitive substring of the description; at most 255 characters.",
  })
  search?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "Keys last used before this instant (never-used keys are not included: see neverUsed).",
  })
  lastUsedBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: "true: keys never used; false: keys used at least once." })
  neverUsed?: boolean | null;

  @Field(() => Date, { nullable: true, description: "Keys with an expiry before this instant (past or future)." })
  expiresBefore?: Date | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "true: keys still usable (not revoked or expired) whose expiry breaks the organization's key policy today (made before the rule); false: all others.",
  })
  violatesPolicy?: boolean | null;
}

@InputType()
export class ApiKeyOrder {
  @Field(() => ApiKeyOrderField)
  field: ApiKeyOrderField;

  @Field(() => OrderDirection)
  direction: OrderDirection;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String, {
    nullable: true,
    description: "Optional; trimmed; at most 255 characters, no control characters.",
  })
  description?: string | null;

  @Field(() => ApiKeyEnvironment, { description: "PRODUCTION needs an API plan." })
  environment: ApiKeyEnvironment;

  @Field(() => ApiKeyScope)
  scope: ApiKeyScope;

  @Field(() => [ID], {
    nullable: true,
    description: "One or more workspaces of the organization; WORKSPACE scope only.",
  })
  @ArrayMaxSize(100)
  workspaceIds?: string[] | null;

  @Field(() => ApiKeyPermission)
  permission: ApiKeyPermission;

  @Field(() => Date, {
    nullable: true,
    description: "Optional; must be in the future, and within the organization's key policy.",
  })
  expiresAt?: Date | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "IPv4/IPv6 CIDRs or addresses the key may be used from (at most 50, normalized). Absent or null: the organization's default (apiKeyPolicy.allowedIpRanges); []: any address.",
  })
  allowedIpRanges?: string[] | null;
}

@InputType()
export class UpdateApiKeyInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: "Absent: unchanged; null or blank: cleared." })
  description?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "Absent: unchanged; null or []: any address; else at most 50 CIDRs, normalized.",
  })
  allowedIpRanges?: string[] | null;
}

@InputType()
export class RollApiKeyInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int, {
    defaultValue: 0,
    description: "Minutes the old key keeps working (0–10080; 0: it expires at once).",
  })
  gracePeriodMinutes: number;

  @Field(() => Date, {
    nullable: true,
    description: "Absent: the old key's lifetime again, counted from now (none if it had none); null: no expiry.",
  })
  expiresAt?: Date | null;

  @Field(() => [String], {
    nullable: true,
    description: "Absent: the old key's allowlist; null or []: any address; else at most 50 CIDRs.",
  })
  allowedIpRanges?: string[] | null;
}

@ObjectType({ simpleResolvers: true })
export class RevokeApiKeysPayload {
  @Field(() => Int, {
    description: "Keys revoked (with preview: that would be); keys already revoked are not counted.",
  })
  count: number;
}

@ObjectType({ simpleResolvers: true })
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: "The plaintext token. Shown once: it is not stored and cannot be read again." })
  token: string;
}
