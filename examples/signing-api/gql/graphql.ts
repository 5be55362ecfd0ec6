/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ApiKeyEnvironment =
  | 'PRODUCTION'
  | 'SANDBOX';

export type ApiKeyPermission =
  | 'FULL_ACCESS'
  | 'READ_ONLY';

/** Why a key is or is not good for a request: the platform's API maps it to its own answer. */
export type VerificationCode =
  | 'API_PLAN_REQUIRED'
  | 'ENVIRONMENT_MISMATCH'
  | 'EXPIRED'
  | 'INSUFFICIENT_PERMISSION'
  | 'IP_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'VALID'
  | 'WORKSPACE_NOT_IN_SCOPE';

/** What the platform's request needs of the key; each part left out is not checked. */
export type VerifyRequirement = {
  environment?: ApiKeyEnvironment | null | undefined;
  /** The address the platform's request came from (IPv4 or IPv6), checked against the key's allowlist; a key with an allowlist verified without it is IP_NOT_ALLOWED. */
  ip?: string | null | undefined;
  /** FULL_ACCESS refuses a READ_ONLY key. */
  permission?: ApiKeyPermission | null | undefined;
  /** A workspace the key must reach. */
  workspaceId?: string | null | undefined;
};

export type VerifyCallerKeyQueryVariables = Exact<{
  token: string;
  require?: VerifyRequirement | null | undefined;
}>;


export type VerifyCallerKeyQuery = { verifyApiKey: { valid: boolean, code: VerificationCode, apiKey: { id: string, environment: ApiKeyEnvironment, permission: ApiKeyPermission } | null, organization: { id: string, externalId: string | null } | null, rateLimit: { limit: number, remaining: number, resetAt: string } | null } };


export const VerifyCallerKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"VerifyCallerKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"require"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"VerifyRequirement"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}},{"kind":"Argument","name":{"kind":"Name","value":"require"},"value":{"kind":"Variable","name":{"kind":"Name","value":"require"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"environment"}},{"kind":"Field","name":{"kind":"Name","value":"permission"}}]}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rateLimit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"remaining"}},{"kind":"Field","name":{"kind":"Name","value":"resetAt"}}]}}]}}]}}]} as unknown as DocumentNode<VerifyCallerKeyQuery, VerifyCallerKeyQueryVariables>;