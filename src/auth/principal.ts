import type { ApiKey } from "../modules/api-key/api-key.entity";
import type { ApiKeyEnvironment, ApiKeyPermission, ApiKeyScope } from "../modules/api-key/api-key.entity";
import type { User, UserRole } from "../modules/user/user.entity";

/** A signed-in user of the dashboard, authenticated by a JWT. */
export interface UserPrincipal {
  kind: "user";
  organizationId: string;
  user: User;
  role: UserRole;
  /** The user's workspace memberships. */
  workspaceIds: string[];
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
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

/** Workspaces a principal may see: every one of its organization, or only the listed ids. */
export function workspaceReach(principal: Principal): "all" | string[] {
  if (principal.kind === "user") return principal.role === "ADMIN" ? "all" : principal.workspaceIds;
  return principal.scope === "ORGANIZATION" ? "all" : principal.workspaceIds;
}

export function canSeeWorkspace(principal: Principal, workspace: { id: string; organizationId: string }): boolean {
  if (workspace.organizationId !== principal.organizationId) return false;
  const reach = workspaceReach(principal);
  return reach === "all" || reach.includes(workspace.id);
}

/** Keys see only keys of their own environment; users see both. */
export function canSeeApiKey(principal: Principal, key: { organizationId: string; environment: string }): boolean {
  if (key.organizationId !== principal.organizationId) return false;
  return principal.kind === "user" || key.environment === principal.environment;
}
