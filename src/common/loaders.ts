import DataLoader from "dataloader";
import { DataSource, In } from "typeorm";
import { canSeeApiKey, canSeeUser, canSeeWorkspace, type Principal } from "../auth/principal";
import { User, UserWorkspace } from "../modules/user/user.entity";
import { Workspace } from "../modules/workspace/workspace.entity";
import { ApiKey, ApiKeyWorkspace } from "../modules/api-key/api-key.entity";
import { rowMapper } from "../db/rows";

/**
 * A DataLoader that answers synchronously for what it already knows (primed, or loaded earlier in
 * the request): a field whose value is known resolves without a promise, which keeps graphql-js on
 * its fast synchronous path for a whole page of objects.
 */
export class KnownFirstLoader<V> {
  private readonly known = new Map<string, V>();
  private readonly loader: DataLoader<string, V>;

  constructor(batch: (keys: readonly string[]) => Promise<V[]>) {
    this.loader = new DataLoader(batch);
  }

  load(key: string): V | Promise<V> {
    if (this.known.has(key)) return this.known.get(key)!;
    return this.loader.load(key).then((value) => {
      this.known.set(key, value);
      return value;
    });
  }

  /** Loads all `keys` in one batch now, so that later `load`s of them answer at once. */
  async loadAll(keys: string[]): Promise<void> {
    const missing = keys.filter((k) => !this.known.has(k));
    if (missing.length === 0) return;
    const values = await this.loader.loadMany(missing);
    missing.forEach((k, i) => {
      const value = values[i];
      if (value instanceof Error) throw value;
      this.known.set(k, value);
    });
  }

  prime(key: string, value: V): void {
    this.known.set(key, value);
  }
}

/** Per-request loaders: one query per field per request, results limited to what the principal may see. */
export function createLoaders(db: DataSource, principal: Principal | null) {
  const org = principal?.organizationId ?? "";
  const visibleWorkspace = (w: Workspace) => principal !== null && canSeeWorkspace(principal, w);

  const workspaceRows = rowMapper(db, Workspace, "w");
  /** One statement: the owners' links joined to their workspaces, grouped per owner in creation order. */
  const workspacesOf = async (link: typeof ApiKeyWorkspace | typeof UserWorkspace, ownerColumn: string, owners: readonly string[]) => {
    const rows = await db
      .createQueryBuilder()
      .select([`l.${ownerColumn} AS owner`, ...workspaceRows.select])
      .from(link, "l")
      .innerJoin(Workspace, "w", "w.id = l.workspace_id")
      .where(`l.${ownerColumn} IN (:...owners)`, { owners: [...owners] })
      .andWhere("w.organization_id = :org", { org })
      .orderBy("w.created_at", "ASC")
      .addOrderBy("w.id", "ASC")
      .getRawMany<Record<string, unknown>>();
    const grouped = new Map<string, Workspace[]>(owners.map((o) => [o, []]));
    for (const row of rows) {
      const workspace = workspaceRows.map(row)!;
      if (visibleWorkspace(workspace)) grouped.get(String(row.owner))?.push(workspace);
    }
    return owners.map((o) => grouped.get(o) ?? []);
  };

  return {
    workspacesOfApiKey: new KnownFirstLoader<Workspace[]>((keyIds) => workspacesOf(ApiKeyWorkspace, "api_key_id", keyIds)),
    workspacesOfUser: new KnownFirstLoader<Workspace[]>((userIds) => workspacesOf(UserWorkspace, "user_id", userIds)),
    user: new KnownFirstLoader<User | null>(async (ids) => {
      const users = await db.getRepository(User).findBy({ id: In([...ids]), organizationId: org });
      // only a workspace-scope key needs memberships to decide which users it may see
      const scoped = principal?.kind === "apiKey" && principal.scope === "WORKSPACE";
      const links = scoped && users.length ? await db.getRepository(UserWorkspace).findBy({ userId: In(users.map((u) => u.id)) }) : [];
      const visible = users.filter(
        (u) => principal !== null && canSeeUser(principal, u, links.filter((l) => l.userId === u.id).map((l) => l.workspaceId)),
      );
      const byId = new Map(visible.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    workspace: new KnownFirstLoader<Workspace | null>(async (ids) => {
      const workspaces = await db.getRepository(Workspace).findBy({ id: In([...ids]), organizationId: org });
      const byId = new Map(workspaces.filter(visibleWorkspace).map((w) => [w.id, w]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    apiKey: new KnownFirstLoader<ApiKey | null>(async (ids) => {
      const keys = await db.getRepository(ApiKey).findBy({ id: In([...ids]), organizationId: org });
      const byId = new Map(keys.filter((k) => principal !== null && canSeeApiKey(principal, k)).map((k) => [k.id, k]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
