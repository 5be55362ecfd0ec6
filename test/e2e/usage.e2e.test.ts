/**
 * Usage without a write per request (issue 12 §6): every process counts its keys' requests in memory and adds
 * them to the database once per interval and at shutdown. Totals equal the requests sent, across a graceful
 * restart and with two processes at once; Latchkey-Key-Expires-At on responses of expiring keys. Real HTTP, real
 * processes (dist/src/main.js), both databases.
 */
import { expect } from "@jest/globals";
import { graphql } from "../support/client";
import { databases } from "../support/databases";
import { startServerProcess } from "../support/processes";
import {
  ApiKeyUsageDocument,
  OrganizationUsageDocument,
  SuspendApiKeyDocument,
  ResumeApiKeyDocument,
  VerifyApiKeyDocument,
  ViewerDocument,
} from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const HOUR = 60 * 60 * 1000;
const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
const thisHour = () => Math.floor(Date.now() / HOUR) * HOUR;
/** The hour before this one up to the next: two buckets, the last one now's. */
const window = () => ({
  from: new Date(thisHour() - HOUR).toISOString(),
  to: new Date(thisHour() + HOUR).toISOString(),
});
const sum = (buckets: { success: number; rateLimited: number; denied: number }[]) =>
  buckets.reduce(
    (total, b) => ({
      success: total.success + b.success,
      rateLimited: total.rateLimited + b.rateLimited,
      denied: total.denied + b.denied,
    }),
    { success: 0, rateLimited: 0, denied: 0 },
  );

/** A real server process on `databaseUrl`, flushing only at shutdown. */
const startProcess = (databaseUrl: string) => startServerProcess(databaseUrl, { USAGE_FLUSH_SECONDS: "3600" });

