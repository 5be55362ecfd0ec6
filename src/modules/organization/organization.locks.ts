import type { EntityManager } from "typeorm";
import { Organization } from "./organization.entity";

/**
 * Locks the organization row (SELECT … FOR UPDATE) for the rest of the transaction: the one lock
 * that serializes an organization's quota, trial and last-admin checks. The row always exists, so
 * no empty range is ever locked. SQLite transactions are already serialized by TransactionRunner.
 */
export function lockOrganization(m: EntityManager, organizationId: string): Promise<Organization> {
  const qb = m.getRepository(Organization).createQueryBuilder("o").where("o.id = :id", { id: organizationId });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getOneOrFail();
}
