/**
 * SPEC §5 as a table: every root operation of schema/schema.graphql, run over real HTTP by every
 * kind of caller, with the exact outcome of each cell.
 *
 * Callers — organization "home" (API plan, workspaces W1 W2 W3) and organization "other":
 *   A  home admin                              M  home member of W1 only
 *   OF SANDBOX ORGANIZATION FULL_ACCESS key     OR SANDBOX ORGANIZATION READ_ONLY key
 *   WF SANDBOX WORKSPACE [W1] FULL_ACCESS key   WR SANDBOX WORKSPACE [W1] READ_ONLY key
 *   P  PRODUCTION ORGANIZATION FULL_ACCESS key  X  admin of the other organization
 *   PL platform key, no Latchkey-Organization   PA the same platform key, Latchkey-Organization: home
 *   N  anonymous (no Authorization header)
 *
 * PL may call only the platform's own operations (organizations, create/update/deleteOrganization);
 * every field of an organization answers it BAD_USER_INPUT(Latchkey-Organization). PA acts inside home
 * with an admin's rights: A's outcome everywhere, but it is no user nor key (viewer answers neither,
 * and what it creates has no creator). The platform's operations: PL and PA only (others FORBIDDEN).
 *
 * Every cell sends the generated typed document of its operation (schema/operations/*.graphql,
 * test/support/gql): the operation exactly as a client sends it, with its whole selection, and its
 * variables and answer typed by it.
 *
 * Outcomes: "allowed" (data, no errors), "null" (a single-object query answers null, no error),
 * an error code (exactly one error, at the operation's path), "BAD_USER_INPUT(field)", or, for
 * lists, the exact set of ids the caller sees. Every expectation is SPEC §5's, never the
 * implementation's: a cell where they disagree fails under its own name.
 *
 * Every mutation cell that changes or destroys acts on a FRESH object made by the admin for that
 * cell (a fresh organization, made by the platform, for the organization mutations); every denied mutation is checked to have changed nothing (row counts, the target row, and
 * every row of every table but `last_used_at`, which authenticating a key may legitimately write).
 */
import { randomUUID } from "node:crypto";
import type { ResultOf, TypedDocumentNode, VariablesOf } from "@graphql-typed-document-node/core";
import { Kind, type OperationDefinitionNode } from "graphql";
import { buildBareSchema } from "../../src/schema";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";
import { Document } from "../../src/modules/document/document.entity";
import { User, UserRole, UserWorkspace } from "../../src/modules/user/user.entity";
import { rawGraphql, type GraphQLResult } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyDocument,
  ApiKeysDocument,
  AuditEventsDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  SendTestWebhookDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
  CreateApiKeyDocument,
  CreateDocumentDocument,
  CreateOrganizationDocument,
  CreateUserDocument,
  CreateWorkspaceDocument,
  DeleteDocumentDocument,
  DeleteOrganizationDocument,
  DeleteUserDocument,
  DeleteWorkspaceDocument,
  DocumentDocument,
  DocumentsDocument,
  OrganizationDocument,
  OrganizationsDocument,
  RevokeApiKeyDocument,
  RevokeApiKeysDocument,
  RollApiKeyDocument,
  UpdateApiKeyPolicyDocument,
  ResumeApiKeyDocument,
  SuspendApiKeyDocument,
  UpdateApiKeyDocument,
  UpdateDocumentDocument,
  UpdateOrganizationDocument,
  UpdateUserDocument,
  UpdateWorkspaceDocument,
  VerifyApiKeyDocument,
  UserDocument,
  UsersDocument,
  ViewerDocument,
  WorkspaceDocument,
  WorkspacesDocument,
  type ApiKeyEnvironment,
  type ApiKeyPermission,
  type ApiKeyScope,
  type CreateApiKeyInput,
  type CreateDocumentInput,
} from "../support/gql/graphql";
import { entityTables, tableCounts } from "../support/rows";
import {
  anonymousCaller,
  callerWith,
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type Requester,
  type TestServer,
} from "../support/server";

type Who = "A" | "M" | "OF" | "OR" | "WF" | "WR" | "P" | "X" | "PL" | "PA" | "N";
const CALLERS: readonly Who[] = ["A", "M", "OF", "OR", "WF", "WR", "P", "X", "PL", "PA", "N"];
type KeyWho = "OF" | "OR" | "WF" | "WR" | "P";
const KEY_ENV: Partial<Record<Who, ApiKeyEnvironment>> = {
  OF: "SANDBOX",
  OR: "SANDBOX",
  WF: "SANDBOX",
  WR: "SANDBOX",
  P: "PRODUCTION",
};
const isKey = (who: Who) => KEY_ENV[who] !== undefined;
/** The platform key, acting inside home (PA) or not (PL): no user nor key of any organization. */
const isPlatform = (who: Who) => who === "PL" || who === "PA";

/**
 * The routes that take no credential of the matrix's callers, and why: everything else has a row (GraphQL's
 * operations, or "HTTP routes").
 */
const OPEN_ROUTES: Record<string, string> = {
  "POST /graphql": "every operation: the rows of this table",
  "GET /graphql": "GraphiQL for a browser, and GET queries (the same operations and rows)",
  "OPTIONS /graphql": "Apollo's answer to a preflight: no data",
  "GET /graphiql/assets/:name": "GraphiQL's static files, served from the server's own (graphiql.e2e)",
  "GET /healthz": "process up: no data",
  "GET /readyz": "database reachable: no data",
  "GET /metrics": "Prometheus text, behind METRICS_TOKEN outside tests (observability.e2e)",
  "GET /app": "the dashboard's static files: no data, no privilege (dashboard.e2e)",
  "GET /app/*": "the dashboard's static files",
  "POST /secret-scanning/github": "GitHub's signed reports: its own signature check (secret-scanning.e2e)",
};

type Code = "FORBIDDEN" | "NOT_FOUND" | "UNAUTHENTICATED";
type Outcome = "allowed" | "null" | Code | `BAD_USER_INPUT(${string})` | { ids: () => string[] };
/** One row of the table: an outcome for every caller (anonymous defaults to UNAUTHENTICATED). */
type Expect = Partial<Record<Who, Outcome>>;
/** What every field of an organization answers a platform key that names none (PL). */
const NO_ORGANIZATION = "BAD_USER_INPUT(Latchkey-Organization)";

// ---------------------------------------------------------------------------------------------
// GraphQL documents: the generated typed document of every root field, by the field's name

const DOCUMENTS = {
  viewer: ViewerDocument,
  organization: OrganizationDocument,
  workspaces: WorkspacesDocument,
  workspace: WorkspaceDocument,
  users: UsersDocument,
  user: UserDocument,
  apiKeys: ApiKeysDocument,
  apiKey: ApiKeyDocument,
  documents: DocumentsDocument,
  document: DocumentDocument,
  createApiKey: CreateApiKeyDocument,
  rollApiKey: RollApiKeyDocument,
  updateApiKey: UpdateApiKeyDocument,
  revokeApiKey: RevokeApiKeyDocument,
  revokeApiKeys: RevokeApiKeysDocument,
  updateApiKeyPolicy: UpdateApiKeyPolicyDocument,
  suspendApiKey: SuspendApiKeyDocument,
  resumeApiKey: ResumeApiKeyDocument,
  createWorkspace: CreateWorkspaceDocument,
  updateWorkspace: UpdateWorkspaceDocument,
  deleteWorkspace: DeleteWorkspaceDocument,
  createUser: CreateUserDocument,
  updateUser: UpdateUserDocument,
  deleteUser: DeleteUserDocument,
  createDocument: CreateDocumentDocument,
  updateDocument: UpdateDocumentDocument,
  deleteDocument: DeleteDocumentDocument,
  organizations: OrganizationsDocument,
  auditEvents: AuditEventsDocument,
  webhookEndpoints: WebhookEndpointsDocument,
  webhookDeliveries: WebhookDeliveriesDocument,
  createWebhookEndpoint: CreateWebhookEndpointDocument,
  updateWebhookEndpoint: UpdateWebhookEndpointDocument,
  deleteWebhookEndpoint: DeleteWebhookEndpointDocument,
  sendTestWebhook: SendTestWebhookDocument,
  createOrganization: CreateOrganizationDocument,
  updateOrganization: UpdateOrganizationDocument,
  deleteOrganization: DeleteOrganizationDocument,
  verifyApiKey: VerifyApiKeyDocument,
} as const;
type Documents = typeof DOCUMENTS;
type Op = keyof Documents;
/** The mutations, by their names' verbs (the "covers every root operation" tests hold the schema to it). */
type MutationOp = Extract<
  Op,
  `${"create" | "update" | "delete" | "revoke" | "suspend" | "resume" | "roll" | "send"}${string}`
>;
type QueryOp = Exclude<Op, MutationOp>;
const isMutationOp = (op: string) => /^(create|update|delete|revoke|suspend|resume|roll|send)[A-Z]/.test(op);

type Vars<O extends Op> = VariablesOf<Documents[O]>;
/** What the operation's root field answers (`ViewerQuery["viewer"]` for "viewer"). */
type Value<O extends Op> = O extends Op ? (ResultOf<Documents[O]> extends Record<O, infer V> ? V : never) : never;
/** The operation's data: its root field, typed. */
type Data<O extends Op> = Record<O, Value<O>>;

/** What a response amounts to, in the table's own words (so a failing cell reads "expected X, got Y"). */
function outcomeOf<O extends string>(result: GraphQLResult<Partial<Record<O, unknown>>>, op: O): string {
  if (result.errors?.length) {
    const codes = result.errors.map((e) => {
      const code = String(e.extensions?.code);
      return code === "BAD_USER_INPUT" ? `${code}(${e.extensions?.field ?? ""})` : code;
    });
    return codes.join(" + ");
  }
  if (result.data == null) return `no data: ${result.text.slice(0, 200)}`;
  return result.data[op] === null ? "null" : "allowed";
}

/** The data of an answer that must have some. */
function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.data == null) throw new Error(`no data: ${result.text.slice(0, 200)}`);
  return result.data;
}

interface Connection {
  totalCount: number;
  nodes: { id: string }[];
}
/** A list's answer: every list document selects `totalCount` and `nodes { id }`. */
function connectionOf(value: unknown): Connection {
  const isConnection = (v: unknown): v is Connection =>
    typeof v === "object" &&
    v !== null &&
    "totalCount" in v &&
    typeof v.totalCount === "number" &&
    "nodes" in v &&
    Array.isArray(v.nodes);
  if (!isConnection(value)) throw new Error(`not a connection: ${JSON.stringify(value)}`);
  return value;
}

const sorted = (ids: string[]) => [...ids].sort();
const uniqueEmail = () => `pm-${randomUUID().slice(0, 12)}@example.test`;
/** A date column as the database answered it, read as a Date. */
const asDate = (value: unknown) =>
  typeof value === "string" || typeof value === "number" ? new Date(value) : new Date(Number.NaN);

