import type { EntityManager } from "typeorm";
import { lockedRows } from "../../db/locks";
import { Organization } from "./organization.entity";

/**
 * Locks the organization row for the rest of the transaction: the one lock that serializes an
 * organization's quota, trial and last-admin checks. The row always exists, so no empty range is
 * ever locked.
 *
 * The lock is taken by writing the row (lock_serial + 1), then read back locked. On one server the
 * UPDATE's row lock is the serialization; on a Galera cluster, where a SELECT … FOR UPDATE on one node
 * does not stop another node, the written row makes concurrent holders on different nodes fail
 * certification (errno 1213), and the transaction runner runs the loser again from the start.
 */
export async function lockOrganization(m: EntityManager, organizationId: string): Promise<Organization> {
  await m
    .createQueryBuilder()
    .update(Organization)
    .set({ lockSerial: () => "lock_serial + 1" })
    .where("id = :id", { id: organizationId })
    .execute();
  return m.getRepository(Organization).findOneOrFail({ where: { id: organizationId }, ...lockedRows(m) });
}
