/**
 * Many processes, one truth (issue 15 §1): several real server processes (dist/src/main.js) on one database
 * behave as one server would. Every process is started and stopped by the test.
 */
import { expect } from "@jest/globals";
import { graphql } from "../support/client";
import { databases } from "../support/databases";
import { ViewerDocument } from "../support/gql/graphql";
import { startServerProcess, type ServerProcess } from "../support/processes";
import { createKey, createOrganization, createTestServer, type TestServer } from "../support/server";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";

describe.each(databases)("two server processes on one %s database", (kind) => {
  let setup: TestServer;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    setup = await createTestServer(kind); // migrates the database; its own server serves the setup requests
    [a, b] = await Promise.all([
      startServerProcess(setup.config.databaseUrl),
      startServerProcess(setup.config.databaseUrl),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await setup?.close();
  });

  it("lastUsedAt is written once per key per minute across processes, not once per process", async () => {
    const org = await createOrganization(setup);
    const key = await createKey(setup, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const lastUsed = async () => (await setup.db.getRepository(ApiKey).findOneByOrFail({ id: key.keyId })).lastUsedAt;
    expect(await lastUsed()).toBeNull();

    expect((await graphql(a.url, ViewerDocument, {}, key.token)).status).toBe(200);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 50));
    // B has never seen the key (its own throttle says "due"), but the row was written less than a minute ago
    expect((await graphql(b.url, ViewerDocument, {}, key.token)).status).toBe(200);
    expect((await graphql(a.url, ViewerDocument, {}, key.token)).status).toBe(200);
    expect((await lastUsed())?.toISOString()).toBe(first!.toISOString());
  });
});
