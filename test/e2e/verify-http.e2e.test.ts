/**
 * POST /v1/keys/verify: verifyApiKey over plain HTTP, for a platform API that verifies a key on every request of
 * its own. The same check as the GraphQL field (one VerificationService): every code answered alike, the same
 * budget, the same platform-keys-only rule; its own envelope for refusals, the GraphQL one. Real HTTP, both
 * databases.
 */
import { expect } from "@jest/globals";
import fc from "fast-check";
import { databases } from "../support/databases";
import {
  RevokeApiKeyDocument,
  SuspendApiKeyDocument,
  VerifyApiKeyDocument,
  ViewerDocument,
  type VerifyRequirement,
} from "../support/gql/graphql";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";
import { VerificationCode } from "../../src/modules/verification/verification.types";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const PATH = "/v1/keys/verify";

interface HttpAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> & {
    valid?: boolean;
    code?: string;
    apiKey?: Record<string, unknown> | null;
    organization?: Record<string, unknown> | null;
    rateLimit?: { limit: number; remaining: number; resetAt: string } | null;
    errors?: { message: string; extensions: { code: string; field?: string; reason?: string } }[];
  };
}

/** One POST as any HTTP client sends it; `body` a value (sent as JSON) or a raw string. */
async function post(
  server: TestServer,
  body: unknown,
  headers: Record<string, string> = {},
  raw = false,
): Promise<HttpAnswer> {
  const response = await fetch(`${server.origin}${PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as HttpAnswer["json"] };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const errorOf = (answer: HttpAnswer) => {
  expect(answer.json.errors).toHaveLength(1);
  const [error] = answer.json.errors!;
  return { status: answer.status, code: error.extensions.code, field: error.extensions.field };
};

describe.each(databases)("POST /v1/keys/verify on %s", (kind) => {
  let server: TestServer;
  let platform: PlatformCaller;
  let org: TestOrganization;

  beforeAll(async () => {
    server = await createTestServer(kind);
    platform = await createPlatformKey(server, "platform API");
    org = await createOrganization(server, { apiPlan: "Scale", workspaces: 2 });
  });
  afterAll(() => server.close());

  const verifyHttp = (
    token: string,
    require?: VerifyRequirement,
    headers: Record<string, string> = bearer(platform.token),
  ) => post(server, require === undefined ? { token } : { token, require }, headers);

  it("a valid key: 200, VALID, the key (its workspaces' ids) and its organization, with x-request-id", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      permission: "FULL_ACCESS",
      workspaceIds: [org.workspaceIds[0]],
      description: "checkout service",
    });
    const answer = await verifyHttp(key.token, { environment: "SANDBOX", workspaceId: org.workspaceIds[0] });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.headers.get("x-request-id")).toMatch(/.+/);
    expect(answer.json).toEqual({
      valid: true,
      code: "VALID",
      apiKey: {
        id: key.keyId,
        description: "checkout service",
        environment: "SANDBOX",
        scope: "WORKSPACE",
        permission: "FULL_ACCESS",
        status: "ACTIVE",
        tokenHint: key.apiKey.tokenHint,
        workspaceIds: [org.workspaceIds[0]],
        createdAt: expect.any(String),
        expiresAt: null,
        revokedAt: null,
        suspendedAt: null,
        rolledFromId: null,
        rolledToId: null,
        lastUsedAt: expect.any(String),
      },
      organization: { id: org.id, name: expect.any(String), externalId: null, apiPlan: "Scale" },
      rateLimit: null, // budgets are off in this server
    });
    // no hash, no allowlist, nothing beyond the documented fields
    expect(JSON.stringify(answer.json)).not.toMatch(/tokenHash|token_hash|allowedIpRanges/);
    const organizationKey = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    expect((await verifyHttp(organizationKey.token)).json.apiKey).toMatchObject({ workspaceIds: null });
  });

  it("answers every code exactly as verifyApiKey does (the same check), in the same order", async () => {
    const other = await createOrganization(server, { workspaces: 1 });
    const noPlan = await createOrganization(server, { apiPlan: "Scale" });
    const make = (input: Partial<Parameters<typeof createKey>[2]> = {}, by = org.admin) =>
      createKey(server, by, { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY", ...input });
    const valid = await make();
    const full = await make({ permission: "FULL_ACCESS" });
    const scoped = await make({ scope: "WORKSPACE", workspaceIds: [org.workspaceIds[0]] });
    const revoked = await make();
    await org.admin.request(RevokeApiKeyDocument, { id: revoked.keyId });
    const expired = await make();
    await server.db.getRepository(ApiKey).update({ id: expired.keyId }, { expiresAt: new Date(Date.now() - 1000) });
    const suspended = await make();
    await org.admin.request(SuspendApiKeyDocument, { id: suspended.keyId, reason: "investigating" });
    const fenced = await make({ allowedIpRanges: ["203.0.113.0/24"] });
    const production = await make({ environment: "PRODUCTION" }, noPlan.admin);
    await server.services.organizationAdmin.setApiPlan(noPlan.id, null);
    const last = valid.token.slice(-1) === "0" ? "1" : "0";

    const cases: [string, string, VerifyRequirement | undefined, string][] = [
      ["valid", valid.token, undefined, "VALID"],
      ["bad checksum", valid.token.slice(0, -1) + last, undefined, "NOT_FOUND"],
      ["not a key", "not a key at all", undefined, "NOT_FOUND"],
      ["empty", "", undefined, "NOT_FOUND"],
      ["revoked", revoked.token, undefined, "REVOKED"],
      ["expired", expired.token, undefined, "EXPIRED"],
      ["suspended", suspended.token, undefined, "SUSPENDED"],
      ["allowlist, no ip", fenced.token, undefined, "IP_NOT_ALLOWED"],
      ["allowlist, outside", fenced.token, { ip: "198.51.100.7" }, "IP_NOT_ALLOWED"],
      ["allowlist, inside", fenced.token, { ip: "203.0.113.9" }, "VALID"],
      ["no API plan", production.token, undefined, "API_PLAN_REQUIRED"],
      ["read-only for full", valid.token, { permission: "FULL_ACCESS" }, "INSUFFICIENT_PERMISSION"],
      ["full for full", full.token, { permission: "FULL_ACCESS" }, "VALID"],
      ["sandbox for production", valid.token, { environment: "PRODUCTION" }, "ENVIRONMENT_MISMATCH"],
      ["scoped, its workspace", scoped.token, { workspaceId: org.workspaceIds[0] }, "VALID"],
      ["scoped, another", scoped.token, { workspaceId: org.workspaceIds[1] }, "WORKSPACE_NOT_IN_SCOPE"],
      [
        "another organization's workspace",
        valid.token,
        { workspaceId: other.workspaceIds[0] },
        "WORKSPACE_NOT_IN_SCOPE",
      ],
      ["a workspace id that is no id", valid.token, { workspaceId: "nope" }, "WORKSPACE_NOT_IN_SCOPE"],
      [
        "every requirement",
        full.token,
        { permission: "FULL_ACCESS", environment: "SANDBOX", workspaceId: org.workspaceIds[1] },
        "VALID",
      ],
    ];
    const seen = [];
    for (const [label, token, require, code] of cases) {
      const graphql = (await platform.request(VerifyApiKeyDocument, { token, require })).data!.verifyApiKey;
      const http = await verifyHttp(token, require);
      expect(http.status).toBe(200);
      const { json } = http;
      seen.push([label, json.code, graphql.code]);
      // the same answer, field by field, as the GraphQL field's
      expect({
        valid: json.valid,
        key: json.apiKey ? [json.apiKey.id, json.apiKey.status, json.apiKey.environment, json.apiKey.permission] : null,
        organization: json.organization
          ? [json.organization.id, json.organization.externalId, json.organization.apiPlan]
          : null,
      }).toEqual({
        valid: graphql.valid,
        key: graphql.apiKey
          ? [graphql.apiKey.id, graphql.apiKey.status, graphql.apiKey.environment, graphql.apiKey.permission]
          : null,
        organization: graphql.organization
          ? [graphql.organization.id, graphql.organization.externalId, graphql.organization.apiPlan]
          : null,
      });
      expect(json.valid).toBe(code === "VALID");
    }
    expect(seen).toEqual(cases.map(([label, , , code]) => [label, code, code]));
  });

  it("platform keys only: no credential 401, a key or a JWT 403, a bad or revoked platform key 401; nothing verified", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    const refusals = [
      await verifyHttp(key.token, undefined, {}),
      await verifyHttp(key.token, undefined, bearer(key.token)),
      await verifyHttp(key.token, undefined, bearer(org.admin.token)),
      await verifyHttp(key.token, undefined, bearer(platform.token.slice(0, -2) + "xx")),
      await verifyHttp(key.token, undefined, { authorization: "Basic abc" }),
    ];
    expect(refusals.map(errorOf)).toEqual([
      { status: 401, code: "UNAUTHENTICATED", field: undefined },
      { status: 403, code: "FORBIDDEN", field: undefined },
      { status: 403, code: "FORBIDDEN", field: undefined },
      { status: 401, code: "UNAUTHENTICATED", field: undefined },
      { status: 401, code: "UNAUTHENTICATED", field: undefined },
    ]);
    // a refusal says nothing of the key it was asked about
    for (const refusal of refusals) expect(JSON.stringify(refusal.json)).not.toContain(key.keyId);
    const revokedPlatform = await createPlatformKey(server, "revoked platform");
    await server.services.platformKeys.revoke(revokedPlatform.keyId);
    expect(errorOf(await verifyHttp(key.token, undefined, bearer(revokedPlatform.token)))).toEqual({
      status: 401,
      code: "UNAUTHENTICATED",
      field: undefined,
    });
  });

  it("with Latchkey-Organization: another organization's key is NOT_FOUND, its own VALID; the header with a key is 400", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    const elsewhere = await createOrganization(server);
    const inOther = await verifyHttp(key.token, undefined, {
      ...bearer(platform.token),
      "latchkey-organization": elsewhere.id,
    });
    expect(inOther.json).toEqual({
      valid: false,
      code: "NOT_FOUND",
      apiKey: null,
      organization: null,
      rateLimit: null,
    });
    const inOwn = await verifyHttp(key.token, undefined, {
      ...bearer(platform.token),
      "latchkey-organization": org.id,
    });
    expect(inOwn.json.code).toBe("VALID");
    expect(
      errorOf(await verifyHttp(key.token, undefined, { ...bearer(key.token), "latchkey-organization": org.id })),
    ).toEqual({ status: 400, code: "BAD_USER_INPUT", field: "Latchkey-Organization" });
  });

  it("a bad body is a 4xx with a code and the field, never a 500; nothing is counted against the key", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    const auth = bearer(platform.token);
    const bodies: [unknown, { status: number; code: string; field?: string }][] = [
      [[key.token], { status: 400, code: "BAD_USER_INPUT", field: "body" }],
      ["just a string", { status: 400, code: "BAD_USER_INPUT", field: "body" }],
      [{}, { status: 400, code: "BAD_USER_INPUT", field: "token" }],
      [{ token: 42 }, { status: 400, code: "BAD_USER_INPUT", field: "token" }],
      [
        { token: key.token, extra: 1 },
        { status: 400, code: "BAD_USER_INPUT", field: "extra" },
      ],
      [
        { token: key.token, require: "SANDBOX" },
        { status: 400, code: "BAD_USER_INPUT", field: "require" },
      ],
      [
        { token: key.token, require: { scope: "x" } },
        { status: 400, code: "BAD_USER_INPUT", field: "require.scope" },
      ],
      [
        { token: key.token, require: { permission: "ADMIN" } },
        { status: 400, code: "BAD_USER_INPUT", field: "require.permission" },
      ],
      [
        { token: key.token, require: { environment: "sandbox" } },
        { status: 400, code: "BAD_USER_INPUT", field: "require.environment" },
      ],
      [
        { token: key.token, require: { workspaceId: 7 } },
        { status: 400, code: "BAD_USER_INPUT", field: "require.workspaceId" },
      ],
      [
        { token: key.token, require: { ip: "10.0.0.300" } },
        { status: 400, code: "BAD_USER_INPUT", field: "require.ip" },
      ],
    ];
    for (const [body, expected] of bodies) {
      const answer = await post(server, body, auth);
      expect({ body, ...errorOf(answer) }).toEqual({ body, field: undefined, ...expected });
    }
    // Fastify's own refusals, in the same envelope
    const raw = [
      await post(server, "{ not json", auth, true),
      await post(server, "", auth, true),
      await post(server, JSON.stringify({ token: "x".repeat(20_000) }), auth, true),
    ];
    expect(raw.map(errorOf)).toEqual([
      { status: 400, code: "BAD_REQUEST", field: undefined },
      { status: 400, code: "BAD_REQUEST", field: undefined },
      { status: 413, code: "BAD_REQUEST", field: undefined },
    ]);
    const form = await fetch(`${server.origin}${PATH}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
      body: `token=${key.token}`,
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: "BAD_REQUEST" } }],
    });
    const get = await fetch(`${server.origin}${PATH}`, { headers: auth });
    expect(get.status).toBe(404);
    // none of the above verified the key: it was never used
    expect((await server.db.getRepository(ApiKey).findOneByOrFail({ id: key.keyId })).lastUsedAt).toBeNull();
  });

  it("any JSON body, or any bytes: a 200 with a code or a 4xx with one, never a 5xx; only a valid key is VALID (fast-check)", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    const codes = new Set(Object.values(VerificationCode));
    const tokenish = fc.oneof(
      fc.constant(key.token),
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.integer().map((i) => key.token.slice(0, Math.abs(i) % key.token.length)),
      fc.nat({ max: key.token.length - 1 }).map((i) => key.token.slice(0, i) + "Z" + key.token.slice(i + 1)),
    );
    const requirement = fc.record(
      {
        permission: fc.oneof(fc.constantFrom("READ_ONLY", "FULL_ACCESS"), fc.jsonValue()),
        environment: fc.oneof(fc.constantFrom("SANDBOX", "PRODUCTION"), fc.jsonValue()),
        workspaceId: fc.oneof(fc.constantFrom(...org.workspaceIds), fc.uuid(), fc.jsonValue()),
        ip: fc.oneof(fc.constantFrom("203.0.113.9", "::1", "1.2.3"), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.record({ token: tokenish, require: fc.option(requirement) }, { requiredKeys: ["token"] }),
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.jsonValue()),
    );
    const sent = fc.oneof(
      body.map((value) => JSON.stringify(value)),
      fc.string({ unit: "binary" }),
    );
    await fc.assert(
      fc.asyncProperty(sent, async (raw) => {
        const answer = await post(server, raw, bearer(platform.token), true);
        if (answer.status === 200) {
          expect(codes.has(answer.json.code as VerificationCode)).toBe(true);
          expect(answer.json.valid).toBe(answer.json.code === "VALID");
          if (answer.json.valid) expect(answer.json.apiKey).toMatchObject({ id: key.keyId });
        } else {
          expect([400, 413]).toContain(answer.status);
          expect(answer.json.errors?.[0]?.extensions.code).toMatch(/^(BAD_USER_INPUT|BAD_REQUEST)$/);
        }
      }),
      { numRuns: 150, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined },
    );
  });

  it("counts in /metrics by outcome, and no token reaches the logs (checked at close for every server)", async () => {
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    await verifyHttp(key.token);
    await verifyHttp(key.token, { environment: "PRODUCTION" });
    const metrics = await (await fetch(server.metricsUrl)).text();
    expect(metrics).toMatch(/latchkey_http_verifications_total\{outcome="VALID"\} [1-9]/);
    expect(metrics).toMatch(/latchkey_http_verifications_total\{outcome="ENVIRONMENT_MISMATCH"\} [1-9]/);
    expect(server.logs.join("\n")).not.toContain(key.token);
  });
});

