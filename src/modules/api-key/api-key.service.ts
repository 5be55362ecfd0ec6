import { DataSource, EntityManager, In } from "typeorm";
import type { Config } from "../../config";
import { actorOf, canSeeApiKey, type Principal } from "../../auth/principal";
import { isId, newId } from "../../common/ids";
import {
  keysetClauses,
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
import { ACTIVE_KEY_CONDITION, countActiveKeys, policyViolation } from "./api-key.queries";
import { Organization } from "../organization/organization.entity";
import { rowMapper } from "../../db/rows";
import { Conditions, fixedSql, quoted, runSql } from "../../db/sql";
import { Workspace } from "../workspace/workspace.entity";
import {
  ApiKey,
  ApiKeyEnvironment,
  ApiKeyPermission,
  ApiKeyScope,
  ApiKeyStatus,
  ApiKeyWorkspace,
  statusOf,
} from "./api-key.entity";
import { generateToken, hashToken, tokenHint } from "./token";
import { isUniqueViolation, lockedRows } from "../../db/locks";
import { onReplica } from "../../db/replica";
import { normalizeIpRanges } from "../../common/ip-ranges";
import { assertWithinPolicy, policyOf } from "../organization/api-key-policy";

export const DESCRIPTION_MAX = 255;
/** datetime columns hold years up to 9999 on both databases. */
const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const MAX_WORKSPACES_PER_KEY = 100;
/** rollApiKey's gracePeriodMinutes: at most a week. */
export const MAX_GRACE_MINUTES = 10_080;

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
  lastUsedBefore?: Date | null;
  neverUsed?: boolean | null;
  expiresBefore?: Date | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  violatesPolicy?: boolean | null;
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
  /** Absent or null: the organization's default (ApiKeyPolicy.allowedIpRanges); []: any address. */
  allowedIpRanges?: string[] | null;
}

export interface RollApiKeyData {
  id: string;
  gracePeriodMinutes?: number | null;
  /** Absent: the old key's lifetime again, from now (none if it had none); null: no expiry. */
  expiresAt?: Date | null;
  /** Absent: the old key's allowlist; null or []: any address. */
  allowedIpRanges?: string[] | null;
}

export interface UpdateApiKeyData {
  id: string;
  description?: string | null;
  allowedIpRanges?: string[] | null;
}

/** A new key and its plaintext token (createApiKey, rollApiKey), with the workspaces it was linked to. */
export interface NewApiKey {
  apiKey: ApiKey;
  token: string;
  workspaces: Workspace[];
}

