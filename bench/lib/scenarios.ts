import type { Fixtures } from "./seed";

/** What the dashboard's key list asks for: every ApiKey field, workspaces, createdBy, totalCount and paging. */
export const LIST_QUERY = `query BenchApiKeys($first: Int, $filter: ApiKeyFilter) {
  apiKeys(first: $first, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      description
      environment
      scope
      permission
      status
      tokenHint
      createdAt
      lastUsedAt
      expiresAt
      revokedAt
      workspaces { id name }
      createdBy { __typename ... on User { id email } ... on ApiKey { id } }
    }
  }
}`;

export const VIEWER_KEY_QUERY = `query BenchViewerKey { viewer { apiKey { id } organization { name } } }`;
export const VIEWER_USER_QUERY = `query BenchViewerUser { viewer { user { id } organization { name } } }`;
/** Authentication only: what a request costs before any field runs (used to split SQL statements). */
export const TYPENAME_QUERY = `query BenchTypename { __typename }`;

/** What the platform's API asks for each of its callers' requests (scenario f). */
export const VERIFY_QUERY = `query BenchVerify($token: String!, $require: VerifyRequirement) {
  verifyApiKey(token: $token, require: $require) {
    valid
    code
    apiKey { id environment permission }
    organization { id }
    rateLimit { limit remaining resetAt }
  }
}`;

export const CREATE_KEY_MUTATION = `mutation BenchCreate($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id status } } }`;
export const REVOKE_KEY_MUTATION = `mutation BenchRevoke($id: ID!) { revokeApiKey(id: $id) { id status } }`;
export const CREATE_KEY_INPUT = {
  description: "bench write",
  environment: "SANDBOX",
  scope: "ORGANIZATION",
  permission: "FULL_ACCESS",
};

export type Target = "server" | "noshield" | "floor" | "peer";

/**
 * A body the load generator sends on every request (to `path`, /graphql unless given; without an Authorization
 * header when `authorization` is absent), or the create/revoke pair.
 */
export type Workload =
  { kind: "static"; body: string; authorization?: string; path?: string } | { kind: "writes"; authorization: string };

/** Where a workload's requests go. */
export const pathOf = (workload: Workload): string =>
  (workload.kind === "static" ? workload.path : undefined) ?? "/graphql";

/** The path Better Auth's peer answers verifyApiKey on (bench/peers/better-auth/server.mjs). */
export const PEER_VERIFY_PATH = "/verify";

/** Latchkey's verifyApiKey over plain HTTP (src/http/verify-route.ts). */
export const HTTP_VERIFY_PATH = "/v1/keys/verify";

export interface Scenario {
  name: string;
  title: string;
  target: Target;
  workload: Workload;
  /** The floor scenario this one is compared with (same run, same repeat). */
  floor?: string;
  /** The peer scenario this one is compared with (same run, same repeat): Latchkey's req/s over the peer's. */
  peer?: string;
  /** Checks one response of the scenario (before the load) and returns a short description of it. */
  check?: (json: unknown) => string;
}

const body = (query: string, variables?: Record<string, unknown>) =>
  JSON.stringify(variables ? { query, variables } : { query });

interface ListJson {
  data?: { apiKeys?: { totalCount: number; nodes: unknown[] } };
  errors?: unknown;
}

const listCheck = (expectedNodes?: number) => (json: unknown) => {
  const j = json as ListJson;
  const list = j.data?.apiKeys;
  if (j.errors || !list) throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  if (expectedNodes !== undefined && list.nodes.length !== expectedNodes) {
    throw new Error(`expected ${expectedNodes} nodes, got ${list.nodes.length}`);
  }
  return `${list.nodes.length} nodes of ${list.totalCount}`;
};

export interface Credentials {
  adminJwt: string;
  writerJwt: string;
  apiKey: string;
  platformKey: string;
  /** A well-formed token (format and checksum right) that is not stored (f_invalid). */
  unknownKey: string;
  /** The keys Better Auth's peer verifies (valid: in its table; invalid: its format, not in its table). */
  peer?: PeerTokens;
}

export interface PeerTokens {
  valid: string;
  invalid: string;
}

