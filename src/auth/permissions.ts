import type { GraphQLSchema } from "graphql";
import { applyMiddleware, type IMiddlewareTypeMap } from "graphql-middleware";
import { allow, deny, shield } from "graphql-shield";
import type { ShieldRule } from "graphql-shield/typings/types";
import {
  fallbackError,
  isAdmin,
  isAuthenticated,
  isFullAccessKey,
  isOrgFullAccessKey,
  isOrgFullAccessProductionKey,
  isOrgScopeKey,
  isPlatform,
  isUser,
  signedInAndAnyOf,
} from "./rules";

/** An explicit rule for each named field: a field added to a type without a rule here is denied. */
const fields = (rule: ShieldRule, ...names: string[]) => Object.fromEntries(names.map((name) => [name, rule]));

/** Manage keys: admins and organization-scope full-access keys (each within its own environment). */
const managesKeys = signedInAndAnyOf(isAdmin, isOrgFullAccessKey);
/** Change what both environments share (workspaces, users, memberships): admins and org-scope full-access PRODUCTION keys. */
const managesShared = signedInAndAnyOf(isAdmin, isOrgFullAccessProductionKey);
/** Write documents: any user (members within their workspaces) and full-access keys (within scope and environment). */
const writesDocuments = signedInAndAnyOf(isUser, isAdmin, isFullAccessKey);
/** See the organization's keys and what goes with them (usage, key policy): admins and organization-scope keys. */
const seesKeys = signedInAndAnyOf(isAdmin, isOrgScopeKey);
const connection = fields(allow, "edges", "nodes", "pageInfo", "totalCount");
const edge = fields(allow, "cursor", "node");

/**
 * The one permissions map (SPEC §5). Root fields decide who may call; services then scope every
 * query to the caller's organization, workspaces and environment. Fields of object types are
 * listed one by one: they are reachable only below a root field that already scoped the object.
 */
