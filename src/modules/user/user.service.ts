import { DataSource, EntityManager } from "typeorm";
import { actorOf, canSeeUser, workspaceReach, type Principal } from "../../auth/principal";
import { isId, newId } from "../../common/ids";
import { emptyPage, newestFirst, parsePageArgs, readPage } from "../../common/pagination";
import type { Connection, PageArgs } from "../../common/pagination";
import { cleanEmail, cleanSearch, cleanText, containsPattern } from "../../common/text";
import { badInput, forbidden, found } from "../../errors/app-error";
import { isUniqueViolation } from "../../db/locks";
import { lockWorkspacesInReach } from "../workspace/workspace.locks";
import { TransactionRunner } from "../../db/transaction";
import { lockOrganization } from "../organization/organization.locks";
import { Workspace } from "../workspace/workspace.entity";
import { ApiKeyScope } from "../api-key/api-key.entity";
import { EXTERNAL_ID_MAX } from "../organization/organization.platform";
import { User, UserRole, UserWorkspace } from "./user.entity";

const USER_ORDER = newestFirst<User>("u");

/**
 * An admin reaches both environments and every key, so no key (never broader than itself) may
 * create, promote, change or delete one (SPEC §5 note ³).
 */
function assertMayTouchAdmins(principal: Principal): void {
  if (principal.kind === "apiKey") throw forbidden("API keys cannot create, change or delete admins");
}

export interface UserListArgs extends PageArgs {
  search?: string | null;
  role?: UserRole | null;
  workspaceId?: string | null;
}

