import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index } from "typeorm";
import { JsonColumn, TimestampColumn, Timestamped } from "../../db/columns";

/** One environment's key rules as stored (organization.api_key_policy, JSON; see api-key-policy.ts). */
export interface StoredEnvironmentPolicy {
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
}
export interface StoredKeyPolicy {
  sandbox?: StoredEnvironmentPolicy;
  production?: StoredEnvironmentPolicy;
  allowedIpRanges?: string[] | null;
}

@ObjectType({ simpleResolvers: true, description: "A customer of the SaaS: owns workspaces, users and API keys." })
@Entity("organization")
@Index("IDX_organization_created", ["createdAt", "id"])
export class Organization extends Timestamped {
  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: "Name of the subscribed API plan; null: production keys are not allowed.",
  })
  @Column({ name: "api_plan", type: "varchar", length: 100, nullable: true })
  apiPlan: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The platform's own id for this organization (unique when set).",
  })
  @Index("UQ_organization_external_id", { unique: true })
  @Column({ name: "external_id", type: "varchar", length: 255, nullable: true })
  externalId: string | null;

  @TimestampColumn("api_trial_started_at", { nullable: true })
  apiTrialStartedAt: Date | null;

  @TimestampColumn("api_trial_ends_at", { nullable: true })
  apiTrialEndsAt: Date | null;

  /**
   * Bumped by every transaction that takes the organization lock (organization.locks.ts): a write, so that an
   * engine certifying written rows only (Galera) still makes two such transactions on two nodes conflict.
   */
  @Column({ name: "lock_serial", type: "int", default: 0 })
  lockSerial: number;

  /** The organization's rules for its keys (Organization.apiKeyPolicy); null: none set. */
  @JsonColumn("api_key_policy")
  apiKeyPolicy: StoredKeyPolicy | null;
}

@ObjectType({ simpleResolvers: true })
export class ApiTrial {
  @Field()
  startedAt: Date;

  @Field()
  endsAt: Date;

  @Field()
  isActive: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ApiKeyQuota {
  @Field(() => Int, { description: "Keys neither revoked nor expired." })
  active: number;

  @Field(() => Int)
  limit: number;

  @Field(() => Int)
  remaining: number;
}