export const permissionMap = {
  Query: {
    viewer: isAuthenticated,
    organization: isAuthenticated,
    workspaces: isAuthenticated,
    workspace: isAuthenticated,
    users: isAuthenticated,
    user: isAuthenticated,
    apiKeys: seesKeys,
    apiKey: seesKeys,
    documents: isAuthenticated,
    document: isAuthenticated,
    organizations: isPlatform,
    verifyApiKey: isPlatform,
    auditEvents: signedInAndAnyOf(isAdmin),
    webhookEndpoints: managesKeys,
    webhookDeliveries: managesKeys,
  },
  Mutation: {
    ...fields(
      managesKeys,
      "createApiKey",
      "rollApiKey",
      "updateApiKey",
      "revokeApiKey",
      "suspendApiKey",
      "resumeApiKey",
    ),
    // bulk revocation and the rules for every key: an admin's (or the platform's) decisions, never a key's
    ...fields(signedInAndAnyOf(isAdmin), "revokeApiKeys", "updateApiKeyPolicy"),
    ...fields(managesShared, "createWorkspace", "updateWorkspace", "deleteWorkspace"),
    ...fields(managesShared, "createUser", "updateUser", "deleteUser"),
    ...fields(writesDocuments, "createDocument", "updateDocument", "deleteDocument"),
    ...fields(isPlatform, "createOrganization", "updateOrganization", "deleteOrganization"),
    // webhooks announce key events: whoever manages keys (a key: its own environment's endpoints)
    ...fields(
      managesKeys,
      "createWebhookEndpoint",
      "updateWebhookEndpoint",
      "deleteWebhookEndpoint",
      "sendTestWebhook",
    ),
  },
  Viewer: fields(allow, "organization", "user", "apiKey"),
  Organization: {
    ...fields(allow, "id", "name", "externalId", "apiPlan", "createdAt", "apiTrial", "apiKeyQuota"),
    ...fields(seesKeys, "apiKeyPolicy", "usage"),
  },
  ApiKeyPolicy: fields(allow, "sandbox", "production", "allowedIpRanges"),
  EnvironmentKeyPolicy: fields(allow, "maxLifetimeDays", "requireExpiry"),
  UsageBucket: fields(allow, "start", "success", "rateLimited", "denied"),
  RevokeApiKeysPayload: fields(allow, "count"),
  AuditEvent: fields(
    allow,
    "id",
    "action",
    "actor",
    "environment",
    "target",
    "changes",
    "ip",
    "userAgent",
    "requestId",
    "createdAt",
  ),
  AuditActor: fields(allow, "type", "id", "display"),
  WebhookEndpoint: fields(
    allow,
    "id",
    "url",
    "description",
    "environment",
    "events",
    "status",
    "disabledAt",
    "disabledReason",
    "createdAt",
  ),
  WebhookDelivery: fields(
    allow,
    "id",
    "eventType",
    "status",
    "attempts",
    "nextAttemptAt",
    "lastAttemptAt",
    "lastStatusCode",
    "lastError",
    "deliveredAt",
    "createdAt",
    "payload",
  ),
  CreateWebhookEndpointPayload: fields(allow, "endpoint", "signingSecret"),
  WebhookEndpointConnection: connection,
  WebhookEndpointEdge: edge,
  WebhookDeliveryConnection: connection,
  WebhookDeliveryEdge: edge,
  AuditTarget: fields(allow, "type", "id"),
  AuditEventConnection: connection,
  AuditEventEdge: edge,
  ApiTrial: fields(allow, "startedAt", "endsAt", "isActive"),
  ApiKeyQuota: fields(allow, "active", "limit", "remaining"),
  ApiKey: fields(
    allow,
    "id",
    "description",
    "environment",
    "scope",
    "permission",
    "workspaces",
    "status",
    "tokenHint",
    "createdAt",
    "createdBy",
    "lastUsedAt",
    "expiresAt",
    "revokedAt",
    "suspendedAt",
    "suspendedReason",
    "lastUsedIp",
    "allowedIpRanges",
    "rolledFrom",
    "rolledTo",
    "usage",
  ),
  CreateApiKeyPayload: fields(allow, "apiKey", "token"),
  Workspace: fields(allow, "id", "name", "createdAt"),
  User: fields(allow, "id", "email", "name", "role", "externalId", "workspaces", "createdAt"),
  Document: fields(allow, "id", "title", "environment", "workspace", "createdAt", "createdBy"),
  ApiKeyConnection: connection,
  ApiKeyEdge: edge,
  WorkspaceConnection: connection,
  WorkspaceEdge: edge,
  UserConnection: connection,
  UserEdge: edge,
  DocumentConnection: connection,
  DocumentEdge: edge,
  OrganizationConnection: connection,
  OrganizationEdge: edge,
  ApiKeyVerification: fields(allow, "valid", "code", "apiKey", "organization", "rateLimit"),
  RateLimitState: fields(allow, "limit", "remaining", "resetAt"),
  PageInfo: fields(allow, "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"),
};

/** Deny by default: any field without a rule above is FORBIDDEN. */
export const permissions = shield(permissionMap, { fallbackRule: deny, allowExternalErrors: false, fallbackError });

/**
 * Puts `schema` behind the permissions. graphql-shield would wrap every field of every type in an
 * async middleware, `allow` ones included, which costs a promise per field of every object in a
 * page; the fields whose rule is exactly `allow` are left unwrapped (they would resolve the same),
 * while every other field — including any field missing from the map — keeps its rule or the
 * fallback `deny`. The schema-walk test keeps every field listed.
 */
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const middleware = permissions.generate(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, rules] of Object.entries(permissionMap)) {
    for (const [fieldName, rule] of Object.entries(rules)) {
      if (rule === allow) delete middleware[typeName]?.[fieldName];
    }
  }
  return applyMiddleware(schema, middleware as IMiddlewareTypeMap);
}
