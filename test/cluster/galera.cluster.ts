/**
 * The 200-key rule and the trial on a distributed engine (issue 15 §3): a 3-node MariaDB Galera cluster on
 * loopback (.ci/start-galera), one real Latchkey process per node. Galera certifies only the rows a transaction
 * writes, so a SELECT … FOR UPDATE on one node does not stop another: the quota transaction writes the
 * organization row (organization.locks.ts) and certification failures (errno 1213) are retried whole.
 *
 * Run by `npm run test:cluster` (.ci/test-cluster starts and stops the cluster; CI runs it once per run).
 * TEST_GALERA_URLS: the nodes' URLs, comma-separated.
 */
import { expect } from "@jest/globals";
import { createConnection } from "mysql2/promise";
import { mysqlUri, onDatabase, scratchDatabase, type ScratchDatabase } from "../support/databases";
import { graphql } from "../support/client";
import { CreateApiKeyDocument, CreateUserDocument, UpdateUserDocument } from "../support/gql/graphql";
import { startServerProcess, type ServerProcess } from "../support/processes";
import { callerWith, createOrganization, createTestServer, type TestServer } from "../support/server";

const NODES = (process.env.TEST_GALERA_URLS ?? "").split(",").filter(Boolean);
const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;

/** latchkey_transaction_retries_total of one process, summed over its labels. */
async function retriesOf(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.origin}/metrics`)).text();
  return [...text.matchAll(/^latchkey_transaction_retries_total(?:\{[^}]*\})? (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

describe("the 200-key rule and the trial on a 3-node Galera cluster", () => {
  let database: string;
  let scratch: ScratchDatabase;
  let setup: TestServer;
  let servers: ServerProcess[];

  beforeAll(async () => {
    if (NODES.length !== 3) throw new Error("TEST_GALERA_URLS must name the 3 nodes (run `npm run test:cluster`)");
    scratch = await scratchDatabase("mysql", NODES[0]);
    database = scratch.name;
    // migrates through node1 (DDL replicates to all), and serves the setup requests
    setup = await createTestServer("mysql", { DATABASE_URL: onDatabase(NODES[0], database) });
    servers = await Promise.all(NODES.map((node) => startServerProcess(onDatabase(node, database))));
  });

  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await setup?.close();
    await scratch?.drop();
  });

  /** `count` concurrent creations by the admin, round-robin over the three servers. */
  async function burst(token: string, count: number) {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const node = i % servers.length;
        const result = await graphql(
          servers[node].url,
          CreateApiKeyDocument,
          { input: { ...SANDBOX, description: `k${i}` } },
          token,
        );
        return { node, code: result.data ? "OK" : String(result.errors?.[0]?.extensions?.code ?? result.status) };
      }),
    );
    return { results, ms: Date.now() - started };
  }

  /** One node's view, after every write committed anywhere has been applied there (wsrep_sync_wait). */
  async function onNode<T>(node: number, sql: string, params: unknown[]): Promise<T[]> {
    const conn = await createConnection({ uri: mysqlUri(onDatabase(NODES[node], database)) });
    await conn.query("SET SESSION wsrep_sync_wait = 1");
    const [rows] = await conn.query(sql, params);
    await conn.end();
    return rows as T[];
  }

  it("220 concurrent creations spread over the three nodes: exactly 200 keys, 20 API_KEY_LIMIT_REACHED", async () => {
    const org = await createOrganization(setup);
    const retriesBefore = await Promise.all(servers.map(retriesOf));
    const { results, ms } = await burst(org.admin.token, 220);
    const retries = (await Promise.all(servers.map(retriesOf))).map((n, i) => n - retriesBefore[i]);
    const perNode = servers.map((_, node) => results.filter((r) => r.node === node && r.code === "OK").length);
    console.log(
      `220 creations on 3 nodes in ${ms} ms: created per node ${perNode.join("/")}, retries per node ${retries.join("/")}`,
    );

    const codes = results.reduce<Record<string, number>>((n, r) => ({ ...n, [r.code]: (n[r.code] ?? 0) + 1 }), {});
    expect(codes).toEqual({ OK: 200, API_KEY_LIMIT_REACHED: 20 });
    for (let node = 0; node < 3; node++) {
      const [{ n }] = await onNode<{ n: number }>(
        node,
        "SELECT COUNT(*) AS n FROM api_key WHERE organization_id = ? AND revoked_at IS NULL",
        [org.id],
      );
      expect(Number(n)).toBe(200);
    }
  });

  it("30 concurrent first creations over the three nodes: the trial starts once", async () => {
    const org = await createOrganization(setup);
    const { results, ms } = await burst(org.admin.token, 30);
    console.log(`30 first creations on 3 nodes in ${ms} ms`);
    expect(results.filter((r) => r.code === "OK")).toHaveLength(30);
    const [organization] = await onNode<{ started: Date; ends: Date }>(
      2,
      "SELECT api_trial_started_at AS started, api_trial_ends_at AS ends FROM organization WHERE id = ?",
      [org.id],
    );
    // started in the transaction of one of the keys (a key's createdAt is its transaction's instant), and once
    const keys = await onNode<{ created: Date }>(
      2,
      "SELECT created_at AS created FROM api_key WHERE organization_id = ?",
      [org.id],
    );
    expect(keys.map((k) => k.created.getTime())).toContain(organization.started.getTime());
    const started = await onNode<{ n: number }>(
      2,
      "SELECT COUNT(*) AS n FROM audit_event WHERE organization_id = ? AND action = 'organization.trial_started'",
      [org.id],
    );
    expect(Number(started[0].n)).toBe(1);
  });

  it("the only two admins stepping down at once on two nodes leave one admin (a race that writes no common row but the lock's)", async () => {
    // 10 organizations at once: in each, admin A demotes itself through node 1 while admin B does through node 2
    const rounds = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const org = await createOrganization(setup);
        const b = await org.admin.request(CreateUserDocument, {
          input: { email: `b-${org.id}@example.test`, role: "ADMIN" },
        });
        const bId = b.data!.createUser.id;
        const adminB = callerWith(setup, await setup.services.jwt.sign(bId, "1h"), bId);
        const [first, second] = await Promise.all([
          graphql(
            servers[0].url,
            UpdateUserDocument,
            { input: { id: org.admin.userId, role: "MEMBER" } },
            org.admin.token,
          ),
          graphql(servers[1].url, UpdateUserDocument, { input: { id: bId, role: "MEMBER" } }, adminB.token),
        ]);
        const codes = [first, second].map((r) => (r.data ? "OK" : String(r.errors?.[0]?.extensions?.code))).sort();
        const [{ n }] = await onNode<{ n: number }>(
          2,
          "SELECT COUNT(*) AS n FROM `user` WHERE organization_id = ? AND role = 'ADMIN'",
          [org.id],
        );
        return { codes, admins: Number(n) };
      }),
    );
    expect(rounds).toEqual(Array.from({ length: 10 }, () => ({ codes: ["BAD_USER_INPUT", "OK"], admins: 1 })));
  });
});
