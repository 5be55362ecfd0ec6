import { codesOf, graphql, rawGraphql } from "../support/client";
import { CreateApiKeyDocument, ViewerDocument } from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const post = (url: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(url, { method: "POST", headers, body });

describe("query limits (graphql-armor)", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await createTestServer("sqlite", { NODE_ENV: "production" });
    token = (await createOrganization(server)).admin.token;
  });
  afterAll(() => server.close());

  const refused = async (query: string) => {
    const result = await rawGraphql(server.url, { query }, token);
    expect(result.data ?? null).toBeNull();
    expect(codesOf(result)).toContain(result.errors![0].extensions?.code);
    expect(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT"]).toContain(
      result.errors![0].extensions?.code,
    );
    // exposeLimits: false — the answer does not tell the limit
    expect(result.errors!.map((e) => e.message).join(" ")).not.toMatch(/\b(10|15|20|2000|20000)\b/);
    return result;
  };

  const nest = (depth: number) => {
    // viewer > user > workspaces repeated through documents: build an 11-deep selection
    let inner = "id";
    for (let i = 0; i < depth; i++) inner = `apiKey { createdBy { ... on ApiKey { ${inner} } } }`;
    return `{ viewer { ${inner} } }`;
  };

  it("accepts the real dashboard queries", async () => {
    const result = await rawGraphql(
      server.url,
      {
        query:
          "{ apiKeys(first: 100) { totalCount edges { cursor node { id workspaces { id name } createdBy { ... on User { id workspaces { id } } ... on ApiKey { id } } } } } }",
      },
      token,
    );
    expect(result.errors).toBeUndefined();
  });

  it("refuses a query deeper than the depth limit", async () => {
    await refused(nest(6));
  });

  it("refuses the __schema fragment trick that bypassed the depth limit in older graphql-armor", async () => {
    // 2 levels outside the fragment + 10 inside it: 12 > 10, hidden in a fragment named like introspection
    let inner = "id";
    for (let i = 0; i < 8; i++) inner = `createdBy { ... on ApiKey { ${inner} } }`;
    const query = `{ viewer { apiKey { ...__schema } } } fragment __schema on ApiKey { createdBy { ... on ApiKey { ${inner} } } }`;
    const result = await refused(query);
    expect(result.errors![0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    // and the same depth without the fragment trick is refused the same way
    await refused(`{ viewer { apiKey { createdBy { ... on ApiKey { ${inner} } } } } }`);
  });

  it("refuses too many aliases", async () => {
    await refused(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { organization { id } }`).join(" ")} }`);
  });

  it("refuses a too costly query", async () => {
    const page =
      "apiKeys(first: 100) { nodes { id description tokenHint workspaces { id name createdAt } createdBy { ... on User { id email workspaces { id name } } } } }";
    await refused(`{ ${Array.from({ length: 3 }, (_, i) => `p${i}: ${page}`).join(" ")} }`);
  });

  it("refuses too many tokens and too many directives", async () => {
    await refused(`{ viewer { organization { ${Array.from({ length: 1100 }, () => "id").join(" ")} } } }`);
    await refused(
      `{ viewer { organization { id ${Array.from({ length: 21 }, () => "@include(if: true)").join(" ")} } } }`,
    );
  });
});

