import { In, type EntityManager } from "typeorm";
import { canSeeWorkspace, type Principal } from "../../auth/principal";
import { isId } from "../../common/ids";
import { lockedRows } from "../../db/locks";
import { Workspace } from "./workspace.entity";

/**
 * Locks the given workspaces when every one of them is a workspace of the principal's organization
 * within its reach; null otherwise (unknown, foreign and out-of-reach ids look the same).
 */
export async function lockWorkspacesInReach(
  m: EntityManager,
  principal: Principal,
  ids: string[],
): Promise<Workspace[] | null> {
  if (!ids.every(isId)) return null;
  const found = await m
    .getRepository(Workspace)
    .find({ where: { id: In(ids), organizationId: principal.organizationId }, ...lockedRows(m) });
  const reachable = found.filter((w) => canSeeWorkspace(principal, w));
  return reachable.length === new Set(ids).size ? reachable : null;
}