export class UserService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  /** Users of the organization; a workspace-scope key sees only members of its workspaces. */
  async list(principal: Principal, args: UserListArgs): Promise<Connection<User>> {
    const page = parsePageArgs(args, USER_ORDER.sort.key);
    const search = cleanSearch("search", args.search);
    const qb = this.db
      .getRepository(User)
      .createQueryBuilder("u")
      .where("u.organization_id = :org", { org: principal.organizationId });
    if (principal.kind === "apiKey" && principal.scope === ApiKeyScope.WORKSPACE) {
      qb.andWhere(
        "EXISTS (SELECT 1 FROM user_workspace sw WHERE sw.user_id = u.id AND sw.workspace_id IN (:...scoped))",
        {
          scoped: principal.workspaceIds.length ? principal.workspaceIds : [""],
        },
      );
    }
    if (args.workspaceId != null) {
      const reach = workspaceReach(principal);
      const reachable = isId(args.workspaceId) && (reach === "all" || reach.includes(args.workspaceId));
      const workspace = reachable
        ? await this.db
            .getRepository(Workspace)
            .findOneBy({ id: args.workspaceId, organizationId: principal.organizationId })
        : null;
      if (!workspace) return emptyPage(page);
      qb.andWhere("EXISTS (SELECT 1 FROM user_workspace fw WHERE fw.user_id = u.id AND fw.workspace_id = :filterWs)", {
        filterWs: workspace.id,
      });
    }
    if (args.role) qb.andWhere("u.role = :role", { role: args.role });
    if (search) {
      qb.andWhere("(LOWER(u.email) LIKE :search ESCAPE '!' OR LOWER(u.name) LIKE :search ESCAPE '!')", {
        search: containsPattern(search),
      });
    }
    return readPage(qb, USER_ORDER, page);
  }

  /** The user, or null when missing, of another organization, or out of a workspace key's reach. */
  async get(principal: Principal, id: string, manager: EntityManager = this.db.manager): Promise<User | null> {
    if (!isId(id)) return null;
    const user = await manager.getRepository(User).findOneBy({ id, organizationId: principal.organizationId });
    if (!user) return null;
    const memberOf = await this.membershipsOf(manager, user.id);
    return canSeeUser(principal, user, memberOf) ? user : null;
  }

  /** @throws BAD_USER_INPUT (email, name, workspaceIds) */
  async create(
    principal: Principal,
    input: {
      email: string;
      name?: string | null;
      role: UserRole;
      workspaceIds?: string[] | null;
      externalId?: string | null;
    },
  ): Promise<User> {
    const email = cleanEmail("email", input.email);
    const name = cleanText("name", input.name, { max: 200 });
    const externalId = cleanText("externalId", input.externalId, { max: EXTERNAL_ID_MAX });
    const workspaceIds = [...new Set(input.workspaceIds ?? [])];
    if (input.role === UserRole.ADMIN) assertMayTouchAdmins(principal);
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      await this.assertWorkspaces(m, principal, workspaceIds);
      if (await m.getRepository(User).existsBy({ organizationId: principal.organizationId, email })) {
        throw badInput("email", "This email is already in use in this organization");
      }
      if (externalId !== null) await this.assertExternalIdFree(m, principal.organizationId, externalId);
      const user = Object.assign(new User(), {
        id: newId(),
        organizationId: principal.organizationId,
        email,
        name,
        role: input.role,
        externalId,
      });
      try {
        await writes.insert(User, user, "user.created");
      } catch (error) {
        // two creations of the same email (or externalId) at once: the unique index decides, the loser gets the same answer
        throw uniqueViolationAsInput(error);
      }
      if (workspaceIds.length)
        await m
          .getRepository(UserWorkspace)
          .insert(workspaceIds.map((workspaceId) => ({ userId: user.id, workspaceId })));
      return user;
    });
  }

  /** @throws NOT_FOUND, BAD_USER_INPUT (name, role: the last admin, workspaceIds) */
  async update(
    principal: Principal,
    input: {
      id: string;
      name?: string | null;
      role?: UserRole | null;
      workspaceIds?: string[] | null;
      externalId?: string | null;
    },
  ): Promise<User> {
    const name = input.name === undefined ? undefined : cleanText("name", input.name, { max: 200 });
    const externalId =
      input.externalId === undefined ? undefined : cleanText("externalId", input.externalId, { max: EXTERNAL_ID_MAX });
    const workspaceIds = input.workspaceIds == null ? null : [...new Set(input.workspaceIds)];
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      // the organization row lock serializes admin changes, so two demotions cannot both pass the last-admin check
      await lockOrganization(m, principal.organizationId);
      const user = found(await this.get(principal, input.id, m), "User");
      if (user.role === UserRole.ADMIN || input.role === UserRole.ADMIN) assertMayTouchAdmins(principal);
      if (input.role && input.role !== user.role && user.role === UserRole.ADMIN)
        await this.assertNotLastAdmin(m, user, "role");
      if (workspaceIds) await this.assertWorkspaces(m, principal, workspaceIds);
      if (externalId != null && externalId !== user.externalId)
        await this.assertExternalIdFree(m, principal.organizationId, externalId);
      const patch: Partial<User> = {
        ...(name !== undefined ? { name } : {}),
        ...(input.role ? { role: input.role } : {}),
        ...(externalId !== undefined ? { externalId } : {}),
      };
      try {
        await writes.update(
          User,
          user,
          patch,
          input.role && input.role !== user.role ? "user.role_changed" : "user.updated",
        );
      } catch (error) {
        throw uniqueViolationAsInput(error);
      }
      if (workspaceIds) {
        const before = (await this.membershipsOf(m, user.id)).sort();
        await m.getRepository(UserWorkspace).delete({ userId: user.id });
        if (workspaceIds.length)
          await m
            .getRepository(UserWorkspace)
            .insert(workspaceIds.map((workspaceId) => ({ userId: user.id, workspaceId })));
        const after = [...workspaceIds].sort();
        if (before.join() !== after.join()) {
          writes.record({
            action: "user.workspaces_changed",
            organizationId: user.organizationId,
            target: { type: "user", id: user.id },
            changes: { workspaceIds: { from: before, to: after } },
          });
        }
      }
      return user;
    });
  }

  private async assertExternalIdFree(m: EntityManager, organizationId: string, externalId: string): Promise<void> {
    if (await m.getRepository(User).existsBy({ organizationId, externalId }))
      throw badInput("externalId", "This externalId is already in use in this organization");
  }

  /** Deletes the user (keys and documents they created keep existing, with createdBy null). @throws NOT_FOUND, BAD_USER_INPUT */
  async delete(principal: Principal, id: string): Promise<string> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      await lockOrganization(m, principal.organizationId);
      const user = found(await this.get(principal, id, m), "User");
      if (user.role === UserRole.ADMIN) assertMayTouchAdmins(principal);
      if (user.role === UserRole.ADMIN) await this.assertNotLastAdmin(m, user, "id");
      await m.getRepository(UserWorkspace).delete({ userId: user.id });
      await writes.delete(User, user, "user.deleted");
      return user.id;
    });
  }

  private async assertNotLastAdmin(m: EntityManager, user: User, field: string): Promise<void> {
    const admins = await m.getRepository(User).countBy({ organizationId: user.organizationId, role: UserRole.ADMIN });
    if (admins <= 1) throw badInput(field, "The organization's last admin cannot be demoted or deleted");
  }

  /** Every id must be a workspace of the organization within the caller's reach; unknown and foreign look the same. */
  private async assertWorkspaces(m: EntityManager, principal: Principal, workspaceIds: string[]): Promise<void> {
    if (workspaceIds.length > 0 && !(await lockWorkspacesInReach(m, principal, workspaceIds))) {
      throw badInput("workspaceIds", "Unknown workspace in workspaceIds");
    }
  }

  private async membershipsOf(m: EntityManager, userId: string): Promise<string[]> {
    return (await m.getRepository(UserWorkspace).findBy({ userId })).map((l) => l.workspaceId);
  }
}

/** A unique index's refusal (a concurrent write won) as the answer the pre-check gives; anything else unchanged. */
function uniqueViolationAsInput(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  return /external_id/.test(error instanceof Error ? error.message : "")
    ? badInput("externalId", "This externalId is already in use in this organization")
    : badInput("email", "This email is already in use in this organization");
}
