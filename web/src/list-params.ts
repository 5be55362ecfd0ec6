import type { ApiKeyEnvironment, ApiKeyFilter, ApiKeyPermission, ApiKeyScope, ApiKeyStatus } from "./gql/graphql";

/** The list's filters and page, as kept in the query string (`?environment=sandbox&status=active&page=2…`). */
export interface ListParams {
  environment?: ApiKeyEnvironment;
  permission?: ApiKeyPermission;
  scope?: ApiKeyScope;
  status?: ApiKeyStatus;
  workspace?: string;
  q: string;
  size: number;
  page: number;
  after?: string;
  before?: string;
}

export const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_SIZE = 20;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  const upper = value?.toUpperCase();
  return allowed.find((a) => a === upper);
}

export function readListParams(search: URLSearchParams): ListParams {
  const size = Number(search.get("size"));
  const page = Number(search.get("page"));
  const after = search.get("after") || undefined;
  const before = after ? undefined : search.get("before") || undefined;
  return {
    environment: oneOf(search.get("environment"), ["SANDBOX", "PRODUCTION"] as const),
    permission: oneOf(search.get("permission"), ["FULL_ACCESS", "READ_ONLY"] as const),
    scope: oneOf(search.get("scope"), ["ORGANIZATION", "WORKSPACE"] as const),
    status: oneOf(search.get("status"), ["ACTIVE", "SUSPENDED", "EXPIRED", "REVOKED"] as const),
    workspace: search.get("workspace") || undefined,
    q: (search.get("q") ?? "").slice(0, 255),
    size: PAGE_SIZES.includes(size) ? size : DEFAULT_SIZE,
    // a cursor without a page number (a hand-made link) counts as page 2
    page: Number.isInteger(page) && page >= 1 && (after || before) ? Math.max(page, 2) : 1,
    after,
    before,
  };
}

export function writeListParams(p: ListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (p.environment) search.set("environment", p.environment.toLowerCase());
  if (p.permission) search.set("permission", p.permission.toLowerCase());
  if (p.scope) search.set("scope", p.scope.toLowerCase());
  if (p.status) search.set("status", p.status.toLowerCase());
  if (p.workspace) search.set("workspace", p.workspace);
  if (p.q) search.set("q", p.q);
  if (p.size !== DEFAULT_SIZE) search.set("size", String(p.size));
  if (p.page > 1 && (p.after || p.before)) {
    search.set("page", String(p.page));
    if (p.after) search.set("after", p.after);
    else if (p.before) search.set("before", p.before);
  }
  return search;
}

export const hasFilters = (p: ListParams): boolean =>
  Boolean(p.environment || p.permission || p.scope || p.status || p.workspace || p.q);

export function filterOf(p: ListParams): ApiKeyFilter {
  return {
    ...(p.environment ? { environment: [p.environment] } : {}),
    ...(p.permission ? { permission: [p.permission] } : {}),
    ...(p.scope ? { scope: [p.scope] } : {}),
    ...(p.status ? { status: [p.status] } : {}),
    ...(p.workspace ? { workspaceId: p.workspace } : {}),
    ...(p.q.trim() ? { search: p.q.trim() } : {}),
  };
}

export const pageOf = (p: ListParams) =>
  p.before ? { last: p.size, before: p.before } : { first: p.size, ...(p.after ? { after: p.after } : {}) };