const verifyCheck = (json: unknown) => {
  const j = json as { data?: { verifyApiKey?: { code: string; apiKey: { id: string } | null } }; errors?: unknown };
  if (j.errors || j.data?.verifyApiKey?.code !== "VALID" || !j.data.verifyApiKey.apiKey)
    throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  return `VALID, key ${j.data.verifyApiKey.apiKey.id}`;
};

const verifyNotFoundCheck = (json: unknown) => {
  const j = json as { data?: { verifyApiKey?: { valid: boolean; code: string; apiKey: unknown } }; errors?: unknown };
  const v = j.data?.verifyApiKey;
  if (j.errors || !v || v.code !== "NOT_FOUND" || v.valid !== false || v.apiKey !== null)
    throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  return "NOT_FOUND";
};

/** POST /v1/keys/verify's answer: `{ valid, code, apiKey, organization, rateLimit }`. */
const httpVerifyCheck = (expected: "VALID" | "NOT_FOUND") => (json: unknown) => {
  const j = json as { valid?: unknown; code?: string; apiKey?: { id: string } | null };
  if (j.code !== expected || j.valid !== (expected === "VALID") || (expected === "VALID") !== Boolean(j.apiKey?.id))
    throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  return expected === "VALID" ? `VALID, key ${j.apiKey!.id}` : "NOT_FOUND";
};

/** Better Auth's verifyApiKey answer: `{ valid, error, key }`. */
const peerCheck = (expectValid: boolean) => (json: unknown) => {
  const j = json as { valid?: unknown; error?: { code?: string } | null; key?: { id?: string } | null };
  if (expectValid ? j.valid !== true || !j.key?.id : j.valid !== false || j.key !== null || !j.error?.code)
    throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  return expectValid ? `valid: true, key ${j.key!.id}` : `valid: false, ${j.error!.code}`;
};

