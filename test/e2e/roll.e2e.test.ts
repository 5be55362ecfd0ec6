/**
 * Rolling a key (issue 12 §1): a new key with a new token and the same settings, the old one working for the grace
 * period; never refused for the key limit; an organization-scope full-access key may roll itself; of concurrent rolls
 * of one key exactly one wins. Real HTTP, both databases (the concurrent rolls are real parallel requests).
 */
import { expect } from "@jest/globals";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyDocument,
  CreateApiKeyDocument,
  OrganizationDocument,
  ResumeApiKeyDocument,
  RevokeApiKeyDocument,
  RollApiKeyDocument,
  SuspendApiKeyDocument,
  UpdateApiKeyPolicyDocument,
  VerifyApiKeyDocument,
  ViewerDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type Requester,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const MINUTE = 60_000;

describe.each(databases)("rolling keys on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  let platform: PlatformCaller;
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server, { apiPlan: "Scale", workspaces: 2 });
    platform = await createPlatformKey(server);
  });
  afterAll(() => server.close());

  const sandboxKey = (input: Partial<CreateApiKeyInput> = {}) =>
    createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
      ...input,
    });
  const roll = (id: string, gracePeriodMinutes?: number, by: Requester = org.admin) =>
    by.request(RollApiKeyDocument, {
      input: { id, ...(gracePeriodMinutes === undefined ? {} : { gracePeriodMinutes }) },
    });
  /** The code verifyApiKey answers for a request from 127.0.0.1. */
  const verify = async (token: string) =>
    (await platform.request(VerifyApiKeyDocument, { token, require: { ip: "127.0.0.1" } })).data!.verifyApiKey.code;

  it("makes a new key with a new token and the same settings; the old one works until the grace period ends", async () => {
    const old = await sandboxKey({
      description: "billing worker",
      scope: "WORKSPACE",
      workspaceIds: [org.workspaceIds[1]],
      permission: "FULL_ACCESS",
      allowedIpRanges: ["127.0.0.0/8"],
    });
    const started = Date.now();
    const rolled = await roll(old.keyId, 10);
    expect(rolled.errors).toBeUndefined();
    const { token, apiKey } = rolled.data!.rollApiKey;
    expect(token).not.toBe(old.token);
    expect(apiKey.id).not.toBe(old.keyId);
    expect(apiKey).toMatchObject({
      description: "billing worker",
      environment: "SANDBOX",
      scope: "WORKSPACE",
      permission: "FULL_ACCESS",
      status: "ACTIVE",
      expiresAt: null,
      allowedIpRanges: ["127.0.0.0/8"],
      workspaces: [{ id: org.workspaceIds[1] }],
      rolledFrom: { id: old.keyId },
      rolledTo: null,
      createdBy: { __typename: "User", id: org.admin.userId },
    });

    // both work during the grace period; the old one says when it stops
    const before = await org.admin.request(ApiKeyDocument, { id: old.keyId });
    expect(before.data!.apiKey).toMatchObject({ status: "ACTIVE", rolledTo: { id: apiKey.id } });
    const oldExpiry = Date.parse(before.data!.apiKey!.expiresAt as string);
    expect(oldExpiry).toBeGreaterThanOrEqual(started + 10 * MINUTE - 1000);
    expect(oldExpiry).toBeLessThanOrEqual(Date.now() + 10 * MINUTE);
    expect((await old.request(ViewerDocument, {})).status).toBe(200);
    expect(await verify(token)).toBe("VALID");
    expect(await verify(old.token)).toBe("VALID");
  });

  it("with no grace period (the default) the old key stops at once: 401, and verifyApiKey answers EXPIRED", async () => {
    const old = await sandboxKey();
    const rolled = await roll(old.keyId);
    expect(rolled.errors).toBeUndefined();
    const refused = await old.request(ViewerDocument, {});
    expect(refused.status).toBe(401);
    expect(codesOf(refused)).toEqual(["UNAUTHENTICATED"]);
    expect(await verify(old.token)).toBe("EXPIRED");
    expect(await verify(rolled.data!.rollApiKey.token)).toBe("VALID");
  });

  it("keeps the old key's lifetime (counted from now) unless expiresAt is given; never beyond a policy", async () => {
    const twoDays = 2 * 24 * 60 * MINUTE;
    const old = await sandboxKey({ expiresAt: new Date(Date.now() + twoDays).toISOString() });
    const rolled = (await roll(old.keyId, 0)).data!.rollApiKey.apiKey;
    const expires = Date.parse(rolled.expiresAt as string);
    expect(expires).toBeGreaterThan(Date.now() + twoDays - MINUTE);
    expect(expires).toBeLessThanOrEqual(Date.now() + twoDays + 1000);

    const explicit = new Date(Date.now() + 60 * MINUTE).toISOString();
    const other = await sandboxKey();
    const given = await org.admin.request(RollApiKeyDocument, { input: { id: other.keyId, expiresAt: explicit } });
    expect(given.data!.rollApiKey.apiKey.expiresAt).toBe(explicit);

    // a key from before a stricter policy cannot be rolled into another violation; with an expiry it can
    await org.admin.request(UpdateApiKeyPolicyDocument, { input: { sandbox: { requireExpiry: true } } });
    try {
      const lax = await sandboxKey({ expiresAt: new Date(Date.now() + MINUTE * 30).toISOString() });
      await server.db.query(`UPDATE api_key SET expires_at = NULL WHERE id = ?`, [lax.keyId]);
      const refused = await roll(lax.keyId, 0);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "expiresAt" });
      expect(refused.errors?.[0]?.message).toMatch(/requireExpiry/);
      expect((await org.admin.request(ApiKeyDocument, { id: lax.keyId })).data!.apiKey!.rolledTo).toBeNull();
      const fixed = await org.admin.request(RollApiKeyDocument, { input: { id: lax.keyId, expiresAt: explicit } });
      expect(fixed.errors).toBeUndefined();
    } finally {
      await org.admin.request(UpdateApiKeyPolicyDocument, { input: { sandbox: { requireExpiry: false } } });
    }
  });

  it("refuses a key already rolled, revoked or suspended, and a grace period outside 0–10080, changing nothing", async () => {
    const once = await sandboxKey();
    await roll(once.keyId, 5);
    const twice = await roll(once.keyId, 5);
    expect(twice.errors?.[0]).toMatchObject({
      message: "This key has already been rolled",
      extensions: { code: "BAD_USER_INPUT", field: "id" },
    });

    const revoked = await sandboxKey();
    await org.admin.request(RevokeApiKeyDocument, { id: revoked.keyId });
    expect((await roll(revoked.keyId)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });

    const suspended = await sandboxKey();
    await org.admin.request(SuspendApiKeyDocument, { id: suspended.keyId });
    expect((await roll(suspended.keyId)).errors?.[0]?.message).toMatch(/resume it first/);
    await org.admin.request(ResumeApiKeyDocument, { id: suspended.keyId });

    for (const grace of [-1, 10_081]) {
      const result = await roll(suspended.keyId, grace);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "gracePeriodMinutes" });
    }
    const untouched = (await org.admin.request(ApiKeyDocument, { id: suspended.keyId })).data!.apiKey!;
    expect(untouched).toMatchObject({ status: "ACTIVE", rolledTo: null, expiresAt: null });
    // another organization's key, or nonsense: NOT_FOUND, exactly alike
    const stranger = await createOrganization(server);
    expect(codesOf(await roll(suspended.keyId, 0, stranger.admin))).toEqual(["NOT_FOUND"]);
    expect(codesOf(await roll("not-an-id", 0))).toEqual(["NOT_FOUND"]);
  });

  it("never fails for the key limit: at the limit a roll succeeds, and the rolled key stops counting", async () => {
    const small = await createTestServer(kind, { API_KEY_LIMIT: "6" });
    try {
      const limited = await createOrganization(small);
      const keys = [];
      for (let i = 0; i < 6; i++)
        keys.push(
          await createKey(small, limited.admin, {
            environment: "SANDBOX",
            scope: "ORGANIZATION",
            permission: "READ_ONLY",
          }),
        );
      const seventh = await limited.admin.request(CreateApiKeyDocument, {
        input: { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
      });
      expect(codesOf(seventh)).toEqual(["API_KEY_LIMIT_REACHED"]);
      const rolled = await roll(keys[0].keyId, 60, limited.admin);
      expect(rolled.errors).toBeUndefined();
      const quota = (await limited.admin.request(OrganizationDocument, {})).data!.organization.apiKeyQuota;
      expect(quota).toEqual({ active: 6, limit: 6, remaining: 0 });
      // the old key still works in its grace period, yet a seventh key is still refused
      expect((await keys[0].request(ViewerDocument, {})).status).toBe(200);
      const again = await limited.admin.request(CreateApiKeyDocument, {
        input: { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
      });
      expect(codesOf(again)).toEqual(["API_KEY_LIMIT_REACHED"]);
    } finally {
      await small.close();
    }
  });

  it("an organization-scope full-access key rolls itself (its successor is created by it); narrower keys may not", async () => {
    const integration = await sandboxKey({ permission: "FULL_ACCESS", description: "self-rotating" });
    const rolled = await integration.request(RollApiKeyDocument, {
      input: { id: integration.keyId, gracePeriodMinutes: 1 },
    });
    expect(rolled.errors).toBeUndefined();
    expect(rolled.data!.rollApiKey.apiKey).toMatchObject({
      description: "self-rotating",
      createdBy: { __typename: "ApiKey", id: integration.keyId },
    });
    // the old token still works for the minute of grace; the new one works
    expect((await integration.request(ViewerDocument, {})).status).toBe(200);
    expect(await verify(rolled.data!.rollApiKey.token)).toBe("VALID");

    const workspaceKey = await sandboxKey({
      scope: "WORKSPACE",
      workspaceIds: [org.workspaceIds[0]],
      permission: "FULL_ACCESS",
    });
    const denied = await workspaceKey.request(RollApiKeyDocument, { input: { id: workspaceKey.keyId } });
    expect(codesOf(denied)).toEqual(["FORBIDDEN"]);
    // a production key never rolls a sandbox key (it does not see it)
    const production = await createKey(server, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    const target = await sandboxKey();
    expect(codesOf(await roll(target.keyId, 0, production))).toEqual(["NOT_FOUND"]);
  });

  it("concurrent rolls of one key: exactly one wins, every other answers BAD_USER_INPUT (already rolled)", async () => {
    for (let round = 0; round < 3; round++) {
      const key = await sandboxKey();
      const results = await Promise.all(Array.from({ length: 8 }, () => roll(key.keyId, 30)));
      const won = results.filter((r) => r.data?.rollApiKey);
      const lost = results.filter((r) => !r.data?.rollApiKey);
      expect(won).toHaveLength(1);
      expect(lost.map((r) => r.errors?.[0]?.extensions)).toEqual(
        Array.from({ length: 7 }, () => expect.objectContaining({ code: "BAD_USER_INPUT", field: "id" })),
      );
      const successors = await server.db.query<{ id: string }[]>(`SELECT id FROM api_key WHERE rolled_from_id = ?`, [
        key.keyId,
      ]);
      expect(successors.map((r) => r.id)).toEqual([won[0].data!.rollApiKey.apiKey.id]);
    }
  });
});
