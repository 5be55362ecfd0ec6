/**
 * examples/signing-api (issue 11 §4): the platform's own API, protected by Latchkey's verifyApiKey through its
 * typed client. Driven over real HTTP with real keys created through Latchkey.
 */
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../examples/signing-api/app";
import { databases } from "../support/databases";
import { RevokeApiKeyDocument } from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type KeyCaller,
  type TestOrganization,
  type TestServer,
} from "../support/server";

/** The token with its last character changed: a bad checksum. */
const mistype = (token: string) => token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");

describe.each(databases)("the example signing API on %s", (kind) => {
  let latchkey: TestServer;
  let api: FastifyInstance;
  let base: string;
  let org: TestOrganization;
  let readOnly: KeyCaller;
  let scoped: KeyCaller;
  let live: KeyCaller;

  beforeAll(async () => {
    latchkey = await createTestServer(kind, { RATE_LIMIT_KEY_PER_MINUTE: "20" });
    const platform = await createPlatformKey(latchkey, "signing API");
    api = buildApp({ latchkeyUrl: latchkey.url, platformKey: platform.token });
    base = `${await api.listen({ port: 0, host: "127.0.0.1" })}/v3/signature_requests`;
    org = await createOrganization(latchkey, { apiPlan: "Scale", workspaces: 2 });
    readOnly = await createKey(latchkey, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    scoped = await createKey(latchkey, org.admin, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      permission: "FULL_ACCESS",
      workspaceIds: [org.workspaceIds[0]],
    });
    live = await createKey(latchkey, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
  });
  afterAll(async () => {
    await api.close();
    await latchkey.close();
  });

  const call = async (token: string | null, method: "GET" | "POST", workspaceId: string, title?: string) => {
    const response = await fetch(method === "GET" ? `${base}?workspace_id=${workspaceId}` : base, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === "POST" ? { "content-type": "application/json" } : {}),
      },
      body: method === "POST" ? JSON.stringify({ workspace_id: workspaceId, title }) : undefined,
    });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() };
  };

  it("a full-access key creates in its workspace; a read-only key reads but may not create (403)", async () => {
    const [w1, w2] = org.workspaceIds;
    expect((await call(scoped.token, "POST", w1, "NDA")).status).toBe(201);
    const listed = await call(readOnly.token, "GET", w1);
    expect(listed.status).toBe(200);
    expect((JSON.parse(listed.body) as { data: { title: string }[] }).data.map((r) => r.title)).toEqual(["NDA"]);
    expect((await call(readOnly.token, "POST", w1, "Nope")).status).toBe(403);
    // a workspace outside the key's scope
    expect((await call(scoped.token, "POST", w2, "Elsewhere")).status).toBe(403);
    expect((await call(scoped.token, "GET", w2)).status).toBe(403);
  });

  it("sandbox and production never mix: a production key does not see what a sandbox key made", async () => {
    const w1 = org.workspaceIds[0];
    await call(scoped.token, "POST", w1, "Sandbox only");
    const production = JSON.parse((await call(live.token, "GET", w1)).body) as { data: unknown[] };
    expect(production.data).toEqual([]);
  });

  it("no key, a mistyped one, a revoked one: 401 (the revocation holds on the very next request)", async () => {
    const w1 = org.workspaceIds[0];
    expect((await call(null, "GET", w1)).status).toBe(401);
    expect((await call(mistype(readOnly.token), "GET", w1)).status).toBe(401);
    const doomed = await createKey(latchkey, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    expect((await call(doomed.token, "GET", w1)).status).toBe(200);
    await org.admin.request(RevokeApiKeyDocument, { id: doomed.keyId });
    expect((await call(doomed.token, "GET", w1)).status).toBe(401);
  });

  it("a key's IP allowlist holds for the platform's API too: the caller's address is passed, outside it is 403", async () => {
    const w1 = org.workspaceIds[0];
    const key = (allowedIpRanges: string[]) =>
      createKey(latchkey, org.admin, {
        environment: "SANDBOX",
        scope: "ORGANIZATION",
        permission: "READ_ONLY",
        allowedIpRanges,
      });
    // the signing API sees its callers on 127.0.0.1
    expect((await call((await key(["127.0.0.0/8"])).token, "GET", w1)).status).toBe(200);
    const outside = await call((await key(["10.0.0.0/8"])).token, "GET", w1);
    expect({ status: outside.status, body: outside.body }).toEqual({
      status: 403,
      body: JSON.stringify({ error: "ip_not_allowed" }),
    });
  });

  it("over the key's budget: 429 with Retry-After", async () => {
    const busy = await createKey(latchkey, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 21; i++) {
      const answer = await call(busy.token, "GET", org.workspaceIds[0]);
      statuses.push(answer.status);
      retryAfter = answer.retryAfter ?? retryAfter;
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});
