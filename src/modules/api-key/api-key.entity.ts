import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from "typeorm";
import { IdColumn, JsonColumn, TimestampColumn } from "../../db/columns";
import { OrganizationScoped } from "../organization/organization-scoped";
import { User } from "../user/user.entity";
import { Workspace } from "../workspace/workspace.entity";

export enum ApiKeyEnvironment {
  SANDBOX = "SANDBOX",
  PRODUCTION = "PRODUCTION",
}
export enum ApiKeyScope {
  ORGANIZATION = "ORGANIZATION",
  WORKSPACE = "WORKSPACE",
}
export enum ApiKeyPermission {
  FULL_ACCESS = "FULL_ACCESS",
  READ_ONLY = "READ_ONLY",
}
export enum ApiKeyStatus {
  ACTIVE = "ACTIVE",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
  SUSPENDED = "SUSPENDED",
}
registerEnumType(ApiKeyEnvironment, { name: "ApiKeyEnvironment" });
registerEnumType(ApiKeyScope, { name: "ApiKeyScope" });
registerEnumType(ApiKeyPermission, { name: "ApiKeyPermission" });
registerEnumType(ApiKeyStatus, { name: "ApiKeyStatus" });

/**
 * A tenant's row made by a user or by an API key (keys and documents): one of the two columns is set, and it
 * goes null when its creator is deleted. The key relation names its entity: ApiKey, below, extends this class.
 */
@ObjectType({ simpleResolvers: true })
export abstract class CreatedByActor extends OrganizationScoped {
  @IdColumn("created_by_user_id", { nullable: true })
  createdByUserId: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_user_id" })
  createdByUser?: User;

  @IdColumn("created_by_api_key_id", { nullable: true })
  createdByApiKeyId: string | null;

  @ManyToOne("ApiKey", { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_api_key_id" })
  createdByApiKey?: Relation<ApiKey>; // Relation<>: no design-time reference to ApiKey before it is defined
}

@ObjectType({
  simpleResolvers: true,
  description: "An API key. Its plaintext token is shown once, by createApiKey; only a hash is stored.",
})
@Entity("api_key")
@Index("IDX_api_key_org_created", ["organizationId", "createdAt", "id"])
@Index("IDX_api_key_org_revoked_created", ["organizationId", "revokedAt", "createdAt", "id"])
@Index("IDX_api_key_org_last_used", ["organizationId", "lastUsedAt", "id"])
@Index("IDX_api_key_org_description", ["organizationId", "description", "id"])
export class ApiKey extends CreatedByActor {
  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 255, nullable: true })
  description: string | null;

  @Field(() => ApiKeyEnvironment)
  @Column({ type: "varchar", length: 16 })
  environment: ApiKeyEnvironment;

  @Field(() => ApiKeyScope)
  @Column({ type: "varchar", length: 16 })
  scope: ApiKeyScope;

  @Field(() => ApiKeyPermission)
  @Column({ type: "varchar", length: 16 })
  permission: ApiKeyPermission;

  @Index("UQ_api_key_token_hash", { unique: true })
  @Column({ name: "token_hash", type: "varchar", length: 64 })
  tokenHash: string;

  @Field()
  @Column({ name: "token_hint", type: "varchar", length: 32 })
  tokenHint: string;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("last_used_at", { nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("expires_at", { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("revoked_at", { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "Set while the key is suspended (resumeApiKey clears it)." })
  @TimestampColumn("suspended_at", { nullable: true })
  suspendedAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "suspended_reason", type: "varchar", length: 255, nullable: true })
  suspendedReason: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The client address of the request that last wrote lastUsedAt (written with it, at most once a minute).",
  })
  @Column({ name: "last_used_ip", type: "varchar", length: 45, nullable: true })
  lastUsedIp: string | null;

  /** The CIDRs a request must come from (normalized); null: any address. */
  @JsonColumn("allowed_ip_ranges")
  allowedIpRanges: string[] | null;

  /** The key this one replaced (rollApiKey); unique: a key is rolled once. */
  @Index("UQ_api_key_rolled_from", { unique: true })
  @IdColumn("rolled_from_id", { nullable: true })
  rolledFromId: string | null;

  /** The key that replaced this one; set with the roll, in the same transaction. */
  @IdColumn("rolled_to_id", { nullable: true })
  rolledToId: string | null;

  /** When `api_key.expiring` was announced 7 days (and 1 day) before expiresAt: each once. */
  @TimestampColumn("expiry_notice_7d_at", { nullable: true })
  expiryNotice7dAt?: Date | null;

  @TimestampColumn("expiry_notice_1d_at", { nullable: true })
  expiryNotice1dAt?: Date | null;
}

/** A workspace a WORKSPACE-scope key reaches. */
@Entity("api_key_workspace")
@Index("IDX_api_key_workspace_workspace", ["workspaceId"])
export class ApiKeyWorkspace {
  @PrimaryColumn({ name: "api_key_id", type: "varchar", length: 36 })
  apiKeyId: string;

  @PrimaryColumn({ name: "workspace_id", type: "varchar", length: 36 })
  workspaceId: string;

  @ManyToOne(() => ApiKey, { onDelete: "CASCADE" })
  @JoinColumn({ name: "api_key_id" })
  apiKey?: ApiKey;

  @ManyToOne(() => Workspace, { onDelete: "CASCADE" })
  @JoinColumn({ name: "workspace_id" })
  workspace?: Workspace;
}

/** Revoked wins over expired; `now` is passed so one request sees one instant. */
/** Revoked wins over expired, expired over suspended (both are final; a suspension can be lifted). */
export function statusOf(key: Pick<ApiKey, "revokedAt" | "expiresAt" | "suspendedAt">, now: Date): ApiKeyStatus {
  if (key.revokedAt) return ApiKeyStatus.REVOKED;
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return ApiKeyStatus.EXPIRED;
  if (key.suspendedAt) return ApiKeyStatus.SUSPENDED;
  return ApiKeyStatus.ACTIVE;
}