describe.each(databases)("SPEC §5 permission matrix on %s", (kind) => {
  let server: TestServer;

  // ---- fixtures (filled in beforeAll; rows read them lazily) ----
  let homeId = "";
  let otherId = "";
  let W1 = "";
  let W2 = "";
  let W3 = "";
  let XW1 = "";
  let homeName = "";
  /** The platform key of PL and PA. */
  let platform: PlatformCaller;
  /** Who sends each cell's typed document. */
  const caller = {} as Record<Who, Requester>;
  /** The caller's credential, for the few hand-written (aliased or smaller) queries. */
  const token = {} as Record<Who, string | null>;
  /** The id of the caller's user or key (PL and PA: the platform key). */
  const principal = {} as Record<Who, string>;
  const users = { A: "", M: "", M12: "", U2: "", U0: "", X: "" };
  const keys = { OF: "", OR: "", WF: "", WR: "", P: "", KS: "", KP: "", KS12: "", XK: "" };
  const docs = { DS1: "", DS2: "", DP1: "", DP2: "", DOF: "", DPP: "", DANOM: "", XD: "" };
  /** Webhook endpoints: home SANDBOX, home PRODUCTION, other's; and one delivery (a test event) of home's SANDBOX one. */
  const hooks = { WS: "", WP: "", XW: "", D1: "" };
  const orgOf = (who: Who) => (who === "X" ? otherId : homeId);

  let matrixCellsRun = 0;
  let routeCellsRun = 0;
  let extraChecksRun = 0;

  // ---- requests ----
  /** A caller of the table, or any other requester (a user or key made for one check). */
  type By = Who | Requester;
  const requester = (by: By): Requester => (typeof by === "string" ? caller[by] : by);

  /** Sends the typed document of `op`. */
  function send<O extends Op>(by: By, op: O, variables: Vars<O>): Promise<GraphQLResult<Data<O>>> {
    // DOCUMENTS[op] is op's document; TypeScript cannot correlate the two for a generic O
    const document = DOCUMENTS[op] as TypedDocumentNode<Data<O>, Vars<O>>;
    return requester(by).request(document, variables);
  }

  /** A hand-written query (aliases, or a selection no document of schema/operations has). */
  const raw = <T>(credential: string | null, query: string, variables: Record<string, unknown> = {}) =>
    rawGraphql<T>(server.url, { query, variables }, credential);

  /** A request that must succeed (fixtures and fresh targets): the root field's answer. */
  async function ok<O extends Op>(by: By, op: O, variables: Vars<O>): Promise<Value<O>> {
    const result = await send(by, op, variables);
    if (result.errors?.length || !result.data) throw new Error(`setup request failed: ${result.text}`);
    return result.data[op];
  }

  const createDoc = async (by: By, input: Omit<CreateDocumentInput, "title">) =>
    (await ok(by, "createDocument", { input: { title: `Doc ${randomUUID().slice(0, 8)}`, ...input } })).id;

  // fresh targets, made by the admin through the API
  const freshKey = async (environment: ApiKeyEnvironment, scope: ApiKeyScope = "WORKSPACE", workspaceIds = [W1]) =>
    (
      await createKey(server, caller.A, {
        environment,
        scope,
        permission: "FULL_ACCESS",
        ...(scope === "WORKSPACE" ? { workspaceIds } : {}),
        description: "fresh",
      })
    ).keyId;
  const freshDoc = (workspaceId: string, environment: ApiKeyEnvironment) =>
    createDoc("A", { workspaceId, environment });
  const freshUser = async () =>
    (
      await ok("A", "createUser", {
        input: { email: uniqueEmail(), name: "Fresh", role: "MEMBER", workspaceIds: [W1] },
      })
    ).id;
  const freshAdmin = async () =>
    (
      await ok("A", "createUser", {
        input: { email: uniqueEmail(), name: "Fresh admin", role: "ADMIN", workspaceIds: [] },
      })
    ).id;

  // ---- database ----
  type DbRow = Record<string, unknown>;
  const esc = (name: string) => server.db.driver.escape(name);
  const clean = (row: DbRow): DbRow => {
    const { last_used_at: _lastUsedAt, last_used_ip: _lastUsedIp, ...rest } = row;
    return JSON.parse(JSON.stringify(rest)) as DbRow;
  };
  async function rowsWhere(table: string, column: string, value: string): Promise<DbRow[]> {
    const rows = await server.db.query<DbRow[]>(`SELECT * FROM ${esc(table)} WHERE ${esc(column)} = ?`, [value]);
    return rows.map(clean);
  }
  const rowOf = async (table: string, id: string): Promise<DbRow | undefined> => (await rowsWhere(table, "id", id))[0];
  /**
   * Every row of every table (without last_used_at and last_used_ip), order-independent; not api_key_usage, which
   * authenticating a key counts and a timer flushes (deleteOrganization checks its own rows there), nor audit_event,
   * which only grows (a denied call adds nothing there either: checked by auditRows below).
   */
  async function snapshot(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const table of entityTables(server.db)) {
      if (table === "api_key_usage" || table === "audit_event") continue;
      const rows = await server.db.query<DbRow[]>(`SELECT * FROM ${esc(table)}`);
      out[table] = rows.map((r) => JSON.stringify(clean(r))).sort();
    }
    return out;
  }
  const linksOfKey = async (keyId: string) =>
    sorted((await rowsWhere("api_key_workspace", "api_key_id", keyId)).map((l) => String(l.workspace_id)));
  const linksOfUser = async (userId: string) =>
    sorted((await rowsWhere("user_workspace", "user_id", userId)).map((l) => String(l.workspace_id)));

  /** The creator columns a row made by `who` must carry. */
  const creatorOf = (who: Who) => {
    if (isPlatform(who)) return { created_by_user_id: null, created_by_api_key_id: null };
    return isKey(who)
      ? { created_by_user_id: null, created_by_api_key_id: principal[who] }
      : { created_by_user_id: principal[who], created_by_api_key_id: null };
  };

  beforeAll(async () => {
    server = await createTestServer(kind);
    const home = await createOrganization(server, { apiPlan: "Scale", workspaces: 3 });
    const other = await createOrganization(server, { apiPlan: "Scale", workspaces: 1 });
    homeId = home.id;
    otherId = other.id;
    [W1, W2, W3] = home.workspaceIds;
    [XW1] = other.workspaceIds;

    const m = await home.member([W1]);
    const m12 = await home.member([W1, W2]);
    const u2 = await home.member([W2]);
    const u0 = await home.member([]);
    Object.assign(users, {
      A: home.admin.userId,
      M: m.userId,
      M12: m12.userId,
      U2: u2.userId,
      U0: u0.userId,
      X: other.admin.userId,
    });
    Object.assign(caller, { A: home.admin, M: m, X: other.admin, N: anonymousCaller(server) });
    Object.assign(token, { A: home.admin.token, M: m.token, X: other.admin.token, N: null });
    Object.assign(principal, { A: users.A, M: users.M, X: users.X, N: "" });
    homeName = (await ok("A", "organization", {})).name;

    platform = await createPlatformKey(server, "permission matrix");
    Object.assign(caller, { PL: platform, PA: platform.inOrganization(homeId) });
    // PA is PL's token plus the Latchkey-Organization header, which hand-written queries do not send
    Object.assign(token, { PL: platform.token });
    Object.assign(principal, { PL: platform.keyId, PA: platform.keyId });

    const asCaller = async (who: KeyWho, input: CreateApiKeyInput) => {
      const created = await createKey(server, caller.A, { description: who, ...input });
      caller[who] = created;
      token[who] = created.token;
      principal[who] = created.keyId;
      keys[who] = created.keyId;
    };
    await asCaller("OF", { environment: "SANDBOX", scope: "ORGANIZATION", permission: "FULL_ACCESS" });
    await asCaller("OR", { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" });
    await asCaller("WF", { environment: "SANDBOX", scope: "WORKSPACE", workspaceIds: [W1], permission: "FULL_ACCESS" });
    await asCaller("WR", { environment: "SANDBOX", scope: "WORKSPACE", workspaceIds: [W1], permission: "READ_ONLY" });
    await asCaller("P", { environment: "PRODUCTION", scope: "ORGANIZATION", permission: "FULL_ACCESS" });
    keys.KS = (
      await createKey(server, caller.A, {
        description: "target",
        environment: "SANDBOX",
        scope: "WORKSPACE",
        workspaceIds: [W1],
        permission: "READ_ONLY",
      })
    ).keyId;
    keys.KP = (
      await createKey(server, caller.A, {
        description: "target prod",
        environment: "PRODUCTION",
        scope: "ORGANIZATION",
        permission: "READ_ONLY",
      })
    ).keyId;
    keys.KS12 = (
      await createKey(server, caller.A, {
        description: "W1+W2",
        environment: "SANDBOX",
        scope: "WORKSPACE",
        workspaceIds: [W1, W2],
        permission: "FULL_ACCESS",
      })
    ).keyId;
    keys.XK = (
      await createKey(server, caller.X, { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" })
    ).keyId;

    docs.DS1 = await createDoc("A", { workspaceId: W1, environment: "SANDBOX" });
    docs.DS2 = await createDoc("A", { workspaceId: W2, environment: "SANDBOX" });
    docs.DP1 = await createDoc("A", { workspaceId: W1, environment: "PRODUCTION" });
    docs.DP2 = await createDoc("A", { workspaceId: W2, environment: "PRODUCTION" });
    docs.DOF = await createDoc("OF", { workspaceId: W1 });
    docs.DPP = await createDoc("P", { workspaceId: W1 });
    docs.XD = await createDoc("X", { workspaceId: XW1, environment: "SANDBOX" });
    // no delivery is attempted while the table runs (rows must stay as they are between a cell's before and after)
    await server.services.webhookDispatcher.close();
    const endpoint = async (who: Who, environment: ApiKeyEnvironment) =>
      (
        await ok(who, "createWebhookEndpoint", {
          input: { url: `https://example.com/${who}/${environment}`, events: ["api_key.leaked"], environment },
        })
      ).endpoint.id;
    hooks.WS = await endpoint("A", "SANDBOX");
    hooks.WP = await endpoint("A", "PRODUCTION");
    hooks.XW = await endpoint("X", "SANDBOX");
    hooks.D1 = (await ok("A", "sendTestWebhook", { endpointId: hooks.WS })).id;
    // A state no request can produce (a key only writes its own environment): a SANDBOX document
    // whose creator is the PRODUCTION key. Planted to prove createdBy never leaks across environments.
    docs.DANOM = randomUUID();
    const now = new Date();
    await server.db.getRepository(Document).insert({
      id: docs.DANOM,
      organizationId: homeId,
      workspaceId: W1,
      environment: "SANDBOX" as Document["environment"],
      title: "planted",
      createdByUserId: null,
      createdByApiKeyId: keys.P,
      createdAt: now,
      updatedAt: now,
    });
  });

  afterAll(async () => {
    console.log(
      `[permissions-matrix on ${kind}] matrix cells run: ${matrixCellsRun}; route cells run: ${routeCellsRun}; extra checks run: ${extraChecksRun}`,
    );
    await server?.close();
  });

  // =============================================================================================
  // Queries

  interface QueryRow<O extends QueryOp> {
    op: O;
    label: string;
    variables: () => Vars<O>;
    expect: Expect;
    /** For an "allowed" cell: what the answer must be. */
    check?(who: Who, value: NonNullable<Value<O>>): void;
  }
  type AnyQueryRow = { [O in QueryOp]: QueryRow<O> }[QueryOp];

  type SingleOp = "workspace" | "user" | "apiKey" | "document";
  const single = (op: SingleOp, label: string, id: () => string, outcomes: Expect): QueryRow<SingleOp> => ({
    op,
    label,
    variables: () => ({ id: id() }),
    expect: outcomes,
    check: (_who, value) => expect(value.id).toBe(id()),
  });
  const list = <
    O extends
      "workspaces" | "users" | "apiKeys" | "documents" | "organizations" | "webhookEndpoints" | "webhookDeliveries",
  >(
    op: O,
    label: string,
    variables: () => Vars<O>,
    outcomes: Expect,
  ): QueryRow<O> => ({ op, label, variables, expect: outcomes });
  const FIRST_100 = () => ({ first: 100 });
  const ids = (f: () => string[]): Outcome => ({ ids: f });
  const NONE = ids(() => []);

  const homeUsers = () => [users.A, users.M, users.M12, users.U2, users.U0];
  const homeWorkspaces = () => [W1, W2, W3];
  const allHomeKeys = () =>
    Object.entries(keys)
      .filter(([k]) => k !== "XK")
      .map(([, id]) => id);
  const sandboxHomeKeys = () => [keys.OF, keys.OR, keys.WF, keys.WR, keys.KS, keys.KS12];
  const productionHomeKeys = () => [keys.P, keys.KP];
  const allHomeDocs = () => [docs.DS1, docs.DS2, docs.DP1, docs.DP2, docs.DOF, docs.DPP, docs.DANOM];
  const allOrganizations = () => [homeId, otherId];

  const queryRows: AnyQueryRow[] = [
    {
      op: "viewer",
      label: "the caller itself",
      variables: () => ({}),
      expect: {
        A: "allowed",
        M: "allowed",
        OF: "allowed",
        OR: "allowed",
        WF: "allowed",
        WR: "allowed",
        P: "allowed",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
      check: (who, v) => {
        expect(v.organization.id).toBe(orgOf(who));
        if (isPlatform(who)) {
          // the platform acts inside home as no user and no key of it
          expect(v.user).toBeNull();
          expect(v.apiKey).toBeNull();
          return;
        }
        expect(isKey(who) ? v.apiKey?.id : v.user?.id).toBe(principal[who]);
        expect(isKey(who) ? v.user : v.apiKey).toBeNull();
      },
    },
    {
      op: "organization",
      label: "the caller's own",
      variables: () => ({}),
      expect: {
        A: "allowed",
        M: "allowed",
        OF: "allowed",
        OR: "allowed",
        WF: "allowed",
        WR: "allowed",
        P: "allowed",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
      check: (who, v) => expect(v.id).toBe(orgOf(who)),
    },
    list("workspaces", "all the caller reaches", FIRST_100, {
      A: ids(homeWorkspaces),
      M: ids(() => [W1]),
      OF: ids(homeWorkspaces),
      OR: ids(homeWorkspaces),
      WF: ids(() => [W1]),
      WR: ids(() => [W1]),
      P: ids(homeWorkspaces),
      X: ids(() => [XW1]),
      PL: NO_ORGANIZATION,
      PA: ids(homeWorkspaces),
    }),
    single("workspace", "W1", () => W1, {
      A: "allowed",
      M: "allowed",
      OF: "allowed",
      OR: "allowed",
      WF: "allowed",
      WR: "allowed",
      P: "allowed",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    single("workspace", "W2 (out of M's, WF's, WR's reach)", () => W2, {
      A: "allowed",
      M: "null",
      OF: "allowed",
      OR: "allowed",
      WF: "null",
      WR: "null",
      P: "allowed",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    list("users", "all the caller reaches", FIRST_100, {
      A: ids(homeUsers),
      M: ids(homeUsers),
      OF: ids(homeUsers),
      OR: ids(homeUsers),
      WF: ids(() => [users.A, users.M, users.M12]),
      WR: ids(() => [users.A, users.M, users.M12]),
      P: ids(homeUsers),
      X: ids(() => [users.X]),
      PL: NO_ORGANIZATION,
      PA: ids(homeUsers),
    }),
    list("users", "filtered by workspaceId W2", () => ({ first: 100, workspaceId: W2 }), {
      A: ids(() => [users.A, users.M12, users.U2]),
      M: NONE,
      OF: ids(() => [users.A, users.M12, users.U2]),
      OR: ids(() => [users.A, users.M12, users.U2]),
      WF: NONE,
      WR: NONE,
      P: ids(() => [users.A, users.M12, users.U2]),
      X: NONE,
      PL: NO_ORGANIZATION,
      PA: ids(() => [users.A, users.M12, users.U2]),
    }),
    single("user", "a member of W1", () => users.M, {
      A: "allowed",
      M: "allowed",
      OF: "allowed",
      OR: "allowed",
      WF: "allowed",
      WR: "allowed",
      P: "allowed",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    single("user", "a member of W2 only", () => users.U2, {
      A: "allowed",
      M: "allowed",
      OF: "allowed",
      OR: "allowed",
      WF: "null",
      WR: "null",
      P: "allowed",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    list("apiKeys", "all the caller may see", FIRST_100, {
      A: ids(allHomeKeys),
      M: "FORBIDDEN",
      OF: ids(sandboxHomeKeys),
      OR: ids(sandboxHomeKeys),
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: ids(productionHomeKeys),
      X: ids(() => [keys.XK]),
      PL: NO_ORGANIZATION,
      PA: ids(allHomeKeys),
    }),
    list("apiKeys", "filter environment PRODUCTION", () => ({ first: 100, filter: { environment: ["PRODUCTION"] } }), {
      A: ids(productionHomeKeys),
      M: "FORBIDDEN",
      OF: NONE,
      OR: NONE,
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: ids(productionHomeKeys),
      X: NONE,
      PL: NO_ORGANIZATION,
      PA: ids(productionHomeKeys),
    }),
    single("apiKey", "a SANDBOX key scoped to W1", () => keys.KS, {
      A: "allowed",
      M: "FORBIDDEN",
      OF: "allowed",
      OR: "allowed",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: "null",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    single("apiKey", "a PRODUCTION key", () => keys.KP, {
      A: "allowed",
      M: "FORBIDDEN",
      OF: "null",
      OR: "null",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: "allowed",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    list("documents", "all the caller reaches", FIRST_100, {
      A: ids(allHomeDocs),
      M: ids(() => [docs.DS1, docs.DP1, docs.DOF, docs.DPP, docs.DANOM]),
      OF: ids(() => [docs.DS1, docs.DS2, docs.DOF, docs.DANOM]),
      OR: ids(() => [docs.DS1, docs.DS2, docs.DOF, docs.DANOM]),
      WF: ids(() => [docs.DS1, docs.DOF, docs.DANOM]),
      WR: ids(() => [docs.DS1, docs.DOF, docs.DANOM]),
      P: ids(() => [docs.DP1, docs.DP2, docs.DPP]),
      X: ids(() => [docs.XD]),
      PL: NO_ORGANIZATION,
      PA: ids(allHomeDocs),
    }),
    list("documents", "filter environment PRODUCTION", () => ({ first: 100, environment: "PRODUCTION" }), {
      A: ids(() => [docs.DP1, docs.DP2, docs.DPP]),
      M: ids(() => [docs.DP1, docs.DPP]),
      OF: NONE,
      OR: NONE,
      WF: NONE,
      WR: NONE,
      P: ids(() => [docs.DP1, docs.DP2, docs.DPP]),
      X: NONE,
      PL: NO_ORGANIZATION,
      PA: ids(() => [docs.DP1, docs.DP2, docs.DPP]),
    }),
    list("documents", "filter workspaceId W2", () => ({ first: 100, workspaceId: W2 }), {
      A: ids(() => [docs.DS2, docs.DP2]),
      M: NONE,
      OF: ids(() => [docs.DS2]),
      OR: ids(() => [docs.DS2]),
      WF: NONE,
      WR: NONE,
      P: ids(() => [docs.DP2]),
      X: NONE,
      PL: NO_ORGANIZATION,
      PA: ids(() => [docs.DS2, docs.DP2]),
    }),
    single("document", "a SANDBOX document in W1", () => docs.DS1, {
      A: "allowed",
      M: "allowed",
      OF: "allowed",
      OR: "allowed",
      WF: "allowed",
      WR: "allowed",
      P: "null",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    single("document", "a SANDBOX document in W2", () => docs.DS2, {
      A: "allowed",
      M: "null",
      OF: "allowed",
      OR: "allowed",
      WF: "null",
      WR: "null",
      P: "null",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),
    single("document", "a PRODUCTION document in W1", () => docs.DP1, {
      A: "allowed",
      M: "allowed",
      OF: "null",
      OR: "null",
      WF: "null",
      WR: "null",
      P: "allowed",
      X: "null",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    }),

    // the platform's own: the platform key, with or without Latchkey-Organization, and nobody else
    list("organizations", "every organization", FIRST_100, {
      A: "FORBIDDEN",
      M: "FORBIDDEN",
      OF: "FORBIDDEN",
      OR: "FORBIDDEN",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: "FORBIDDEN",
      X: "FORBIDDEN",
      PL: ids(allOrganizations),
      PA: ids(allOrganizations),
    }),
    list("organizations", "search: home's name", () => ({ first: 100, search: homeName }), {
      A: "FORBIDDEN",
      M: "FORBIDDEN",
      OF: "FORBIDDEN",
      OR: "FORBIDDEN",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: "FORBIDDEN",
      X: "FORBIDDEN",
      PL: ids(() => [homeId]),
      PA: ids(() => [homeId]),
    }),
    {
      op: "verifyApiKey",
      label: "the OF key's token",
      variables: () => ({ token: token.OF ?? "" }),
      expect: {
        A: "FORBIDDEN",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "FORBIDDEN",
        PL: "allowed",
        PA: "allowed",
      },
      check: (_who, value) => expect(value).toMatchObject({ valid: true, code: "VALID", apiKey: { id: keys.OF } }),
    },
    list("webhookEndpoints", "the caller's (a key: its environment's)", FIRST_100, {
      A: ids(() => [hooks.WS, hooks.WP]),
      M: "FORBIDDEN",
      OF: ids(() => [hooks.WS]),
      OR: "FORBIDDEN",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: ids(() => [hooks.WP]),
      X: ids(() => [hooks.XW]),
      PL: NO_ORGANIZATION,
      PA: ids(() => [hooks.WS, hooks.WP]),
    }),
    list("webhookDeliveries", "of home's SANDBOX endpoint", () => ({ endpointId: hooks.WS, first: 100 }), {
      A: ids(() => [hooks.D1]),
      M: "FORBIDDEN",
      OF: ids(() => [hooks.D1]),
      OR: "FORBIDDEN",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: NONE,
      X: NONE,
      PL: NO_ORGANIZATION,
      PA: ids(() => [hooks.D1]),
    }),
    {
      op: "auditEvents",
      label: "the caller's organization's key creations (admins only)",
      variables: () => ({ first: 100, filter: { action: ["api_key.created"] } }),
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
      // home's fixture keys were created by A; X's organization has its one key: each sees its own, no other's
      check: (who, value) => {
        const targets = value.nodes.map((n) => n.target.id);
        if (who === "X") expect(targets).toEqual([keys.XK]);
        else expect(targets).toEqual(expect.arrayContaining([keys.OF, keys.P, keys.KS]));
        expect(targets).not.toContain(who === "X" ? keys.OF : keys.XK);
      },
    },
  ];

  const describeOutcome = (o: Outcome) => (typeof o === "string" ? o : "exactly its ids");
  const queryCells = queryRows.flatMap((row) =>
    CALLERS.filter((who) => who === "N" || row.expect[who] !== undefined).map((who) => {
      const expected = row.expect[who] ?? "UNAUTHENTICATED";
      return { name: `Query.${row.op} [${row.label}] as ${who} → ${describeOutcome(expected)}`, row, who, expected };
    }),
  );

  async function runQueryCell<O extends QueryOp>(row: QueryRow<O>, who: Who, expected: Outcome): Promise<void> {
    const result = await send(who, row.op, row.variables());
    expect(result.status).toBe(200);
    if (typeof expected === "object") {
      expect(outcomeOf(result, row.op)).toBe("allowed");
      const connection = connectionOf(dataOf(result)[row.op]);
      expect(sorted(connection.nodes.map((n) => n.id))).toEqual(sorted(expected.ids()));
      expect(connection.totalCount).toBe(expected.ids().length);
      return;
    }
    expect(outcomeOf(result, row.op)).toBe(expected);
    if (expected === "allowed") {
      const value = dataOf(result)[row.op];
      if (value == null) throw new Error(`${row.op} answered ${String(value)}`);
      row.check?.(who, value);
    }
    if (result.errors) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].path).toEqual([row.op]);
      expect(result.data?.[row.op] ?? null).toBeNull();
    }
  }

  describe("queries", () => {
    it.each(queryCells)("$name", async ({ row, who, expected }) => {
      matrixCellsRun++;
      await runQueryCell(row, who, expected);
    });
  });

  // =============================================================================================
  // Mutations

  interface MutationRow<O extends MutationOp> {
    op: O;
    label: string;
    /** Makes the fresh object the cell acts on (as the admin; an organization: as the platform); its id is the cell's target. */
    fresh?: (who: Who) => Promise<string>;
    variables: (who: Who, target: string) => Vars<O>;
    /** The row a denied call must leave exactly as it was (default: the caller's organization). */
    row?: (who: Who, target: string) => Promise<unknown>;
    /** What an allowed call must have done. */
    effect(who: Who, target: string, value: Value<O>, variables: Vars<O>): Promise<void>;
    expect: Expect;
  }
  type AnyMutationRow = { [O in MutationOp]: MutationRow<O> }[MutationOp];

  /** Links made for one cell only (so M, WF and WR reach a fresh workspace); removed after it. */
  const cellCleanups: (() => Promise<void>)[] = [];

  /** A fresh workspace that the caller reaches (so FORBIDDEN comes from the rule, not from scoping). */
  async function freshWorkspaceFor(who: Who): Promise<string> {
    const { id } = await ok("A", "createWorkspace", { input: { name: `Fresh ${randomUUID().slice(0, 8)}` } });
    if (who === "M") {
      await server.db.query(`INSERT INTO ${esc("user_workspace")} (user_id, workspace_id) VALUES (?, ?)`, [
        users.M,
        id,
      ]);
      cellCleanups.push(async () => {
        await server.db.query(`DELETE FROM ${esc("user_workspace")} WHERE user_id = ? AND workspace_id = ?`, [
          users.M,
          id,
        ]);
      });
    }
    if (who === "WF" || who === "WR") {
      await server.db.query(`INSERT INTO ${esc("api_key_workspace")} (api_key_id, workspace_id) VALUES (?, ?)`, [
        keys[who],
        id,
      ]);
      cellCleanups.push(async () => {
        await server.db.query(`DELETE FROM ${esc("api_key_workspace")} WHERE api_key_id = ? AND workspace_id = ?`, [
          keys[who],
          id,
        ]);
      });
    }
    return id;
  }

  const createdKeyEffect = async (
    who: Who,
    _t: string,
    value: Value<"createApiKey">,
    { input }: Vars<"createApiKey">,
  ) => {
    expect(value.token).toMatch(
      input.environment === "SANDBOX" ? /^lk_test_[0-9A-Za-z]{36}$/ : /^lk_live_[0-9A-Za-z]{36}$/,
    );
    const row = await rowOf("api_key", value.apiKey.id);
    expect(row).toMatchObject({
      organization_id: orgOf(who),
      environment: input.environment,
      scope: input.scope,
      permission: input.permission,
      revoked_at: null,
      ...creatorOf(who),
    });
    expect(await linksOfKey(value.apiKey.id)).toEqual(sorted(input.workspaceIds ?? []));
  };
  const keyInput =
    (environment: ApiKeyEnvironment, scope: ApiKeyScope, permission: ApiKeyPermission, workspaceIds?: () => string[]) =>
    (): Vars<"createApiKey"> => ({
      input: {
        environment,
        scope,
        permission,
        ...(workspaceIds ? { workspaceIds: workspaceIds() } : {}),
        description: "matrix",
      },
    });

  const createdDocEffect =
    (defaultEnv: (who: Who) => string) =>
    async (who: Who, _t: string, value: Value<"createDocument">, vars: Vars<"createDocument">) => {
      const row = await rowOf("document", value.id);
      expect(row).toMatchObject({
        organization_id: orgOf(who),
        workspace_id: vars.input.workspaceId,
        environment: vars.input.environment ?? defaultEnv(who),
        title: vars.input.title,
        ...creatorOf(who),
      });
      expect(value.environment).toBe(row?.environment);
    };
  /** Users name the environment given; keys omit it. */
  const docInput =
    (workspaceId: () => string, environment: ApiKeyEnvironment | null) =>
    (_who: Who): Vars<"createDocument"> => ({
      input: {
        workspaceId: workspaceId(),
        title: `Matrix ${randomUUID().slice(0, 8)}`,
        ...(environment ? { environment } : {}),
      },
    });

  const FOREIGN_OR_OUT_OF_SCOPE = "BAD_USER_INPUT(workspaceId)";

  // fresh organizations, made by the platform (home and other must survive the matrix)
  const newOrganizationInput = (): Vars<"createOrganization"> => {
    const tag = randomUUID().slice(0, 8);
    return {
      input: {
        name: `Matrix org ${tag}`,
        externalId: `pm_org_${tag}`,
        apiPlan: "Growth",
        admin: { email: uniqueEmail(), name: "Matrix owner", externalId: `pm_usr_${tag}` },
      },
    };
  };
  const freshOrganization = async () => (await ok("PL", "createOrganization", newOrganizationInput())).id;

  /** For each fresh organization to delete: the ids its rows carry, one of its keys, and every row before the cell. */
  const doomed = new Map<string, { ids: string[]; key: Requester; before: Record<string, string[]> }>();
  /** A fresh organization with a row in every table of an organization: a workspace, a member, a key, a document. */
  async function freshOrganizationWithRows(): Promise<string> {
    const id = await freshOrganization();
    const inside = platform.inOrganization(id);
    const { id: workspaceId } = await ok(inside, "createWorkspace", { input: { name: "Doomed" } });
    const { id: userId } = await ok(inside, "createUser", {
      input: { email: uniqueEmail(), role: "MEMBER", workspaceIds: [workspaceId] },
    });
    const key = await createKey(server, inside, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      workspaceIds: [workspaceId],
      permission: "FULL_ACCESS",
      description: "doomed",
    });
    await createDoc(key, { workspaceId });
    const { endpoint } = await ok(inside, "createWebhookEndpoint", {
      input: { url: "https://example.com/doomed", events: ["api_key.leaked"], environment: "SANDBOX" },
    });
    await ok(inside, "sendTestWebhook", { endpointId: endpoint.id });
    await server.services.usageCounter.flush();
    expect(await rowsWhere("api_key_usage", "api_key_id", key.keyId)).not.toHaveLength(0);
    doomed.set(id, { ids: [id, workspaceId, userId, key.keyId], key, before: await snapshot() });
    return id;
  }

  /** update/delete/sendTest on a fresh SANDBOX endpoint of home: who manages keys; P and X do not see it. */
  function webhookEndpointRows(): AnyMutationRow[] {
    const fresh = async () =>
      (
        await ok("A", "createWebhookEndpoint", {
          input: { url: "https://example.com/fresh", events: ["api_key.leaked"], environment: "SANDBOX" },
        })
      ).endpoint.id;
    const outcomes: Expect = {
      A: "allowed",
      M: "FORBIDDEN",
      OF: "allowed",
      OR: "FORBIDDEN",
      WF: "FORBIDDEN",
      WR: "FORBIDDEN",
      P: "NOT_FOUND",
      X: "NOT_FOUND",
      PL: NO_ORGANIZATION,
      PA: "allowed",
    };
    const label = "a fresh SANDBOX endpoint of home";
    const row = (_who: Who, id: string) => rowOf("webhook_endpoint", id);
    return [
      {
        op: "updateWebhookEndpoint",
        label,
        fresh,
        row,
        variables: (_who, id) => ({ input: { id, description: "changed by the matrix" } }),
        effect: async (_who, id, value) => {
          expect(value.description).toBe("changed by the matrix");
          expect((await rowOf("webhook_endpoint", id))?.description).toBe("changed by the matrix");
        },
        expect: outcomes,
      },
      {
        op: "deleteWebhookEndpoint",
        label,
        fresh,
        row,
        variables: (_who, id) => ({ id }),
        effect: async (_who, id, value) => {
          expect(value).toBe(id);
          expect(await rowOf("webhook_endpoint", id)).toBeUndefined();
        },
        expect: outcomes,
      },
      {
        op: "sendTestWebhook",
        label,
        fresh,
        row,
        variables: (_who, id) => ({ endpointId: id }),
        effect: async (_who, id, value) => {
          expect(value).toMatchObject({ eventType: "webhook.test", status: "PENDING" });
          expect(await rowsWhere("webhook_delivery", "endpoint_id", id)).toMatchObject([
            { event_type: "webhook.test" },
          ]);
        },
        expect: outcomes,
      },
    ];
  }

  /** The unique description of each key made for a revokeApiKeys cell. */
  const bulkDescriptions = new Map<string, string>();

  const mutationRows: AnyMutationRow[] = [
    // ---- createApiKey ----
    ...(
      [
        [
          "SANDBOX WORKSPACE [W1] READ_ONLY",
          keyInput("SANDBOX", "WORKSPACE", "READ_ONLY", () => [W1]),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "FORBIDDEN",
            X: "BAD_USER_INPUT(workspaceIds)",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "SANDBOX ORGANIZATION FULL_ACCESS",
          keyInput("SANDBOX", "ORGANIZATION", "FULL_ACCESS"),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "FORBIDDEN",
            X: "allowed",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "SANDBOX ORGANIZATION READ_ONLY",
          keyInput("SANDBOX", "ORGANIZATION", "READ_ONLY"),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "FORBIDDEN",
            X: "allowed",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "SANDBOX WORKSPACE [W1, W2] FULL_ACCESS",
          keyInput("SANDBOX", "WORKSPACE", "FULL_ACCESS", () => [W1, W2]),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "FORBIDDEN",
            X: "BAD_USER_INPUT(workspaceIds)",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "PRODUCTION ORGANIZATION READ_ONLY",
          keyInput("PRODUCTION", "ORGANIZATION", "READ_ONLY"),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "FORBIDDEN",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "allowed",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "PRODUCTION WORKSPACE [W2] FULL_ACCESS",
          keyInput("PRODUCTION", "WORKSPACE", "FULL_ACCESS", () => [W2]),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "FORBIDDEN",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "BAD_USER_INPUT(workspaceIds)",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
      ] satisfies [string, () => Vars<"createApiKey">, Expect][]
    ).map(([label, variables, outcomes]): MutationRow<"createApiKey"> => ({
      op: "createApiKey",
      label,
      variables,
      effect: createdKeyEffect,
      expect: outcomes,
    })),

    // ---- updateApiKey / revokeApiKey ----
    ...(
      [
        [
          "a fresh SANDBOX key scoped to W1",
          () => freshKey("SANDBOX"),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "NOT_FOUND",
            X: "NOT_FOUND",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "a fresh PRODUCTION key",
          () => freshKey("PRODUCTION", "ORGANIZATION"),
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "NOT_FOUND",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "NOT_FOUND",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
      ] satisfies [string, () => Promise<string>, Expect][]
    ).flatMap(([label, fresh, outcomes]): AnyMutationRow[] => [
      {
        op: "updateApiKey",
        label,
        fresh,
        variables: (_who, id) => ({ input: { id, description: "changed by the matrix" } }),
        row: (_who, id) => rowOf("api_key", id),
        effect: async (_who, id, value) => {
          expect(value).toMatchObject({ id, description: "changed by the matrix" });
          expect((await rowOf("api_key", id))?.description).toBe("changed by the matrix");
        },
        expect: outcomes,
      },
      {
        op: "rollApiKey",
        label,
        fresh,
        variables: (_who, id) => ({ input: { id, gracePeriodMinutes: 5 } }),
        row: (_who, id) => rowOf("api_key", id),
        effect: async (_who, id, value) => {
          // a new key of the same settings, pointing back; the old one points to it and expires within the grace
          expect(value.apiKey).toMatchObject({ status: "ACTIVE", description: "fresh", rolledFrom: { id } });
          expect(value.apiKey.id).not.toBe(id);
          expect(value.token).toMatch(/^lk_(test|live)_/);
          const old = await rowOf("api_key", id);
          expect(old?.rolled_to_id).toBe(value.apiKey.id);
          expect(asDate(old?.expires_at).getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
          expect(await rowOf("api_key", value.apiKey.id)).toMatchObject({ rolled_from_id: id });
        },
        expect: outcomes,
      },
      {
        op: "revokeApiKey",
        label,
        fresh,
        variables: (_who, id) => ({ id }),
        row: (_who, id) => rowOf("api_key", id),
        effect: async (_who, id, value) => {
          expect(value).toMatchObject({ id, status: "REVOKED" });
          expect((await rowOf("api_key", id))?.revoked_at).not.toBeNull();
        },
        expect: outcomes,
      },
      {
        op: "suspendApiKey",
        label,
        fresh,
        variables: (_who, id) => ({ id, reason: "matrix" }),
        row: (_who, id) => rowOf("api_key", id),
        effect: async (_who, id, value) => {
          expect(value).toMatchObject({ id, status: "SUSPENDED", suspendedReason: "matrix" });
          expect((await rowOf("api_key", id))?.suspended_at).not.toBeNull();
        },
        expect: outcomes,
      },
      {
        op: "resumeApiKey",
        label: `${label}, suspended`,
        fresh: async () => {
          const id = await fresh();
          await server.db.getRepository(ApiKey).update({ id }, { suspendedAt: new Date(), suspendedReason: "matrix" });
          return id;
        },
        variables: (_who, id) => ({ id }),
        row: (_who, id) => rowOf("api_key", id),
        effect: async (_who, id, value) => {
          expect(value).toMatchObject({ id, status: "ACTIVE", suspendedAt: null, suspendedReason: null });
          expect((await rowOf("api_key", id))?.suspended_at).toBeNull();
        },
        expect: outcomes,
      },
    ]),

    // ---- webhook endpoints: who manages keys (a key: its own environment's) ----
    {
      op: "createWebhookEndpoint",
      label: "a SANDBOX endpoint",
      variables: () => ({
        input: { url: "https://example.com/matrix", events: ["api_key.revoked"], environment: "SANDBOX" as const },
      }),
      effect: async (who, _t, value) => {
        expect(value.signingSecret).toMatch(/^whsec_/);
        expect(await rowOf("webhook_endpoint", value.endpoint.id)).toMatchObject({
          organization_id: orgOf(who),
          environment: "SANDBOX",
        });
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "allowed",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    ...webhookEndpointRows(),

    // ---- revokeApiKeys / updateApiKeyPolicy: admins (and the platform inside home) only ----
    {
      op: "revokeApiKeys",
      label: "filter matching one fresh home key (by its description)",
      fresh: async () => {
        const description = `bulk ${randomUUID()}`;
        const { keyId } = await createKey(server, caller.A, {
          environment: "SANDBOX",
          scope: "ORGANIZATION",
          permission: "READ_ONLY",
          description,
        });
        bulkDescriptions.set(keyId, description);
        return keyId;
      },
      variables: (_who, id) => ({ filter: { search: bulkDescriptions.get(id)! } }),
      row: (_who, id) => rowOf("api_key", id),
      effect: async (who, id, value) => {
        // X is an admin too, of its own organization: the filter matches nothing there, and home's key stays
        expect(value).toEqual({ count: who === "X" ? 0 : 1 });
        const row = await rowOf("api_key", id);
        if (who === "X") expect(row?.revoked_at).toBeNull();
        else expect(row?.revoked_at).not.toBeNull();
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "updateApiKeyPolicy",
      label: "production keys at most 365 days (put back after each allowed cell)",
      variables: () => ({ input: { production: { maxLifetimeDays: 365 } } }),
      effect: async (who, _t, value) => {
        expect(value.production).toEqual({ maxLifetimeDays: 365, requireExpiry: false });
        const row = await rowOf("organization", orgOf(who));
        expect(JSON.parse(String(row?.api_key_policy))).toMatchObject({ production: { maxLifetimeDays: 365 } });
        await ok(who, "updateApiKeyPolicy", { input: { production: { maxLifetimeDays: null } } });
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },

    // ---- workspaces ----
    {
      op: "createWorkspace",
      label: "a new workspace",
      variables: () => ({ input: { name: `Matrix ${randomUUID().slice(0, 8)}` } }),
      effect: async (who, _t, value, vars) => {
        expect(await rowOf("workspace", value.id)).toMatchObject({
          organization_id: orgOf(who),
          name: vars.input.name,
        });
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "allowed",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "updateWorkspace",
      label: "a fresh workspace the caller reaches",
      fresh: freshWorkspaceFor,
      variables: (_who, id) => ({ input: { id, name: "Renamed by the matrix" } }),
      row: (_who, id) => rowOf("workspace", id),
      effect: async (_who, id) => expect((await rowOf("workspace", id))?.name).toBe("Renamed by the matrix"),
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "allowed",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "deleteWorkspace",
      label: "a fresh workspace the caller reaches",
      fresh: freshWorkspaceFor,
      variables: (_who, id) => ({ id }),
      row: (_who, id) => rowOf("workspace", id),
      effect: async (_who, id, value) => {
        expect(value).toBe(id);
        expect(await rowOf("workspace", id)).toBeUndefined();
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "allowed",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },

    // ---- users ----
    ...(
      [
        [
          "a MEMBER of W1",
          () => [W1],
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "FORBIDDEN",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "BAD_USER_INPUT(workspaceIds)",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "a MEMBER of no workspace",
          () => [],
          {
            A: "allowed",
            M: "FORBIDDEN",
            OF: "FORBIDDEN",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "allowed",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
      ] satisfies [string, () => string[], Expect][]
    ).map(([label, workspaceIds, outcomes]): MutationRow<"createUser"> => ({
      op: "createUser",
      label,
      variables: () => ({
        input: { email: uniqueEmail(), name: "Matrix", role: "MEMBER", workspaceIds: workspaceIds() },
      }),
      effect: async (who, _t, value, vars) => {
        expect(await rowOf("user", value.id)).toMatchObject({
          organization_id: orgOf(who),
          email: vars.input.email,
          role: "MEMBER",
        });
        expect(await linksOfUser(value.id)).toEqual(sorted(vars.input.workspaceIds ?? []));
      },
      expect: outcomes,
    })),
    {
      op: "updateUser",
      label: "a fresh MEMBER of W1",
      fresh: freshUser,
      variables: (_who, id) => ({ input: { id, name: "Renamed by the matrix" } }),
      row: (_who, id) => rowOf("user", id),
      effect: async (_who, id) => expect((await rowOf("user", id))?.name).toBe("Renamed by the matrix"),
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "allowed",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "deleteUser",
      label: "a fresh MEMBER of W1",
      fresh: freshUser,
      variables: (_who, id) => ({ id }),
      row: (_who, id) => rowOf("user", id),
      effect: async (_who, id, value) => {
        expect(value).toBe(id);
        expect(await rowOf("user", id)).toBeUndefined();
        expect(await linksOfUser(id)).toEqual([]);
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "allowed",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },

    // ---- admins: no key creates, promotes, changes or deletes one (SPEC §5 note ³) ----
    {
      op: "createUser",
      label: "an ADMIN",
      variables: () => ({ input: { email: uniqueEmail(), name: "Matrix admin", role: "ADMIN", workspaceIds: [] } }),
      effect: async (who, _t, value, vars) => {
        expect(await rowOf("user", value.id)).toMatchObject({
          organization_id: orgOf(who),
          email: vars.input.email,
          role: "ADMIN",
        });
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "allowed",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "updateUser",
      label: "promote a fresh MEMBER of W1 to ADMIN",
      fresh: freshUser,
      variables: (_who, id) => ({ input: { id, role: "ADMIN" } }),
      row: (_who, id) => rowOf("user", id),
      effect: async (_who, id) => expect((await rowOf("user", id))?.role).toBe("ADMIN"),
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "updateUser",
      label: "rename a fresh ADMIN",
      fresh: freshAdmin,
      variables: (_who, id) => ({ input: { id, name: "Renamed by the matrix" } }),
      row: (_who, id) => rowOf("user", id),
      effect: async (_who, id) => expect((await rowOf("user", id))?.name).toBe("Renamed by the matrix"),
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "updateUser",
      label: "demote a fresh ADMIN (not the last)",
      fresh: freshAdmin,
      variables: (_who, id) => ({ input: { id, role: "MEMBER" } }),
      row: (_who, id) => rowOf("user", id),
      effect: async (_who, id) => expect((await rowOf("user", id))?.role).toBe("MEMBER"),
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },
    {
      op: "deleteUser",
      label: "a fresh ADMIN (not the last)",
      fresh: freshAdmin,
      variables: (_who, id) => ({ id }),
      row: (_who, id) => rowOf("user", id),
      effect: async (_who, id, value) => {
        expect(value).toBe(id);
        expect(await rowOf("user", id)).toBeUndefined();
      },
      expect: {
        A: "allowed",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "NOT_FOUND",
        PL: NO_ORGANIZATION,
        PA: "allowed",
      },
    },

    // ---- createDocument ----
    ...(
      [
        [
          "in W1, environment omitted",
          docInput(() => W1, null),
          {
            A: "BAD_USER_INPUT(environment)",
            M: "BAD_USER_INPUT(environment)",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "allowed",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "BAD_USER_INPUT(environment)",
            PL: NO_ORGANIZATION,
            PA: "BAD_USER_INPUT(environment)",
          },
        ],
        [
          "in W1, environment SANDBOX",
          docInput(() => W1, "SANDBOX"),
          {
            A: "allowed",
            M: "allowed",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "allowed",
            WR: "FORBIDDEN",
            P: "FORBIDDEN",
            X: FOREIGN_OR_OUT_OF_SCOPE,
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "in W1, environment PRODUCTION",
          docInput(() => W1, "PRODUCTION"),
          {
            A: "allowed",
            M: "allowed",
            OF: "FORBIDDEN",
            OR: "FORBIDDEN",
            WF: "FORBIDDEN",
            WR: "FORBIDDEN",
            P: "allowed",
            X: FOREIGN_OR_OUT_OF_SCOPE,
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "in W2 (users: SANDBOX; keys: environment omitted)",
          (who: Who) => docInput(() => W2, isKey(who) ? null : "SANDBOX")(who),
          {
            A: "allowed",
            M: FOREIGN_OR_OUT_OF_SCOPE,
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: FOREIGN_OR_OUT_OF_SCOPE,
            WR: "FORBIDDEN",
            P: "allowed",
            X: FOREIGN_OR_OUT_OF_SCOPE,
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "in the other organization's workspace (users: SANDBOX; keys: omitted)",
          (who: Who) => docInput(() => XW1, isKey(who) ? null : "SANDBOX")(who),
          {
            A: FOREIGN_OR_OUT_OF_SCOPE,
            M: FOREIGN_OR_OUT_OF_SCOPE,
            OF: FOREIGN_OR_OUT_OF_SCOPE,
            OR: "FORBIDDEN",
            WF: FOREIGN_OR_OUT_OF_SCOPE,
            WR: "FORBIDDEN",
            P: FOREIGN_OR_OUT_OF_SCOPE,
            X: "allowed",
            PL: NO_ORGANIZATION,
            PA: FOREIGN_OR_OUT_OF_SCOPE,
          },
        ],
      ] satisfies [string, (who: Who) => Vars<"createDocument">, Expect][]
    ).map(([label, variables, outcomes]): MutationRow<"createDocument"> => ({
      op: "createDocument",
      label,
      variables,
      effect: createdDocEffect((who) => KEY_ENV[who] ?? "(users must name it)"),
      expect: outcomes,
    })),

    // ---- updateDocument / deleteDocument ----
    ...(
      [
        [
          "a fresh SANDBOX document in W1",
          () => freshDoc(W1, "SANDBOX"),
          {
            A: "allowed",
            M: "allowed",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "allowed",
            WR: "FORBIDDEN",
            P: "NOT_FOUND",
            X: "NOT_FOUND",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "a fresh SANDBOX document in W2",
          () => freshDoc(W2, "SANDBOX"),
          {
            A: "allowed",
            M: "NOT_FOUND",
            OF: "allowed",
            OR: "FORBIDDEN",
            WF: "NOT_FOUND",
            WR: "FORBIDDEN",
            P: "NOT_FOUND",
            X: "NOT_FOUND",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
        [
          "a fresh PRODUCTION document in W1",
          () => freshDoc(W1, "PRODUCTION"),
          {
            A: "allowed",
            M: "allowed",
            OF: "NOT_FOUND",
            OR: "FORBIDDEN",
            WF: "NOT_FOUND",
            WR: "FORBIDDEN",
            P: "allowed",
            X: "NOT_FOUND",
            PL: NO_ORGANIZATION,
            PA: "allowed",
          },
        ],
      ] satisfies [string, () => Promise<string>, Expect][]
    ).flatMap(([label, fresh, outcomes]): AnyMutationRow[] => [
      {
        op: "updateDocument",
        label,
        fresh,
        variables: (_who, id) => ({ input: { id, title: "Retitled by the matrix" } }),
        row: (_who, id) => rowOf("document", id),
        effect: async (_who, id, value) => {
          expect(value).toMatchObject({ id, title: "Retitled by the matrix" });
          expect((await rowOf("document", id))?.title).toBe("Retitled by the matrix");
        },
        expect: outcomes,
      },
      {
        op: "deleteDocument",
        label,
        fresh,
        variables: (_who, id) => ({ id }),
        row: (_who, id) => rowOf("document", id),
        effect: async (_who, id, value) => {
          expect(value).toBe(id);
          expect(await rowOf("document", id)).toBeUndefined();
        },
        expect: outcomes,
      },
    ]),

    // ---- organizations: the platform's own (with or without Latchkey-Organization), nobody else's ----
    {
      op: "createOrganization",
      label: "a new organization with its first admin",
      variables: newOrganizationInput,
      effect: async (_who, _t, value, { input }) => {
        expect(value).toMatchObject({ name: input.name, externalId: input.externalId, apiPlan: input.apiPlan });
        expect(await rowOf("organization", value.id)).toMatchObject({
          name: input.name,
          external_id: input.externalId,
          api_plan: input.apiPlan,
        });
        expect(await rowsWhere("user", "organization_id", value.id)).toEqual([
          expect.objectContaining({
            email: input.admin.email,
            name: input.admin.name,
            role: "ADMIN",
            external_id: input.admin.externalId,
          }),
        ]);
        expect(await rowsWhere("workspace", "organization_id", value.id)).toEqual([]);
      },
      expect: {
        A: "FORBIDDEN",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "FORBIDDEN",
        PL: "allowed",
        PA: "allowed",
      },
    },
    {
      op: "updateOrganization",
      label: "rename a fresh organization and change its plan",
      fresh: freshOrganization,
      variables: (_who, id) => ({ input: { id, name: "Renamed by the matrix", apiPlan: "Enterprise" } }),
      row: (_who, id) => rowOf("organization", id),
      effect: async (_who, id, value) => {
        expect(value).toMatchObject({ id, name: "Renamed by the matrix", apiPlan: "Enterprise" });
        expect(await rowOf("organization", id)).toMatchObject({
          name: "Renamed by the matrix",
          api_plan: "Enterprise",
        });
      },
      expect: {
        A: "FORBIDDEN",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "FORBIDDEN",
        PL: "allowed",
        PA: "allowed",
      },
    },
    {
      op: "updateOrganization",
      label: "remove the plan of a fresh organization (apiPlan: null)",
      fresh: freshOrganization,
      variables: (_who, id) => ({ input: { id, apiPlan: null } }),
      row: (_who, id) => rowOf("organization", id),
      effect: async (_who, id, value) => {
        expect(value).toMatchObject({ id, apiPlan: null });
        expect(value.name).toMatch(/^Matrix org /);
        expect(await rowOf("organization", id)).toMatchObject({ name: value.name, api_plan: null });
      },
      expect: {
        A: "FORBIDDEN",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "FORBIDDEN",
        PL: "allowed",
        PA: "allowed",
      },
    },
    {
      op: "deleteOrganization",
      label: "a fresh organization with a workspace, a member, a key and a document",
      fresh: freshOrganizationWithRows,
      variables: (_who, id) => ({ id }),
      row: (_who, id) => rowOf("organization", id),
      effect: async (_who, id, value) => {
        expect(value).toBe(id);
        const { ids: theirs, key, before } = doomed.get(id)!;
        doomed.delete(id);
        const isTheirs = (row: string) => theirs.some((ownId) => row.includes(ownId));
        const after = await snapshot();
        for (const [table, rows] of Object.entries(before)) {
          // it had a row in every table of an organization (platform keys belong to none)
          if (table !== "platform_key")
            expect({ table, hadRows: rows.some(isTheirs) }).toEqual({ table, hadRows: true });
          // every row of it is gone, every other row is as it was
          expect({ table, rows: after[table] }).toEqual({ table, rows: rows.filter((row) => !isTheirs(row)) });
        }
        expect((await send(key, "viewer", {})).status).toBe(401);
        expect(await rowsWhere("api_key_usage", "organization_id", id)).toEqual([]);
        // its audit trail stays (until the retention), the deletion on it
        const trail = await rowsWhere("audit_event", "organization_id", id);
        expect(trail.map((r) => r.action)).toEqual(expect.arrayContaining(["organization.deleted", "api_key.revoked"]));
      },
      expect: {
        A: "FORBIDDEN",
        M: "FORBIDDEN",
        OF: "FORBIDDEN",
        OR: "FORBIDDEN",
        WF: "FORBIDDEN",
        WR: "FORBIDDEN",
        P: "FORBIDDEN",
        X: "FORBIDDEN",
        PL: "allowed",
        PA: "allowed",
      },
    },
  ];

  const mutationCells = mutationRows.flatMap((row) =>
    CALLERS.filter((who) => who === "N" || row.expect[who] !== undefined).map((who) => {
      const expected = (row.expect[who] ?? "UNAUTHENTICATED") as Exclude<Outcome, { ids: () => string[] }>;
      return { name: `Mutation.${row.op} [${row.label}] as ${who} → ${expected}`, row, who, expected };
    }),
  );

  describe("mutations", () => {
    afterEach(async () => {
      while (cellCleanups.length) await cellCleanups.pop()!();
    });

    it.each(mutationCells)("$name", async ({ row, who, expected }) => {
      matrixCellsRun++;
      await runMutationCell(row, who, expected);
    });
  });

  async function runMutationCell<O extends MutationOp>(
    row: MutationRow<O>,
    who: Who,
    expected: Exclude<Outcome, { ids: () => string[] }>,
  ): Promise<void> {
    const target = row.fresh ? await row.fresh(who) : "";
    const targetRow = () => (row.row ? row.row(who, target) : rowOf("organization", homeId));
    const state = async () => ({
      counts: await tableCounts(server.db),
      target: await targetRow(),
      rows: await snapshot(),
    });
    const before = expected === "allowed" ? null : await state();

    const variables = row.variables(who, target);
    const result = await send(who, row.op, variables);
    expect(result.status).toBe(200);
    expect(outcomeOf(result, row.op)).toBe(expected);

    if (expected === "allowed") {
      await row.effect(who, target, dataOf(result)[row.op], variables);
    } else {
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0].path).toEqual([row.op]);
      expect(result.data).toBeNull();
      const after = await state();
      expect(after.counts).toEqual(before!.counts);
      expect(after.target).toEqual(before!.target);
      expect(after.rows).toEqual(before!.rows);
    }
  }

  // =============================================================================================
  // Objects out of reach are indistinguishable from missing ones (SPEC §5)

  describe("out of reach answers exactly like missing", () => {
    type Aliased = Record<string, { id: string } | null>;
    const ALIASED = `query($k: ID!, $w: ID!, $u: ID!, $d: ID!) {
      a: apiKey(id: $k) { id } b: workspace(id: $w) { id } c: user(id: $u) { id } d: document(id: $d) { id }
    }`;
    const random = () => ({ k: randomUUID(), w: randomUUID(), u: randomUUID(), d: randomUUID() });
    const comparable = (r: GraphQLResult<unknown>) => ({ status: r.status, data: r.data, errors: r.errors });

    it("X fetching home's key, workspace, user and document in one aliased request gets four nulls and no error, exactly as for random ids", async () => {
      extraChecksRun++;
      const theirs = await raw<Aliased>(token.X, ALIASED, { k: keys.KS, w: W1, u: users.M, d: docs.DS1 });
      const missing = await raw<Aliased>(token.X, ALIASED, random());
      expect(comparable(theirs)).toEqual({
        status: 200,
        data: { a: null, b: null, c: null, d: null },
        errors: undefined,
      });
      expect(comparable(theirs)).toEqual(comparable(missing));
    });

    it.each([
      [
        "OF",
        "a PRODUCTION key and document",
        () => ({ k: keys.KP, d: docs.DP1 }),
        `a: apiKey(id: $k) { id } d: document(id: $d) { id }`,
      ],
      [
        "P",
        "a SANDBOX key and document",
        () => ({ k: keys.KS, d: docs.DS1 }),
        `a: apiKey(id: $k) { id } d: document(id: $d) { id }`,
      ],
      [
        "WF",
        "W2, a member of W2 only, a document in W2",
        () => ({ w: W2, u: users.U2, d: docs.DS2 }),
        `b: workspace(id: $w) { id } c: user(id: $u) { id } d: document(id: $d) { id }`,
      ],
      [
        "M",
        "W2 and a document in W2",
        () => ({ w: W2, d: docs.DS2 }),
        `b: workspace(id: $w) { id } d: document(id: $d) { id }`,
      ],
    ] satisfies [Who, string, () => Record<string, string>, string][])(
      "%s fetching %s (aliased) gets nulls, exactly as for random ids",
      async (who, _what, vars, selection) => {
        extraChecksRun++;
        const v = vars();
        const decl = Object.keys(v)
          .map((k) => `$${k}: ID!`)
          .join(", ");
        const query = `query(${decl}) { ${selection} }`;
        const theirs = await raw<Aliased>(token[who], query, v);
        const missing = await raw<Aliased>(
          token[who],
          query,
          Object.fromEntries(Object.keys(v).map((k) => [k, randomUUID()])),
        );
        expect(theirs.errors).toBeUndefined();
        expect(Object.values(theirs.data ?? { none: "no data" }).every((x) => x === null)).toBe(true);
        expect(comparable(theirs)).toEqual(comparable(missing));
      },
    );

    /** A mutation on an id: how to make a fresh target the caller may not see, and the variables for an id. */
    interface IdMutation<O extends MutationOp> {
      op: O;
      fresh: () => Promise<string>;
      vars: (id: string) => Vars<O>;
    }
    type AnyIdMutation = { [O in MutationOp]: IdMutation<O> }[MutationOp];
    const idMutations: [Who, AnyIdMutation][] = [
      [
        "X",
        { op: "updateApiKey", fresh: () => freshKey("SANDBOX"), vars: (id) => ({ input: { id, description: "x" } }) },
      ],
      ["X", { op: "revokeApiKey", fresh: () => freshKey("SANDBOX"), vars: (id) => ({ id }) }],
      [
        "X",
        { op: "updateWorkspace", fresh: () => freshWorkspaceFor("A"), vars: (id) => ({ input: { id, name: "x" } }) },
      ],
      ["X", { op: "deleteWorkspace", fresh: () => freshWorkspaceFor("A"), vars: (id) => ({ id }) }],
      ["X", { op: "updateUser", fresh: freshUser, vars: (id) => ({ input: { id, name: "x" } }) }],
      ["X", { op: "deleteUser", fresh: freshUser, vars: (id) => ({ id }) }],
      [
        "X",
        { op: "updateDocument", fresh: () => freshDoc(W1, "SANDBOX"), vars: (id) => ({ input: { id, title: "x" } }) },
      ],
      ["X", { op: "deleteDocument", fresh: () => freshDoc(W1, "SANDBOX"), vars: (id) => ({ id }) }],
      [
        "X",
        {
          op: "createDocument",
          fresh: () => Promise.resolve(W1),
          vars: (id) => ({ input: { workspaceId: id, title: "x", environment: "SANDBOX" } }),
        },
      ],
      [
        "X",
        {
          op: "createApiKey",
          fresh: () => Promise.resolve(W1),
          vars: (id) => ({
            input: { environment: "SANDBOX", scope: "WORKSPACE", permission: "READ_ONLY", workspaceIds: [id] },
          }),
        },
      ],
      [
        "X",
        {
          op: "createUser",
          fresh: () => Promise.resolve(W1),
          vars: (id) => ({ input: { email: uniqueEmail(), role: "MEMBER", workspaceIds: [id] } }),
        },
      ],
      [
        "OF",
        {
          op: "updateApiKey",
          fresh: () => freshKey("PRODUCTION", "ORGANIZATION"),
          vars: (id) => ({ input: { id, description: "x" } }),
        },
      ],
      ["OF", { op: "revokeApiKey", fresh: () => freshKey("PRODUCTION", "ORGANIZATION"), vars: (id) => ({ id }) }],
      ["OF", { op: "deleteDocument", fresh: () => freshDoc(W1, "PRODUCTION"), vars: (id) => ({ id }) }],
      [
        "P",
        { op: "updateDocument", fresh: () => freshDoc(W1, "SANDBOX"), vars: (id) => ({ input: { id, title: "x" } }) },
      ],
      [
        "WF",
        { op: "updateDocument", fresh: () => freshDoc(W2, "SANDBOX"), vars: (id) => ({ input: { id, title: "x" } }) },
      ],
      [
        "WF",
        {
          op: "createDocument",
          fresh: () => Promise.resolve(W2),
          vars: (id) => ({ input: { workspaceId: id, title: "x" } }),
        },
      ],
      ["M", { op: "deleteDocument", fresh: () => freshDoc(W2, "SANDBOX"), vars: (id) => ({ id }) }],
      [
        "M",
        {
          op: "createDocument",
          fresh: () => Promise.resolve(W2),
          vars: (id) => ({ input: { workspaceId: id, title: "x", environment: "SANDBOX" } }),
        },
      ],
    ];

    async function outOfReachLikeMissing<O extends MutationOp>(who: Who, { op, fresh, vars }: IdMutation<O>) {
      const id = await fresh();
      const before = { counts: await tableCounts(server.db), rows: await snapshot() };
      const theirs = await send(who, op, vars(id));
      const missing = await send(who, op, vars(randomUUID()));
      expect(theirs.errors?.length).toBe(1);
      expect(["NOT_FOUND", "BAD_USER_INPUT"]).toContain(theirs.errors![0].extensions?.code);
      expect(comparable(theirs)).toEqual(comparable(missing));
      expect({ counts: await tableCounts(server.db), rows: await snapshot() }).toEqual(before);
    }

    it.each(idMutations.map(([who, mutation]): [Who, MutationOp, AnyIdMutation] => [who, mutation.op, mutation]))(
      "%s calling %s on an object out of its reach gets the same error (message and code) as on a random id, and nothing changes",
      async (who, _op, mutation) => {
        extraChecksRun++;
        await outOfReachLikeMissing(who, mutation);
      },
    );
  });

  // =============================================================================================
  // Nested fields leave out what the caller may not see (SPEC §5)

  describe("nested fields", () => {
    const creatorSeenBy = async (by: By, documentId: string) => {
      const result = await send(by, "document", { id: documentId });
      expect(result.errors).toBeUndefined();
      const document = dataOf(result).document;
      expect(document?.id).toBe(documentId);
      return document?.createdBy;
    };

    it.each([
      ["A", "OF's key"],
      ["OR", "OF's key (same environment, organization scope)"],
      ["M", "null: a member cannot see keys"],
      ["WF", "null: a workspace-scope key cannot see keys"],
      ["WR", "null: a workspace-scope key cannot see keys"],
    ] as [Who, string][])(
      "a SANDBOX document in W1 created by the OF key: %s reading createdBy sees %s",
      async (who) => {
        extraChecksRun++;
        const expected = who === "A" || who === "OR" ? { __typename: "ApiKey", id: keys.OF } : null;
        expect(await creatorSeenBy(who, docs.DOF)).toEqual(expected);
      },
    );

    it("a document created by the PRODUCTION key: P sees its own key, M (member of W1) sees createdBy null", async () => {
      extraChecksRun++;
      expect(await creatorSeenBy("P", docs.DPP)).toEqual({ __typename: "ApiKey", id: keys.P });
      expect(await creatorSeenBy("M", docs.DPP)).toBeNull();
      expect(await creatorSeenBy("A", docs.DPP)).toEqual({ __typename: "ApiKey", id: keys.P });
    });

    it("a SANDBOX document whose creator is the PRODUCTION key (planted row): SANDBOX keys see createdBy null, the admin sees the key", async () => {
      extraChecksRun++;
      expect(await creatorSeenBy("OF", docs.DANOM)).toBeNull();
      expect(await creatorSeenBy("OR", docs.DANOM)).toBeNull();
      expect(await creatorSeenBy("WF", docs.DANOM)).toBeNull();
      expect(await creatorSeenBy("A", docs.DANOM)).toEqual({ __typename: "ApiKey", id: keys.P });
    });

    it("a document created by a user who later left W1: WF sees createdBy null, OF and the admin see the user", async () => {
      extraChecksRun++;
      const author = await extraMember([W1]);
      const documentId = await createDoc(author, { workspaceId: W1, environment: "SANDBOX" });
      await ok("A", "updateUser", { input: { id: author.userId, workspaceIds: [W2] } });
      expect(await creatorSeenBy("WF", documentId)).toBeNull();
      expect(await creatorSeenBy("OF", documentId)).toEqual({ __typename: "User", id: author.userId });
      expect(await creatorSeenBy("A", documentId)).toEqual({ __typename: "User", id: author.userId });
    });

    it.each([
      ["A", () => [W1, W2]],
      ["OF", () => [W1, W2]],
      ["M", () => [W1]],
      ["WF", () => [W1]],
      ["WR", () => [W1]],
    ] satisfies [Who, () => string[]][])(
      "User.workspaces of a member of W1 and W2, read by %s, lists only what the caller reaches",
      async (who, expected) => {
        extraChecksRun++;
        const result = await send(who, "user", { id: users.M12 });
        expect(result.errors).toBeUndefined();
        expect(sorted(dataOf(result).user?.workspaces.map((w) => w.id) ?? [])).toEqual(sorted(expected()));
      },
    );

    it("viewer.user.workspaces of M is [W1]; viewer.apiKey.workspaces of WF is [W1]; OF sees both workspaces of a [W1, W2] key", async () => {
      extraChecksRun++;
      // the Viewer document selects neither workspaces, and WF may not read its own key through apiKey(id)
      const m = await raw<{ viewer: { user: { workspaces: { id: string }[] } } }>(
        token.M,
        `{ viewer { user { workspaces { id } } } }`,
      );
      expect(m.data?.viewer.user.workspaces).toEqual([{ id: W1 }]);
      const wf = await raw<{ viewer: { apiKey: unknown } }>(token.WF, `{ viewer { apiKey { id workspaces { id } } } }`);
      expect(wf.data?.viewer.apiKey).toEqual({ id: keys.WF, workspaces: [{ id: W1 }] });
      const of = await send("OF", "apiKey", { id: keys.KS12 });
      expect(sorted(dataOf(of).apiKey?.workspaces.map((w) => w.id) ?? [])).toEqual(sorted([W1, W2]));
    });

    it("a member cannot promote themselves to ADMIN (FORBIDDEN, nothing changed)", async () => {
      extraChecksRun++;
      const me = await extraMember([W1]);
      const before = {
        counts: await tableCounts(server.db),
        me: await rowOf("user", me.userId),
        rows: await snapshot(),
      };
      const result = await send(me, "updateUser", { input: { id: me.userId, role: "ADMIN" } });
      expect(outcomeOf(result, "updateUser")).toBe("FORBIDDEN");
      expect({
        counts: await tableCounts(server.db),
        me: await rowOf("user", me.userId),
        rows: await snapshot(),
      }).toEqual(before);
    });
  });

  /** A new member of home with its own JWT (made like createOrganization's member()), for checks that change that member. */
  async function extraMember(workspaceIds: string[]) {
    const now = new Date();
    const id = randomUUID();
    await server.db.getRepository(User).insert({
      id,
      organizationId: homeId,
      email: uniqueEmail(),
      name: "Extra",
      role: UserRole.MEMBER,
      createdAt: now,
      updatedAt: now,
    });
    if (workspaceIds.length)
      await server.db
        .getRepository(UserWorkspace)
        .insert(workspaceIds.map((workspaceId) => ({ userId: id, workspaceId })));
    return callerWith(server, await server.services.jwt.sign(id, "1h"), id);
  }

  // =============================================================================================
  // The last admin (SPEC §5): never demoted nor deleted

  describe("the last admin", () => {
    it("cannot demote or delete themselves while alone (BAD_USER_INPUT, nothing changed); can once a second admin exists; the second is then the last", async () => {
      extraChecksRun++;
      const solo = await createOrganization(server, { workspaces: 1 });
      const a1 = solo.admin;
      const denied = async <O extends MutationOp>(
        by: Requester,
        op: O,
        variables: Vars<O>,
        field: string,
        outcome = `BAD_USER_INPUT(${field})`,
      ) => {
        const before = { counts: await tableCounts(server.db), rows: await snapshot() };
        const result = await send(by, op, variables);
        expect(outcomeOf(result, op)).toBe(outcome);
        expect({ counts: await tableCounts(server.db), rows: await snapshot() }).toEqual(before);
      };

      await denied(a1, "updateUser", { input: { id: a1.userId, role: "MEMBER" } }, "role");
      await denied(a1, "deleteUser", { id: a1.userId }, "id");
      // no key may touch an admin at all (SPEC §5 note ³), the last one least of all
      const of = await createKey(server, a1, {
        environment: "SANDBOX",
        scope: "ORGANIZATION",
        permission: "FULL_ACCESS",
      });
      await denied(of, "updateUser", { input: { id: a1.userId, role: "MEMBER" } }, "role", "FORBIDDEN");
      await denied(of, "deleteUser", { id: a1.userId }, "id", "FORBIDDEN");

      const { id: a2Id } = await ok(a1, "createUser", { input: { email: uniqueEmail(), role: "ADMIN" } });
      const demoted = await send(a1, "updateUser", { input: { id: a1.userId, role: "MEMBER" } });
      expect(outcomeOf(demoted, "updateUser")).toBe("allowed");
      expect((await rowOf("user", a1.userId))?.role).toBe("MEMBER");

      const a2 = callerWith(server, await server.services.jwt.sign(a2Id, "1h"), a2Id);
      await denied(a2, "deleteUser", { id: a2Id }, "id");
      await denied(a2, "updateUser", { input: { id: a2Id, role: "MEMBER" } }, "role");

      expect(outcomeOf(await send(a2, "updateUser", { input: { id: a1.userId, role: "ADMIN" } }), "updateUser")).toBe(
        "allowed",
      );
      const deleted = await send(a1, "deleteUser", { id: a1.userId });
      expect(outcomeOf(deleted, "deleteUser")).toBe("allowed");
      expect(await rowOf("user", a1.userId)).toBeUndefined();
      expect((await send(a1, "viewer", {})).status).toBe(401);
    });
  });

  // =============================================================================================
  // A key created by a key never outlives it (SPEC §5 note ¹)

  describe("a key created by an expiring key", () => {
    it.each([
      ["no expiry", () => undefined, "BAD_USER_INPUT(expiresAt)"],
      [
        "an expiry one hour after its creator's",
        (creator: number) => new Date(creator + 3_600_000).toISOString(),
        "BAD_USER_INPUT(expiresAt)",
      ],
      [
        "an expiry one second after its creator's",
        (creator: number) => new Date(creator + 1_000).toISOString(),
        "BAD_USER_INPUT(expiresAt)",
      ],
      ["exactly its creator's expiry", (creator: number) => new Date(creator).toISOString(), "allowed"],
      ["an expiry before its creator's", (creator: number) => new Date(creator - 600_000).toISOString(), "allowed"],
    ] satisfies [string, (creator: number) => string | undefined, string][])(
      "with %s → %s (a denied call changes nothing)",
      async (_label, expiresAt, expected) => {
        extraChecksRun++;
        const creatorExpiry = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
        const environments: ApiKeyEnvironment[] = ["SANDBOX", "PRODUCTION"];
        for (const environment of environments) {
          const creator = await createKey(server, caller.A, {
            environment,
            scope: "ORGANIZATION",
            permission: "FULL_ACCESS",
            expiresAt: new Date(creatorExpiry).toISOString(),
          });
          const before = { counts: await tableCounts(server.db), rows: await snapshot() };
          const at = expiresAt(creatorExpiry);
          const result = await send(creator, "createApiKey", {
            input: { environment, scope: "ORGANIZATION", permission: "READ_ONLY", ...(at ? { expiresAt: at } : {}) },
          });
          expect(outcomeOf(result, "createApiKey")).toBe(expected);
          if (expected === "allowed") {
            const created = await rowOf("api_key", dataOf(result).createApiKey.apiKey.id);
            expect(asDate(created?.expires_at).getTime()).toBe(new Date(at!).getTime());
          } else {
            expect({ counts: await tableCounts(server.db), rows: await snapshot() }).toEqual(before);
          }
        }
      },
    );
  });

  // =============================================================================================
  // Deleting a workspace (SPEC §5)

  describe("deleting a workspace", () => {
    it("deletes its documents and memberships, takes it out of keys' scopes, and revokes WORKSPACE keys left with none, in one go", async () => {
      extraChecksRun++;
      const org = await createOrganization(server, { apiPlan: "Scale", workspaces: 2 });
      const [Wa, Wd] = org.workspaceIds;
      const admin = org.admin;
      const onlyWd = await createKey(server, admin, {
        environment: "SANDBOX",
        scope: "WORKSPACE",
        workspaceIds: [Wd],
        permission: "FULL_ACCESS",
      });
      const both = await createKey(server, admin, {
        environment: "PRODUCTION",
        scope: "WORKSPACE",
        workspaceIds: [Wa, Wd],
        permission: "READ_ONLY",
      });
      const orgKey = await createKey(server, admin, {
        environment: "SANDBOX",
        scope: "ORGANIZATION",
        permission: "FULL_ACCESS",
      });
      const inWd = [
        await createDoc(admin, { workspaceId: Wd, environment: "SANDBOX" }),
        await createDoc(admin, { workspaceId: Wd, environment: "PRODUCTION" }),
        await createDoc(onlyWd, { workspaceId: Wd }),
      ];
      const inWa = await createDoc(admin, { workspaceId: Wa, environment: "SANDBOX" });
      const member = await org.member([Wa, Wd]);

      const result = await send(admin, "deleteWorkspace", { id: Wd });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ deleteWorkspace: Wd });

      expect(await rowOf("workspace", Wd)).toBeUndefined();
      for (const id of inWd) expect(await rowOf("document", id)).toBeUndefined();
      expect(await rowsWhere("document", "workspace_id", Wd)).toEqual([]);
      expect(await rowOf("document", inWa)).toBeDefined();
      expect(await linksOfUser(member.userId)).toEqual([Wa]);

      expect((await rowOf("api_key", onlyWd.keyId))?.revoked_at).not.toBeNull();
      expect(await linksOfKey(onlyWd.keyId)).toEqual([]);
      expect((await send(onlyWd, "viewer", {})).status).toBe(401);

      expect((await rowOf("api_key", both.keyId))?.revoked_at).toBeNull();
      expect(await linksOfKey(both.keyId)).toEqual([Wa]);
      // the Viewer document selects neither the key's status nor its workspaces, and a WORKSPACE key may not read keys
      const stillWorks = await raw<{ viewer: { apiKey: unknown } }>(
        both.token,
        `{ viewer { apiKey { status workspaces { id } } } }`,
      );
      expect(stillWorks.data?.viewer.apiKey).toEqual({ status: "ACTIVE", workspaces: [{ id: Wa }] });

      expect((await rowOf("api_key", orgKey.keyId))?.revoked_at).toBeNull();
      const statuses = await send(admin, "apiKeys", { first: 100 });
      expect(dataOf(statuses).apiKeys.edges.map(({ node }) => ({ id: node.id, status: node.status }))).toEqual(
        expect.arrayContaining([
          { id: onlyWd.keyId, status: "REVOKED" },
          { id: both.keyId, status: "ACTIVE" },
          { id: orgKey.keyId, status: "ACTIVE" },
        ]),
      );
    });
  });

  /**
   * The routes beside /graphql that take a credential, one row each, a cell per caller (its HTTP status and code).
   * A route that takes none is listed in OPEN_ROUTES with why; "covers every route" fails on any other.
   */
  describe("HTTP routes", () => {
    const post = async (who: Who, path: string, body: unknown) => {
      const credential = who === "PA" ? platform.token : token[who];
      const response = await fetch(`${server.origin}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
          ...(who === "PA" ? { "latchkey-organization": homeId } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    for (const who of CALLERS) {
      const expected =
        who === "PL" || who === "PA" ? "200 VALID" : who === "N" ? "401 UNAUTHENTICATED" : "403 FORBIDDEN";
      it(`POST /v1/keys/verify (the OF key's token) as ${who}: ${expected}`, async () => {
        const answer = await post(who, "/v1/keys/verify", { token: token.OF });
        if (isPlatform(who)) {
          expect(answer.status).toBe(200);
          expect(answer.json).toMatchObject({ valid: true, code: "VALID", apiKey: { id: keys.OF } });
        } else {
          const [status, code] = expected.split(" ");
          expect(answer.status).toBe(Number(status));
          expect(answer.json).toMatchObject({ errors: [{ extensions: { code } }] });
          expect(answer.json.errors).toHaveLength(1);
          expect(JSON.stringify(answer.json)).not.toContain(keys.OF);
        }
        routeCellsRun++;
      });
    }
  });

  it("covers every route the server serves: one beside /graphql without a row above or a reason to be open fails here", () => {
    const withRows = new Set(["POST /v1/keys/verify"]);
    const unknown = server.routes.filter((route) => !withRows.has(route) && !OPEN_ROUTES[route]);
    expect(unknown).toEqual([]);
    expect(server.routes).toEqual(expect.arrayContaining([...withRows]));
  });

  it("covers every root operation of the schema: a query or mutation without a row fails here", async () => {
    const schema = await buildBareSchema();
    const covered = (rows: { op: string }[]) => new Set(rows.map((row) => row.op));
    const missing = (fields: string[], rows: { op: string }[]) => fields.filter((name) => !covered(rows).has(name));
    expect(missing(Object.keys(schema.getQueryType()!.getFields()), queryRows)).toEqual([]);
    expect(missing(Object.keys(schema.getMutationType()?.getFields() ?? {}), mutationRows)).toEqual([]);
    // every covered row is a cell for every caller
    for (const cell of [...queryCells, ...mutationCells]) expect(CALLERS).toContain(cell.who);
  });

  it("sends a typed document for every root operation: the documents' names are exactly the schema's Query and Mutation fields, each that field's own operation", async () => {
    const schema = await buildBareSchema();
    const queries = Object.keys(schema.getQueryType()!.getFields());
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(sorted(Object.keys(DOCUMENTS))).toEqual(sorted([...queries, ...mutations]));
    // the types' split into queries and mutations is the schema's
    expect(queries.filter(isMutationOp)).toEqual([]);
    expect(mutations.filter((name) => !isMutationOp(name))).toEqual([]);
    // each document is one operation of the right kind, selecting that one root field
    for (const [name, document] of Object.entries(DOCUMENTS)) {
      const operations = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      expect(operations.map((o) => o.operation)).toEqual([queries.includes(name) ? "query" : "mutation"]);
      expect(operations[0].selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : s.kind))).toEqual(
        [name],
      );
    }
  });

  it("counts its cells", () => {
    // the matrix: every (operation row × caller) cell above
    expect(queryCells.length + mutationCells.length).toBeGreaterThan(0);

    console.log(
      `[permissions-matrix on ${kind}] ${queryCells.length} query cells + ${mutationCells.length} mutation cells = ${queryCells.length + mutationCells.length}`,
    );
  });
});
