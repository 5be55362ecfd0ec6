/**
 * Secrets and observability (issue "The environment boundary, hostile input…", §3): query strings never reach a log
 * line, /metrics labels are bounded and not the clients' words, refused requests are counted, and /metrics is
 * closed in production unless METRICS_TOKEN or METRICS_PORT opens it.
 */
import { ApiKey } from "../../src/modules/api-key/api-key.entity";
import { generateToken } from "../../src/modules/api-key/token";
import { rawGraphql } from "../support/client";
import { createOrganization, createTestServer, type TestOrganization, type TestServer } from "../support/server";

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});
const start = async (env: Record<string, string> = {}) => {
  const s = await createTestServer("sqlite", env);
  servers.push(s);
  return s;
};

describe("query strings are never logged", () => {
  it("?access_token=<jwt>, ?token=lk_… on /graphql, /healthz and an unknown route: no log line and no answer holds them", async () => {
    const server = await start();
    const org = await createOrganization(server, { workspaces: 0 });
    const key = generateToken("SANDBOX");
    const marker = `marker${Date.now()}`;
    const urls = [
      `${server.url}?access_token=${org.admin.token}&m=${marker}`,
      `${server.url}?token=${key}&m=${marker}`,
      `${server.origin}/healthz?token=${key}&m=${marker}`,
      `${server.origin}/no-such-route?access_token=${org.admin.token}&m=${marker}`,
    ];
    const before = server.logs.length;
    for (const url of urls) {
      const response = await fetch(url, {
        method: url.includes("/graphql") ? "POST" : "GET",
        headers: { "content-type": "application/json" },
        body: url.includes("/graphql") ? JSON.stringify({ query: "{ __typename }" }) : undefined,
      });
      const text = await response.text();
      expect(text).not.toContain(org.admin.token);
      expect(text).not.toContain(key);
    }
    const lines = server.logs.slice(before).join("\n");
    expect(lines).toContain("?[redacted]");
    expect(lines).not.toContain(marker);
    expect(lines).not.toContain(org.admin.token);
    expect(lines).not.toContain(key);
    expect(lines).not.toContain("access_token");
  });
});

describe("/metrics", () => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await start();
    org = await createOrganization(server, { workspaces: 1 });
  });
  const metrics = async () => (await fetch(server.metricsUrl)).text();
  const series = (text: string, name: string) => text.split("\n").filter((line) => line.startsWith(`${name}{`));

  it("labels requests by their root field, never by the client's operationName: 300 names make no new series", async () => {
    for (let i = 0; i < 300; i++) {
      const result = await rawGraphql(
        server.url,
        { query: `query TenantSecret${i} { viewer { organization { id } } }` },
        org.admin.token,
      );
      expect(result.status).toBe(200);
    }
    await rawGraphql(
      server.url,
      { query: `query Two { viewer { user { id } } organization { id } }` },
      org.admin.token,
    );
    await rawGraphql(server.url, { query: `{ __schema { queryType { name } } }` }, org.admin.token);
    await rawGraphql(server.url, { query: `{ nope }` }, org.admin.token);
    const text = await metrics();
    expect(text).not.toContain("TenantSecret");
    const requests = series(text, "latchkey_graphql_requests_total");
    expect(requests).toContainEqual(
      expect.stringMatching(/^latchkey_graphql_requests_total\{operation="viewer",outcome="ok"\} (\d+)$/),
    );
    const viewer = requests.find((line) =>
      line.startsWith(`latchkey_graphql_requests_total{operation="viewer",outcome="ok"}`),
    )!;
    expect(Number(viewer.split(" ")[1])).toBeGreaterThanOrEqual(300);
    const labels = new Set(requests.map((line) => /operation="([^"]*)"/.exec(line)![1]));
    expect(labels).toEqual(new Set(["viewer", "multiple", "introspection", "invalid"]));
  });

  it("counts requests refused with 401, by reason", async () => {
    const revoked = await rawGraphql<{ createApiKey: { token: string; apiKey: { id: string } } }>(
      server.url,
      {
        query: `mutation { createApiKey(input: { environment: SANDBOX, scope: ORGANIZATION, permission: READ_ONLY }) { token apiKey { id } } }`,
      },
      org.admin.token,
    );
    await server.db
      .getRepository(ApiKey)
      .update({ id: revoked.data!.createApiKey.apiKey.id }, { revokedAt: new Date() });
    const send = (authorization: string) =>
      rawGraphql(server.url, { query: "{ __typename }" }, null, { authorization }).then((r) => r.status);
    const statuses = [
      await send(`Bearer lk_test_${"0".repeat(36)}`),
      await send(`Bearer ${generateToken("SANDBOX")}`),
      await send(`Bearer ${generateToken("SANDBOX")}`),
      await send(`Bearer ${revoked.data!.createApiKey.token}`),
      await send(`Bearer not.a.jwt`),
      await send(`Basic dXNlcjpwYXNz`),
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    const refused = series(await metrics(), "latchkey_graphql_requests_total").filter((line) =>
      line.includes('outcome="UNAUTHENTICATED"'),
    );
    const count = (reason: string) =>
      Number(refused.find((line) => line.includes(`reason="${reason}"`))?.split(" ")[1] ?? 0);
    expect({
      bad_checksum: count("bad_checksum"),
      unknown: count("unknown"),
      revoked: count("revoked"),
      invalid_jwt: count("invalid_jwt"),
      malformed_header: count("malformed_header"),
    }).toEqual({ bad_checksum: 1, unknown: 2, revoked: 1, invalid_jwt: 1, malformed_header: 1 });
  });
});

describe("/metrics in production", () => {
  const production = { NODE_ENV: "production" };

  it("is not served without METRICS_TOKEN or METRICS_PORT (404), and a warning says why", async () => {
    const server = await start(production);
    expect((await fetch(server.metricsUrl)).status).toBe(404);
    expect(server.logs.join("\n")).toContain("METRICS_TOKEN or METRICS_PORT");
  });

  it("with METRICS_TOKEN: 401 without it or with another, 200 with it", async () => {
    const token = "metrics-token-0123456789abcdef";
    const server = await start({ ...production, METRICS_TOKEN: token });
    expect((await fetch(server.metricsUrl)).status).toBe(401);
    expect((await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const ok = await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("latchkey_graphql_requests_total");
  });

  it("with METRICS_PORT: served on its own listener only, not on the API's port", async () => {
    const server = await start({ ...production, METRICS_PORT: "0" });
    expect(server.metricsUrl).not.toBe(`${server.origin}/metrics`);
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
    const ok = await fetch(server.metricsUrl);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("latchkey_graphql_requests_total");
  });
});
