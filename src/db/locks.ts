import type { EntityManager } from "typeorm";

/**
 * Find options that lock the rows read (SELECT … FOR UPDATE) until the transaction ends, so a
 * concurrent delete cannot pull them away before we link to them. FOR UPDATE rather than FOR SHARE,
 * which MariaDB does not parse. SQLite needs none: its write transactions are already serialized
 * by TransactionRunner.
 */
export const lockedRows = (m: EntityManager) =>
  m.connection.options.type === "better-sqlite3" ? {} : { lock: { mode: "pessimistic_write" as const } };

/** A duplicate in a unique index (MySQL 1062, SQLite's UNIQUE constraint). */
export function isUniqueViolation(error: unknown): boolean {
  const e =
    (error as { driverError?: { errno?: number; code?: string } }).driverError ??
    (error as { errno?: number; code?: string });
  return e?.errno === 1062 || e?.code === "SQLITE_CONSTRAINT_UNIQUE";
}
