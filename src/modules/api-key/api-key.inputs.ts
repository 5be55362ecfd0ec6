import { ArrayMaxSize } from "class-validator";
import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
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

  @Field(() => Date, { nullable: true, description: "Optional; must be in the future." })
  expiresAt?: Date | null;
}

@InputType()
export class UpdateApiKeyInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: "Absent: unchanged; null or blank: cleared." })
  description?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: "The plaintext token. Shown once: it is not stored and cannot be read again." })
  token: string;
}
