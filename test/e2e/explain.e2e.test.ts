import type { Logger } from "typeorm";
import { newId } from "../../src/common/ids";
import { ApiKeysDocument, CreateApiKeyDocument } from "../support/gql/graphql";
import { createOrganization, createTestServer, type TestServer } from "../support/server";

/** The SQL the server sends while `work` runs (TypeORM calls the logger for each statement). */
async function statementsOf(
  server: TestServer,
  work: () => Promise<unknown>,
): Promise<{ sql: string; parameters: unknown[] }[]> {
  const seen: { sql: string; parameters: unknown[] }[] = [];
  const db = server.db as unknown as { logger: Logger };
  const original = db.logger;
  db.logger = {
    ...original,
    logQuery: (sql: string, parameters?: unknown[]) => void seen.push({ sql, parameters: parameters ?? [] }),
  };
  try {
    await work();
  } finally {
    db.logger = original;
  }
  return seen;
}

interface ExplainRow {
  table: string;
  type: string;
  key: string | null;
  Extra: string | null;
}

const run = process.env.TEST_MYSQL_URL ? describe : describe.skip;

run("the key list's query plans on MariaDB", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof createOrganization>>;
  beforeAll(async () => {
    server = await createTestServer("mysql");
    org = await createOrganization(server, { workspaces: 3 });
    // 30 organizations × 100 keys, so that scanning everything would be a real choice for the optimizer
    const orgs = [org.id];
    for (let i = 0; i < 29; i++) orgs.push((await createOrganization(server, { workspaces: 1 })).id);
    const rows: unknown[][] = [];
    const base = Date.now() - 10_000_000;
    orgs.forEach((organizationId, o) => {
      for (let k = 0; k < 100; k++) {
        const at = new Date(base + o * 100_000 + k * 1000);
        rows.push([
          newId(),
          organizationId,
          `key ${k}`,
          k % 3 ? "SANDBOX" : "PRODUCTION",
          "ORGANIZATION",
          "FULL_ACCESS",
          newId() + newId().slice(0, 28),
          "lk_test_xxxx…xxxx",
          k % 10 === 0 ? at : null,
          at,
          at,
        ]);
      }
    });
    const placeholders = rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
    await server.db.query(
      `INSERT INTO api_key (id, organization_id, description, environment, scope, permission, token_hash, token_hint, revoked_at, created_at, updated_at) VALUES ${placeholders}`,
      rows.flat(),
    );
    // and a few of the newest keys scoped to workspaces, created the ordinary way
    for (let i = 0; i < 5; i++) {
      await org.admin.request(CreateApiKeyDocument, {
        input: {
          environment: "SANDBOX",
          scope: "WORKSPACE",
          permission: "READ_ONLY",
          workspaceIds: [org.workspaceIds[i % 3]],
        },
      });
    }
    await server.db.query("ANALYZE TABLE api_key, api_key_workspace, workspace, `user`");
  });
  afterAll(() => server.close());

  const explain = async (sql: string, parameters: unknown[]) =>
    await server.db.query<ExplainRow[]>(`EXPLAIN ${sql}`, parameters);

  it.each([
    ["the default page (CREATED_AT DESC)", {}],
    [
      "a page filtered by status and environment",
      { filter: { status: ["ACTIVE" as const], environment: ["SANDBOX" as const] } },
    ],
    ["the next page after a cursor", "after"],
  ])(
    "%s reads only the organization's keys through an index, in index order (no filesort)",
    async (_name, variables) => {
      let vars: Record<string, unknown> = typeof variables === "string" ? {} : variables;
      if (variables === "after") {
        const first = await org.admin.request(ApiKeysDocument, { first: 20 });
        vars = { after: first.data!.apiKeys.pageInfo.endCursor };
      }
      const statements = await statementsOf(server, () => org.admin.request(ApiKeysDocument, { first: 20, ...vars }));
      const page = statements.find((s) => /FROM `api_key` `k`/.test(s.sql) && /ORDER BY/.test(s.sql))!;
      const count = statements.find((s) => /COUNT\(/.test(s.sql) && /FROM `api_key` `k`/.test(s.sql))!;
      expect(page).toBeDefined();
      expect(count).toBeDefined();

      const pagePlan = await explain(page.sql, page.parameters);
      const keys = pagePlan.find((r) => r.table === "k")!;
      expect([keys.type, keys.key]).toEqual([
        expect.not.stringMatching(/^ALL$/),
        expect.stringMatching(/^IDX_api_key_org/),
      ]);
      expect(keys.Extra ?? "").not.toMatch(/filesort/i);
      for (const row of pagePlan) expect([row.table, row.type]).not.toEqual([row.table, "ALL"]);

      const countPlan = await explain(count.sql, count.parameters);
      for (const row of countPlan) {
        expect([row.table, row.type]).not.toEqual([row.table, "ALL"]);
        expect(row.key ?? "").toMatch(/^IDX_api_key_org/);
      }
    },
  );

  it("authenticates a key with its organization in one statement: the token hash's unique index, then the organization's primary key", async () => {
    const created = await org.admin.request(CreateApiKeyDocument, {
      input: { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
    });
    const token = created.data!.createApiKey.token;
    const statements = await statementsOf(server, () =>
      fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "{ __typename }" }),
      }),
    );
    const lookups = statements.filter((s) => /FROM `api_key` `k`/.test(s.sql));
    expect(lookups).toHaveLength(1);
    expect(lookups[0].sql).toMatch(/LEFT JOIN `organization` `o`/);
    const plan = await explain(lookups[0].sql, lookups[0].parameters);
    expect(plan.map((row) => [row.table, row.type, row.key])).toEqual([
      ["k", "const", "UQ_api_key_token_hash"],
      ["o", "const", "PRIMARY"],
    ]);
  });

  it("loads the page's workspaces through indexes only", async () => {
    const statements = await statementsOf(server, () => org.admin.request(ApiKeysDocument, { first: 20 }));
    const links = statements.find((s) => /FROM `api_key_workspace`/.test(s.sql))!;
    expect(links).toBeDefined();
    const plan = await explain(links.sql, links.parameters);
    for (const row of plan) {
      expect([row.table, row.type]).not.toEqual([row.table, "ALL"]);
      // the optimizer may start from the keys' links or from the organization's workspaces: an index either way
      expect([row.table, row.key]).toEqual([
        row.table,
        expect.stringMatching(/^(PRIMARY|IDX_workspace_org_created|IDX_api_key_workspace_workspace)$/),
      ]);
    }
  });
});