describe.each(databases)("usage on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server);
  });
  afterAll(() => server.close());

  const usageOf = async (keyId: string, range = window(), granularity?: "HOUR" | "DAY") => {
    const result = await org.admin.request(ApiKeyUsageDocument, { id: keyId, ...range, granularity });
    if (!result.data?.apiKey) throw new Error(result.text);
    return result.data.apiKey.usage;
  };

  it("counts successes and refusals per hour, in memory until a flush; the organization's usage adds its keys", async () => {
    const key = await createKey(server, org.admin, SANDBOX);
    const other = await createKey(server, org.admin, SANDBOX);
    for (let i = 0; i < 5; i++) expect((await key.request(ViewerDocument, {})).status).toBe(200);
    expect((await other.request(ViewerDocument, {})).status).toBe(200);
    // nothing was written on the request path
    expect(sum(await usageOf(key.keyId))).toEqual({ success: 0, rateLimited: 0, denied: 0 });

    await org.admin.request(SuspendApiKeyDocument, { id: key.keyId });
    for (let i = 0; i < 2; i++) expect((await key.request(ViewerDocument, {})).status).toBe(401);
    await org.admin.request(ResumeApiKeyDocument, { id: key.keyId });
    await server.services.usageCounter.flush();

    const range = window();
    const buckets = await usageOf(key.keyId, range);
    // dense UTC hours, zeros included (all in the last one, unless the hour turned during the test)
    expect(buckets.map((b) => b.start)).toEqual([range.from, new Date(Date.parse(range.from) + HOUR).toISOString()]);
    expect(sum(buckets)).toEqual({ success: 5, rateLimited: 0, denied: 2 });
    const day = await usageOf(key.keyId, window(), "DAY");
    expect(sum(day)).toEqual({ success: 5, rateLimited: 0, denied: 2 });
    const organization = await org.admin.request(OrganizationUsageDocument, window());
    expect(sum(organization.data!.organization.usage)).toEqual({ success: 6, rateLimited: 0, denied: 2 });
    // a second flush adds only what came since
    await key.request(ViewerDocument, {});
    await server.services.usageCounter.flush();
    expect(sum(await usageOf(key.keyId))).toEqual({ success: 6, rateLimited: 0, denied: 2 });
  });

  it("counts verifications (VALID a success, an unmet requirement denied) and budget refusals (rateLimited)", async () => {
    const limited = await createTestServer(kind, { RATE_LIMIT_KEY_PER_MINUTE: "3" });
    try {
      const there = await createOrganization(limited);
      const key = await createKey(limited, there.admin, SANDBOX);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await key.request(ViewerDocument, {})).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const verified = await createKey(limited, there.admin, SANDBOX);
      const platform = await createPlatformKey(limited);
      const codes = [];
      for (const permission of ["READ_ONLY", "FULL_ACCESS", "READ_ONLY", "READ_ONLY"] as const)
        codes.push(
          (await platform.request(VerifyApiKeyDocument, { token: verified.token, require: { permission } })).data!
            .verifyApiKey.code,
        );
      expect(codes).toEqual(["VALID", "INSUFFICIENT_PERMISSION", "VALID", "RATE_LIMITED"]);
      await limited.services.usageCounter.flush();
      const read = async (id: string) =>
        sum((await there.admin.request(ApiKeyUsageDocument, { id, ...window() })).data!.apiKey!.usage);
      expect(await read(key.keyId)).toEqual({ success: 3, rateLimited: 2, denied: 0 });
      // the budget is spent before the requirement is checked: the refused one spent it too
      expect(await read(verified.keyId)).toEqual({ success: 2, rateLimited: 1, denied: 1 });
    } finally {
      await limited.close();
    }
  });

  it("a key sees its own environment's usage only; bad ranges are refused with a field", async () => {
    const production = await createOrganization(server, { apiPlan: "Scale" });
    const sandboxKey = await createKey(server, production.admin, SANDBOX);
    const productionKey = await createKey(server, production.admin, { ...SANDBOX, environment: "PRODUCTION" });
    await productionKey.request(ViewerDocument, {});
    await sandboxKey.request(ViewerDocument, {});
    await server.services.usageCounter.flush();
    const bySandbox = await sandboxKey.request(OrganizationUsageDocument, window());
    // its own request counted before the flush; the production key's not visible
    expect(sum(bySandbox.data!.organization.usage)).toEqual({ success: 1, rateLimited: 0, denied: 0 });
    const byAdmin = await production.admin.request(OrganizationUsageDocument, window());
    expect(sum(byAdmin.data!.organization.usage)).toEqual({ success: 2, rateLimited: 0, denied: 0 });

    const now = Date.now();
    for (const [range, field] of [
      [{ from: new Date(now).toISOString(), to: new Date(now).toISOString() }, "to"],
      [{ from: new Date(now - 1001 * HOUR).toISOString(), to: new Date(now).toISOString() }, "to"],
    ] as const) {
      const result = await production.admin.request(ApiKeyUsageDocument, { id: sandboxKey.keyId, ...range });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    // a year by day is fine
    const year = await production.admin.request(ApiKeyUsageDocument, {
      id: sandboxKey.keyId,
      from: new Date(now - 365 * 24 * HOUR).toISOString(),
      to: new Date(now).toISOString(),
      granularity: "DAY",
    });
    expect(year.data!.apiKey!.usage).toHaveLength(366);
  });

  it("responses authenticated by an expiring key carry Latchkey-Key-Expires-At; others do not", async () => {
    const expiresAt = new Date(Date.now() + 7 * 24 * HOUR).toISOString();
    const expiring = await createKey(server, org.admin, { ...SANDBOX, expiresAt });
    const forever = await createKey(server, org.admin, SANDBOX);
    const headersOf = (token: string) =>
      fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: "{ viewer { organization { id } } }" }),
      }).then((r) => r.headers);
    expect((await headersOf(expiring.token)).get("latchkey-key-expires-at")).toBe(expiresAt);
    expect((await headersOf(forever.token)).get("latchkey-key-expires-at")).toBeNull();
    expect((await headersOf(org.admin.token)).get("latchkey-key-expires-at")).toBeNull();
  });

  it("totals equal the requests sent across a graceful restart and with two processes at once", async () => {
    const key = await createKey(server, org.admin, SANDBOX);
    const send = async (url: string, n: number) => {
      const statuses = await Promise.all(
        Array.from({ length: n }, () => graphql(url, ViewerDocument, {}, key.token).then((r) => r.status)),
      );
      expect(statuses).toEqual(Array.from({ length: n }, () => 200));
    };
    // two processes at once, each flushing only when it stops
    const [first, second] = await Promise.all([
      startProcess(server.config.databaseUrl),
      startProcess(server.config.databaseUrl),
    ]);
    await Promise.all([send(first.url, 17), send(second.url, 11)]);
    expect(sum(await usageOf(key.keyId))).toEqual({ success: 0, rateLimited: 0, denied: 0 });
    expect(await Promise.all([first.stop(), second.stop()])).toEqual([0, 0]);
    expect(sum(await usageOf(key.keyId))).toEqual({ success: 28, rateLimited: 0, denied: 0 });
    // restarted: counting goes on from there
    const again = await startProcess(server.config.databaseUrl);
    await send(again.url, 9);
    expect(await again.stop()).toBe(0);
    expect(sum(await usageOf(key.keyId))).toEqual({ success: 37, rateLimited: 0, denied: 0 });
  }, 90_000);
});
