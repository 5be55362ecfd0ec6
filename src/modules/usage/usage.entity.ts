import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { IdColumn } from "../../db/columns";
import { ApiKey, type ApiKeyEnvironment } from "../api-key/api-key.entity";

/**
 * One key's requests in one UTC hour, as counted in memory by each process and added here by its flushes (an
 * upsert adds, so processes add up). The organization and environment are the key's, copied by the flush.
 */
@Entity("api_key_usage")
@Index("IDX_api_key_usage_org_bucket", ["organizationId", "bucketStart"])
export class ApiKeyUsage {
  @PrimaryColumn({ name: "api_key_id", type: "varchar", length: 36 })
  apiKeyId: string;

  @PrimaryColumn({ name: "bucket_start", type: "datetime", precision: 3 })
  bucketStart: Date;

  @IdColumn("organization_id")
  organizationId: string;

  @Column({ type: "varchar", length: 16 })
  environment: ApiKeyEnvironment;

  @Column({ type: "int", default: 0 })
  success: number;

  @Column({ name: "rate_limited", type: "int", default: 0 })
  rateLimited: number;

  @Column({ type: "int", default: 0 })
  denied: number;

  @ManyToOne(() => ApiKey, { onDelete: "CASCADE" })
  @JoinColumn({ name: "api_key_id" })
  apiKey?: ApiKey;
}

/** The stored buckets are hours (DAY answers add 24 of them). */
export const USAGE_BUCKET_MS = 60 * 60 * 1000;
