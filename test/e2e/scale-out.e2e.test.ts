/**
 * Many processes, one truth (issue 15 §1): several real server processes (dist/src/main.js) on one database
 * behave as one server would. Every process, and the Redis the cache tests use, is started and stopped here.
 */
import { expect } from "@jest/globals";
import { graphql } from "../support/client";
import { databases } from "../support/databases";
import {
  CreateApiKeyDocument,
  CreateWebhookEndpointDocument,
  ResumeApiKeyDocument,
  RevokeApiKeyDocument,
  RollApiKeyDocument,
  SuspendApiKeyDocument,
  UpdateOrganizationDocument,
  VerifyApiKeyDocument,
  ViewerDocument,
} from "../support/gql/graphql";
import { startServerProcess, type ServerProcess } from "../support/processes";
import { hasRedisServer, privateRedis } from "../support/redis";
import { until, webhookReceiver } from "../support/webhook-receiver";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type TestServer,
} from "../support/server";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";

const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
const statusOn = async (server: ServerProcess, token: string) =>
  (await graphql(server.url, ViewerDocument, {}, token)).status;
const CACHE = "VERIFY_CACHE_TTL_MS";
/** Webhooks to the loopback receiver, a lease of 2 × 2 + 1 s. */
const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_SCHEDULE: "1s,1s", WEBHOOK_TIMEOUT: "2s" };

/** latchkey_verify_cache_lookups_total of one process, by result. */
async function cacheLookups(server: ServerProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.origin}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^latchkey_verify_cache_lookups_total\{result="(\w+)"\} (\d+)/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
}

/**
 * Every change made through A reaches B's very next request: suspend, resume, roll (grace 0), revoke, and the
 * organization losing its API plan (a production key is refused), for requests and for verifyApiKey.
 */
async function changesOnAHoldOnB(setup: TestServer, platform: PlatformCaller, a: ServerProcess, b: ServerProcess) {
  const org = await createOrganization(setup, { apiPlan: "Pro" });
  const as = <T, V>(server: ServerProcess, document: Parameters<typeof graphql<T, V>>[1], variables: V) =>
    graphql(server.url, document, variables, org.admin.token);
  const verifyOnB = async (token: string) =>
    (await graphql(b.url, VerifyApiKeyDocument, { token }, platform.token)).data?.verifyApiKey.code;

  const key = await createKey(setup, org.admin, SANDBOX);
  for (let i = 0; i < 3; i++) expect(await statusOn(b, key.token)).toBe(200);
  expect(await verifyOnB(key.token)).toBe("VALID");

  expect((await as(a, SuspendApiKeyDocument, { id: key.keyId })).data?.suspendApiKey.status).toBe("SUSPENDED");
  expect(await statusOn(b, key.token)).toBe(401);
  expect(await verifyOnB(key.token)).toBe("SUSPENDED");
  expect((await as(a, ResumeApiKeyDocument, { id: key.keyId })).data?.resumeApiKey.status).toBe("ACTIVE");
  expect(await statusOn(b, key.token)).toBe(200);

  const rolled = await as(a, RollApiKeyDocument, { input: { id: key.keyId, gracePeriodMinutes: 0 } });
  const successor = rolled.data!.rollApiKey.token;
  expect(await statusOn(b, key.token)).toBe(401);
  expect(await statusOn(b, successor)).toBe(200);
  expect(await statusOn(b, successor)).toBe(200);
  expect((await as(a, RevokeApiKeyDocument, { id: rolled.data!.rollApiKey.apiKey.id })).data).toBeTruthy();
  expect(await statusOn(b, successor)).toBe(401);
  expect(await verifyOnB(successor)).toBe("REVOKED");

  const live = await createKey(setup, org.admin, { ...SANDBOX, environment: "PRODUCTION" });
  for (let i = 0; i < 2; i++) expect(await statusOn(b, live.token)).toBe(200);
  const planless = await graphql(
    a.url,
    UpdateOrganizationDocument,
    { input: { id: org.id, apiPlan: null } },
    platform.token,
  );
  expect(planless.data?.updateOrganization.apiPlan).toBeNull();
  expect(await statusOn(b, live.token)).toBe(401);
  expect(await verifyOnB(live.token)).toBe("API_PLAN_REQUIRED");
}

