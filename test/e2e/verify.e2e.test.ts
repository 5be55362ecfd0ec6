/**
 * verifyApiKey (issue 11 §3): the platform's own API asks whether a caller's key is good for a request.
 * Every answer is a code, never an error; the rules are authentication's. Real HTTP, both databases.
 */
import { expect } from "@jest/globals";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  RevokeApiKeyDocument,
  ViewerDocument,
  VerifyApiKeyDocument,
  type VerifyRequirement,
} from "../support/gql/graphql";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";
import {
  anonymousCaller,
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type TestOrganization,
  type TestServer,
} from "../support/server";

describe.each(databases)("verifyApiKey on %s", (kind) => {
  let server: TestServer;
  let platform: PlatformCaller;
  let org: TestOrganization;

  beforeAll(async () => {
    server = await createTestServer(kind);
    platform = await createPlatformKey(server, "signing API");
    org = await createOrganization(server, { apiPlan: "Scale", workspaces: 2 });
  });
  afterAll(() => server.close());

  const verify = async (token: string, require?: VerifyRequirement, by: PlatformCaller = platform) => {
    const result = await by.request(VerifyApiKeyDocument, { token, require });
    expect(result.errors).toBeUndefined();
    return result.data!.verifyApiKey;
  };

  it("a valid key: VALID, with the key (and its workspaces) and its organization", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      permission: "FULL_ACCESS",
      workspaceIds: [org.workspaceIds[0]],
    });
    const answer = await verify(key.token);
    expect(answer).toEqual({
      valid: true,
      code: "VALID",
      apiKey: expect.objectContaining({
        id: key.keyId,
        environment: "SANDBOX",
        scope: "WORKSPACE",
        status: "ACTIVE",
        workspaces: [{ id: org.workspaceIds[0] }],
      }),
      organization: { id: org.id, externalId: null, apiPlan: "Scale" },
      rateLimit: null, // budgets are off in this server
    });
    expect(answer.apiKey!.lastUsedAt).not.toBeNull();
  });

  it("a token with a bad checksum or none of our format: NOT_FOUND without reading a key row; an unknown one: NOT_FOUND", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    // every statement of the server reaches the database through its query runners: the key's table named in one is a read
    const reads: string[] = [];
    const table = server.db.getMetadata(ApiKey).tableName;
    const createQueryRunner = server.db.createQueryRunner.bind(server.db);
    const spy = jest.spyOn(server.db, "createQueryRunner").mockImplementation((mode) => {
      const runner = createQueryRunner(mode);
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: never[]) => {
        if (new RegExp(`\\b${table}\\b`).test(sql)) reads.push(sql);
        return query(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    });
    try {
      const last = key.token.slice(-1) === "0" ? "1" : "0";
      for (const token of [key.token.slice(0, -1) + last, "lk_test_short", "not a key at all", ""]) {
        expect(await verify(token)).toEqual({
          valid: false,
          code: "NOT_FOUND",
          apiKey: null,
          organization: null,
          rateLimit: null,
        });
      }
      expect(reads).toEqual([]);
      await verify(key.token); // the spy does see the read of a well-formed token
      expect(reads.length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    const revokedBefore = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    await server.db.getRepository(ApiKey).delete({ id: revokedBefore.keyId });
    expect((await verify(revokedBefore.token)).code).toBe("NOT_FOUND");
  });

  it("revoked on the very next verification; expired; a production key without an API plan (and back with one)", async () => {
    const planned = await createOrganization(server, { apiPlan: "Scale" });
    const live = await createKey(server, planned.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    expect((await verify(live.token)).code).toBe("VALID");
    await server.services.organizationAdmin.setApiPlan(planned.id, null);
    expect(await verify(live.token)).toMatchObject({
      valid: false,
      code: "API_PLAN_REQUIRED",
      apiKey: { id: live.keyId },
    });
    await server.services.organizationAdmin.setApiPlan(planned.id, "Scale");
    expect((await verify(live.token)).code).toBe("VALID");

    await server.db.getRepository(ApiKey).update({ id: live.keyId }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await verify(live.token)).toMatchObject({ code: "EXPIRED", apiKey: { status: "EXPIRED" } });

    const other = await createKey(server, planned.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    expect((await verify(other.token)).code).toBe("VALID");
    await planned.admin.request(RevokeApiKeyDocument, { id: other.keyId });
    expect(await verify(other.token)).toMatchObject({ valid: false, code: "REVOKED", apiKey: { status: "REVOKED" } });
  });

  it("requirements: permission, environment, workspace reach (organization scope: its own organization's workspaces only)", async () => {
    const other = await createOrganization(server, { workspaces: 1 });
    const [w1, w2] = org.workspaceIds;
    const readOnly = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const scoped = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      permission: "FULL_ACCESS",
      workspaceIds: [w1],
    });
    const cases: [string, VerifyRequirement, string][] = [
      [readOnly.token, { permission: "FULL_ACCESS" }, "INSUFFICIENT_PERMISSION"],
      [readOnly.token, { permission: "READ_ONLY" }, "VALID"],
      [scoped.token, { permission: "FULL_ACCESS" }, "VALID"],
      [readOnly.token, { environment: "PRODUCTION" }, "ENVIRONMENT_MISMATCH"],
      [readOnly.token, { environment: "SANDBOX" }, "VALID"],
      [scoped.token, { workspaceId: w1 }, "VALID"],
      [scoped.token, { workspaceId: w2 }, "WORKSPACE_NOT_IN_SCOPE"],
      [readOnly.token, { workspaceId: w2 }, "VALID"],
      [readOnly.token, { workspaceId: other.workspaceIds[0] }, "WORKSPACE_NOT_IN_SCOPE"],
      [readOnly.token, { workspaceId: "not-an-id" }, "WORKSPACE_NOT_IN_SCOPE"],
      [scoped.token, { permission: "FULL_ACCESS", environment: "SANDBOX", workspaceId: w1 }, "VALID"],
    ];
    const answered = [];
    for (const [token, require] of cases) answered.push((await verify(token, require)).code);
    expect(answered).toEqual(cases.map(([, , code]) => code));
  });

  it("only platform keys may verify; with Latchkey-Organization, another organization's key is NOT_FOUND", async () => {
    const key = await createKey(server, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    expect(codesOf(await org.admin.request(VerifyApiKeyDocument, { token: key.token }))).toEqual(["FORBIDDEN"]);
    expect(codesOf(await key.request(VerifyApiKeyDocument, { token: key.token }))).toEqual(["FORBIDDEN"]);
    expect(codesOf(await anonymousCaller(server).request(VerifyApiKeyDocument, { token: key.token }))).toEqual([
      "UNAUTHENTICATED",
    ]);
    const elsewhere = await createOrganization(server);
    const inOther = platform.inOrganization(elsewhere.id);
    const answer = (await inOther.request(VerifyApiKeyDocument, { token: key.token })).data!.verifyApiKey;
    expect(answer).toEqual({ valid: false, code: "NOT_FOUND", apiKey: null, organization: null, rateLimit: null });
    const inOwn = (await platform.inOrganization(org.id).request(VerifyApiKeyDocument, { token: key.token })).data!;
    expect(inOwn.verifyApiKey.code).toBe("VALID");
  });
});

describe.each(databases)("verifyApiKey and the key's budget on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind, { RATE_LIMIT_KEY_PER_MINUTE: "3" });
  });
  afterAll(() => server.close());

  it("counts against the key's own budget: the state after each call, then RATE_LIMITED", async () => {
    const platform = await createPlatformKey(server);
    const org = await createOrganization(server);
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push((await platform.request(VerifyApiKeyDocument, { token: key.token })).data!.verifyApiKey);
    expect(answers.map((a) => [a.code, a.rateLimit?.limit, a.rateLimit?.remaining])).toEqual([
      ["VALID", 3, 2],
      ["VALID", 3, 1],
      ["VALID", 3, 0],
      ["RATE_LIMITED", 3, 0],
    ]);
    const resetIn = Date.parse(answers[3].rateLimit!.resetAt) - Date.now();
    expect(resetIn).toBeGreaterThan(0);
    expect(resetIn).toBeLessThanOrEqual(60_000);
    // the same budget as the key's own requests
    expect((await key.request(ViewerDocument, {})).status).toBe(429);
  });
});