describe("HTTP limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer("sqlite");
  });
  afterAll(() => server.close());

  it("refuses request bodies over 1 MB with 413, and accepts one just under", async () => {
    const big = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1024 * 1024) } });
    expect((await post(server.url, big)).status).toBe(413);
    const fits = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1000 * 1000) } });
    expect((await post(server.url, fits)).status).toBe(200);
  });

  it("refuses batched requests", async () => {
    const response = await post(server.url, JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]));
    expect(response.status).toBe(400);
  });

  it("prevents CSRF: simple (form-like) requests and GETs without a preflight header are refused", async () => {
    // Fastify refuses bodies it cannot parse (415) before Apollo's CSRF check (400) would
    const textPlain = await post(server.url, JSON.stringify({ query: "{ __typename }" }), {
      "content-type": "text/plain",
    });
    expect([400, 415]).toContain(textPlain.status);
    const form = await post(server.url, "query=%7B__typename%7D", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect([400, 415]).toContain(form.status);
    const noType = await post(server.url, JSON.stringify({ query: "{ __typename }" }), {});
    expect([400, 415]).toContain(noType.status);
    const simpleGet = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(simpleGet.status).toBe(400);
    const preflighted = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(preflighted.status).toBe(200);
  });

  it("accepts GET queries that carry Authorization (urql's default; no form can send that header); mutations stay POST-only", async () => {
    const org = await createOrganization(server, { workspaces: 0 });
    const get = (query: string) =>
      fetch(`${server.url}?query=${encodeURIComponent(query)}`, {
        headers: {
          authorization: `Bearer ${org.admin.token}`,
          accept: "application/graphql-response+json, application/json",
        },
      });
    const query = await get("{ viewer { organization { id } } }");
    expect(query.status).toBe(200);
    expect(
      ((await query.json()) as { data: { viewer: { organization: { id: string } } } }).data.viewer.organization.id,
    ).toBe(org.id);
    const mutation = await get(`mutation { createWorkspace(input: { name: "by GET" }) { id } }`);
    expect(mutation.status).toBe(405);
    expect(await server.db.query(`SELECT id FROM workspace WHERE organization_id = ?`, [org.id])).toEqual([]);
  });
});

describe.each([
  ["in memory", undefined],
  ["in Redis", process.env.TEST_REDIS_URL],
])("rate limits %s", (_where, redisUrl) => {
  const maybe = redisUrl === undefined && _where === "in Redis" ? describe.skip : describe;
  maybe("", () => {
    let server: TestServer;
    const limits = {
      RATE_LIMIT_KEY_PER_MINUTE: "5",
      RATE_LIMIT_ORG_PER_MINUTE: "12",
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    };
    beforeAll(async () => {
      server = await createTestServer("sqlite", limits);
    });
    afterAll(() => server.close());

    const newKey = async (org: TestOrganization) =>
      (await createKey(server, org.admin, { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" }))
        .token;

    it("answers 429 RATE_LIMITED with Retry-After once a key has spent its budget", async () => {
      const org = await createOrganization(server);
      const token = await newKey(org);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await graphql(server.url, ViewerDocument, {}, token)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "{ viewer { apiKey { id } } }" }),
      });
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const body = (await response.json()) as { errors: { extensions: { code: string; retryAfter: number } }[] };
      expect(body.errors[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfter });
      // another key of the same organization still has its own budget
      expect((await graphql(server.url, ViewerDocument, {}, await newKey(org))).status).toBe(200);
    });

    it("caps each environment of an organization: a sandbox flood spends the sandbox budget only; another organization never notices", async () => {
      const flooding = await createOrganization(server, { apiPlan: "Scale" });
      const calm = await createOrganization(server);
      const keys = await Promise.all([newKey(flooding), newKey(flooding), newKey(flooding)]);
      const live = await flooding.admin.request(CreateApiKeyDocument, {
        input: { environment: "PRODUCTION", scope: "ORGANIZATION", permission: "READ_ONLY" },
      });
      const flood = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          graphql(server.url, ViewerDocument, {}, keys[i % keys.length]).then((r) => r.status),
        ),
      );
      // the sandbox budget (12) is the keys' own: the admin's four creations counted as production
      expect(flood.filter((s) => s === 200).length).toBe(12);
      expect(flood.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      expect(codesOf(await graphql(server.url, ViewerDocument, {}, keys[0]))).toEqual(["RATE_LIMITED"]);
      // production (its keys and the organization's users) still has its own budget: 4 creations spent, 8 left
      expect((await graphql(server.url, ViewerDocument, {}, live.data!.createApiKey.token)).status).toBe(200);
      const production = await Promise.all(
        Array.from({ length: 10 }, () => flooding.admin.request(ViewerDocument, {}).then((r) => r.status)),
      );
      expect(production.filter((s) => s === 200).length).toBe(7);
      expect(codesOf(await flooding.admin.request(ViewerDocument, {}))).toEqual(["RATE_LIMITED"]);
      const calmStatuses = await Promise.all(
        Array.from({ length: 8 }, () => calm.admin.request(ViewerDocument, {}).then((r) => r.status)),
      );
      expect(calmStatuses.every((s) => s === 200)).toBe(true);
    });

    if (redisUrl) {
      it("shares budgets between server processes through Redis", async () => {
        // a second server process on the same database, sharing nothing with the first but Redis
        const second = await createTestServer("sqlite", { ...limits, DATABASE_URL: server.config.databaseUrl });
        try {
          const org = await createOrganization(server);
          const token = await newKey(org);
          const statuses: number[] = [];
          for (let i = 0; i < 6; i++)
            statuses.push((await graphql((i % 2 ? second : server).url, ViewerDocument, {}, token)).status);
          expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
        } finally {
          await second.close();
        }
      });
    }
  });
});

