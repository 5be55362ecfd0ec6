import type { DataSource } from "typeorm";
import { badInput } from "../../errors/app-error";
import { toDate } from "../../db/rows";
import type { ApiKeyEnvironment } from "../api-key/api-key.entity";
import { ApiKeyUsage, USAGE_BUCKET_MS } from "./usage.entity";
import { UsageGranularity, type UsageBucket } from "./usage.types";

const DAY_MS = 24 * USAGE_BUCKET_MS;
/** At most this many buckets in one answer (a month of hours is 744, a year of days 366). */
export const MAX_USAGE_BUCKETS = 1000;

/** Reads usage back: dense buckets (zeros included) from the one containing `from` up to `to` (exclusive). */
export class UsageService {
  constructor(private readonly db: DataSource) {}

  /** One key's usage. @throws BAD_USER_INPUT (from, to) */
  forKey(apiKeyId: string, from: Date, to: Date, granularity: UsageGranularity): Promise<UsageBucket[]> {
    return this.buckets({ apiKeyId }, from, to, granularity);
  }

  /** All of an organization's keys (only one environment's, for a key's principal). @throws BAD_USER_INPUT */
  forOrganization(
    organizationId: string,
    environment: ApiKeyEnvironment | null,
    from: Date,
    to: Date,
    granularity: UsageGranularity,
  ): Promise<UsageBucket[]> {
    return this.buckets({ organizationId, environment }, from, to, granularity);
  }

  private async buckets(
    of: { apiKeyId?: string; organizationId?: string; environment?: ApiKeyEnvironment | null },
    from: Date,
    to: Date,
    granularity: UsageGranularity,
  ): Promise<UsageBucket[]> {
    const size = granularity === UsageGranularity.DAY ? DAY_MS : USAGE_BUCKET_MS;
    const first = Math.floor(from.getTime() / size) * size;
    if (to.getTime() <= from.getTime()) throw badInput("to", "to must be after from");
    const count = Math.ceil((to.getTime() - first) / size);
    if (count > MAX_USAGE_BUCKETS)
      throw badInput("to", `At most ${MAX_USAGE_BUCKETS} buckets per answer: narrow from–to or use DAY`);

    const qb = this.db
      .getRepository(ApiKeyUsage)
      .createQueryBuilder("u")
      .select("u.bucket_start", "start")
      .addSelect("SUM(u.success)", "success")
      .addSelect("SUM(u.rate_limited)", "rateLimited")
      .addSelect("SUM(u.denied)", "denied")
      .where("u.bucket_start >= :first AND u.bucket_start < :to", { first: new Date(first), to })
      .groupBy("u.bucket_start");
    if (of.apiKeyId) qb.andWhere("u.api_key_id = :key", { key: of.apiKeyId });
    if (of.organizationId) qb.andWhere("u.organization_id = :org", { org: of.organizationId });
    if (of.environment) qb.andWhere("u.environment = :env", { env: of.environment });
    const rows = await qb.getRawMany<{ start: unknown; success: unknown; rateLimited: unknown; denied: unknown }>();

    const result: UsageBucket[] = [];
    for (let i = 0; i < count; i++)
      result.push({ start: new Date(first + i * size), success: 0, rateLimited: 0, denied: 0 });
    for (const row of rows) {
      const bucket = result[Math.floor((toDate(row.start)!.getTime() - first) / size)];
      if (!bucket) continue;
      bucket.success += Number(row.success);
      bucket.rateLimited += Number(row.rateLimited);
      bucket.denied += Number(row.denied);
    }
    return result;
  }
}
