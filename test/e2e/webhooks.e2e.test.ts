/**
 * Webhooks from a durable outbox (issue 13 §2): endpoints, key events written to the outbox in the changing
 * transaction, delivered at least once, signed per Standard Webhooks (verified here with the `standardwebhooks`
 * package, not our code), retried with back-off, the endpoint disabled after the last attempt; a SIGKILLed server loses
 * nothing. Real HTTP receivers on loopback, real server processes, both databases.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { expect } from "@jest/globals";
import { Webhook } from "standardwebhooks";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import { until, webhookReceiver, type Received } from "../support/webhook-receiver";
import {
  AuditEventsDocument,
  CreateApiKeyDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  ResumeApiKeyDocument,
  RevokeApiKeyDocument,
  RollApiKeyDocument,
  SendTestWebhookDocument,
  SuspendApiKeyDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
  type CreateWebhookEndpointInput,
} from "../support/gql/graphql";
import { sleep } from "../support/rows";
import {
  createKey,
  createOrganization,
  createTestServer,
  TEST_JWT_SECRET,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const MAIN = resolve(__dirname, "..", "..", "dist", "src", "main.js");
const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
const ALL_EVENTS = [
  "api_key.created",
  "api_key.rolled",
  "api_key.suspended",
  "api_key.resumed",
  "api_key.revoked",
  "api_key.expiring",
  "api_key.leaked",
];
const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_SCHEDULE: "1s,1s", WEBHOOK_TIMEOUT: "2s" };

const receiver = webhookReceiver;

describe.each(databases)("webhooks on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer(kind, WEBHOOK_ENV);
    org = await createOrganization(server, { apiPlan: "Scale" });
  });
  afterAll(() => server.close());

  const endpointFor = async (url: string, input: Partial<CreateWebhookEndpointInput> = {}, by = org.admin) => {
    const result = await by.request(CreateWebhookEndpointDocument, {
      input: { url, events: ALL_EVENTS, environment: "SANDBOX", ...input },
    });
    if (!result.data) throw new Error(result.text);
    return result.data.createWebhookEndpoint;
  };
  const verified = (secret: string, r: Received) =>
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
      type: string;
      data: { apiKey?: { id: string } };
    };

  it("a key's lifecycle arrives signed (Standard Webhooks), once per event, without a token", async () => {
    const hooks = await receiver();
    try {
      const { endpoint, signingSecret } = await endpointFor(hooks.url);
      expect(signingSecret).toMatch(/^whsec_/);
      expect(endpoint).toMatchObject({ status: "ACTIVE", environment: "SANDBOX", events: ALL_EVENTS });
      const key = await createKey(server, org.admin, { ...SANDBOX, permission: "FULL_ACCESS" });
      await org.admin.request(SuspendApiKeyDocument, { id: key.keyId, reason: "test" });
      await org.admin.request(ResumeApiKeyDocument, { id: key.keyId });
      const rolled = (await org.admin.request(RollApiKeyDocument, { input: { id: key.keyId, gracePeriodMinutes: 5 } }))
        .data!.rollApiKey;
      await org.admin.request(RevokeApiKeyDocument, { id: rolled.apiKey.id });
      await until(() => hooks.received.length >= 6);
      await sleep(300); // nothing more arrives
      expect(hooks.received).toHaveLength(6);

      const events = hooks.received.map((r) => verified(signingSecret, r));
      expect(events.map((e) => `${e.type} ${e.data.apiKey?.id === key.keyId ? "old" : "new"}`).sort()).toEqual(
        [
          "api_key.created old",
          "api_key.suspended old",
          "api_key.resumed old",
          "api_key.created new",
          "api_key.rolled old",
          "api_key.revoked new",
        ].sort(),
      );
      const ids = hooks.received.map((r) => r.headers["webhook-id"]);
      expect(new Set(ids).size).toBe(6);
      for (const r of hooks.received) {
        expect(r.body).not.toContain(key.token);
        expect(r.body).not.toContain(rolled.token);
        expect(r.body).not.toMatch(/token_?hash/i);
      }
      // a tampered body or another secret does not verify
      const [first] = hooks.received;
      expect(() => verified(signingSecret, { ...first, body: first.body.replace("api_key", "api-key") })).toThrow();
      expect(() =>
        verified("whsec_" + Buffer.from("another secret of 24 bytes!!").toString("base64"), first),
      ).toThrow();

      const deliveries = await org.admin.request(WebhookDeliveriesDocument, { endpointId: endpoint.id, first: 50 });
      expect(deliveries.data!.webhookDeliveries.nodes.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual(
        Array.from({ length: 6 }, () => ["DELIVERED", 1, 200]),
      );
    } finally {
      await hooks.close();
    }
  });

  it("sends each environment's events only to its endpoints, and only the events subscribed", async () => {
    const production = await receiver();
    const revocations = await receiver();
    try {
      await endpointFor(production.url, { environment: "PRODUCTION" });
      await endpointFor(revocations.url, { events: ["api_key.revoked"] });
      const key = await createKey(server, org.admin, SANDBOX);
      await org.admin.request(RevokeApiKeyDocument, { id: key.keyId });
      await until(() => revocations.received.length >= 1);
      await sleep(300);
      expect(revocations.received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual([
        "api_key.revoked",
      ]);
      expect(production.received).toEqual([]);
    } finally {
      await production.close();
      await revocations.close();
    }
  });

  it("retries with the same webhook-id until a 2xx; after the last attempt fails, disables the endpoint (audited)", async () => {
    const flaky = await receiver({ status: (n) => (n === 1 ? 503 : 200) });
    const down = await receiver({ status: () => 500 });
    try {
      const { endpoint: flakyEndpoint } = await endpointFor(flaky.url, { events: ["api_key.created"] });
      const { endpoint: downEndpoint } = await endpointFor(down.url, { events: ["api_key.created"] });
      await createKey(server, org.admin, SANDBOX);
      await until(() => flaky.received.length >= 2);
      expect(flaky.received[0].headers["webhook-id"]).toBe(flaky.received[1].headers["webhook-id"]);
      // the schedule 1s,1s: three attempts in all, about a second apart, then the endpoint is disabled
      await until(async () => {
        const list = await org.admin.request(WebhookEndpointsDocument, { first: 50 });
        return list.data!.webhookEndpoints.nodes.some((e) => e.id === downEndpoint.id && e.status === "DISABLED");
      });
      expect(down.received).toHaveLength(3);
      const seconds = down.received.map((r) => Number(r.headers["webhook-timestamp"]));
      expect(seconds[2] - seconds[0]).toBeGreaterThanOrEqual(1);
      const [failed] = (await org.admin.request(WebhookDeliveriesDocument, { endpointId: downEndpoint.id })).data!
        .webhookDeliveries.nodes;
      expect(failed).toMatchObject({ status: "FAILED", attempts: 3, lastStatusCode: 500 });
      const [delivered] = (await org.admin.request(WebhookDeliveriesDocument, { endpointId: flakyEndpoint.id })).data!
        .webhookDeliveries.nodes;
      expect(delivered).toMatchObject({ status: "DELIVERED", attempts: 2, lastStatusCode: 200 });
      const audit = (await org.admin.request(AuditEventsDocument, { filter: { targetId: downEndpoint.id } })).data!
        .auditEvents.nodes;
      expect(audit[0]).toMatchObject({
        action: "webhook_endpoint.disabled",
        actor: { type: "OPERATOR", display: "webhook dispatcher" },
      });
      // re-enabled, it receives again
      await org.admin.request(UpdateWebhookEndpointDocument, { input: { id: downEndpoint.id, enabled: true } });
      const test = await org.admin.request(SendTestWebhookDocument, { endpointId: downEndpoint.id });
      expect(test.data!.sendTestWebhook).toMatchObject({ eventType: "webhook.test", status: "PENDING" });
      await until(() => down.received.length >= 4);
      expect((JSON.parse(down.received[3].body) as { type: string }).type).toBe("webhook.test");
      await org.admin.request(DeleteWebhookEndpointDocument, { id: downEndpoint.id });
    } finally {
      await flaky.close();
      await down.close();
    }
  });

  it("announces keys expiring in 7 days and in 1 day, each once", async () => {
    const hooks = await receiver();
    try {
      const fresh = await createOrganization(server);
      await endpointFor(hooks.url, { events: ["api_key.expiring"] }, fresh.admin);
      const week = await createKey(server, fresh.admin, {
        ...SANDBOX,
        expiresAt: new Date(Date.now() + 3 * 864e5).toISOString(),
      });
      const day = await createKey(server, fresh.admin, {
        ...SANDBOX,
        expiresAt: new Date(Date.now() + 12 * 36e5).toISOString(),
      });
      await server.services.webhookDispatcher.announceExpiring(new Date());
      expect(await server.services.webhookDispatcher.announceExpiring(new Date())).toBe(0);
      await until(() => hooks.received.length >= 3);
      await sleep(300);
      const notices = hooks.received
        .map(
          (r) => JSON.parse(r.body) as { data: { apiKey: { id: string }; changes: { expiresInDays: { to: number } } } },
        )
        .map(
          (e) =>
            `${e.data.apiKey.id === week.keyId ? "week" : e.data.apiKey.id === day.keyId ? "day" : "?"} ${e.data.changes.expiresInDays.to}`,
        )
        .sort();
      expect(notices).toEqual(["day 1", "day 7", "week 7"]);
    } finally {
      await hooks.close();
    }
  });

  it("refuses unknown events, bad URLs and another environment; keys manage their own environment's endpoints", async () => {
    const base = { url: "https://example.com/hook", events: ALL_EVENTS, environment: "SANDBOX" as const };
    const bad: [Partial<CreateWebhookEndpointInput>, string][] = [
      [{ events: ["api_key.exploded"] }, "events"],
      [{ events: [] }, "events"],
      [{ url: "ftp://example.com/hook" }, "url"],
      [{ url: "not a url" }, "url"],
      [{ url: "https://user:pass@example.com/hook" }, "url"],
    ];
    for (const [patch, field] of bad) {
      const result = await org.admin.request(CreateWebhookEndpointDocument, { input: { ...base, ...patch } });
      expect({ patch, error: result.errors?.[0]?.extensions }).toEqual({
        patch,
        error: expect.objectContaining({ code: "BAD_USER_INPUT", field }),
      });
    }
    const noEnvironment = await org.admin.request(CreateWebhookEndpointDocument, {
      input: { url: "https://example.com/hook", events: ALL_EVENTS },
    });
    expect(noEnvironment.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "environment" });
    // a server that does not allow private addresses refuses loopback and private literals and localhost
    const strict = await createTestServer(kind);
    try {
      const there = await createOrganization(strict);
      for (const url of [
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/",
        "http://localhost/hook",
      ]) {
        const result = await there.admin.request(CreateWebhookEndpointDocument, {
          input: { url, events: ALL_EVENTS, environment: "SANDBOX" },
        });
        expect({ url, error: result.errors?.[0]?.extensions?.field }).toEqual({ url, error: "url" });
      }
    } finally {
      await strict.close();
    }
    const sandboxKey = await createKey(server, org.admin, { ...SANDBOX, permission: "FULL_ACCESS" });
    const mine = await sandboxKey.request(CreateWebhookEndpointDocument, {
      input: { url: "https://example.com/mine", events: ["api_key.created"] },
    });
    expect(mine.data!.createWebhookEndpoint.endpoint.environment).toBe("SANDBOX");
    const theirs = await sandboxKey.request(CreateWebhookEndpointDocument, {
      input: { url: "https://example.com/theirs", events: ["api_key.created"], environment: "PRODUCTION" },
    });
    expect(codesOf(theirs)).toEqual(["FORBIDDEN"]);
    const production = await endpointFor("https://example.com/prod", { environment: "PRODUCTION" });
    const listed = (await sandboxKey.request(WebhookEndpointsDocument, { first: 50 })).data!.webhookEndpoints.nodes;
    expect(listed.every((e) => e.environment === "SANDBOX")).toBe(true);
    expect(codesOf(await sandboxKey.request(DeleteWebhookEndpointDocument, { id: production.endpoint.id }))).toEqual([
      "NOT_FOUND",
    ]);
    // a credential in an endpoint's query string never reaches the audit log
    await org.admin.request(UpdateWebhookEndpointDocument, {
      input: { id: production.endpoint.id, url: "https://example.com/prod?token=s3cr3t-in-url" },
    });
    const trail = (await org.admin.request(AuditEventsDocument, { filter: { targetId: production.endpoint.id } })).data!
      .auditEvents.nodes;
    expect(trail[0].changes).toEqual({
      url: { from: "https://example.com/prod", to: "https://example.com/prod?[redacted]" },
    });
    expect(JSON.stringify(trail)).not.toContain("s3cr3t-in-url");
    const readOnly = await createKey(server, org.admin, SANDBOX);
    expect(codesOf(await readOnly.request(WebhookEndpointsDocument, { first: 1 }))).toEqual(["FORBIDDEN"]);
  });

  it("survives a SIGKILL mid-delivery: every event delivered after a restart, duplicates only of unrecorded answers", async () => {
    // this process's dispatcher steps aside: the server processes below deliver
    await server.services.webhookDispatcher.close();
    const hooks = await receiver({ delayMs: 150 });
    const fresh = await createOrganization(server);
    try {
      const { endpoint, signingSecret } = await endpointFor(hooks.url, { events: ["api_key.created"] }, fresh.admin);
      for (let i = 0; i < 30; i++)
        await fresh.admin.request(CreateApiKeyDocument, { input: { ...SANDBOX, description: `outbox ${i}` } });
      const start = () =>
        spawn(process.execPath, [MAIN], {
          env: {
            PATH: process.env.PATH,
            PORT: "0",
            DATABASE_URL: server.config.databaseUrl,
            JWT_SECRET: TEST_JWT_SECRET,
            LOG_LEVEL: "warn",
            ...WEBHOOK_ENV,
            WEBHOOK_TIMEOUT: "1s",
          },
          stdio: "ignore",
        });
      const recorded = async () =>
        (
          await server.db.query<{ id: string }[]>(
            "SELECT id FROM webhook_delivery WHERE endpoint_id = ? AND status = 'DELIVERED'",
            [endpoint.id],
          )
        ).map((r) => r.id);
      const first = start();
      // killed once a first batch is answered and recorded, while the next one is in flight
      await until(async () => (await recorded()).length >= 10 && hooks.received.length > (await recorded()).length);
      first.kill("SIGKILL");
      await new Promise((done) => first.once("exit", done));
      const acknowledged = await recorded();
      const killedAt = hooks.received.length;
      const second = start();
      try {
        const pending = async () =>
          (
            await fresh.admin.request(WebhookDeliveriesDocument, {
              endpointId: endpoint.id,
              status: "PENDING",
              first: 0,
            })
          ).data!.webhookDeliveries.totalCount;
        await until(async () => (await pending()) === 0, 40_000);
      } finally {
        second.kill("SIGTERM");
        await new Promise((done) => second.once("exit", done));
      }
      const ids = hooks.received.map((r) => String(r.headers["webhook-id"]));
      const distinct = new Set(ids);
      expect(distinct.size).toBe(30);
      for (const r of hooks.received) expect(() => verified(signingSecret, r)).not.toThrow();
      const duplicates = ids.length - distinct.size;
      console.log(
        `[webhooks on ${kind}] SIGKILL after ${killedAt} receipts (${acknowledged.length} recorded): 30 events, ${ids.length} deliveries, ${duplicates} duplicates`,
      );
      // what was acknowledged and recorded before the kill is never sent again; only what was in flight can be
      for (const id of acknowledged)
        expect({ id, times: ids.filter((x) => x === id).length }).toEqual({ id, times: 1 });
      expect(duplicates).toBeLessThanOrEqual(killedAt - acknowledged.length);
      const delivered = await fresh.admin.request(WebhookDeliveriesDocument, {
        endpointId: endpoint.id,
        status: "DELIVERED",
        first: 0,
      });
      expect(delivered.data!.webhookDeliveries.totalCount).toBe(30);
    } finally {
      await hooks.close();
      server.services.webhookDispatcher.start();
    }
  }, 90_000);
});
