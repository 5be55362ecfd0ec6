import type { EntityManager } from "typeorm";
import type { Principal } from "../../auth/principal";
import { lockedRows } from "../../db/locks";
import { unauthenticated } from "../../errors/app-error";
import { User } from "./user.entity";

/**
 * A user creating something must still exist (a concurrent deleteUser would break the createdBy
 * foreign key), and is locked until the commit; keys are checked at authentication and revoked, never deleted.
 */
export async function lockCreator(m: EntityManager, principal: Principal): Promise<void> {
  if (principal.kind !== "user") return;
  const user = await m.getRepository(User).findOne({ where: { id: principal.user.id }, ...lockedRows(m) });
  if (!user) throw unauthenticated("Invalid, expired or revoked credential");
}
