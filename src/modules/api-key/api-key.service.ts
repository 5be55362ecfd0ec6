import { DataSource, EntityManager } from "typeorm";
import type { Config } from "../../config";
import { actorOf, canSeeApiKey, type Principal } from "../../auth/principal";
import { isId, newId } from "../../common/ids";
import {
  applyKeyset,
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
  type SortSpec,
} from "../../common/pagination";
import { cleanSearch, cleanText, containsPattern, distinctItems } from "../../common/text";
import { ErrorCode } from "../../errors/codes";
import { AppError, badInput, forbidden, found } from "../../errors/app-error";
import { lockOrganization } from "../organization/organization.locks";
import { lockCreator } from "../user/user.locks";
import { lockWorkspacesInReach } from "../workspace/workspace.locks";
import { TransactionRunner } from "../../db/transaction";
import { User } from "../user/user.entity";
import { ACTIVE_KEY_CONDITION, countActiveKeys } from "./api-key.queries";
import { Organization } from "../organization/organization.entity";
import { rowMapper } from "../../db/rows";
import { Workspace } from "../workspace/workspace.entity";
import {
  ApiKey,
  ApiKeyEnvironment,
  ApiKeyPermission,
  ApiKeyScope,
  ApiKeyStatus,
  ApiKeyWorkspace,
} from "./api-key.entity";
import { generateToken, hashToken, tokenHint } from "./token";

export const DESCRIPTION_MAX = 255;
/** datetime columns hold years up to 9999 on both databases. */
const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const MAX_WORKSPACES_PER_KEY = 100;

export enum ApiKeyOrderField {
  CREATED_AT = "CREATED_AT",
  LAST_USED_AT = "LAST_USED_AT",
  DESCRIPTION = "DESCRIPTION",
}
export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}

export interface ApiKeyFilterInput {
  environment?: ApiKeyEnvironment[] | null;
  scope?: ApiKeyScope[] | null;
  permission?: ApiKeyPermission[] | null;
  status?: ApiKeyStatus[] | null;
  workspaceId?: string | null;
  search?: string | null;
}

/** A page of keys, and the users that created them (for `createdBy`, without another query). */
export interface ApiKeyPage extends Connection<ApiKey> {
  creatorUsers: User[];
}

export interface CreateApiKeyData {
  description?: string | null;
  environment: ApiKeyEnvironment;
  scope: ApiKeyScope;
  workspaceIds?: string[] | null;
  permission: ApiKeyPermission;
  expiresAt?: Date | null;
}

const ORDER_COLUMNS: Record<ApiKeyOrderField, { column: string; nullable: boolean; date: boolean }> = {
  CREATED_AT: { column: "k.created_at", nullable: false, date: true },
  LAST_USED_AT: { column: "k.last_used_at", nullable: true, date: true },
  DESCRIPTION: { column: "k.description", nullable: true, date: false },
};

function sortSpec(field: ApiKeyOrderField, direction: OrderDirection): SortSpec {
  const { column, nullable, date } = ORDER_COLUMNS[field];
  return {
    key: `${field}:${direction}`,
    column,
    idColumn: "k.id",
    descending: direction === OrderDirection.DESC,
    nullable,
    toParam: date ? (v) => new Date(v) : (v) => String(v),
  };
}

function sortValue(key: ApiKey, field: ApiKeyOrderField): string | null {
  if (field === ApiKeyOrderField.DESCRIPTION) return key.description;
  const value = field === ApiKeyOrderField.CREATED_AT ? key.createdAt : key.lastUsedAt;
  return value ? value.toISOString() : null;
}

const STATUS_CONDITIONS: Record<ApiKeyStatus, string> = {
  ACTIVE: `(${ACTIVE_KEY_CONDITION} AND k.suspended_at IS NULL)`,
  REVOKED: "k.revoked_at IS NOT NULL",
  EXPIRED: "(k.revoked_at IS NULL AND k.expires_at IS NOT NULL AND k.expires_at <= :now)",
  SUSPENDED: `(${ACTIVE_KEY_CONDITION} AND k.suspended_at IS NOT NULL)`,
};

