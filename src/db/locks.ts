import { In, type EntityManager } from "typeorm";
import { canSeeWorkspace, type Principal } from "../auth/principal";
import { isId } from "../common/ids";
import { unauthenticated } from "../errors/app-error";
import { Organization } from "../modules/organization/organization.entity";
import { User } from "../modules/user/user.entity";
import { Workspace } from "../modules/workspace/workspace.entity";

/**
 * Find options that lock the rows read (SELECT … FOR UPDATE) until the transaction ends, so a
 * concurrent delete cannot pull them away before we link to them. FOR UPDATE rather than FOR SHARE,
 * which MariaDB does not parse. SQLite needs none: its write transactions are already serialized
 * by TransactionRunner.
 */
export const lockedRows = (m: EntityManager) =>
  m.connection.options.type === "better-sqlite3" ? {} : { lock: { mode: "pessimistic_write" as const } };

/**
 * Locks the organization row for the rest of the transaction: the one lock that serializes an
 * organization's quota, trial and last-admin checks. The row always exists, so no empty range is
 * ever locked.
 */
export async function lockOrganization(m: EntityManager, organizationId: string): Promise<Organization> {
  return m.getRepository(Organization).findOneOrFail({ where: { id: organizationId }, ...lockedRows(m) });
}

/**
 * Locks the given workspaces when every one of them is a workspace of the principal's organization
 * within its reach; null otherwise (unknown, foreign and out-of-reach ids look the same).
 */
export async function lockWorkspacesInReach(m: EntityManager, principal: Principal, ids: string[]): Promise<Workspace[] | null> {
  if (!ids.every(isId)) return null;
  const found = await m.getRepository(Workspace).find({ where: { id: In(ids), organizationId: principal.organizationId }, ...lockedRows(m) });
  const reachable = found.filter((w) => canSeeWorkspace(principal, w));
  return reachable.length === new Set(ids).size ? reachable : null;
}

/**
 * A user creating something must still exist (a concurrent deleteUser would break the createdBy
 * foreign key), and is locked until the commit; keys are checked at authentication and revoked, never deleted.
 */
export async function lockCreator(m: EntityManager, principal: Principal): Promise<void> {
  if (principal.kind !== "user") return;
  const user = await m.getRepository(User).findOne({ where: { id: principal.user.id }, ...lockedRows(m) });
  if (!user) throw unauthenticated("Invalid, expired or revoked credential");
}

/** A duplicate in a unique index (MySQL 1062, SQLite's UNIQUE constraint). */
export function isUniqueViolation(error: unknown): boolean {
  const e = (error as { driverError?: { errno?: number; code?: string } }).driverError ?? (error as { errno?: number; code?: string });
  return e?.errno === 1062 || e?.code === "SQLITE_CONSTRAINT_UNIQUE";
}
