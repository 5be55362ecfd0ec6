import type { ApiKey } from "../modules/api-key/api-key.entity";
import { type ApiKeyEnvironment, type ApiKeyPermission, ApiKeyScope } from "../modules/api-key/api-key.entity";
import { type User, UserRole } from "../modules/user/user.entity";
import type { ChangeActor } from "../db/transaction";
import type { PlatformKey } from "../modules/platform-key/platform-key.entity";
import type { RequestOrigin } from "../common/request-origin";

/** A signed-in user of the dashboard, authenticated by a JWT. */
export interface UserPrincipal {
  kind: "user";
  organizationId: string;
  user: User;
  role: UserRole;
  /** The user's workspace memberships. */
  workspaceIds: string[];
  /** The request it is the principal of (set by the server; recorded with its changes). */
  origin?: RequestOrigin;
}

/** An integration, authenticated by one of the organization's API keys. */
export interface ApiKeyPrincipal {
  kind: "apiKey";
  organizationId: string;
  apiKey: ApiKey;
  environment: ApiKeyEnvironment;
  scope: ApiKeyScope;
  permission: ApiKeyPermission;
  /** Workspaces a WORKSPACE-scope key reaches (empty for ORGANIZATION scope). */
  workspaceIds: string[];
  origin?: RequestOrigin;
}

/**
 * The platform's own service acting inside one organization (the Latchkey-Organization header), with an
 * admin's rights there. Without the header a platform key has no principal (Context.platformKey only).
 */
export interface PlatformPrincipal {
  kind: "platform";
  organizationId: string;
  platformKey: PlatformKey;
  origin?: RequestOrigin;
}

export type Principal = UserPrincipal | ApiKeyPrincipal | PlatformPrincipal;

/** Who a write is recorded as having been made by. */
export function actorOf(principal: Principal): ChangeActor {
  const origin = principal.origin;
  if (principal.kind === "user") return { kind: "user", id: principal.user.id, display: principal.user.email, origin };
  if (principal.kind === "apiKey")
    return { kind: "apiKey", id: principal.apiKey.id, display: principal.apiKey.tokenHint, origin };
  return { kind: "platformKey", id: principal.platformKey.id, display: principal.platformKey.tokenHint, origin };
}

/** An organization's admin, or the platform acting in the organization: every right inside it. */
export const hasAdminRights = (principal: Principal): boolean =>
  principal.kind === "platform" || (principal.kind === "user" && principal.role === UserRole.ADMIN);

/** Workspaces a principal may see: every one of its organization, or only the listed ids. */
export function workspaceReach(principal: Principal): "all" | string[] {
  if (principal.kind === "platform") return "all";
  if (principal.kind === "user") return principal.role === UserRole.ADMIN ? "all" : principal.workspaceIds;
  return principal.scope === ApiKeyScope.ORGANIZATION ? "all" : principal.workspaceIds;
}

export function canSeeWorkspace(principal: Principal, workspace: { id: string; organizationId: string }): boolean {
  if (workspace.organizationId !== principal.organizationId) return false;
  const reach = workspaceReach(principal);
  return reach === "all" || reach.includes(workspace.id);
}

/** SPEC §5: admins see every key; organization-scope keys see keys of their own environment; nobody else sees keys. */
export function canSeeApiKey(
  principal: Principal,
  key: { organizationId: string; environment: ApiKeyEnvironment },
): boolean {
  if (key.organizationId !== principal.organizationId) return false;
  if (principal.kind !== "apiKey") return hasAdminRights(principal);
  return principal.scope === ApiKeyScope.ORGANIZATION && key.environment === principal.environment;
}

/** Documents: within the principal's workspace reach, and of its own environment for a key. */
export function canSeeDocument(
  principal: Principal,
  document: { organizationId: string; workspaceId: string; environment: ApiKeyEnvironment },
): boolean {
  if (document.organizationId !== principal.organizationId) return false;
  if (principal.kind === "apiKey" && document.environment !== principal.environment) return false;
  const reach = workspaceReach(principal);
  return reach === "all" || reach.includes(document.workspaceId);
}

/** Users: everyone of the organization, but a workspace-scope key sees only members of its workspaces. */
export function canSeeUser(
  principal: Principal,
  user: { organizationId: string },
  memberOf: readonly string[],
): boolean {
  if (user.organizationId !== principal.organizationId) return false;
  if (principal.kind === "apiKey" && principal.scope === ApiKeyScope.WORKSPACE)
    return memberOf.some((w) => principal.workspaceIds.includes(w));
  return true;
}
