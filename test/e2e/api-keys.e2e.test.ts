import { createHash } from "node:crypto";
import { codesOf, graphql, type GraphQLResult } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyDocument,
  ApiKeysDocument,
  CreateApiKeyDocument,
  OrganizationDocument,
  RevokeApiKeyDocument,
  UpdateApiKeyDocument,
  ViewerDocument,
  type ApiKeysQuery,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import { databaseDump, sleep, tableCounts } from "../support/rows";
import { User } from "../../src/modules/user/user.entity";
import {
  createKey,
  createOrganization,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const TOKEN_FORMAT = /^lk_(test|live)_[0-9A-Za-z]{36}$/;
const sandboxOrgKey: CreateApiKeyInput = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "FULL_ACCESS" };

describe.each(databases)("API keys over GraphQL on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind);
  });
  afterAll(() => server.close());

  it("a page of keys from the service still builds its cursors lazily: `edges` is a getter until a query selects it", async () => {
    const org = await createOrganization(server);
    for (let i = 0; i < 3; i++) await createKey(server, org.admin, sandboxOrgKey);
    const user = await server.db.getRepository(User).findOneByOrFail({ id: org.admin.userId });
    const page = await server.services.apiKeys.list(
      { kind: "user", organizationId: org.id, user, role: user.role, workspaceIds: [] },
      { first: 20 },
    );
    const descriptor = Object.getOwnPropertyDescriptor(page, "edges");
    expect(typeof descriptor?.get).toBe("function");
    expect(descriptor && "value" in descriptor).toBe(false);
    expect(page.edges).toHaveLength(3);
  });

  describe("lifecycle", () => {
    let org: TestOrganization;
    const tokens: string[] = [];
    beforeAll(async () => {
      org = await createOrganization(server);
    });

    it("creates a key and returns its plaintext token once, with a hint, the creator and ACTIVE status", async () => {
      const { token, apiKey } = await createKey(server, org.admin, {
        ...sandboxOrgKey,
        description: "  CRM integration – Sandbox  ",
      });
      tokens.push(token);
      expect(token).toMatch(TOKEN_FORMAT);
      expect(token.startsWith("lk_test_")).toBe(true);
      expect(apiKey).toMatchObject({
        description: "CRM integration – Sandbox",
        environment: "SANDBOX",
        scope: "ORGANIZATION",
        permission: "FULL_ACCESS",
        status: "ACTIVE",
        tokenHint: `${token.slice(0, 12)}…${token.slice(-4)}`,
        workspaces: [],
        revokedAt: null,
        expiresAt: null,
        lastUsedAt: null,
        createdBy: { __typename: "User", id: org.admin.userId },
      });
    });

    it("stores only the SHA-256 of the token: no table holds the plaintext", async () => {
      const token = tokens[0];
      const rows = await server.db.query<{ token_hash: string }[]>(
        server.kind === "mysql"
          ? "SELECT token_hash FROM api_key WHERE organization_id = ?"
          : "SELECT token_hash FROM api_key WHERE organization_id = ?",
        [org.id],
      );
      expect(rows.map((r) => r.token_hash)).toEqual([createHash("sha256").update(token).digest("hex")]);
      const dump = await databaseDump(server.db);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(12, -4));
    });

    it("lists, reads, renames and revokes the key; none of those responses carries the token", async () => {
      const token = tokens[0];
      const list = await org.admin.request(ApiKeysDocument, {});
      expect(list.data?.apiKeys.totalCount).toBe(1);
      const id = list.data!.apiKeys.nodes[0].id;

      const one = await org.admin.request(ApiKeyDocument, { id });
      expect(one.data?.apiKey?.description).toBe("CRM integration – Sandbox");

      const renamed = await org.admin.request(UpdateApiKeyDocument, { input: { id, description: "CRM – renamed" } });
      expect(renamed.data?.updateApiKey.description).toBe("CRM – renamed");
      const cleared = await org.admin.request(UpdateApiKeyDocument, { input: { id, description: "   " } });
      expect(cleared.data?.updateApiKey.description).toBeNull();

      const revoked = await org.admin.request(RevokeApiKeyDocument, { id });
      expect(revoked.data?.revokeApiKey.status).toBe("REVOKED");
      const revokedAt = revoked.data!.revokeApiKey.revokedAt;
      expect(revokedAt).not.toBeNull();

      const again = await org.admin.request(RevokeApiKeyDocument, { id });
      expect(again.errors).toBeUndefined();
      expect(again.data?.revokeApiKey.revokedAt).toBe(revokedAt);

      for (const response of [list, one, renamed, cleared, revoked, again]) expect(response.text).not.toContain(token);
    });

    it("never writes a token to the logs", async () => {
      const { token } = await createKey(server, org.admin, sandboxOrgKey);
      await graphql(server.url, ViewerDocument, {}, token);
      await graphql(server.url, ViewerDocument, {}, token.slice(0, -1) + (token.endsWith("a") ? "b" : "a"));
      const logs = server.logs.join("\n");
      expect(logs.length).toBeGreaterThan(0);
      for (const t of [...tokens, token]) {
        expect(logs).not.toContain(t);
        expect(logs).not.toContain(t.slice(8));
      }
      expect(logs).not.toContain(org.admin.token);
    });

    it("starts the API trial with the first key, for API_TRIAL_DAYS, and never restarts it", async () => {
      const fresh = await createOrganization(server);
      const before = await fresh.admin.request(OrganizationDocument, {});
      expect(before.data?.organization.apiTrial).toBeNull();

      const { apiKey } = await createKey(server, fresh.admin, sandboxOrgKey);
      const after = await fresh.admin.request(OrganizationDocument, {});
      const trial = after.data!.organization.apiTrial!;
      expect(trial.isActive).toBe(true);
      expect(trial.startedAt).toBe(apiKey.createdAt);
      expect(Date.parse(trial.endsAt) - Date.parse(trial.startedAt)).toBe(40 * 24 * 3600 * 1000);

      await fresh.admin.request(RevokeApiKeyDocument, { id: apiKey.id });
      await createKey(server, fresh.admin, sandboxOrgKey);
      const later = await fresh.admin.request(OrganizationDocument, {});
      expect(later.data?.organization.apiTrial).toEqual(trial);
    });

    it("counts only active keys in the quota", async () => {
      const fresh = await createOrganization(server);
      const a = await createKey(server, fresh.admin, sandboxOrgKey);
      await createKey(server, fresh.admin, sandboxOrgKey);
      await fresh.admin.request(RevokeApiKeyDocument, { id: a.apiKey.id });
      const { data } = await fresh.admin.request(OrganizationDocument, {});
      expect(data?.organization.apiKeyQuota).toEqual({ active: 1, limit: 200, remaining: 199 });
    });
  });

  describe("validation: each rule answers its code and writes nothing", () => {
    let org: TestOrganization;
    let foreignWorkspace: string;
    beforeAll(async () => {
      org = await createOrganization(server, { workspaces: 2 });
      foreignWorkspace = (await createOrganization(server)).workspaceIds[0];
    });

    const unknownUuid = "6f1c1d5e-1111-4222-8333-944445555666";
    const cases: [string, () => CreateApiKeyInput, string, string | undefined][] = [
      [
        "WORKSPACE scope without workspaceIds",
        () => ({ ...sandboxOrgKey, scope: "WORKSPACE" }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "WORKSPACE scope with an empty list",
        () => ({ ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: [] }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "another organization's workspace",
        () => ({ ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: [foreignWorkspace] }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "an unknown workspace id",
        () => ({ ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: [unknownUuid] }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "a workspace id that is not an id",
        () => ({ ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: ["' OR 1=1 --"] }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "own and foreign workspaces mixed",
        () => ({ ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: [org.workspaceIds[0], foreignWorkspace] }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "workspaceIds with ORGANIZATION scope",
        () => ({ ...sandboxOrgKey, workspaceIds: [org.workspaceIds[0]] }),
        "BAD_USER_INPUT",
        "workspaceIds",
      ],
      [
        "a 256-character description",
        () => ({ ...sandboxOrgKey, description: "x".repeat(256) }),
        "BAD_USER_INPUT",
        "description",
      ],
      [
        "a description with a newline",
        () => ({ ...sandboxOrgKey, description: "line\nbreak" }),
        "BAD_USER_INPUT",
        "description",
      ],
      [
        "a description with a NUL",
        () => ({ ...sandboxOrgKey, description: "nul\u0000" }),
        "BAD_USER_INPUT",
        "description",
      ],
      [
        "a description with a C1 control",
        () => ({ ...sandboxOrgKey, description: "c1\u0085" }),
        "BAD_USER_INPUT",
        "description",
      ],
      [
        "expiresAt in the past",
        () => ({ ...sandboxOrgKey, expiresAt: new Date(Date.now() - 60_000).toISOString() }),
        "BAD_USER_INPUT",
        "expiresAt",
      ],
      [
        "PRODUCTION without an API plan",
        () => ({ ...sandboxOrgKey, environment: "PRODUCTION" }),
        "API_PLAN_REQUIRED",
        undefined,
      ],
    ];

    it.each(cases)("rejects %s", async (_name, input, code, field) => {
      const before = await tableCounts(server.db);
      const trialBefore = (await org.admin.request(OrganizationDocument, {})).data?.organization.apiTrial;
      const result = await org.admin.request(CreateApiKeyDocument, { input: input() });
      expect(result.data).toBeNull();
      expect(codesOf(result)).toEqual([code]);
      expect(result.errors![0].extensions?.field).toBe(field);
      expect(await tableCounts(server.db)).toEqual(before);
      expect((await org.admin.request(OrganizationDocument, {})).data?.organization.apiTrial).toEqual(trialBefore);
    });

    it("gives the same answer for a foreign workspace and an unknown one", async () => {
      const foreign = await org.admin.request(CreateApiKeyDocument, {
        input: { ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: [foreignWorkspace] },
      });
      const unknown = await org.admin.request(CreateApiKeyDocument, {
        input: { ...sandboxOrgKey, scope: "WORKSPACE", workspaceIds: [unknownUuid] },
      });
      expect(foreign.errors).toEqual(unknown.errors);
    });

    it("accepts a 255-character description once trimmed, and a key with a plan in PRODUCTION", async () => {
      const ok = await createKey(server, org.admin, { ...sandboxOrgKey, description: ` ${"y".repeat(255)} ` });
      expect(ok.apiKey.description).toBe("y".repeat(255));
      const planned = await createOrganization(server, { apiPlan: "Growth" });
      const live = await createKey(server, planned.admin, { ...sandboxOrgKey, environment: "PRODUCTION" });
      expect(live.token.startsWith("lk_live_")).toBe(true);
      expect(live.apiKey.environment).toBe("PRODUCTION");
    });

    it("rejects an over-long description in updateApiKey and leaves the key as it was", async () => {
      const { apiKey } = await createKey(server, org.admin, { ...sandboxOrgKey, description: "keep me" });
      const result = await org.admin.request(UpdateApiKeyDocument, {
        input: { id: apiKey.id, description: "z".repeat(300) },
      });
      expect(codesOf(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.errors![0].extensions?.field).toBe("description");
      expect((await org.admin.request(ApiKeyDocument, { id: apiKey.id })).data?.apiKey?.description).toBe("keep me");
    });

    it("rejects first > 100, negative page sizes and a foreign cursor", async () => {
      const tooMany = await org.admin.request(ApiKeysDocument, { first: 101 });
      expect(codesOf(tooMany)).toEqual(["BAD_USER_INPUT"]);
      expect(tooMany.errors![0].extensions?.field).toBe("first");
      const negative = await org.admin.request(ApiKeysDocument, { last: -1 });
      expect(tooMany.errors![0].extensions?.field).toBe("first");
      expect(codesOf(negative)).toEqual(["BAD_USER_INPUT"]);
      const badCursor = await org.admin.request(ApiKeysDocument, { after: "not-a-cursor" });
      expect(codesOf(badCursor)).toEqual(["BAD_USER_INPUT"]);
      expect(badCursor.errors![0].extensions?.field).toBe("after");
      // a cursor made for another order is refused rather than misread
      const page = await org.admin.request(ApiKeysDocument, { first: 1 });
      const wrongOrder = await org.admin.request(ApiKeysDocument, {
        first: 1,
        after: page.data!.apiKeys.pageInfo.endCursor,
        orderBy: { field: "DESCRIPTION", direction: "ASC" },
      });
      expect(codesOf(wrongOrder)).toEqual(["BAD_USER_INPUT"]);
    });
  });

  describe("filters", () => {
    type Model = {
      id: string;
      environment: string;
      scope: string;
      permission: string;
      status: string;
      workspaces: string[];
      description: string | null;
    };
    let org: TestOrganization;
    let foreignWorkspace: string;
    const model: Model[] = [];

    beforeAll(async () => {
      org = await createOrganization(server, { apiPlan: "Scale", workspaces: 3 });
      foreignWorkspace = (await createOrganization(server)).workspaceIds[0];
      const [w1, w2, w3] = org.workspaceIds;
      const soon = () => new Date(Date.now() + 1500).toISOString();
      const specs: (CreateApiKeyInput & { then?: "revoke" })[] = [
        {
          environment: "SANDBOX",
          scope: "ORGANIZATION",
          permission: "FULL_ACCESS",
          description: "CRM integration – Production",
        },
        { environment: "PRODUCTION", scope: "ORGANIZATION", permission: "READ_ONLY", description: "Billing sync" },
        {
          environment: "SANDBOX",
          scope: "WORKSPACE",
          workspaceIds: [w1],
          permission: "FULL_ACCESS",
          description: "crm backup",
        },
        {
          environment: "PRODUCTION",
          scope: "WORKSPACE",
          workspaceIds: [w1, w2],
          permission: "READ_ONLY",
          description: "Reports 100%_done",
        },
        { environment: "SANDBOX", scope: "WORKSPACE", workspaceIds: [w2], permission: "READ_ONLY" },
        {
          environment: "SANDBOX",
          scope: "ORGANIZATION",
          permission: "FULL_ACCESS",
          description: "Old",
          then: "revoke",
        },
        {
          environment: "PRODUCTION",
          scope: "WORKSPACE",
          workspaceIds: [w3],
          permission: "FULL_ACCESS",
          description: "Temp",
          expiresAt: soon(),
        },
        {
          environment: "SANDBOX",
          scope: "ORGANIZATION",
          permission: "READ_ONLY",
          description: "temp2",
          expiresAt: soon(),
          then: "revoke",
        },
      ];
      for (const { then, ...input } of specs) {
        const { apiKey } = await createKey(server, org.admin, input);
        if (then === "revoke") await org.admin.request(RevokeApiKeyDocument, { id: apiKey.id });
        model.push({
          id: apiKey.id,
          environment: input.environment,
          scope: input.scope,
          permission: input.permission,
          status: then === "revoke" ? "REVOKED" : input.expiresAt ? "EXPIRED" : "ACTIVE",
          workspaces: (input.workspaceIds as string[] | undefined) ?? [],
          description: input.description ?? null,
        });
      }
      await sleep(1700); // let the two short-lived keys expire for real
    });

    it("shows EXPIRED once expiresAt passes, and REVOKED over EXPIRED", async () => {
      const { data } = await org.admin.request(ApiKeysDocument, { first: 100 });
      const statusById = Object.fromEntries(data!.apiKeys.edges.map((e) => [e.node.id, e.node.status]));
      expect(statusById).toEqual(Object.fromEntries(model.map((m) => [m.id, m.status])));
    });

    const filters: [string, Record<string, unknown>, (m: Model) => boolean][] = [
      ["no filter", {}, () => true],
      ["empty lists", { environment: [], scope: [], permission: [], status: [] }, () => true],
      ["environment SANDBOX", { environment: ["SANDBOX"] }, (m) => m.environment === "SANDBOX"],
      ["environment PRODUCTION", { environment: ["PRODUCTION"] }, (m) => m.environment === "PRODUCTION"],
      ["environment both", { environment: ["SANDBOX", "PRODUCTION"] }, () => true],
      ["scope WORKSPACE", { scope: ["WORKSPACE"] }, (m) => m.scope === "WORKSPACE"],
      ["scope ORGANIZATION", { scope: ["ORGANIZATION"] }, (m) => m.scope === "ORGANIZATION"],
      ["permission READ_ONLY", { permission: ["READ_ONLY"] }, (m) => m.permission === "READ_ONLY"],
      ["permission FULL_ACCESS", { permission: ["FULL_ACCESS"] }, (m) => m.permission === "FULL_ACCESS"],
      ["status ACTIVE", { status: ["ACTIVE"] }, (m) => m.status === "ACTIVE"],
      ["status REVOKED", { status: ["REVOKED"] }, (m) => m.status === "REVOKED"],
      ["status EXPIRED", { status: ["EXPIRED"] }, (m) => m.status === "EXPIRED"],
      ["status REVOKED or EXPIRED", { status: ["REVOKED", "EXPIRED"] }, (m) => m.status !== "ACTIVE"],
      ["search 'crm', any case", { search: "CRM" }, (m) => (m.description ?? "").toLowerCase().includes("crm")],
      ["search with a literal %", { search: "100%" }, (m) => (m.description ?? "").includes("100%")],
      ["search with a literal _", { search: "%_d" }, (m) => (m.description ?? "").includes("%_d")],
      ["search '_' alone matches only an underscore", { search: "_" }, (m) => (m.description ?? "").includes("_")],
      ["search blank is no filter", { search: "   " }, () => true],
      [
        "combined: SANDBOX, active, read-only",
        { environment: ["SANDBOX"], status: ["ACTIVE"], permission: ["READ_ONLY"] },
        (m) => m.environment === "SANDBOX" && m.status === "ACTIVE" && m.permission === "READ_ONLY",
      ],
    ];

    it.each(filters)("filters by %s with the right totalCount", async (_name, filter, expected) => {
      const { data, errors } = await org.admin.request(ApiKeysDocument, { filter, first: 2 });
      expect(errors).toBeUndefined();
      const want = model.filter(expected).map((m) => m.id);
      expect(data!.apiKeys.totalCount).toBe(want.length);
      const all = await org.admin.request(ApiKeysDocument, { filter, first: 100 });
      expect(all.data!.apiKeys.nodes.map((n) => n.id).sort()).toEqual([...want].sort());
    });

    it("filters by workspace: organization-scope keys plus the keys scoped to it", async () => {
      for (const workspaceId of org.workspaceIds) {
        const { data } = await org.admin.request(ApiKeysDocument, { filter: { workspaceId }, first: 100 });
        const want = model
          .filter((m) => m.scope === "ORGANIZATION" || m.workspaces.includes(workspaceId))
          .map((m) => m.id);
        expect(data!.apiKeys.totalCount).toBe(want.length);
        expect(data!.apiKeys.nodes.map((n) => n.id).sort()).toEqual(want.sort());
      }
    });

    it("matches nothing for another organization's workspace or an unknown one", async () => {
      for (const workspaceId of [foreignWorkspace, "6f1c1d5e-1111-4222-8333-944445555666", "nope"]) {
        const { data, errors } = await org.admin.request(ApiKeysDocument, { filter: { workspaceId } });
        expect(errors).toBeUndefined();
        expect(data!.apiKeys).toMatchObject({ totalCount: 0, nodes: [] });
      }
    });

    it("returns each key's workspaces, and none for organization scope", async () => {
      const { data } = await org.admin.request(ApiKeysDocument, { first: 100 });
      for (const edge of data!.apiKeys.edges) {
        const m = model.find((x) => x.id === edge.node.id)!;
        expect(edge.node.workspaces.map((w) => w.id).sort()).toEqual([...m.workspaces].sort());
      }
    });
  });

  describe("paging", () => {
    let org: TestOrganization;
    const ids: string[] = [];
    beforeAll(async () => {
      org = await createOrganization(server);
      const descriptions = [
        "beta",
        "Alpha",
        null,
        "gamma",
        "beta",
        null,
        "delta",
        "alpha",
        "Beta",
        "epsilon",
        "zeta",
        null,
        "eta",
      ];
      for (let i = 0; i < 23; i++) {
        const { apiKey, token } = await createKey(server, org.admin, {
          ...sandboxOrgKey,
          description: descriptions[i % descriptions.length],
        });
        ids.push(apiKey.id);
        // some keys get used, so LAST_USED_AT has values and nulls
        if (i % 3 === 0) await graphql(server.url, ViewerDocument, {}, token);
      }
    });

    const orders = (["CREATED_AT", "LAST_USED_AT", "DESCRIPTION"] as const).flatMap((field) =>
      (["ASC", "DESC"] as const).map((direction) => ({ field, direction })),
    );

    async function walk(
      orderBy: { field: "CREATED_AT" | "LAST_USED_AT" | "DESCRIPTION"; direction: "ASC" | "DESC" } | undefined,
      backward: boolean,
    ) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const result: GraphQLResult<ApiKeysQuery> = await org.admin.request(
          ApiKeysDocument,
          backward ? { orderBy, last: 4, before: cursor } : { orderBy, first: 4, after: cursor },
        );
        expect(result.errors).toBeUndefined();
        const connection = result.data!.apiKeys;
        expect(connection.totalCount).toBe(ids.length);
        const pageIds = connection.edges.map((e) => e.node.id);
        if (backward) seen.unshift(...pageIds);
        else seen.push(...pageIds);
        const more = backward ? connection.pageInfo.hasPreviousPage : connection.pageInfo.hasNextPage;
        if (!more) return seen;
        cursor = backward ? connection.pageInfo.startCursor : connection.pageInfo.endCursor;
      }
      throw new Error("paging did not end");
    }

    it.each(orders)("visits every key exactly once, forward and backward, ordered by %o", async (orderBy) => {
      const forward = await walk(orderBy, false);
      expect(forward).toHaveLength(ids.length);
      expect(new Set(forward)).toEqual(new Set(ids));
      const backward = await walk(orderBy, true);
      expect(backward).toEqual(forward);
    });

    it("defaults to CREATED_AT DESC (newest first)", async () => {
      const forward = await walk(undefined, false);
      expect(forward).toEqual([...ids].reverse());
    });

    it("puts keys never used after used ones in both directions of LAST_USED_AT", async () => {
      for (const direction of ["ASC", "DESC"] as const) {
        const { data } = await org.admin.request(ApiKeysDocument, {
          first: 100,
          orderBy: { field: "LAST_USED_AT", direction },
        });
        const used = data!.apiKeys.edges.map((e) => e.node.lastUsedAt);
        const firstNull = used.indexOf(null);
        expect(firstNull).toBeGreaterThan(0);
        expect(used.slice(firstNull).every((u) => u === null)).toBe(true);
        const times = used.slice(0, firstNull).map((u) => Date.parse(u!));
        const sorted = [...times].sort((a, b) => (direction === "ASC" ? a - b : b - a));
        expect(times).toEqual(sorted);
      }
    });

    it("stays stable when keys are created between pages", async () => {
      const first = await org.admin.request(ApiKeysDocument, { first: 5 });
      const newKey = await createKey(server, org.admin, sandboxOrgKey);
      const rest: string[] = [];
      let cursor = first.data!.apiKeys.pageInfo.endCursor;
      for (;;) {
        const page = await org.admin.request(ApiKeysDocument, { first: 10, after: cursor });
        rest.push(...page.data!.apiKeys.nodes.map((n) => n.id));
        if (!page.data!.apiKeys.pageInfo.hasNextPage) break;
        cursor = page.data!.apiKeys.pageInfo.endCursor;
      }
      const visited = [...first.data!.apiKeys.nodes.map((n) => n.id), ...rest];
      expect(visited).toEqual([...ids].reverse());
      expect(visited).not.toContain(newKey.apiKey.id);
      await org.admin.request(RevokeApiKeyDocument, { id: newKey.apiKey.id });
    });
  });

  describe("tenancy and roles", () => {
    let org: TestOrganization;
    let other: TestOrganization;
    let keyId: string;
    beforeAll(async () => {
      org = await createOrganization(server);
      other = await createOrganization(server);
      keyId = (await createKey(server, org.admin, { ...sandboxOrgKey, description: "mine" })).apiKey.id;
    });

    it("shows another organization's key exactly like a missing one", async () => {
      const missing = "6f1c1d5e-1111-4222-8333-944445555666";
      const foreign = await other.admin.request(ApiKeyDocument, { id: keyId });
      const unknown = await other.admin.request(ApiKeyDocument, { id: missing });
      expect(foreign.data).toEqual({ apiKey: null });
      expect(foreign.errors).toBeUndefined();
      expect(unknown.data).toEqual({ apiKey: null });

      const list = await other.admin.request(ApiKeysDocument, { first: 100 });
      expect(list.data!.apiKeys.nodes.map((n) => n.id)).not.toContain(keyId);

      const before = await tableCounts(server.db);
      for (const [id, label] of [
        [keyId, "foreign"],
        [missing, "unknown"],
      ] as const) {
        const update = await other.admin.request(UpdateApiKeyDocument, { input: { id, description: "pwned" } });
        const revoke = await other.admin.request(RevokeApiKeyDocument, { id });
        expect([label, codesOf(update), codesOf(revoke)]).toEqual([label, ["NOT_FOUND"], ["NOT_FOUND"]]);
        expect(update.errors![0].message).toBe("API key not found");
      }
      expect(await tableCounts(server.db)).toEqual(before);
      const mine = await org.admin.request(ApiKeyDocument, { id: keyId });
      expect(mine.data?.apiKey).toMatchObject({ description: "mine", status: "ACTIVE" });
    });

    it("forbids members every key operation and changes nothing", async () => {
      const member = await org.member(org.workspaceIds);
      const before = await tableCounts(server.db);
      const results = [
        await member.request(ApiKeysDocument, {}),
        await member.request(ApiKeyDocument, { id: keyId }),
        await member.request(CreateApiKeyDocument, { input: sandboxOrgKey }),
        await member.request(UpdateApiKeyDocument, { input: { id: keyId, description: "member was here" } }),
        await member.request(RevokeApiKeyDocument, { id: keyId }),
      ];
      for (const result of results) expect(codesOf(result)).toEqual(["FORBIDDEN"]);
      expect(await tableCounts(server.db)).toEqual(before);
      expect((await org.admin.request(ApiKeyDocument, { id: keyId })).data?.apiKey?.status).toBe("ACTIVE");
    });
  });
});
