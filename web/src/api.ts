import { graphql } from "./gql";

// Every operation the dashboard sends; `npm run codegen` types them (web/src/gql).

export const ViewerQuery = graphql(`
  query DashboardViewer {
    viewer {
      user {
        id
        email
        name
        role
      }
      organization {
        id
        name
        apiPlan
        apiTrial {
          startedAt
          endsAt
          isActive
        }
        apiKeyQuota {
          active
          limit
          remaining
        }
      }
    }
  }
`);

/** Admins only (members may not read the key policy): asked once the viewer is known to be one. */
export const KeyPolicyQuery = graphql(`
  query DashboardKeyPolicy {
    organization {
      id
      apiKeyPolicy {
        allowedIpRanges
        sandbox {
          maxLifetimeDays
          requireExpiry
        }
        production {
          maxLifetimeDays
          requireExpiry
        }
      }
    }
  }
`);

export const WorkspacesQuery = graphql(`
  query DashboardWorkspaces($after: String) {
    workspaces(first: 100, after: $after) {
      nodes {
        id
        name
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ApiKeyListQuery = graphql(`
  query DashboardApiKeys($filter: ApiKeyFilter, $first: Int, $after: String, $last: Int, $before: String) {
    apiKeys(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        ...DashboardApiKey
      }
    }
  }
`);

export const ApiKeyFields = graphql(`
  fragment DashboardApiKey on ApiKey {
    id
    description
    environment
    permission
    scope
    status
    tokenHint
    createdAt
    lastUsedAt
    expiresAt
    suspendedAt
    suspendedReason
    revokedAt
    allowedIpRanges
    workspaces {
      id
      name
    }
  }
`);

export const ApiKeyQuery = graphql(`
  query DashboardApiKey($id: ID!) {
    apiKey(id: $id) {
      ...DashboardApiKey
      rolledFrom {
        id
        tokenHint
      }
      rolledTo {
        id
        tokenHint
      }
    }
  }
`);

export const AuditEventsQuery = graphql(`
  query DashboardAuditEvents($filter: AuditEventFilter, $after: String) {
    auditEvents(filter: $filter, first: 25, after: $after) {
      nodes {
        id
        action
        createdAt
        environment
        ip
        actor {
          type
          display
        }
        target {
          type
          id
        }
        changes
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation DashboardCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      token
      apiKey {
        ...DashboardApiKey
      }
    }
  }
`);

export const RollApiKeyMutation = graphql(`
  mutation DashboardRollApiKey($input: RollApiKeyInput!) {
    rollApiKey(input: $input) {
      token
      apiKey {
        ...DashboardApiKey
      }
    }
  }
`);

export const SuspendApiKeyMutation = graphql(`
  mutation DashboardSuspendApiKey($id: ID!, $reason: String) {
    suspendApiKey(id: $id, reason: $reason) {
      ...DashboardApiKey
    }
  }
`);

export const ResumeApiKeyMutation = graphql(`
  mutation DashboardResumeApiKey($id: ID!) {
    resumeApiKey(id: $id) {
      ...DashboardApiKey
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation DashboardRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...DashboardApiKey
    }
  }
`);
