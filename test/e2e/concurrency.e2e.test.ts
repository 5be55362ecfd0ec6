import type { Logger, QueryRunner } from "typeorm";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  OrganizationDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import { createOrganization, createTestServer, type TestServer } from "../support/server";

const input: CreateApiKeyInput = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" };

/** Records every SQL statement the server's DataSource runs (TypeORM calls the logger for each one). */
function recordQueries(server: TestServer): { queries: string[]; stop(): void } {
  const queries: string[] = [];
  const db = server.db as unknown as { logger: Logger };
  const original = db.logger;
  db.logger = {
    ...original,
    logQuery: (query: string, _parameters?: unknown[], _runner?: QueryRunner) => void queries.push(query),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  return { queries, stop: () => void (db.logger = original) };
}

describe.each(databases)("concurrent key creation on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind);
  });
  afterAll(() => server.close());

  it("220 parallel createApiKey on a fresh organization: exactly 200 keys and 20 API_KEY_LIMIT_REACHED", async () => {
    const org = await createOrganization(server);
    const results = await Promise.all(
      Array.from({ length: 220 }, (_, i) =>
        org.admin.request(CreateApiKeyDocument, { input: { ...input, description: `parallel ${i}` } }),
      ),
    );
    const outcomes = results.map((r) => (r.data?.createApiKey ? "created" : codesOf(r).join(",")));
    const tally = outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
    expect(tally).toEqual({ created: 200, API_KEY_LIMIT_REACHED: 20 });
    expect(results.every((r) => r.status === 200)).toBe(true);

    const [row] = await server.db.query<
      {
        n: number;
      }[]
    >("SELECT COUNT(*) AS n FROM api_key WHERE organization_id = ?", [org.id]);
    expect(Number(row.n)).toBe(200);
    const quota = await org.admin.request(OrganizationDocument, {});
    expect(quota.data?.organization.apiKeyQuota).toEqual({ active: 200, limit: 200, remaining: 0 });
    const list = await org.admin.request(ApiKeysDocument, { filter: { status: ["ACTIVE"] } });
    expect(list.data?.apiKeys.totalCount).toBe(200);
  });

  it("30 parallel first creations start the API trial exactly once", async () => {
    const org = await createOrganization(server);
    const recorder = recordQueries(server);
    let results;
    try {
      results = await Promise.all(Array.from({ length: 30 }, () => org.admin.request(CreateApiKeyDocument, { input })));
    } finally {
      recorder.stop();
    }
    expect(results.filter((r) => r.data?.createApiKey).length).toBe(30);
    const trialStarts = recorder.queries.filter(
      (q) => /^UPDATE\b.*organization/i.test(q) && /api_trial_started_at/.test(q),
    );
    expect(trialStarts).toHaveLength(1);

    const { data } = await org.admin.request(OrganizationDocument, {});
    const createdAts = results.map((r) => r.data!.createApiKey.apiKey.createdAt);
    // the trial started at the moment one of the 30 keys was created
    expect(createdAts).toContain(data!.organization.apiTrial!.startedAt);
  });
});