/** expiresAt as given to createApiKey or rollApiKey: in the future, and storable. @throws BAD_USER_INPUT */
function assertValidExpiry(expiresAt: Date | null | undefined, now: Date): void {
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw badInput("expiresAt", "expiresAt must be in the future");
  if (expiresAt && expiresAt.getTime() > LATEST_DATE)
    throw badInput("expiresAt", "expiresAt must be before the year 10000");
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

/** A new key's row (createApiKey, rollApiKey): what was chosen, its token's hash and hint, its creator, nothing used. */
function newKeyRow(
  principal: Principal,
  token: string,
  chosen: Pick<
    ApiKey,
    | "organizationId"
    | "description"
    | "environment"
    | "scope"
    | "permission"
    | "expiresAt"
    | "allowedIpRanges"
    | "rolledFromId"
  >,
): ApiKey {
  return Object.assign(new ApiKey(), {
    id: newId(),
    ...chosen,
    tokenHash: hashToken(token),
    tokenHint: tokenHint(token),
    createdByUserId: principal.kind === "user" ? principal.user.id : null,
    createdByApiKeyId: principal.kind === "apiKey" ? principal.apiKey.id : null,
    lastUsedAt: null,
    lastUsedIp: null,
    revokedAt: null,
    suspendedAt: null,
    suspendedReason: null,
    rolledToId: null,
  });
}

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

    // a list for people: a read replica may answer (db/replica.ts)
    return onReplica(this.db, async (m) => {
      const where = await this.filtered(principal, args.filter, now, m);
      if (!where) return empty();
      const key = rowMapper(this.db, ApiKey, "k");
      const user = rowMapper(this.db, User, "cu");
      const keyset = keysetClauses(sort, page);
      const conditions = where.sql;
      const pageWhere = keyset.condition ? `${conditions} AND ${keyset.condition}` : conditions;
      const orderBy = keyset.orderBy.map(([expression, direction]) => `${expression} ${direction}`).join(", ");
      // two statements written by hand (the query builder spent more CPU building them than the database running
      // them), their fixed parts built once. Creators that are users come joined (the common case); keys created
      // by keys are rare, and joining a second api_key row for every key doubled the statement's cost: the loader
      // fetches those
      const from = fixedSql(this.db, "apiKeys:from", () => {
        const q = (name: string) => quoted(this.db, name);
        return `FROM ${q(this.db.getMetadata(ApiKey).tableName)} ${q("k")}`;
      });
      const pageFrom = fixedSql(this.db, "apiKeys:page", () => {
        const q = (name: string) => quoted(this.db, name);
        return (
          `SELECT ${key.quotedSelect}, ${user.quotedSelect} ${from}` +
          ` LEFT JOIN ${q(this.db.getMetadata(User).tableName)} ${q("cu")}` +
          ` ON cu.id = k.created_by_user_id AND cu.organization_id = k.organization_id`
        );
      });
      const [counted, raw] = await Promise.all([
        runSql<{ cnt: number | string }>(m, `SELECT COUNT(*) AS cnt ${from} WHERE ${conditions}`, where.params),
        runSql(m, `${pageFrom} WHERE ${pageWhere} ORDER BY ${orderBy} LIMIT ${keyset.limit}`, {
          ...where.params,
          ...keyset.params,
        }),
      ]);
      const totalCount = Number(counted[0].cnt);

      const keys: ApiKey[] = [];
      const users = new Map<string, User>();
      for (const row of raw) {
        keys.push(key.map(row)!);
        const creator = user.map(row);
        if (creator) users.set(creator.id, creator);
      }
      return Object.assign(toConnection(keys, page, totalCount, positionOf), { creatorUsers: [...users.values()] });
    });
  }

  /**
   * The principal's keys matching `filter` (SPEC's list semantics, shared by the list and revokeApiKeys), as
   * conditions on alias `k`; null when nothing can match (an unknown workspace). @throws BAD_USER_INPUT
   */
  private async filtered(
    principal: Principal,
    filter: ApiKeyFilterInput | null | undefined,
    now: Date,
    manager: EntityManager,
  ): Promise<Conditions | null> {
    const where = new Conditions().and("k.organization_id = :org", { org: principal.organizationId });
    if (principal.kind === "apiKey") where.and("k.environment = :ownEnv", { ownEnv: principal.environment });
    const f = filter ?? {};
    const search = cleanSearch("filter.search", f.search);
    const environments = distinctItems("filter.environment", f.environment);
    const scopes = distinctItems("filter.scope", f.scope);
    const permissions = distinctItems("filter.permission", f.permission);
    const statuses = distinctItems("filter.status", f.status);
    if (environments.length) where.and("k.environment IN (:...envs)", { envs: environments });
    if (scopes.length) where.and("k.scope IN (:...scopes)", { scopes });
    if (permissions.length) where.and("k.permission IN (:...perms)", { perms: permissions });
    if (statuses.length) where.and(`(${statuses.map((s) => STATUS_CONDITIONS[s]).join(" OR ")})`, { now });
    if (f.lastUsedBefore) where.and("k.last_used_at < :lastUsedBefore", { lastUsedBefore: f.lastUsedBefore });
    if (f.neverUsed != null) where.and(f.neverUsed ? "k.last_used_at IS NULL" : "k.last_used_at IS NOT NULL");
    if (f.expiresBefore) where.and("k.expires_at < :expiresBefore", { expiresBefore: f.expiresBefore });
    if (f.createdAfter) where.and("k.created_at > :createdAfter", { createdAfter: f.createdAfter });
    if (f.createdBefore) where.and("k.created_at < :createdBefore", { createdBefore: f.createdBefore });
    if (f.violatesPolicy != null) {
      const organization = await manager.getRepository(Organization).findOneByOrFail({ id: principal.organizationId });
      const violation = policyViolation(policyOf(organization.apiKeyPolicy), manager.connection.options.type, now);
      if (violation) where.and(f.violatesPolicy ? `(${violation.sql})` : `NOT (${violation.sql})`, violation.params);
      else if (f.violatesPolicy) return null;
    }
    if (f.workspaceId != null) {
      const workspace = isId(f.workspaceId)
        ? await manager
            .getRepository(Workspace)
            .findOneBy({ id: f.workspaceId, organizationId: principal.organizationId })
        : null;
      // an unknown or foreign workspace matches no key, exactly like a workspace nobody can reach
      if (!workspace) return null;
      where.and(
        "(k.scope = :orgScope OR EXISTS (SELECT 1 FROM api_key_workspace akw WHERE akw.api_key_id = k.id AND akw.workspace_id = :filterWs))",
        { orgScope: ApiKeyScope.ORGANIZATION, filterWs: workspace.id },
      );
    }
    if (search) where.and("LOWER(k.description) LIKE :search ESCAPE '!'", { search: containsPattern(search) });
    return where;
  }

  /**
   * Revokes every key matching `filter` that is not revoked yet, in one transaction (each recorded as
   * `api_key.revoked`); `preview` counts them and changes nothing. An empty filter is refused: naming no
   * criterion at all is more often a slip than an intent (`status: [ACTIVE, SUSPENDED]` says "all of them").
   * @throws BAD_USER_INPUT
   */
  async revokeMany(principal: Principal, filter: ApiKeyFilterInput, preview: boolean): Promise<number> {
    const named = Object.values(filter).some((v) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length));
    if (!named)
      throw badInput("filter", "Name at least one criterion (to revoke every key: status [ACTIVE, SUSPENDED])");
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const where = await this.filtered(principal, filter, writes.now, m);
      if (!where) return 0;
      const qb = where.and("k.revoked_at IS NULL").applyTo(m.getRepository(ApiKey).createQueryBuilder("k"));
      if (preview) return qb.getCount();
      if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
      const keys = await qb.select(["k.id", "k.organizationId", "k.environment"]).getMany();
      // one statement per 500 keys, each key recorded as revokeApiKey records it
      for (let i = 0; i < keys.length; i += 500) {
        const ids = keys.slice(i, i + 500).map((k) => k.id);
        await m.getRepository(ApiKey).update({ id: In(ids) }, { revokedAt: writes.now, updatedAt: writes.now });
      }
      for (const key of keys)
        writes.record({
          action: "api_key.revoked",
          organizationId: key.organizationId,
          environment: key.environment,
          target: { type: "api_key", id: key.id },
          changes: { revokedAt: { from: null, to: writes.now.toISOString() } },
        });
      return keys.length;
    });
  }

  /** The key, or null when it is missing, another organization's, or of another environment than a calling key. */
  async get(
    principal: Principal,
    id: string,
    manager: EntityManager = this.db.manager,
    options: { lock?: boolean } = {},
  ): Promise<ApiKey | null> {
    if (!isId(id)) return null;
    const key = await manager.getRepository(ApiKey).findOne({
      where: { id, organizationId: principal.organizationId },
      ...(options.lock ? lockedRows(manager) : {}),
    });
    return key && canSeeApiKey(principal, key) ? key : null;
  }

  /**
   * Creates a key and returns its plaintext token (the only time it exists outside the caller).
   * One transaction locks the organization row, checks plan, policy and limit, inserts, and starts the trial.
   * @throws BAD_USER_INPUT, API_PLAN_REQUIRED, API_KEY_LIMIT_REACHED, FORBIDDEN
   */
  async create(principal: Principal, input: CreateApiKeyData): Promise<NewApiKey> {
    const description = cleanText("description", input.description, { max: DESCRIPTION_MAX });
    const now = new Date();
    assertValidExpiry(input.expiresAt, now);
    const ranges = normalizeIpRanges("allowedIpRanges", input.allowedIpRanges);
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
    const key = newKeyRow(principal, token, {
      organizationId: principal.organizationId,
      description,
      environment: input.environment,
      scope: input.scope,
      permission: input.permission,
      expiresAt: input.expiresAt ?? null,
      allowedIpRanges: null, // the policy's default or the input's, once the policy is read below
      rolledFromId: null,
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
      const policy = policyOf(organization.apiKeyPolicy);
      assertWithinPolicy(policy, input.environment, key.expiresAt, now);
      key.allowedIpRanges =
        input.allowedIpRanges == null ? (normalizeIpRanges("allowedIpRanges", policy.allowedIpRanges) ?? null) : ranges;
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

  /**
   * Changes the description (null or blank clears it) and the IP allowlist (null or [] clears it); a part left out
   * stays. @throws NOT_FOUND, BAD_USER_INPUT
   */
  async update(principal: Principal, input: UpdateApiKeyData): Promise<ApiKey> {
    const patch: Partial<ApiKey> = {};
    if (input.description !== undefined)
      patch.description = cleanText("description", input.description, { max: DESCRIPTION_MAX });
    if (input.allowedIpRanges !== undefined)
      patch.allowedIpRanges = normalizeIpRanges("allowedIpRanges", input.allowedIpRanges);
    return this.tx.runAs(actorOf(principal), async (m, writes) => {
      const key = found(await this.get(principal, input.id, m), "API key");
      await writes.update(ApiKey, key, patch, "api_key.updated");
      return key;
    });
  }

  /**
   * Replaces a key by a new one (new id and token; the same description, environment, scope, workspaces, permission
   * and IP ranges; the same lifetime from now unless `expiresAt` is given); the old key expires
   * `gracePeriodMinutes` from now (0: at once) and stops counting against the limit, so a roll never fails for it.
   * The organization row, then the key, are locked: of concurrent rolls of one key one wins, the others find it
   * rolled. @throws NOT_FOUND, BAD_USER_INPUT (id: already rolled, not active; gracePeriodMinutes; expiresAt),
   * API_PLAN_REQUIRED, FORBIDDEN
   */
  async roll(principal: Principal, input: RollApiKeyData): Promise<NewApiKey> {
    const grace = input.gracePeriodMinutes ?? 0;
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_MINUTES)
      throw badInput("gracePeriodMinutes", `gracePeriodMinutes must be a whole number from 0 to ${MAX_GRACE_MINUTES}`);
    const now = new Date();
    assertValidExpiry(input.expiresAt, now);
    const ranges =
      input.allowedIpRanges === undefined ? undefined : normalizeIpRanges("allowedIpRanges", input.allowedIpRanges);
    let linked: Workspace[] = [];
    let token = "";
    try {
      const apiKey = await this.tx.runAs(actorOf(principal), async (m, writes) => {
        const organization = await lockOrganization(m, principal.organizationId);
        await lockCreator(m, principal);
        const old = found(await this.get(principal, input.id, m, { lock: true }), "API key");
        if (old.rolledToId) throw badInput("id", "This key has already been rolled");
        const status = statusOf(old, writes.now);
        if (status === ApiKeyStatus.SUSPENDED)
          throw badInput("id", "A suspended key cannot be rolled; resume it first");
        if (status !== ApiKeyStatus.ACTIVE) throw badInput("id", "A revoked or expired key cannot be rolled");
        const self = principal.kind === "apiKey" && principal.apiKey.id === old.id;
        if (principal.kind === "apiKey" && !self) this.assertNoBroaderThan(principal, old);
        if (old.environment === ApiKeyEnvironment.PRODUCTION && !organization.apiPlan)
          throw new AppError(ErrorCode.API_PLAN_REQUIRED, "Production keys need an API plan");
        const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
        const expiresAt =
          input.expiresAt !== undefined
            ? input.expiresAt
            : lifetime === null
              ? null
              : new Date(Math.min(writes.now.getTime() + lifetime, LATEST_DATE));
        // an integration rotating its own secret replaces itself; any other key still makes nothing outliving it
        if (principal.kind === "apiKey" && !self) assertNoLongerLived(principal.apiKey.expiresAt, expiresAt);
        assertWithinPolicy(policyOf(organization.apiKeyPolicy), old.environment, expiresAt, writes.now);

        token = generateToken(old.environment);
        const key = newKeyRow(principal, token, {
          organizationId: old.organizationId,
          description: old.description,
          environment: old.environment,
          scope: old.scope,
          permission: old.permission,
          expiresAt,
          allowedIpRanges: ranges === undefined ? old.allowedIpRanges : ranges,
          rolledFromId: old.id,
        });
        linked = [];
        let workspaceIds: string[] = [];
        if (old.scope === ApiKeyScope.WORKSPACE) {
          workspaceIds = (await m.getRepository(ApiKeyWorkspace).findBy({ apiKeyId: old.id })).map(
            (l) => l.workspaceId,
          );
          const valid = workspaceIds.length ? await lockWorkspacesInReach(m, principal, workspaceIds) : null;
          if (!valid) throw badInput("id", "This key's workspaces are gone");
          linked = valid;
        }
        await writes.insert(ApiKey, key, "api_key.created");
        if (workspaceIds.length > 0)
          await m
            .getRepository(ApiKeyWorkspace)
            .insert(workspaceIds.map((workspaceId) => ({ apiKeyId: key.id, workspaceId })));
        const graceEnd = new Date(writes.now.getTime() + grace * 60_000);
        const oldExpiry = old.expiresAt && old.expiresAt.getTime() < graceEnd.getTime() ? old.expiresAt : graceEnd;
        await writes.update(ApiKey, old, { rolledToId: key.id, expiresAt: oldExpiry }, "api_key.rolled");
        return key;
      });
      return { apiKey, token, workspaces: linked };
    } catch (error) {
      // the unique rolled_from_id behind the lock: a roll that slipped past it still finds the key rolled
      if (isUniqueViolation(error)) throw badInput("id", "This key has already been rolled");
      throw error;
    }
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
  private assertNoBroaderThan(
    principal: Extract<Principal, { kind: "apiKey" }>,
    input: Pick<CreateApiKeyData, "environment" | "permission">,
  ): void {
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
