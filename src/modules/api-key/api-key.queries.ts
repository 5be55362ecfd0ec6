import type { EntityManager } from "typeorm";
import { ApiKey, ApiKeyEnvironment } from "./api-key.entity";
import { rulesFor, type ApiKeyPolicy } from "../organization/api-key-policy";

/** Active = not revoked and not expired at `now` (SPEC §2.6). */
export const ACTIVE_KEY_CONDITION = "k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :now)";

/**
 * The organization's active keys at `now` (the quota, and the limit check inside createApiKey's transaction). A
 * rolled key still in its grace period works, but no longer counts: its replacement does.
 */
export function countActiveKeys(m: EntityManager, organizationId: string, now: Date): Promise<number> {
  return m
    .getRepository(ApiKey)
    .createQueryBuilder("k")
    .where("k.organization_id = :org", { org: organizationId })
    .andWhere(ACTIVE_KEY_CONDITION, { now })
    .andWhere("k.rolled_to_id IS NULL")
    .getCount();
}

/**
 * Keys (alias `k`) still usable — neither revoked nor expired — whose expiry breaks their environment's rules in
 * `policy`: no expiry where one is required (requireExpiry, or any maxLifetimeDays), or a lifetime from creation to
 * expiry longer than maxLifetimeDays. Null when the policy has no rule (no key can violate it).
 */
export function policyViolation(
  policy: ApiKeyPolicy,
  driver: string,
  now: Date,
): { sql: string; params: Record<string, unknown> } | null {
  const parts: string[] = [];
  const params: Record<string, unknown> = { policyNow: now };
  for (const environment of [ApiKeyEnvironment.SANDBOX, ApiKeyEnvironment.PRODUCTION]) {
    const { maxLifetimeDays, requireExpiry } = rulesFor(policy, environment);
    if (maxLifetimeDays === null && !requireExpiry) continue;
    const env = `policyEnv${environment}`;
    params[env] = environment;
    let breaks = "k.expires_at IS NULL";
    if (maxLifetimeDays !== null) {
      const days = `policyDays${environment}`;
      params[days] = maxLifetimeDays;
      // both layouts compare as the column does: SQLite's text 'YYYY-MM-DD HH:MM:SS.SSS', MySQL's datetime(3)
      const latest =
        driver === "better-sqlite3"
          ? `strftime('%Y-%m-%d %H:%M:%f', k.created_at, '+' || :${days} || ' days')`
          : `DATE_ADD(k.created_at, INTERVAL :${days} DAY)`;
      breaks += ` OR k.expires_at > ${latest}`;
    }
    parts.push(`(k.environment = :${env} AND (${breaks}))`);
  }
  if (parts.length === 0) return null;
  return {
    sql: `k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > :policyNow) AND (${parts.join(" OR ")})`,
    params,
  };
}