/** A key created by a key never outlives it (SPEC §5 note ¹): when the creator expires, the new key must too, no later. */
function assertNoLongerLived(creatorExpiresAt: Date | null, expiresAt: Date | null): void {
  if (!creatorExpiresAt) return;
  if (!expiresAt || expiresAt.getTime() > creatorExpiresAt.getTime()) {
    throw badInput(
      "expiresAt",
      `A key created by this key must expire no later than it does (${creatorExpiresAt.toISOString()})`,
    );
  }
}

const PERMISSION_RANK: Record<ApiKeyPermission, number> = { READ_ONLY: 0, FULL_ACCESS: 1 };

export class ApiKeyService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: Pick<Config, "apiKeyLimit" | "apiTrialDays">,
  ) {}

  /**
   * Keys the principal may see, filtered, ordered and paged by keyset; totalCount counts every match.
   * Two statements: the page (with each key's creating user joined) and the count. Rows are mapped
   * straight to objects; the creators come back beside the page so the resolver can prime `createdBy`.
   */
  async list(
    principal: Principal,
    args: PageArgs & {
      filter?: ApiKeyFilterInput | null;
      orderBy?: { field: ApiKeyOrderField; direction: OrderDirection } | null;
    },
    now = new Date(),
  ): Promise<ApiKeyPage> {
    const field = args.orderBy?.field ?? ApiKeyOrderField.CREATED_AT;
    const sort = sortSpec(field, args.orderBy?.direction ?? OrderDirection.DESC);
    const page = parsePageArgs(args, sort.key);
    const positionOf = (k: ApiKey) => ({ key: sort.key, value: sortValue(k, field), id: k.id });
    // Object.assign, never a spread: a spread would read the lazy `edges` getter and build every cursor
    const empty = (): ApiKeyPage => Object.assign(toConnection<ApiKey>([], page, 0, positionOf), { creatorUsers: [] });

    const qb = this.db
      .getRepository(ApiKey)
      .createQueryBuilder("k")
      .where("k.organization_id = :org", { org: principal.organizationId });
    if (principal.kind === "apiKey") qb.andWhere("k.environment = :ownEnv", { ownEnv: principal.environment });
    const f = args.filter ?? {};
    const search = cleanSearch("filter.search", f.search);
    const environments = distinctItems("filter.environment", f.environment);
    const scopes = distinctItems("filter.scope", f.scope);
    const permissions = distinctItems("filter.permission", f.permission);
    const statuses = distinctItems("filter.status", f.status);
    if (environments.length) qb.andWhere("k.environment IN (:...envs)", { envs: environments });
    if (scopes.length) qb.andWhere("k.scope IN (:...scopes)", { scopes });
    if (permissions.length) qb.andWhere("k.permission IN (:...perms)", { perms: permissions });
    if (statuses.length) qb.andWhere(`(${statuses.map((s) => STATUS_CONDITIONS[s]).join(" OR ")})`, { now });
    if (f.workspaceId != null) {
      const workspace = isId(f.workspaceId)
        ? await this.db
            .getRepository(Workspace)
            .findOneBy({ id: f.workspaceId, organizationId: principal.organizationId })
        : null;
      // an unknown or foreign workspace matches no key, exactly like a workspace nobody can reach
      if (!workspace) return empty();
      qb.andWhere(
        "(k.scope = :orgScope OR EXISTS (SELECT 1 FROM api_key_workspace akw WHERE akw.api_key_id = k.id AND akw.workspace_id = :filterWs))",
        { orgScope: ApiKeyScope.ORGANIZATION, filterWs: workspace.id },
      );
    }
    if (search) qb.andWhere("LOWER(k.description) LIKE :search ESCAPE '!'", { search: containsPattern(search) });

    const count = qb.clone();
    const key = rowMapper(this.db, ApiKey, "k");
    const user = rowMapper(this.db, User, "cu");
    // creators that are users come joined (the common case); keys created by keys are rare, and
    // joining a second api_key row for every key doubled the statement's cost: the loader fetches those
    qb.select([...key.select, ...user.select]).leftJoin(
      User,
      "cu",
      "cu.id = k.created_by_user_id AND cu.organization_id = k.organization_id",
    );
    const [totalCount, raw] = await Promise.all([
      count.getCount(),
      applyKeyset(qb, sort, page).getRawMany<Record<string, unknown>>(),
    ]);

    const keys: ApiKey[] = [];
    const users = new Map<string, User>();
    for (const row of raw) {
      keys.push(key.map(row)!);
      const creator = user.map(row);
      if (creator) users.set(creator.id, creator);
    }
    return Object.assign(toConnection(keys, page, totalCount, positionOf), { creatorUsers: [...users.values()] });
  }

  /** The key, or null when it is missing, another organization's, or of another environment than a calling key. */
  async get(principal: Principal, id: string, manager: EntityManager = this.db.manager): Promise<ApiKey | null> {
    if (!isId(id)) return null;
    const key = await manager.getRepository(ApiKey).findOneBy({ id, organizationId: principal.organizationId });
    return key && canSeeApiKey(principal, key) ? key : null;
  }

  /**
   * Creates a key and returns its plaintext token (the only time it exists outside the caller).
   * One transaction locks the organization row, checks plan and limit, inserts, and starts the trial.
   * @throws BAD_USER_INPUT, API_PLAN_REQUIRED, API_KEY_LIMIT_REACHED, FORBIDDEN
   */
  async create(
    principal: Principal,
    input: CreateApiKeyData,
  ): Promise<{ apiKey: ApiKey; token: string; workspaces: Workspace[] }> {
    const description = cleanText("description", input.description, { max: DESCRIPTION_MAX });
    const now = new Date();
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime())
      throw badInput("expiresAt", "expiresAt must be in the future");
    if (input.expiresAt && input.expiresAt.getTime() > LATEST_DATE)
      throw badInput("expiresAt", "expiresAt must be before the year 10000");
    const workspaceIds = [...new Set(input.workspaceIds ?? [])];
    if (input.scope === ApiKeyScope.ORGANIZATION && workspaceIds.length > 0) {
      throw badInput("workspaceIds", "workspaceIds can only be given with WORKSPACE scope");
    }
    if (input.scope === ApiKeyScope.WORKSPACE && workspaceIds.length === 0) {
      throw badInput("workspaceIds", "A WORKSPACE-scope key needs one or more workspaces");
    }
    if (workspaceIds.length > MAX_WORKSPACES_PER_KEY) {
      throw badInput("workspaceIds", `A key can reach at most ${MAX_WORKSPACES_PER_KEY} workspaces`);
    }
    if (principal.kind === "apiKey") {
      this.assertNoBroaderThan(principal, input);
      assertNoLongerLived(principal.apiKey.expiresAt, input.expiresAt ?? null);
    }

    const token = generateToken(input.environment);
    const key = Object.assign(new ApiKey(), {
      id: newId(),
      organizationId: principal.organizationId,
      description,
      environment: input.environment,
      scope: input.scope,
      permission: input.permission,
      tokenHash: hashToken(token),
      tokenHint: tokenHint(token),
      createdByUserId: principal.kind === "user" ? principal.user.id : null,
      createdByApiKeyId: principal.kind === "apiKey" ? principal.apiKey.id : null,
      lastUsedAt: null,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    });

    // the workspaces linked, locked in the transaction: the answer can list them without a query after the commit
    let linked: Workspace[] = [];
    const apiKey = await this.tx.runAs(actorOf(principal), async (m, writes) => {
      linked = [];
      const organization = await lockOrganization(m, principal.organizationId);
      await lockCreator(m, principal);
      if (input.environment === ApiKeyEnvironment.PRODUCTION && !organization.apiPlan) {
        throw new AppError(
          ErrorCode.API_PLAN_REQUIRED,
          "Production keys need an API plan; create a SANDBOX key or subscribe to a plan",
        );
      }
      if (workspaceIds.length > 0) {
        const valid = await lockWorkspacesInReach(m, principal, workspaceIds);
        if (!valid) throw badInput("workspaceIds", "Unknown workspace in workspaceIds");
        linked = valid;
      }
      const active = await countActiveKeys(m, principal.organizationId, now);
      if (active >= this.config.apiKeyLimit) {
        throw new AppError(
          ErrorCode.API_KEY_LIMIT_REACHED,
          `The organization already has ${this.config.apiKeyLimit} active API keys; revoke one to create another`,
        );
      }
      await writes.insert(ApiKey, key, "api_key.created");
      if (workspaceIds.length > 0) {
        await m
          .getRepository(ApiKeyWorkspace)
          .insert(workspaceIds.map((workspaceId) => ({ apiKeyId: key.id, workspaceId })));
      }
      if (!organization.apiTrialStartedAt) {
        const endsAt = new Date(writes.now.getTime() + this.config.apiTrialDays * 24 * 60 * 60 * 1000);
        await writes.update(
          Organization,
          organization,
          { apiTrialStartedAt: writes.now, apiTrialEndsAt: endsAt },
          "organization.trial_started",
        );
      }
      return key;
    });
    return { apiKey, token, workspaces: linked };
  }

  /** Changes the description (null or blank clears it). @throws NOT_FOUND, BAD_USER_INPUT */
  async update(principal: Principal, input: { id: string; description?: string | null }): Promise<ApiKey> {
    const description =
      input.description === undefined
        ? undefined
        : cleanText("description", input.description, { max: DESCRIPTION_MAX });
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const key = found(await this.get(principal, input.id, m), "API key");
      if (description !== undefined) await writes.update(ApiKey, key, { description }, "api_key.updated");
      return key;
    });
  }

  /** Revokes the key; revoking a revoked key returns it unchanged. @throws NOT_FOUND */
  async revoke(principal: Principal, id: string): Promise<ApiKey> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const key = found(await this.get(principal, id, m), "API key");
      if (!key.revokedAt) await writes.update(ApiKey, key, { revokedAt: writes.now }, "api_key.revoked");
      return key;
    });
  }

  /**
   * Suspends the key (refused from the next request on, reversibly; it still counts against the limit). Idempotent:
   * a suspended key keeps its first suspendedAt and reason. @throws NOT_FOUND, BAD_USER_INPUT (revoked; reason)
   */
  async suspend(principal: Principal, id: string, reason?: string | null): Promise<ApiKey> {
    const text = cleanText("reason", reason, { max: 255 });
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const key = found(await this.get(principal, id, m), "API key");
      if (key.revokedAt) throw badInput("id", "A revoked key cannot be suspended");
      if (!key.suspendedAt)
        await writes.update(ApiKey, key, { suspendedAt: writes.now, suspendedReason: text }, "api_key.suspended");
      return key;
    });
  }

  /** Lifts a suspension; a key that is not suspended is left as it is. @throws NOT_FOUND */
  async resume(principal: Principal, id: string): Promise<ApiKey> {
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const key = found(await this.get(principal, id, m), "API key");
      if (key.suspendedAt)
        await writes.update(ApiKey, key, { suspendedAt: null, suspendedReason: null }, "api_key.resumed");
      return key;
    });
  }

  /** A key creates keys of its own environment only, never with more permission or reach than itself. */
  private assertNoBroaderThan(principal: Extract<Principal, { kind: "apiKey" }>, input: CreateApiKeyData): void {
    if (principal.scope !== ApiKeyScope.ORGANIZATION || principal.permission !== ApiKeyPermission.FULL_ACCESS) {
      throw forbidden("Only organization-scope full-access keys can create keys");
    }
    if (input.environment !== principal.environment)
      throw forbidden("A key can only create keys of its own environment");
    if (PERMISSION_RANK[input.permission] > PERMISSION_RANK[principal.permission]) {
      throw forbidden("A key cannot create a key with more permission than its own");
    }
  }
}
