import type { EntityManager } from "typeorm";
import { lockedRows } from "../../db/locks";
import { Organization } from "./organization.entity";

/**
 * Locks the organization row for the rest of the transaction: the one lock that serializes an
 * organization's quota, trial and last-admin checks. The row always exists, so no empty range is
 * ever locked.
 */
export async function lockOrganization(m: EntityManager, organizationId: string): Promise<Organization> {
  return m.getRepository(Organization).findOneOrFail({ where: { id: organizationId }, ...lockedRows(m) });
}
