import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { datetimeParam } from "../db/rows";

const WRITE_INTERVAL_MS = 60_000;
const REMEMBERED_MAX = 100_000;

/**
 * `lastUsedAt` is written at most once per credential per minute, across every process on the database: each
 * process asks at most once a minute per credential (LastUsedThrottle), and the write itself is conditional
 * (writeLastUsed), so of several processes asking within the same minute only the first changes the row.
 */

/** When this process should try to write a credential's lastUsedAt (at most once a minute). */
export class LastUsedThrottle {
  /** When this process last wrote `lastUsedAt` for each credential. */
  private readonly lastWrite = new Map<string, number>();

  /** True (and remembered) when the credential's lastUsedAt should be written now. */
  due(id: string, now: Date): boolean {
    const last = this.lastWrite.get(id);
    if (last !== undefined && now.getTime() - last < WRITE_INTERVAL_MS) return false;
    this.lastWrite.set(id, now.getTime());
    if (this.lastWrite.size > REMEMBERED_MAX) {
      const cutoff = now.getTime() - WRITE_INTERVAL_MS;
      for (const [key, at] of this.lastWrite) if (at < cutoff) this.lastWrite.delete(key);
    }
    return true;
  }
}

/**
 * Sets `patch` (lastUsedAt, and lastUsedIp for API keys) on the row unless its lastUsedAt was written less than a
 * minute before `now`, by this process or any other: one conditional UPDATE, no read.
 */
export async function writeLastUsed(
  m: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  id: string,
  patch: ObjectLiteral,
  now: Date,
): Promise<void> {
  const cutoff = datetimeParam(
    m.connection.options.type === "better-sqlite3",
    new Date(now.getTime() - WRITE_INTERVAL_MS),
  );
  await m
    .createQueryBuilder()
    .update(target)
    .set(patch)
    .where("id = :id", { id })
    .andWhere("(last_used_at IS NULL OR last_used_at <= :cutoff)", { cutoff })
    .execute();
}
