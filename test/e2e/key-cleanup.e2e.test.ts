/**
 * Finding and cleaning keys (issue 12 §5): the list's new filters (lastUsedBefore, neverUsed, expiresBefore,
 * createdAfter, createdBefore) and revokeApiKeys(filter, preview) with the same semantics, in one transaction.
 * Real HTTP, both databases.
 */
import { expect } from "@jest/globals";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import { ApiKeysDocument, RevokeApiKeysDocument, ViewerDocument, type ApiKeyFilter } from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createTestServer,
  type KeyCaller,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
const DAY = 24 * 60 * 60 * 1000;

describe.each(databases)("finding and cleaning keys on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  /** used: used once; unused: never; expiring: expires in 2 days; old: created (and last used) in 2020 */
  const keys = {} as Record<"used" | "unused" | "expiring" | "old", KeyCaller>;
  const ids = (...names: (keyof typeof keys)[]) => names.map((n) => keys[n].keyId).sort();
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server);
    keys.used = await createKey(server, org.admin, { ...SANDBOX, description: "used" });
    keys.unused = await createKey(server, org.admin, { ...SANDBOX, description: "unused" });
    keys.expiring = await createKey(server, org.admin, {
      ...SANDBOX,
      description: "expiring",
      expiresAt: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    keys.old = await createKey(server, org.admin, { ...SANDBOX, description: "old" });
    expect((await keys.used.request(ViewerDocument, {})).status).toBe(200);
    // a key from long ago, last used long ago: as a migration from another system would leave it
    const longAgo = new Date(Date.UTC(2020, 0, 15));
    await server.db.query(`UPDATE api_key SET created_at = ?, last_used_at = ? WHERE id = ?`, [
      kind === "sqlite" ? "2020-01-15 00:00:00.000" : longAgo,
      kind === "sqlite" ? "2020-01-15 00:00:00.000" : longAgo,
      keys.old.keyId,
    ]);
  });
  afterAll(() => server.close());

  const list = async (filter: ApiKeyFilter) => {
    const result = await org.admin.request(ApiKeysDocument, { filter, first: 100 });
    if (!result.data) throw new Error(result.text);
    return result.data.apiKeys.nodes.map((k) => k.id).sort();
  };

  it("filters by last use, expiry and creation", async () => {
    const now = new Date();
    expect(await list({ neverUsed: true })).toEqual(ids("unused", "expiring"));
    expect(await list({ neverUsed: false })).toEqual(ids("used", "old"));
    expect(await list({ lastUsedBefore: new Date(Date.UTC(2021, 0, 1)).toISOString() })).toEqual(ids("old"));
    expect(await list({ lastUsedBefore: new Date(now.getTime() + 60_000).toISOString() })).toEqual(ids("used", "old"));
    expect(await list({ expiresBefore: new Date(now.getTime() + 3 * DAY).toISOString() })).toEqual(ids("expiring"));
    expect(await list({ expiresBefore: new Date(now.getTime() + DAY).toISOString() })).toEqual([]);
    expect(await list({ createdBefore: new Date(Date.UTC(2021, 0, 1)).toISOString() })).toEqual(ids("old"));
    expect(await list({ createdAfter: new Date(Date.UTC(2021, 0, 1)).toISOString() })).toEqual(
      ids("used", "unused", "expiring"),
    );
    // combined: every criterion must hold
    expect(await list({ createdAfter: new Date(Date.UTC(2021, 0, 1)).toISOString(), neverUsed: false })).toEqual(
      ids("used"),
    );
  });

  it("revokeApiKeys: preview counts and changes nothing; then revokes exactly the matches, once", async () => {
    const stale = { lastUsedBefore: new Date(Date.UTC(2021, 0, 1)).toISOString() };
    const preview = await org.admin.request(RevokeApiKeysDocument, { filter: { neverUsed: true }, preview: true });
    expect(preview.data!.revokeApiKeys).toEqual({ count: 2 });
    expect(await list({ status: ["REVOKED"] })).toEqual([]);

    const revoked = await org.admin.request(RevokeApiKeysDocument, { filter: stale });
    expect(revoked.data!.revokeApiKeys).toEqual({ count: 1 });
    expect(await list({ status: ["REVOKED"] })).toEqual(ids("old"));
    expect((await keys.old.request(ViewerDocument, {})).status).toBe(401);
    // already revoked keys are not counted again
    expect((await org.admin.request(RevokeApiKeysDocument, { filter: stale })).data!.revokeApiKeys).toEqual({
      count: 0,
    });
    // the others still work
    expect((await keys.used.request(ViewerDocument, {})).status).toBe(200);
  });

  it("refuses an empty filter (and bad criteria) with a field; keys never revoke in bulk", async () => {
    for (const filter of [{}, { status: [] }, { environment: null }]) {
      const result = await org.admin.request(RevokeApiKeysDocument, { filter });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter" });
    }
    const tooLong = await org.admin.request(RevokeApiKeysDocument, { filter: { search: "x".repeat(256) } });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.search" });
    const fullAccessKey = await createKey(server, org.admin, { ...SANDBOX, permission: "FULL_ACCESS" });
    const denied = await fullAccessKey.request(RevokeApiKeysDocument, { filter: { neverUsed: true } });
    expect(codesOf(denied)).toEqual(["FORBIDDEN"]);
    expect(await list({ status: ["REVOKED"] })).toEqual(ids("old"));
  });

  it("revokes everything a filter names, in one go, and every key of it is refused afterwards", async () => {
    const other = await createOrganization(server);
    const many = [];
    for (let i = 0; i < 12; i++)
      many.push(await createKey(server, other.admin, { ...SANDBOX, description: `batch ${i % 2 ? "odd" : "even"}` }));
    const result = await other.admin.request(RevokeApiKeysDocument, { filter: { search: "batch even" } });
    expect(result.data!.revokeApiKeys).toEqual({ count: 6 });
    for (const [i, key] of many.entries())
      expect({ i, status: (await key.request(ViewerDocument, {})).status }).toEqual({ i, status: i % 2 ? 200 : 401 });
    // another organization's keys were never in reach
    expect(await list({ status: ["REVOKED"] })).toEqual(ids("old"));
  });
});