describe("the anonymous budget: requests with no credential or a refused one, per client address", () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (env: Record<string, string>) => {
    const s = await createTestServer("sqlite", { RATE_LIMIT_ANONYMOUS_PER_MINUTE: "5", ...env });
    servers.push(s);
    return s;
  };
  const anonymous = (s: TestServer, headers: Record<string, string> = {}) =>
    rawGraphql(s.url, { query: "{ __typename }" }, null, headers).then((r) => r.status);
  const refused = (s: TestServer, headers: Record<string, string> = {}) =>
    rawGraphql(s.url, { query: "{ __typename }" }, `lk_test_${"0".repeat(36)}`, headers).then((r) => r.status);
  const random = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`;

  it("no credential and bad credentials share one budget per address; then 429 RATE_LIMITED; a valid credential is never charged", async () => {
    const s = await start({});
    const org = await createOrganization(s);
    expect([await anonymous(s), await anonymous(s), await anonymous(s)]).toEqual([200, 200, 200]);
    expect([await refused(s), await refused(s)]).toEqual([401, 401]);
    const over = await rawGraphql(s.url, { query: "{ __typename }" }, null);
    expect(over.status).toBe(429);
    expect(codesOf(over)).toEqual(["RATE_LIMITED"]);
    expect(await refused(s)).toBe(429);
    const signedIn = await Promise.all(
      Array.from({ length: 10 }, () => org.admin.request(ViewerDocument, {}).then((r) => r.status)),
    );
    expect(signedIn.every((status) => status === 200)).toBe(true);
    // each refused request is counted once: two 401s (bad_checksum), then a 429 for the third
    const metrics = await (await fetch(s.metricsUrl)).text();
    expect(metrics).toMatch(
      /latchkey_graphql_requests_total\{operation="none",outcome="UNAUTHENTICATED",reason="bad_checksum"\} 2\n/,
    );
    expect(metrics).toMatch(
      /latchkey_graphql_requests_total\{operation="none",outcome="RATE_LIMITED",reason="client_address"\} 2\n/,
    );
  });

  it("X-Forwarded-For is ignored unless TRUST_PROXY says so: then each forwarded address has its own budget", async () => {
    const untrusting = await start({});
    for (let i = 0; i < 5; i++) expect(await anonymous(untrusting, { "x-forwarded-for": random() })).toBe(200);
    expect(await anonymous(untrusting, { "x-forwarded-for": random() })).toBe(429);

    const trusting = await start({ TRUST_PROXY: "127.0.0.1" });
    const a = random();
    const b = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < 5; i++) expect(await anonymous(trusting, { "x-forwarded-for": a })).toBe(200);
    expect(await anonymous(trusting, { "x-forwarded-for": a })).toBe(429);
    expect(await anonymous(trusting, { "x-forwarded-for": b })).toBe(200);
  });

  const redisUrl = process.env.TEST_REDIS_URL;
  (redisUrl ? it : it.skip)("is shared by server processes through Redis", async () => {
    const env = { TRUST_PROXY: "true", REDIS_URL: redisUrl! };
    const one = await start(env);
    const two = await start({ ...env, DATABASE_URL: one.config.databaseUrl });
    const address = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await anonymous(i % 2 ? two : one, { "x-forwarded-for": address }));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
