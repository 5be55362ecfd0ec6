import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from "typeorm";
import { IdColumn, JsonColumn, TimestampColumn } from "../../db/columns";
import { OrganizationScoped } from "../organization/organization-scoped";
import { ApiKeyEnvironment } from "../api-key/api-key.entity";

/** Where an organization's events of one environment are sent. */
@ObjectType({ simpleResolvers: true, description: "Where the organization's key events of one environment are sent." })
@Entity("webhook_endpoint")
@Index("IDX_webhook_endpoint_org_created", ["organizationId", "createdAt", "id"])
export class WebhookEndpoint extends OrganizationScoped {
  @Field()
  @Column({ type: "varchar", length: 2000 })
  url: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 255, nullable: true })
  description: string | null;

  @Field(() => ApiKeyEnvironment, { description: "Events of this environment's keys only." })
  @Column({ type: "varchar", length: 16 })
  environment: ApiKeyEnvironment;

  /** Event names it receives (webhook.events.ts). */
  @Field(() => [String])
  @JsonColumn("events", { nullable: false })
  events: string[];

  /** `whsec_…` (Standard Webhooks): kept to sign every delivery; shown once, at creation. */
  @Column({ name: "signing_secret", type: "varchar", length: 100 })
  signingSecret: string;

  @Field(() => Date, {
    nullable: true,
    description: "Set when disabled (by updateWebhookEndpoint, or after a delivery failed for a day).",
  })
  @TimestampColumn("disabled_at", { nullable: true })
  disabledAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "disabled_reason", type: "varchar", length: 255, nullable: true })
  disabledReason: string | null;
}

/**
 * The outbox: one event for one endpoint, written in the transaction of the change it announces, then delivered
 * (at least once) by the dispatcher, which claims due rows with a lease (`lockedUntil`).
 */
@ObjectType({ simpleResolvers: true, description: "One event for one endpoint, and how its delivery went." })
@Entity("webhook_delivery")
@Index("IDX_webhook_delivery_due", ["status", "nextAttemptAt"])
@Index("IDX_webhook_delivery_endpoint_created", ["endpointId", "createdAt", "id"])
export class WebhookDelivery {
  /** Also the `webhook-id` header: the receiver's deduplication key. */
  @Field(() => ID, { description: "Also the webhook-id header: the same on every attempt." })
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @IdColumn("organization_id")
  organizationId: string;

  @IdColumn("endpoint_id")
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: "CASCADE" })
  @JoinColumn({ name: "endpoint_id" })
  endpoint?: Relation<WebhookEndpoint>;

  @Field()
  @Column({ name: "event_type", type: "varchar", length: 64 })
  eventType: string;

  /** The JSON body sent, exactly (signed as is). */
  @Column({ type: "text" })
  payload: string;

  /** PENDING, DELIVERED or FAILED */
  @Field({ description: "PENDING, DELIVERED or FAILED." })
  @Column({ type: "varchar", length: 16 })
  status: string;

  @Field(() => Int)
  @Column({ type: "int", default: 0 })
  attempts: number;

  @Field({ description: "When the next attempt is due (meaningful while PENDING)." })
  @TimestampColumn("next_attempt_at")
  nextAttemptAt: Date;

  @TimestampColumn("locked_until", { nullable: true })
  lockedUntil: Date | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("last_attempt_at", { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status at the last attempt." })
  @Column({ name: "last_status_code", type: "int", nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "last_error", type: "varchar", length: 255, nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  @TimestampColumn("delivered_at", { nullable: true })
  deliveredAt: Date | null;

  @Field()
  @TimestampColumn("created_at")
  createdAt: Date;
}