describe.each(databases)("POST /v1/keys/verify and the key's budget on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind, { RATE_LIMIT_KEY_PER_MINUTE: "4" });
  });
  afterAll(() => server.close());

  /** A platform key, and a new organization's read-only sandbox key with the whole budget left. */
  const platformAndKey = async () => {
    const platform = await createPlatformKey(server);
    const org = await createOrganization(server);
    const key = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    return { platform, key };
  };

  it("spends the key's own budget, shared with verifyApiKey and the key's requests: the state after each call, then RATE_LIMITED", async () => {
    const { platform, key } = await platformAndKey();
    const viaHttp = async () => (await post(server, { token: key.token }, bearer(platform.token))).json;
    const viaGraphql = async () =>
      (await platform.request(VerifyApiKeyDocument, { token: key.token })).data!.verifyApiKey;
    const answers = [await viaHttp(), await viaGraphql(), await viaHttp(), await viaHttp(), await viaHttp()];
    expect(answers.map((a) => [a.code, a.rateLimit?.limit, a.rateLimit?.remaining])).toEqual([
      ["VALID", 4, 3],
      ["VALID", 4, 2],
      ["VALID", 4, 1],
      ["VALID", 4, 0],
      ["RATE_LIMITED", 4, 0],
    ]);
    expect(Date.parse(answers[4].rateLimit!.resetAt)).toBeGreaterThan(Date.now());
    expect((await key.request(ViewerDocument, {})).status).toBe(429);
  });

  it("parallel verifications of one key spend exactly its budget: never more VALID answers than it holds", async () => {
    const { platform, key } = await platformAndKey();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => post(server, { token: key.token }, bearer(platform.token))),
    );
    const codes = answers.map((a) => a.json.code).sort();
    expect(codes).toEqual([...Array<string>(4).fill("VALID"), ...Array<string>(8).fill("RATE_LIMITED")].sort());
  });
});