/** Every scenario of the issue, plus the floors and the comparisons the targets need. */
export function buildScenarios(fixtures: Fixtures, creds: Credentials): Scenario[] {
  const admin = `Bearer ${creds.adminJwt}`;
  const listA = body(LIST_QUERY, { first: 20 });
  const filter = {
    environment: fixtures.filter.environment,
    status: fixtures.filter.status,
    search: fixtures.filter.search,
  };
  const listB = body(LIST_QUERY, { first: 20, filter });
  const listC = body(LIST_QUERY, { first: 100 });
  const verify = body(VERIFY_QUERY, { token: creds.apiKey, require: { environment: "SANDBOX" } });
  const verifyUnknown = body(VERIFY_QUERY, { token: creds.unknownKey, require: { environment: "SANDBOX" } });
  /** POST /v1/keys/verify of `token` with (f)'s requirement, as the platform. */
  const httpVerify = (token: string): Workload => ({
    kind: "static",
    body: JSON.stringify({ token, require: { environment: "SANDBOX" } }),
    authorization: `Bearer ${creds.platformKey}`,
    path: HTTP_VERIFY_PATH,
  });
  // before the peer has started (and printed its keys) its scenarios exist with empty keys, so they can be selected
  const peerBody = (key: string | undefined) => JSON.stringify({ key: key ?? "" });
  const viewerCheck = (field: "apiKey" | "user") => (json: unknown) => {
    const j = json as {
      data?: { viewer?: Record<string, { id: string } | null> & { organization?: { name: string } } };
      errors?: unknown;
    };
    if (j.errors || !j.data?.viewer?.[field]?.id || !j.data.viewer.organization?.name)
      throw new Error(`unexpected answer: ${JSON.stringify(json)}`);
    return `viewer.${field}.id, organization ${j.data.viewer.organization.name}`;
  };
  return [
    {
      name: "a",
      title: "apiKeys(first: 20), admin JWT",
      target: "server",
      workload: { kind: "static", body: listA, authorization: admin },
      floor: "floor_a",
      check: listCheck(20),
    },
    {
      name: "floor_a",
      title: "floor for (a): node:http + hand-written SQL",
      target: "floor",
      workload: { kind: "static", body: listA, authorization: admin },
      check: listCheck(20),
    },
    {
      name: "b",
      title: `apiKeys(first: 20, filter: SANDBOX, ACTIVE, "${fixtures.filter.search}")`,
      target: "server",
      workload: { kind: "static", body: listB, authorization: admin },
      floor: "floor_b",
      check: listCheck(),
    },
    {
      name: "floor_b",
      title: "floor for (b)",
      target: "floor",
      workload: { kind: "static", body: listB, authorization: admin },
      check: listCheck(),
    },
    {
      name: "c",
      title: "apiKeys(first: 100), admin JWT",
      target: "server",
      workload: { kind: "static", body: listC, authorization: admin },
      floor: "floor_c",
      check: listCheck(100),
    },
    {
      name: "floor_c",
      title: "floor for (c)",
      target: "floor",
      workload: { kind: "static", body: listC, authorization: admin },
      check: listCheck(100),
    },
    {
      name: "d",
      title: "viewer { apiKey { id } organization { name } }, API key",
      target: "server",
      workload: { kind: "static", body: body(VIEWER_KEY_QUERY), authorization: `Bearer ${creds.apiKey}` },
      check: viewerCheck("apiKey"),
    },
    {
      name: "d_jwt",
      title: "viewer { user { id } organization { name } }, admin JWT",
      target: "server",
      workload: { kind: "static", body: body(VIEWER_USER_QUERY), authorization: admin },
      check: viewerCheck("user"),
    },
    {
      name: "e",
      title: "createApiKey + revokeApiKey pairs, admin JWT (per mutation)",
      target: "server",
      workload: { kind: "writes", authorization: `Bearer ${creds.writerJwt}` },
    },
    {
      name: "f",
      title: "verifyApiKey(token, require: { environment: SANDBOX }), platform key",
      target: "server",
      workload: { kind: "static", body: verify, authorization: `Bearer ${creds.platformKey}` },
      floor: "floor_f",
      peer: "peer_ba",
      check: verifyCheck,
    },
    {
      name: "f_invalid",
      title: "verifyApiKey(token) with a well-formed token that is not stored (NOT_FOUND), platform key",
      target: "server",
      workload: { kind: "static", body: verifyUnknown, authorization: `Bearer ${creds.platformKey}` },
      peer: "peer_ba_invalid",
      check: verifyNotFoundCheck,
    },
    {
      name: "f_http",
      title: `POST ${HTTP_VERIFY_PATH} { token, require: { environment: SANDBOX } }, platform key`,
      target: "server",
      workload: httpVerify(creds.apiKey),
      floor: "floor_f",
      peer: "peer_ba",
      check: httpVerifyCheck("VALID"),
    },
    {
      name: "f_http_invalid",
      title: `POST ${HTTP_VERIFY_PATH} with a well-formed token that is not stored (NOT_FOUND), platform key`,
      target: "server",
      workload: httpVerify(creds.unknownKey),
      peer: "peer_ba_invalid",
      check: httpVerifyCheck("NOT_FOUND"),
    },
    {
      name: "floor_f",
      title: "floor for (f): node:http + hand-written hash lookups, the same checks",
      target: "floor",
      workload: { kind: "static", body: verify, authorization: `Bearer ${creds.platformKey}` },
      check: verifyCheck,
    },
    {
      name: "peer_ba",
      title: "peer: Better Auth's verifyApiKey of a valid key (POST /verify, bench/peers)",
      target: "peer",
      workload: { kind: "static", body: peerBody(creds.peer?.valid), path: PEER_VERIFY_PATH },
      check: peerCheck(true),
    },
    {
      name: "peer_ba_invalid",
      title: "peer: Better Auth's verifyApiKey of a well-formed key that is not stored",
      target: "peer",
      workload: { kind: "static", body: peerBody(creds.peer?.invalid), path: PEER_VERIFY_PATH },
      check: peerCheck(false),
    },
    {
      name: "a_noshield",
      title: "(a) with graphql-shield off (BENCH_DISABLE_SHIELD=1)",
      target: "noshield",
      workload: { kind: "static", body: listA, authorization: admin },
      floor: "floor_a",
      check: listCheck(20),
    },
  ];
}

/** Bodies used outside the load (probes). */
export const bodies = {
  typename: body(TYPENAME_QUERY),
  list: (first: number) => body(LIST_QUERY, { first }),
  create: () => body(CREATE_KEY_MUTATION, { input: CREATE_KEY_INPUT }),
  revoke: (id: string) => body(REVOKE_KEY_MUTATION, { id }),
};
