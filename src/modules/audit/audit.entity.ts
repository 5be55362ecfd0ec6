import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { IdColumn, JsonColumn, TimestampColumn } from "../../db/columns";

/**
 * One change, as the audit log keeps it: written by the write hook inside the changing transaction (a rolled-back
 * change leaves none). No foreign keys: a row outlives what it tells of (a deleted user, key or organization) until
 * AUDIT_RETENTION_DAYS purges it. `changes` holds old → new of the fields that changed, never a secret or a hash.
 */
@Entity("audit_event")
@Index("IDX_audit_event_org_created", ["organizationId", "createdAt", "id"])
@Index("IDX_audit_event_target", ["targetId", "createdAt"])
@Index("IDX_audit_event_actor", ["actorId", "createdAt"])
@Index("IDX_audit_event_created", ["createdAt"])
export class AuditEvent {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  /** Null for changes of no organization (platform keys). */
  @IdColumn("organization_id", { nullable: true })
  organizationId: string | null;

  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ type: "varchar", length: 16, nullable: true })
  environment: string | null;

  /** user, apiKey, platformKey, operator, scanner */
  @Column({ name: "actor_type", type: "varchar", length: 16 })
  actorType: string;

  @IdColumn("actor_id", { nullable: true })
  actorId: string | null;

  @Column({ name: "actor_display", type: "varchar", length: 255, nullable: true })
  actorDisplay: string | null;

  @Column({ name: "target_type", type: "varchar", length: 32 })
  targetType: string;

  @IdColumn("target_id")
  targetId: string;

  @JsonColumn("changes")
  changes: Record<string, { from: unknown; to: unknown }> | null;

  @Column({ type: "varchar", length: 45, nullable: true })
  ip: string | null;

  @Column({ name: "user_agent", type: "varchar", length: 255, nullable: true })
  userAgent: string | null;

  @Column({ name: "request_id", type: "varchar", length: 128, nullable: true })
  requestId: string | null;

  @TimestampColumn("created_at")
  createdAt: Date;
}
