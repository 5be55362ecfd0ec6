/**
 * Read replicas (issue 15 §2) on a real MariaDB primary and binlog replica on loopback (.ci/start-replication):
 * the lists people look at read the replica, everything a decision depends on reads the primary. Lag is injected
 * by stopping the replica's SQL thread; "replica down" stops its server (.ci/replication).
 *
 * Run by `npm run test:cluster`. TEST_REPLICATION_URLS: the primary's and the replica's URLs, comma-separated.
 */
import { expect } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { onDatabase, scratchDatabase, type ScratchDatabase } from "../support/databases";
import { ApiKeyDocument, ApiKeysDocument, RevokeApiKeyDocument, ViewerDocument } from "../support/gql/graphql";
import { createKey, createOrganization, createTestServer, type TestServer } from "../support/server";

const [PRIMARY, REPLICA] = (process.env.TEST_REPLICATION_URLS ?? "").split(",").filter(Boolean);
const ROOT = resolve(__dirname, "../..");
const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;

/** `.ci/replication <command>`: lag-on, lag-off, replica-down, replica-up, sync. */
const replication = (command: string) =>
  execFileSync("bash", [".ci/replication", command], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });

describe("read replicas on a MariaDB primary and binlog replica", () => {
  let database: string;
  let scratch: ScratchDatabase;
  let server: TestServer;

  beforeAll(async () => {
    if (!PRIMARY || !REPLICA) throw new Error("TEST_REPLICATION_URLS must name the primary and the replica");
    scratch = await scratchDatabase("mysql", PRIMARY);
    database = scratch.name;
    replication("sync");
    server = await createTestServer("mysql", {
      DATABASE_URL: onDatabase(PRIMARY, database),
      DATABASE_REPLICA_URLS: onDatabase(REPLICA, database),
    });
    replication("sync"); // the migrations, on the replica too
  });

  afterAll(async () => {
    replication("lag-off");
    await server?.close();
    await scratch?.drop();
  });

  it("with the replica lagging, a revoked key is refused at once; the list (from the replica) still shows it active until the replica catches up", async () => {
    const org = await createOrganization(server);
    const key = await createKey(server, org.admin, SANDBOX);
    replication("sync");
    const listed = async () =>
      (await org.admin.request(ApiKeysDocument, {})).data!.apiKeys.edges.map(({ node }) => [node.id, node.status]);
    expect(await listed()).toEqual([[key.keyId, "ACTIVE"]]);

    replication("lag-on");
    expect((await org.admin.request(RevokeApiKeyDocument, { id: key.keyId })).data?.revokeApiKey.status).toBe(
      "REVOKED",
    );
    // authentication reads the primary: refused on the very next request
    expect((await key.request(ViewerDocument, {})).status).toBe(401);
    // one key by id reads the primary too; the list is the replica's, as old as its lag
    expect((await org.admin.request(ApiKeyDocument, { id: key.keyId })).data?.apiKey?.status).toBe("REVOKED");
    expect(await listed()).toEqual([[key.keyId, "ACTIVE"]]);

    replication("lag-off");
    replication("sync");
    expect(await listed()).toEqual([[key.keyId, "REVOKED"]]);
  });

  it("with the replica down, the list is served by the primary, fresh", async () => {
    const org = await createOrganization(server);
    const first = await createKey(server, org.admin, SANDBOX);
    replication("sync");
    replication("replica-down");
    try {
      const second = await createKey(server, org.admin, SANDBOX); // only the primary has it
      const listed = await org.admin.request(ApiKeysDocument, {});
      expect(listed.status).toBe(200);
      expect(listed.data!.apiKeys.totalCount).toBe(2);
      expect(listed.data!.apiKeys.edges.map(({ node }) => node.id)).toEqual([second.keyId, first.keyId]);
    } finally {
      replication("replica-up");
    }
  });
});
