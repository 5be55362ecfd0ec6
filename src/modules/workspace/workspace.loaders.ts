import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
import { canSeeWorkspace, type Principal } from "../../auth/principal";
import { KnownFirstLoader, organizationRowsById } from "../../common/known-first-loader";
import { rowMapper } from "../../db/rows";
import { fixedSql, quoted, runSql } from "../../db/sql";
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
  const linkTable = db.getMetadata(link).tableName;
  // written by hand, once per link table: building it with the query builder on every batch cost more than running it
  const select = fixedSql(db, `linkedWorkspaces:${linkTable}.${ownerColumn}`, () => {
    const q = (name: string) => quoted(db, name);
    return (
      `SELECT ${q("l")}.${q(ownerColumn)} AS ${q("owner")}, ${rows.quotedSelect}` +
      ` FROM ${q(linkTable)} ${q("l")}` +
      ` INNER JOIN ${q(db.getMetadata(Workspace).tableName)} ${q("w")} ON w.id = l.workspace_id` +
      ` WHERE l.${ownerColumn} IN (:...owners) AND w.organization_id = :org ORDER BY w.created_at ASC, w.id ASC`
    );
  });
  return new KnownFirstLoader<Workspace[]>(
    async (owners) => {
      const raw = await runSql(db.manager, select, { owners: [...owners], org });
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
