import { DataSource, EntityManager, In, IsNull } from "typeorm";
import { onReplica } from "../../db/replica";
import { actorOf, canSeeWorkspace, workspaceReach, type Principal } from "../../auth/principal";
import { newId, isId } from "../../common/ids";
import { emptyPage, newestFirst, parsePageArgs, readPage } from "../../common/pagination";
import type { Connection, PageArgs } from "../../common/pagination";
import { cleanSearch, cleanText, containsPattern } from "../../common/text";
import { found } from "../../errors/app-error";
import { TransactionRunner } from "../../db/transaction";
import { ApiKey, ApiKeyScope, ApiKeyWorkspace } from "../api-key/api-key.entity";
import { Document } from "../document/document.entity";
import { UserWorkspace } from "../user/user.entity";
import { Workspace } from "./workspace.entity";

const WORKSPACE_ORDER = newestFirst<Workspace>("w");

export const WORKSPACE_NAME_MAX = 100;

export class WorkspaceService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  async list(principal: Principal, args: PageArgs & { search?: string | null }): Promise<Connection<Workspace>> {
    const page = parsePageArgs(args, WORKSPACE_ORDER.sort.key);
    const search = cleanSearch("search", args.search);
    // a list for people: a read replica may answer (db/replica.ts)
    return onReplica(this.db, async (m) => {
      const qb = m
        .getRepository(Workspace)
        .createQueryBuilder("w")
        .where("w.organization_id = :org", { org: principal.organizationId });
      const reach = workspaceReach(principal);
      if (reach !== "all") {
        if (reach.length === 0) return emptyPage(page);
        qb.andWhere("w.id IN (:...reach)", { reach });
      }
      if (search) qb.andWhere("LOWER(w.name) LIKE :search ESCAPE '!'", { search: containsPattern(search) });
      return readPage(qb, WORKSPACE_ORDER, page);
    });
  }

  /** The workspace, or null when it is missing, another organization's, or out of the principal's reach. */
  async get(principal: Principal, id: string, manager: EntityManager = this.db.manager): Promise<Workspace | null> {
    if (!isId(id)) return null;
    const workspace = await manager
      .getRepository(Workspace)
      .findOneBy({ id, organizationId: principal.organizationId });
    return workspace && canSeeWorkspace(principal, workspace) ? workspace : null;
  }

  async create(principal: Principal, input: { name: string }): Promise<Workspace> {
    const name = cleanText("name", input.name, { max: WORKSPACE_NAME_MAX, required: true });
    const workspace = Object.assign(new Workspace(), { id: newId(), organizationId: principal.organizationId, name });
    return this.tx.runAs(actorOf(principal), async (_m, writes) => {
      await writes.insert(Workspace, workspace, "workspace.created");
      return workspace;
    });
  }

  async update(principal: Principal, input: { id: string; name: string }): Promise<Workspace> {
    const name = cleanText("name", input.name, { max: WORKSPACE_NAME_MAX, required: true });
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const workspace = found(await this.get(principal, input.id, m), "Workspace");
      await writes.update(Workspace, workspace, { name }, "workspace.updated");
      return workspace;
    });
  }

  /**
   * Deletes the workspace, its memberships and documents, takes it out of every key's scope, and revokes
   * the workspace-scope keys left with no workspace — all in one transaction (SPEC §5).
   */
  async delete(principal: Principal, id: string): Promise<string> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const workspace = found(await this.get(principal, id, m), "Workspace");
      const links = await m.getRepository(ApiKeyWorkspace).findBy({ workspaceId: id });
      const keyIds = links.map((l) => l.apiKeyId);
      await m.getRepository(ApiKeyWorkspace).delete({ workspaceId: id });
      await m.getRepository(UserWorkspace).delete({ workspaceId: id });
      await m.getRepository(Document).delete({ workspaceId: id });
      await writes.delete(Workspace, workspace, "workspace.deleted");
      if (keyIds.length > 0) {
        const stillScoped = new Set(
          (await m.getRepository(ApiKeyWorkspace).findBy({ apiKeyId: In(keyIds) })).map((l) => l.apiKeyId),
        );
        const orphaned = keyIds.filter((k) => !stillScoped.has(k));
        // workspace-scope keys left with no workspace, not yet revoked: revoked with the workspace, each recorded
        const revocable = orphaned.length
          ? await m.getRepository(ApiKey).find({
              select: { id: true, environment: true },
              where: { id: In(orphaned), scope: ApiKeyScope.WORKSPACE, revokedAt: IsNull() },
            })
          : [];
        if (revocable.length > 0) {
          const ids = revocable.map((k) => k.id);
          const environmentOf = new Map(revocable.map((k) => [k.id, k.environment]));
          await m
            .getRepository(ApiKey)
            .createQueryBuilder()
            .update()
            .set({ revokedAt: writes.now, updatedAt: writes.now })
            .where("id IN (:...ids)", { ids })
            .execute();
          for (const keyId of ids) {
            writes.record({
              action: "api_key.revoked",
              organizationId: workspace.organizationId,
              environment: environmentOf.get(keyId),
              target: { type: "api_key", id: keyId },
              changes: { revokedAt: { from: null, to: writes.now.toISOString() } },
            });
          }
        }
      }
      return id;
    });
  }
}
