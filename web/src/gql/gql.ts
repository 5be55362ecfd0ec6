/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query DashboardViewer {\n    viewer {\n      user {\n        id\n        email\n        name\n        role\n      }\n      organization {\n        id\n        name\n        apiPlan\n        apiTrial {\n          startedAt\n          endsAt\n          isActive\n        }\n        apiKeyQuota {\n          active\n          limit\n          remaining\n        }\n      }\n    }\n  }\n": typeof types.DashboardViewerDocument,
    "\n  query DashboardKeyPolicy {\n    organization {\n      id\n      apiKeyPolicy {\n        allowedIpRanges\n        sandbox {\n          maxLifetimeDays\n          requireExpiry\n        }\n        production {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n": typeof types.DashboardKeyPolicyDocument,
    "\n  query DashboardWorkspaces($after: String) {\n    workspaces(first: 100, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DashboardWorkspacesDocument,
    "\n  query DashboardApiKeys($filter: ApiKeyFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...DashboardApiKey\n      }\n    }\n  }\n": typeof types.DashboardApiKeysDocument,
    "\n  fragment DashboardApiKey on ApiKey {\n    id\n    description\n    environment\n    permission\n    scope\n    status\n    tokenHint\n    createdAt\n    lastUsedAt\n    expiresAt\n    suspendedAt\n    suspendedReason\n    revokedAt\n    allowedIpRanges\n    workspaces {\n      id\n      name\n    }\n  }\n": typeof types.DashboardApiKeyFragmentDoc,
    "\n  query DashboardApiKey($id: ID!) {\n    apiKey(id: $id) {\n      ...DashboardApiKey\n      rolledFrom {\n        id\n        tokenHint\n      }\n      rolledTo {\n        id\n        tokenHint\n      }\n    }\n  }\n": typeof types.DashboardApiKeyDocument,
    "\n  query DashboardAuditEvents($filter: AuditEventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 25, after: $after) {\n      nodes {\n        id\n        action\n        createdAt\n        environment\n        ip\n        actor {\n          type\n          display\n        }\n        target {\n          type\n          id\n        }\n        changes\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DashboardAuditEventsDocument,
    "\n  mutation DashboardCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n": typeof types.DashboardCreateApiKeyDocument,
    "\n  mutation DashboardRollApiKey($input: RollApiKeyInput!) {\n    rollApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n": typeof types.DashboardRollApiKeyDocument,
    "\n  mutation DashboardSuspendApiKey($id: ID!, $reason: String) {\n    suspendApiKey(id: $id, reason: $reason) {\n      ...DashboardApiKey\n    }\n  }\n": typeof types.DashboardSuspendApiKeyDocument,
    "\n  mutation DashboardResumeApiKey($id: ID!) {\n    resumeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n": typeof types.DashboardResumeApiKeyDocument,
    "\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n": typeof types.DashboardRevokeApiKeyDocument,
};
const documents: Documents = {
    "\n  query DashboardViewer {\n    viewer {\n      user {\n        id\n        email\n        name\n        role\n      }\n      organization {\n        id\n        name\n        apiPlan\n        apiTrial {\n          startedAt\n          endsAt\n          isActive\n        }\n        apiKeyQuota {\n          active\n          limit\n          remaining\n        }\n      }\n    }\n  }\n": types.DashboardViewerDocument,
    "\n  query DashboardKeyPolicy {\n    organization {\n      id\n      apiKeyPolicy {\n        allowedIpRanges\n        sandbox {\n          maxLifetimeDays\n          requireExpiry\n        }\n        production {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n": types.DashboardKeyPolicyDocument,
    "\n  query DashboardWorkspaces($after: String) {\n    workspaces(first: 100, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DashboardWorkspacesDocument,
    "\n  query DashboardApiKeys($filter: ApiKeyFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...DashboardApiKey\n      }\n    }\n  }\n": types.DashboardApiKeysDocument,
    "\n  fragment DashboardApiKey on ApiKey {\n    id\n    description\n    environment\n    permission\n    scope\n    status\n    tokenHint\n    createdAt\n    lastUsedAt\n    expiresAt\n    suspendedAt\n    suspendedReason\n    revokedAt\n    allowedIpRanges\n    workspaces {\n      id\n      name\n    }\n  }\n": types.DashboardApiKeyFragmentDoc,
    "\n  query DashboardApiKey($id: ID!) {\n    apiKey(id: $id) {\n      ...DashboardApiKey\n      rolledFrom {\n        id\n        tokenHint\n      }\n      rolledTo {\n        id\n        tokenHint\n      }\n    }\n  }\n": types.DashboardApiKeyDocument,
    "\n  query DashboardAuditEvents($filter: AuditEventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 25, after: $after) {\n      nodes {\n        id\n        action\n        createdAt\n        environment\n        ip\n        actor {\n          type\n          display\n        }\n        target {\n          type\n          id\n        }\n        changes\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DashboardAuditEventsDocument,
    "\n  mutation DashboardCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n": types.DashboardCreateApiKeyDocument,
    "\n  mutation DashboardRollApiKey($input: RollApiKeyInput!) {\n    rollApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n": types.DashboardRollApiKeyDocument,
    "\n  mutation DashboardSuspendApiKey($id: ID!, $reason: String) {\n    suspendApiKey(id: $id, reason: $reason) {\n      ...DashboardApiKey\n    }\n  }\n": types.DashboardSuspendApiKeyDocument,
    "\n  mutation DashboardResumeApiKey($id: ID!) {\n    resumeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n": types.DashboardResumeApiKeyDocument,
    "\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n": types.DashboardRevokeApiKeyDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardViewer {\n    viewer {\n      user {\n        id\n        email\n        name\n        role\n      }\n      organization {\n        id\n        name\n        apiPlan\n        apiTrial {\n          startedAt\n          endsAt\n          isActive\n        }\n        apiKeyQuota {\n          active\n          limit\n          remaining\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardViewer {\n    viewer {\n      user {\n        id\n        email\n        name\n        role\n      }\n      organization {\n        id\n        name\n        apiPlan\n        apiTrial {\n          startedAt\n          endsAt\n          isActive\n        }\n        apiKeyQuota {\n          active\n          limit\n          remaining\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardKeyPolicy {\n    organization {\n      id\n      apiKeyPolicy {\n        allowedIpRanges\n        sandbox {\n          maxLifetimeDays\n          requireExpiry\n        }\n        production {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardKeyPolicy {\n    organization {\n      id\n      apiKeyPolicy {\n        allowedIpRanges\n        sandbox {\n          maxLifetimeDays\n          requireExpiry\n        }\n        production {\n          maxLifetimeDays\n          requireExpiry\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardWorkspaces($after: String) {\n    workspaces(first: 100, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardWorkspaces($after: String) {\n    workspaces(first: 100, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardApiKeys($filter: ApiKeyFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...DashboardApiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardApiKeys($filter: ApiKeyFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    apiKeys(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      nodes {\n        ...DashboardApiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardApiKey on ApiKey {\n    id\n    description\n    environment\n    permission\n    scope\n    status\n    tokenHint\n    createdAt\n    lastUsedAt\n    expiresAt\n    suspendedAt\n    suspendedReason\n    revokedAt\n    allowedIpRanges\n    workspaces {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment DashboardApiKey on ApiKey {\n    id\n    description\n    environment\n    permission\n    scope\n    status\n    tokenHint\n    createdAt\n    lastUsedAt\n    expiresAt\n    suspendedAt\n    suspendedReason\n    revokedAt\n    allowedIpRanges\n    workspaces {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardApiKey($id: ID!) {\n    apiKey(id: $id) {\n      ...DashboardApiKey\n      rolledFrom {\n        id\n        tokenHint\n      }\n      rolledTo {\n        id\n        tokenHint\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardApiKey($id: ID!) {\n    apiKey(id: $id) {\n      ...DashboardApiKey\n      rolledFrom {\n        id\n        tokenHint\n      }\n      rolledTo {\n        id\n        tokenHint\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardAuditEvents($filter: AuditEventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 25, after: $after) {\n      nodes {\n        id\n        action\n        createdAt\n        environment\n        ip\n        actor {\n          type\n          display\n        }\n        target {\n          type\n          id\n        }\n        changes\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardAuditEvents($filter: AuditEventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 25, after: $after) {\n      nodes {\n        id\n        action\n        createdAt\n        environment\n        ip\n        actor {\n          type\n          display\n        }\n        target {\n          type\n          id\n        }\n        changes\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardCreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRollApiKey($input: RollApiKeyInput!) {\n    rollApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardRollApiKey($input: RollApiKeyInput!) {\n    rollApiKey(input: $input) {\n      token\n      apiKey {\n        ...DashboardApiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardSuspendApiKey($id: ID!, $reason: String) {\n    suspendApiKey(id: $id, reason: $reason) {\n      ...DashboardApiKey\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardSuspendApiKey($id: ID!, $reason: String) {\n    suspendApiKey(id: $id, reason: $reason) {\n      ...DashboardApiKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardResumeApiKey($id: ID!) {\n    resumeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardResumeApiKey($id: ID!) {\n    resumeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n"): (typeof documents)["\n  mutation DashboardRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...DashboardApiKey\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;