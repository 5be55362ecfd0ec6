import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { connectionTypes } from "../../common/pagination";
import { ApiKeyEnvironment } from "../api-key/api-key.entity";

export enum AuditActorType {
  USER = "USER",
  API_KEY = "API_KEY",
  PLATFORM_KEY = "PLATFORM_KEY",
  OPERATOR = "OPERATOR",
  SCANNER = "SCANNER",
}
registerEnumType(AuditActorType, {
  name: "AuditActorType",
  description: "Who made a change: a user, an API key, a platform key, the operator's CLI, or a secret scanner.",
});

@ObjectType({ simpleResolvers: true })
export class AuditActor {
  @Field(() => AuditActorType)
  type: AuditActorType;

  @Field(() => ID, { nullable: true, description: "The user's, key's or platform key's id; null for the operator." })
  id: string | null;

  @Field(() => String, { nullable: true, description: "How people recognise it: an email or a token hint." })
  display: string | null;
}

@ObjectType({ simpleResolvers: true })
export class AuditTarget {
  @Field({ description: "api_key, workspace, user, user_workspace, document, organization, platform_key" })
  type: string;

  @Field(() => ID)
  id: string;
}

@ObjectType("AuditEvent", {
  simpleResolvers: true,
  description: "One change, recorded in the transaction that made it.",
})
export class AuditEventNode {
  @Field(() => ID)
  id: string;

  @Field({ description: "e.g. api_key.created, api_key.rolled, api_key.revoked, workspace.deleted, user.role_changed" })
  action: string;

  @Field(() => AuditActor)
  actor: AuditActor;

  @Field(() => ApiKeyEnvironment, { nullable: true, description: "The target's environment (keys, documents)." })
  environment: ApiKeyEnvironment | null;

  @Field(() => AuditTarget)
  target: AuditTarget;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "The fields that changed, { field: { from, to } }; null for creations and deletions. Never a secret.",
  })
  changes: Record<string, { from: unknown; to: unknown }> | null;

  @Field(() => String, { nullable: true, description: "The client address of the request that made it." })
  ip: string | null;

  @Field(() => String, { nullable: true })
  userAgent: string | null;

  @Field(() => String, { nullable: true, description: "The request's id (X-Request-Id)." })
  requestId: string | null;

  @Field()
  createdAt: Date;
}

export const { Edge: AuditEventEdge, Connection: AuditEventConnection } = connectionTypes("AuditEvent", AuditEventNode);

@InputType({ description: "Every criterion given must hold; an absent or empty one does not filter." })
export class AuditEventFilter {
  @Field(() => [String], { nullable: true, description: "Any of these actions." })
  action?: string[] | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => ID, { nullable: true })
  targetId?: string | null;

  @Field(() => ApiKeyEnvironment, { nullable: true })
  environment?: ApiKeyEnvironment | null;

  @Field(() => Date, { nullable: true, description: "At or after this instant." })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: "Before this instant." })
  to?: Date | null;
}
