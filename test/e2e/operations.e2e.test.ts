import { rawGraphql } from "../support/client";
import { databases } from "../support/databases";
import { CreateApiKeyDocument, ViewerDocument } from "../support/gql/graphql";
import { graphql } from "../support/client";
import { createOrganization, createTestServer, type TestServer } from "../support/server";

const base = (server: TestServer) => server.url.replace(/\/graphql$/, "");

describe.each(databases)("operational routes on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind);
  });
  afterAll(() => server.close());

  it("/healthz and /readyz answer 200 while the database is reachable", async () => {
    const health = await fetch(`${base(server)}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const ready = await fetch(`${base(server)}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "ok" }]);
  });

  it("/metrics exposes requests by operation and outcome, latency, key authentications and the pool", async () => {
    const org = await createOrganization(server);
    await org.admin.request(ViewerDocument, {});
    const created = await org.admin.request(CreateApiKeyDocument, {
      input: { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
    });
    const token = created.data!.createApiKey.token;
    await graphql(server.url, ViewerDocument, {}, token);
    await graphql(server.url, ViewerDocument, {}, token.slice(0, -1) + (token.endsWith("a") ? "b" : "a"));
    await rawGraphql(server.url, { query: "query Nope { apiKeys { totalCount } }" });

    const response = await fetch(`${base(server)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    // labelled by root field (the client's operationName is never a label); refusals before GraphQL by reason
    expect(text).toMatch(/latchkey_graphql_requests_total\{operation="viewer",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/latchkey_graphql_requests_total\{operation="createApiKey",outcome="ok"\} 1/);
    expect(text).toMatch(/latchkey_graphql_requests_total\{operation="apiKeys",outcome="UNAUTHENTICATED"\} 1/);
    expect(text).toMatch(
      /latchkey_graphql_requests_total\{operation="none",outcome="UNAUTHENTICATED",reason="bad_checksum"\} 1/,
    );
    expect(text).not.toContain("Nope");
    expect(text).toMatch(/latchkey_graphql_request_duration_seconds_bucket\{le="0\.1",operation="viewer"\} [1-9]/);
    expect(text).toMatch(/latchkey_api_key_authentications_total\{outcome="success"\} 1/);
    expect(text).toMatch(/latchkey_api_key_authentications_total\{outcome="bad_checksum"\} 1/);
    expect(text).toMatch(/latchkey_db_pool_connections\{state="total"\} [1-9]/);
    expect(text).toContain("latchkey_process_resident_memory_bytes");
    expect(text).not.toContain(token);
  });

  it("keeps a valid x-request-id, replaces a hostile one, and returns it on every response", async () => {
    const given = await fetch(`${base(server)}/healthz`, { headers: { "x-request-id": "trace-123.abc" } });
    expect(given.headers.get("x-request-id")).toBe("trace-123.abc");
    const hostile = await fetch(`${base(server)}/healthz`, { headers: { "x-request-id": "bad id\twith spaces" } });
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const logged = server.logs
      .map((l) => JSON.parse(l) as { reqId?: string })
      .filter((l) => l.reqId === "trace-123.abc");
    expect(logged.length).toBeGreaterThan(0);
  });

  it("when the database is gone: /readyz 503, requests get a masked INTERNAL_SERVER_ERROR with the request id, logged", async () => {
    const doomed = await createTestServer(kind);
    try {
      const org = await createOrganization(doomed);
      await doomed.db.destroy();
      const ready = await fetch(`${base(doomed)}/readyz`);
      expect(ready.status).toBe(503);
      expect(await fetch(`${base(doomed)}/healthz`).then((r) => r.status)).toBe(200);

      const response = await fetch(doomed.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-request-id": "db-down-1",
          authorization: `Bearer ${org.admin.token}`,
        },
        body: JSON.stringify({ query: "{ viewer { organization { name } } }" }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0].extensions).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: "db-down-1" });
      expect(body.errors[0].message).toBe("Internal server error (request id db-down-1)");
      expect(text).not.toMatch(/SELECT|sqlite|mysql|stack|at /i);
      expect(text).not.toContain(org.admin.token);
      const logLines = doomed.logs.filter((l) => l.includes("db-down-1"));
      expect(logLines.some((l) => /"level":50/.test(l))).toBe(true);
      expect(logLines.join("\n")).not.toContain(org.admin.token);
    } finally {
      await doomed.close();
    }
  });
});

describe("production mode", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer("sqlite", { NODE_ENV: "production", LOG_LEVEL: "warn" });
  });
  afterAll(() => server.close());

  it("turns introspection off and hides field suggestions", async () => {
    const org = await createOrganization(server);
    const introspection = await rawGraphql(server.url, { query: "{ __schema { types { name } } }" }, org.admin.token);
    expect(introspection.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const typo = await rawGraphql(server.url, { query: "{ viewr { user { id } } }" }, org.admin.token);
    expect(typo.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(typo.text).not.toContain("Did you mean");
  });

  it("does not seed anything", async () => {
    const [row] = await server.db.query<{ n: number }[]>(
      "SELECT COUNT(*) AS n FROM organization WHERE name = 'Demo Organization'",
    );
    expect(Number(row.n)).toBe(0);
  });
});
