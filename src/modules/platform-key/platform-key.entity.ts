import { Column, Entity, Index } from "typeorm";
import { TimestampColumn, Timestamped } from "../../db/columns";

/**
 * A credential of the platform itself (its backend services), not of any organization: a third principal kind
 * beside users and API keys. Only its SHA-256 is stored, as for API keys (SPEC §3).
 */
@Entity("platform_key")
export class PlatformKey extends Timestamped {
  @Column({ type: "varchar", length: 255, nullable: true })
  description: string | null;

  @Index("UQ_platform_key_token_hash", { unique: true })
  @Column({ name: "token_hash", type: "varchar", length: 64 })
  tokenHash: string;

  @Column({ name: "token_hint", type: "varchar", length: 32 })
  tokenHint: string;

  @TimestampColumn("last_used_at", { nullable: true })
  lastUsedAt: Date | null;

  @TimestampColumn("revoked_at", { nullable: true })
  revokedAt: Date | null;
}
