import type { DataSource, EntityManager, QueryRunner } from "typeorm";

/**
 * Reads chosen on purpose for a read replica (DATABASE_REPLICA_URLS): the dashboard's lists and their counts,
 * where an answer up to the replica's lag old is fine. Everything else — authentication, verification, every
 * read inside a transaction, every read a decision depends on — stays on the primary (TypeORM's replication
 * with defaultMode "master"), so a revocation holds on the next request however far a replica lags.
 *
 * `work` gets a manager on a replica connection; with no replica configured (or SQLite) the primary's. A replica
 * that cannot be reached (down, refusing, gone mid-read) gives way to the primary: the read is run again there.
 */
export async function onReplica<T>(db: DataSource, work: (m: EntityManager) => Promise<T>): Promise<T> {
  if (!hasReplicas(db)) return work(db.manager);
  let runner: QueryRunner | undefined;
  try {
    runner = db.createQueryRunner("slave");
    await runner.connect();
  } catch {
    await runner?.release().catch(() => undefined);
    return work(db.manager);
  }
  try {
    return await work(runner.manager);
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    return work(db.manager);
  } finally {
    await runner.release().catch(() => undefined);
  }
}

const hasReplicas = (db: DataSource): boolean =>
  "replication" in db.options &&
  Boolean((db.options as { replication?: { slaves?: unknown[] } }).replication?.slaves?.length);

/** mysql2's codes for a connection that failed or was lost (not an error of the statement). */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "POOL_NONEONLINE",
  "POOL_NOEXIST",
]);

function isConnectionError(error: unknown): boolean {
  const e = (error as { driverError?: { code?: string } }).driverError ?? (error as { code?: string });
  return typeof e?.code === "string" && CONNECTION_CODES.has(e.code);
}