describe.each(databases)("two server processes on one %s database", (kind) => {
  let setup: TestServer;
  let platform: PlatformCaller;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    // migrates the database; its own server serves the setup requests (its dispatcher delivers too)
    setup = await createTestServer(kind, WEBHOOK_ENV);
    platform = await createPlatformKey(setup);
    // every process on the database delivers webhooks: all of them may reach the loopback receiver
    [a, b] = await Promise.all([
      startServerProcess(setup.config.databaseUrl, WEBHOOK_ENV),
      startServerProcess(setup.config.databaseUrl, WEBHOOK_ENV),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await setup?.close();
  });

  it("lastUsedAt is written once per key per minute across processes, not once per process", async () => {
    const org = await createOrganization(setup);
    const key = await createKey(setup, org.admin, SANDBOX);
    const lastUsed = async () => (await setup.db.getRepository(ApiKey).findOneByOrFail({ id: key.keyId })).lastUsedAt;
    expect(await lastUsed()).toBeNull();

    expect(await statusOn(a, key.token)).toBe(200);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 50));
    // B has never seen the key (its own throttle says "due"), but the row was written less than a minute ago
    expect(await statusOn(b, key.token)).toBe(200);
    expect(await statusOn(a, key.token)).toBe(200);
    expect((await lastUsed())?.toISOString()).toBe(first!.toISOString());
  });

  it("several processes deliver each outbox row once, and announce each expiring key once", async () => {
    const hooks = await webhookReceiver();
    const org = await createOrganization(setup);
    const endpoint = await org.admin.request(CreateWebhookEndpointDocument, {
      input: { url: hooks.url, events: ["api_key.created", "api_key.expiring"], environment: "SANDBOX" },
    });
    expect(endpoint.errors).toBeUndefined();
    // keys expiring within a week and within a day: 3 notices are due (7 days for both, 1 day for one)
    const week = await createKey(setup, org.admin, {
      ...SANDBOX,
      expiresAt: new Date(Date.now() + 3 * 864e5).toISOString(),
    });
    const day = await createKey(setup, org.admin, {
      ...SANDBOX,
      expiresAt: new Date(Date.now() + 12 * 36e5).toISOString(),
    });
    // two more processes start at once: each scans for expiring keys as it starts, as A, B and the setup server do
    const more = await Promise.all([
      startServerProcess(setup.config.databaseUrl, WEBHOOK_ENV),
      startServerProcess(setup.config.databaseUrl, WEBHOOK_ENV),
    ]);
    try {
      // 30 more events, through every process
      const servers = [a, b, ...more];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          graphql(servers[i % servers.length].url, CreateApiKeyDocument, { input: SANDBOX }, org.admin.token),
        ),
      );
      const events = () =>
        hooks.received.map((r) => JSON.parse(r.body) as { type: string; data: { apiKey: { id: string } } });
      await until(() => events().filter((e) => e.type === "api_key.created").length >= 32 && events().length >= 35);
      await new Promise((r) => setTimeout(r, 1_500)); // anything doubled would have arrived by now
      const created = events().filter((e) => e.type === "api_key.created");
      expect(new Set(created.map((e) => e.data.apiKey.id)).size).toBe(32);
      expect(created).toHaveLength(32);
      const expiring = events()
        .filter((e) => e.type === "api_key.expiring")
        .map((e) => (e.data.apiKey.id === week.keyId ? "week" : e.data.apiKey.id === day.keyId ? "day" : "?"))
        .sort();
      expect(expiring).toEqual(["day", "day", "week"]); // 7-day and 1-day notices of `day`, the 7-day of `week`
    } finally {
      await Promise.all(more.map((p) => p.stop()));
      await hooks.close();
    }
  });

  it("kill -9 of one of two servers under load: the other answers throughout, no key lost or duplicated, every key's event delivered", async () => {
    const hooks = await webhookReceiver();
    const org = await createOrganization(setup);
    const endpoint = await org.admin.request(CreateWebhookEndpointDocument, {
      input: { url: hooks.url, events: ["api_key.created"], environment: "SANDBOX" },
    });
    expect(endpoint.errors).toBeUndefined();
    const [victim, survivor] = await Promise.all([
      startServerProcess(setup.config.databaseUrl, WEBHOOK_ENV),
      startServerProcess(setup.config.databaseUrl, WEBHOOK_ENV),
    ]);
    try {
      const TOTAL = 80;
      const outcomes: { i: number; on: "victim" | "survivor"; ok: boolean }[] = [];
      let next = 0;
      let killed: Promise<unknown> | undefined;
      const worker = async () => {
        while (next < TOTAL) {
          const i = next++;
          if (i === 30) killed = victim.kill(); // mid-load, requests in flight on it
          const on = i % 2 === 0 ? "victim" : "survivor";
          const server = on === "victim" ? victim : survivor;
          try {
            const result = await graphql(
              server.url,
              CreateApiKeyDocument,
              { input: { ...SANDBOX, description: `load-${i}` } },
              org.admin.token,
            );
            outcomes.push({ i, on, ok: result.status === 200 && Boolean(result.data) });
          } catch {
            outcomes.push({ i, on, ok: false }); // connection reset or refused: the victim is gone
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      await killed;

      // the survivor answered every request sent to it, before and after the kill
      expect(outcomes.filter((o) => o.on === "survivor" && !o.ok)).toEqual([]);
      expect(outcomes.filter((o) => o.on === "victim" && !o.ok).length).toBeGreaterThan(0);
      // every key that was answered exists once; a request cut off by the kill left its key or none, never two
      const rows = await setup.db
        .getRepository(ApiKey)
        .createQueryBuilder("k")
        .select(["k.id", "k.description"])
        .where("k.organization_id = :org", { org: org.id })
        .getMany();
      const byDescription = new Map<string, number>();
      for (const row of rows) byDescription.set(row.description!, (byDescription.get(row.description!) ?? 0) + 1);
      expect([...byDescription.values()].every((n) => n === 1)).toBe(true);
      for (const o of outcomes.filter((o) => o.ok)) expect(byDescription.get(`load-${o.i}`)).toBe(1);

      // the outbox delivers every created key's event, those the victim committed but never sent included
      const delivered = () =>
        new Set(hooks.received.map((r) => (JSON.parse(r.body) as { data: { apiKey: { id: string } } }).data.apiKey.id));
      await until(() => rows.every((row) => delivered().has(row.id)), 30_000);
      console.log(
        `[scale-out on ${kind}] kill -9 under load: ${outcomes.filter((o) => o.ok).length} of ${TOTAL} answered ` +
          `(${outcomes.filter((o) => o.on === "victim" && !o.ok).length} cut off on the victim), ${rows.length} keys, ` +
          `${hooks.received.length} deliveries for ${rows.length} events`,
      );
    } finally {
      await Promise.all([victim.kill(), survivor.stop()]);
      await hooks.close();
    }
  });

  it("without the verification cache: a change made through A holds on B's next request", async () => {
    await changesOnAHoldOnB(setup, platform, a, b);
  });

  (hasRedisServer() ? describe : describe.skip)("with the verification cache (VERIFY_CACHE_TTL_MS, Redis)", () => {
    let redis: Awaited<ReturnType<typeof privateRedis>>;
    let cachedA: ServerProcess;
    let cachedB: ServerProcess;

    beforeAll(async () => {
      redis = await privateRedis();
      const env = { ...WEBHOOK_ENV, REDIS_URL: redis.url, [CACHE]: "600000" };
      [cachedA, cachedB] = await Promise.all([
        startServerProcess(setup.config.databaseUrl, env),
        startServerProcess(setup.config.databaseUrl, env),
      ]);
      // both subscribed before the first request
      await new Promise((r) => setTimeout(r, 300));
    });
    afterAll(async () => {
      await Promise.all([cachedA?.stop(), cachedB?.stop()]);
      await redis?.kill();
    });

    it("a change made through A holds on B's next request although B serves the key from memory", async () => {
      const before = await cacheLookups(cachedB);
      await changesOnAHoldOnB(setup, platform, cachedA, cachedB);
      const after = await cacheLookups(cachedB);
      // B did serve from its cache in between (else this would prove nothing)
      expect((after.hit ?? 0) - (before.hit ?? 0)).toBeGreaterThanOrEqual(4);
    });

    it("Redis down: B serves nothing from its cache (a revocation through A still holds), then caches again", async () => {
      const org = await createOrganization(setup);
      const key = await createKey(setup, org.admin, SANDBOX);
      for (let i = 0; i < 2; i++) expect(await statusOn(cachedB, key.token)).toBe(200); // cached on B
      await redis.kill();
      await new Promise((r) => setTimeout(r, 300)); // B notices its subscription is gone
      const off = await cacheLookups(cachedB);
      expect(await statusOn(cachedB, key.token)).toBe(200); // from the database
      expect((await cacheLookups(cachedB)).off).toBe((off.off ?? 0) + 1);
      // the revocation cannot be published, and B still refuses at once
      expect((await graphql(cachedA.url, RevokeApiKeyDocument, { id: key.keyId }, org.admin.token)).data).toBeTruthy();
      expect(await statusOn(cachedB, key.token)).toBe(401);

      await redis.start();
      const deadline = Date.now() + 15_000;
      const other = await createKey(setup, org.admin, SANDBOX);
      for (;;) {
        const lookups = await cacheLookups(cachedB);
        expect(await statusOn(cachedB, other.token)).toBe(200);
        if (((await cacheLookups(cachedB)).hit ?? 0) > (lookups.hit ?? 0)) break; // serving from memory again
        if (Date.now() > deadline) throw new Error("B did not resume caching after Redis came back");
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(
        (await graphql(cachedA.url, RevokeApiKeyDocument, { id: other.keyId }, org.admin.token)).data,
      ).toBeTruthy();
      expect(await statusOn(cachedB, other.token)).toBe(401);
    });
  });
});
