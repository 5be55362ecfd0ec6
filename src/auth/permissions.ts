import { allow, deny, shield } from "graphql-shield";
import { fallbackError, isAdmin, isAuthenticated, isOrgFullAccessKey, isOrgScopeKey, signedInAnd } from "./rules";

/** Who may manage: admins and organization-scope full-access keys (SPEC §5). */
const manages = signedInAnd(isAdmin, isOrgFullAccessKey);

/**
 * The one permissions map (SPEC §5). Deny by default: a field missing here is FORBIDDEN.
 * Object types are reachable only through the root fields above them, which scope what they return.
 */
export const permissions = shield(
  {
    Query: {
      viewer: isAuthenticated,
      organization: isAuthenticated,
      apiKeys: signedInAnd(isAdmin, isOrgScopeKey),
      apiKey: signedInAnd(isAdmin, isOrgScopeKey),
      workspaces: isAuthenticated,
      workspace: isAuthenticated,
    },
    Mutation: {
      createApiKey: manages,
      updateApiKey: manages,
      revokeApiKey: manages,
      createWorkspace: manages,
      updateWorkspace: manages,
      deleteWorkspace: manages,
    },
    Viewer: allow,
    Organization: allow,
    ApiTrial: allow,
    ApiKeyQuota: allow,
    ApiKey: allow,
    ApiKeyConnection: allow,
    ApiKeyEdge: allow,
    CreateApiKeyPayload: allow,
    Workspace: allow,
    WorkspaceConnection: allow,
    WorkspaceEdge: allow,
    User: allow,
    PageInfo: allow,
  },
  { fallbackRule: deny, allowExternalErrors: false, fallbackError },
);
