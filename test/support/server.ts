import { randomBytes } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { DataSource } from "typeorm";
import { loadConfig, type Config } from "../../src/config";
import { openDataSource } from "../../src/db/data-source";
import { newId } from "../../src/common/ids";
import { User, UserRole, UserWorkspace } from "../../src/modules/user/user.entity";
import { createServer } from "../../src/server";
import type { Services } from "../../src/services";
import { graphql, type GraphQLResult } from "./client";
import { CreateApiKeyDocument, type CreateApiKeyInput, type CreateApiKeyMutation } from "./gql/graphql";
import { assertNoSecrets } from "./secrets";
import { scratchDatabase, type DatabaseKind } from "./databases";

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

export interface TestServer {
  kind: DatabaseKind;
  url: string;
  /** http://127.0.0.1:<port> of the API. */
  origin: string;
  /** Where /metrics is served: the API's port, or METRICS_PORT's listener when that is set. */
  metricsUrl: string;
  db: DataSource;
  services: Services;
  config: Config;
  /** Every log line the server wrote (level trace), to prove no secret is ever logged. */
  logs: string[];
  /** Every route the API serves, "METHOD /path" (createServer's list). */
  routes: string[];
  close(): Promise<void>;
}

/** The real server on a fresh database, listening on a free loopback port. */
export async function createTestServer(kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestServer> {
  // env.DATABASE_URL: an existing database (a cluster's), left in place at close
  const scratch = env.DATABASE_URL ? { url: env.DATABASE_URL, drop: async () => {} } : await scratchDatabase(kind);
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: scratch.url,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: "trace",
    // budgets are off unless a test sets them: suites send thousands of requests from one organization
    RATE_LIMIT_KEY_PER_MINUTE: "0",
    RATE_LIMIT_ORG_PER_MINUTE: "0",
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: "0",
    ...env,
  });
  const db = await openDataSource(config.databaseUrl, { replicaUrls: config.databaseReplicaUrls });
  const logs: string[] = [];
  const { app, services, metricsApp, routes } = await createServer(config, db, {
    logStream: { write: (line) => void logs.push(line) },
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  // METRICS_PORT's listener, on a free port here (its own port number is main.ts's business)
  const metricsAddress = metricsApp ? await metricsApp.listen({ port: 0, host: "127.0.0.1" }) : undefined;
  return {
    kind,
    url: `${address}/graphql`,
    origin: address,
    metricsUrl: `${metricsAddress ?? address}/metrics`,
    db,
    services,
    config,
    logs,
    routes,
    close: async () => {
      await app.close();
      if (db.isInitialized) await db.destroy();
      // every server of the whole run is checked: no log line may carry a token or a JWT
      assertNoSecrets(logs.join("\n"), "the server's logs");
      await scratch.drop();
    },
  };
}

/** Anyone who sends typed documents to the server: a user, a key, or nobody signed in. */
export interface Requester {
  request<TData, TVars>(document: TypedDocumentNode<TData, TVars>, variables: TVars): Promise<GraphQLResult<TData>>;
}

/** A signed-in user (a JWT). */
export interface Caller extends Requester {
  token: string;
  userId: string;
}

/** An integration holding one of the organization's API keys. */
export interface KeyCaller extends Requester {
  token: string;
  keyId: string;
  /** The key as createApiKey answered it. */
  apiKey: CreateApiKeyMutation["createApiKey"]["apiKey"];
}

export interface TestOrganization {
  id: string;
  admin: Caller;
  workspaceIds: string[];
  /** A MEMBER of the organization, belonging to the given workspaces. */
  member(workspaceIds?: string[]): Promise<Caller>;
}

const unique = () => randomBytes(5).toString("hex");

/** One request helper per caller: the same typed client, with that caller's credential. */
export function callerWith(server: TestServer, token: string, userId = ""): Caller {
  return { token, userId, request: (document, variables) => graphql(server.url, document, variables, token) };
}

/** The platform's own service: a platform key, and the same key acting inside an organization (Latchkey-Organization). */
export interface PlatformCaller extends Requester {
  token: string;
  keyId: string;
  /** Requests with `Latchkey-Organization: <organization>` (an id, or `ext:<externalId>`). */
  inOrganization(organization: string): Requester;
}

/** A new platform key, made the way the CLI makes them. */
export async function createPlatformKey(server: TestServer, description = "test platform"): Promise<PlatformCaller> {
  const { platformKey, token } = await server.services.platformKeys.create(description);
  return {
    token,
    keyId: platformKey.id,
    request: (document, variables) => graphql(server.url, document, variables, token),
    inOrganization: (organization) => ({
      request: (document, variables) =>
        graphql(server.url, document, variables, token, { "latchkey-organization": organization }),
    }),
  };
}

/** No Authorization header at all. */
export function anonymousCaller(server: TestServer): Requester {
  return { request: (document, variables) => graphql(server.url, document, variables, null) };
}

/** Creates a key through the API as `by` (a setup step: any error throws) and returns a caller holding it. */
export async function createKey(server: TestServer, by: Requester, input: CreateApiKeyInput): Promise<KeyCaller> {
  const result = await by.request(CreateApiKeyDocument, { input });
  if (!result.data) throw new Error(`createApiKey failed: ${JSON.stringify(result.errors)}`);
  const { token, apiKey } = result.data.createApiKey;
  return {
    token,
    keyId: apiKey.id,
    apiKey,
    request: (document, variables) => graphql(server.url, document, variables, token),
  };
}

/** A new organization with an admin (and optionally an API plan and workspaces), made the way the CLI makes them. */
export async function createOrganization(
  server: TestServer,
  options: { apiPlan?: string; workspaces?: number } = {},
): Promise<TestOrganization> {
  const { organization, admin, workspaces } = await server.services.organizationAdmin.create({
    name: `Org ${unique()}`,
    adminEmail: `admin-${unique()}@example.test`,
    apiPlan: options.apiPlan ?? null,
    workspaceNames: Array.from({ length: options.workspaces ?? 2 }, (_, i) => `Workspace ${i + 1}`),
  });
  return {
    id: organization.id,
    admin: callerWith(server, await server.services.jwt.sign(admin.id, "1h"), admin.id),
    workspaceIds: workspaces.map((w) => w.id),
    member: async (workspaceIds = []) => {
      const now = new Date();
      const user = Object.assign(new User(), {
        id: newId(),
        organizationId: organization.id,
        email: `member-${unique()}@example.test`,
        name: "Member",
        role: UserRole.MEMBER,
        createdAt: now,
        updatedAt: now,
      });
      await server.db.getRepository(User).insert(user);
      if (workspaceIds.length) {
        await server.db
          .getRepository(UserWorkspace)
          .insert(workspaceIds.map((workspaceId) => ({ userId: user.id, workspaceId })));
      }
      return callerWith(server, await server.services.jwt.sign(user.id, "1h"), user.id);
    },
  };
}
