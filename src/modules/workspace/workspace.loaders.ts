import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { canSeeWorkspace, type Principal } from "../../auth/principal";
import { KnownFirstLoader, organizationRowsById } from "../../common/known-first-loader";
import { rowMapper } from "../../db/rows";
import { Workspace } from "./workspace.entity";

const byCreation = (a: Workspace, b: Workspace) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The workspaces linked to each owner (a key's scope, a user's memberships) through a link table,
 * oldest first, only those the principal reaches: one statement per batch.
 */
export function linkedWorkspacesLoader(
  db: DataSource,
  principal: Principal | null,
  link: EntityTarget<ObjectLiteral>,
  ownerColumn: string,
) {
  const org = principal?.organizationId ?? "";
  const visible = (w: Workspace) => principal !== null && canSeeWorkspace(principal, w);
  const rows = rowMapper(db, Workspace, "w");
  return new KnownFirstLoader<Workspace[]>(
    async (owners) => {
      const raw = await db
        .createQueryBuilder()
        .select([`l.${ownerColumn} AS owner`, ...rows.select])
        .from(link, "l")
        .innerJoin(Workspace, "w", "w.id = l.workspace_id")
        .where(`l.${ownerColumn} IN (:...owners)`, { owners: [...owners] })
        .andWhere("w.organization_id = :org", { org })
        .orderBy("w.created_at", "ASC")
        .addOrderBy("w.id", "ASC")
        .getRawMany<Record<string, unknown>>();
      const grouped = new Map<string, Workspace[]>(owners.map((o) => [o, []]));
      for (const row of raw) {
        const workspace = rows.map(row)!;
        if (visible(workspace)) grouped.get(String(row.owner))?.push(workspace);
      }
      return owners.map((o) => grouped.get(o) ?? []);
    },
    (workspaces) => workspaces.filter(visible).sort(byCreation),
  );
}

/** Workspaces by id, null when missing or out of the principal's reach. */
export function workspaceLoaders(db: DataSource, principal: Principal | null) {
  const visible = (w: Workspace) => principal !== null && canSeeWorkspace(principal, w);
  return { workspace: organizationRowsById(db, Workspace, principal?.organizationId ?? "", visible) };
}
