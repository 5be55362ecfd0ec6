/**
 * The organization's key policy (issue 12 §3): per-environment maxLifetimeDays and requireExpiry for new keys,
 * a default IP allowlist; parts left out stay; keys from before a stricter rule keep working and are listed by
 * violatesPolicy. Who reads and changes it. Real HTTP, both databases.
 */
import { expect } from "@jest/globals";
import { codesOf, rawGraphql } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyPolicyDocument,
  ApiKeysDocument,
  CreateApiKeyDocument,
  UpdateApiKeyPolicyDocument,
  ViewerDocument,
  type CreateApiKeyInput,
  type UpdateApiKeyPolicyInput,
} from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const DAY = 24 * 60 * 60 * 1000;
const NO_RULES = { maxLifetimeDays: null, requireExpiry: false };

describe.each(databases)("the organization's key policy on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server, { apiPlan: "Scale" });
  });
  afterAll(() => server.close());

  const create = (input: Partial<CreateApiKeyInput>) =>
    org.admin.request(CreateApiKeyDocument, {
      input: { environment: "PRODUCTION", scope: "ORGANIZATION", permission: "READ_ONLY", ...input },
    });
  const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
  const violating = async (violatesPolicy: boolean) =>
    (await org.admin.request(ApiKeysDocument, { filter: { violatesPolicy }, first: 100 })).data!.apiKeys.nodes.map(
      (k) => k.id,
    );

  it("starts with no rule; an update changes only the parts it names", async () => {
    const fresh = await createOrganization(server);
    const read = await fresh.admin.request(ApiKeyPolicyDocument, {});
    expect(read.data!.organization.apiKeyPolicy).toEqual({
      sandbox: NO_RULES,
      production: NO_RULES,
      allowedIpRanges: [],
    });

    const first = await fresh.admin.request(UpdateApiKeyPolicyDocument, {
      input: { production: { maxLifetimeDays: 90, requireExpiry: true } },
    });
    expect(first.data!.updateApiKeyPolicy).toEqual({
      sandbox: NO_RULES,
      production: { maxLifetimeDays: 90, requireExpiry: true },
      allowedIpRanges: [],
    });
    const second = await fresh.admin.request(UpdateApiKeyPolicyDocument, {
      input: { allowedIpRanges: ["192.168.1.7/16"], production: { requireExpiry: false } },
    });
    expect(second.data!.updateApiKeyPolicy).toEqual({
      sandbox: NO_RULES,
      production: { maxLifetimeDays: 90, requireExpiry: false },
      allowedIpRanges: ["192.168.0.0/16"],
    });
    const cleared = await fresh.admin.request(UpdateApiKeyPolicyDocument, {
      input: { production: { maxLifetimeDays: null }, allowedIpRanges: [] },
    });
    expect(cleared.data!.updateApiKeyPolicy).toEqual({ sandbox: NO_RULES, production: NO_RULES, allowedIpRanges: [] });
  });

  it("refuses a bad policy with the field named, changing nothing", async () => {
    const fresh = await createOrganization(server);
    for (const [input, field] of [
      [{ production: { maxLifetimeDays: 0 } }, "production.maxLifetimeDays"],
      [{ sandbox: { maxLifetimeDays: 3651 } }, "sandbox.maxLifetimeDays"],
      [{ sandbox: { requireExpiry: null } }, "sandbox.requireExpiry"],
      [{ allowedIpRanges: ["10.0.0.0/33"] }, "allowedIpRanges"],
    ] satisfies [UpdateApiKeyPolicyInput, string][]) {
      const result = await fresh.admin.request(UpdateApiKeyPolicyDocument, { input });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const read = await fresh.admin.request(ApiKeyPolicyDocument, {});
    expect(read.data!.organization.apiKeyPolicy).toEqual({
      sandbox: NO_RULES,
      production: NO_RULES,
      allowedIpRanges: [],
    });
  });

  it("refuses new keys against it (field expiresAt, the rule named); keys made before keep working and are listed by violatesPolicy", async () => {
    const before = await createKey(server, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const longLived = await createKey(server, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
      expiresAt: inDays(60),
    });
    const sandbox = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    expect(await violating(true)).toEqual([]);

    await org.admin.request(UpdateApiKeyPolicyDocument, { input: { production: { maxLifetimeDays: 30 } } });
    const none = await create({});
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "expiresAt" });
    expect(none.errors?.[0]?.message).toMatch(/maxLifetimeDays.*production keys to expire within 30 days/);
    expect(codesOf(await create({ expiresAt: inDays(31) }))).toEqual(["BAD_USER_INPUT"]);
    const within = await create({ expiresAt: inDays(29) });
    expect(within.errors).toBeUndefined();
    // the sandbox has its own rules: none yet
    expect((await create({ environment: "SANDBOX" })).errors).toBeUndefined();

    // made before the rule: still working, and listed
    expect((await before.request(ViewerDocument, {})).status).toBe(200);
    expect((await longLived.request(ViewerDocument, {})).status).toBe(200);
    expect((await violating(true)).sort()).toEqual([before.keyId, longLived.keyId].sort());
    const compliant = await violating(false);
    expect(compliant).toContain(within.data!.createApiKey.apiKey.id);
    expect(compliant).toContain(sandbox.keyId);
    expect(compliant).not.toContain(before.keyId);

    await org.admin.request(UpdateApiKeyPolicyDocument, {
      input: { production: { maxLifetimeDays: null }, sandbox: { requireExpiry: true } },
    });
    const sandboxNone = await create({ environment: "SANDBOX" });
    expect(sandboxNone.errors?.[0]?.message).toMatch(/requireExpiry.*sandbox keys to expire/);
    // now the never-expiring sandbox keys violate, and the production ones no longer do
    const now = await violating(true);
    expect(now).toContain(sandbox.keyId);
    expect(now).not.toContain(before.keyId);
    await org.admin.request(UpdateApiKeyPolicyDocument, { input: { sandbox: { requireExpiry: false } } });
  });

  it("gives new keys its allowedIpRanges when createApiKey names none ([] asks for any address)", async () => {
    const fresh = await createOrganization(server);
    await fresh.admin.request(UpdateApiKeyPolicyDocument, { input: { allowedIpRanges: ["10.0.0.0/8"] } });
    const sandbox = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
    const defaulted = await createKey(server, fresh.admin, sandbox);
    expect(defaulted.apiKey.allowedIpRanges).toEqual(["10.0.0.0/8"]);
    // from 127.0.0.1: outside the default
    const refused = await defaulted.request(ViewerDocument, {});
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "IP_NOT_ALLOWED" });
    const anywhere = await createKey(server, fresh.admin, { ...sandbox, allowedIpRanges: [] });
    expect(anywhere.apiKey.allowedIpRanges).toEqual([]);
    expect((await anywhere.request(ViewerDocument, {})).status).toBe(200);
  });

  it("is read by admins, the platform and organization-scope keys, changed by admins and the platform only", async () => {
    const fresh = await createOrganization(server, { workspaces: 1 });
    const member = await fresh.member(fresh.workspaceIds);
    const key = (input: Omit<CreateApiKeyInput, "environment">) =>
      createKey(server, fresh.admin, { environment: "SANDBOX", ...input });
    const orgFull = await key({ scope: "ORGANIZATION", permission: "FULL_ACCESS" });
    const orgRead = await key({ scope: "ORGANIZATION", permission: "READ_ONLY" });
    const workspace = await key({ scope: "WORKSPACE", workspaceIds: fresh.workspaceIds, permission: "FULL_ACCESS" });
    const platform = (await createPlatformKey(server)).inOrganization(fresh.id);
    const readers = { admin: fresh.admin, platform, orgFull, orgRead };
    for (const [who, caller] of Object.entries(readers)) {
      const read = await caller.request(ApiKeyPolicyDocument, {});
      expect({ who, errors: read.errors }).toEqual({ who, errors: undefined });
    }
    for (const [who, caller] of Object.entries({ member, workspace })) {
      const read = await caller.request(ApiKeyPolicyDocument, {});
      expect({ who, codes: codesOf(read) }).toEqual({ who, codes: ["FORBIDDEN"] });
      // Organization.usage is theirs to read exactly as the policy is
      const usage = await rawGraphql(
        server.url,
        {
          query: `{ organization { usage(from: "${new Date(Date.now() - 3_600_000).toISOString()}", to: "${new Date().toISOString()}") { start } } }`,
        },
        caller.token,
      );
      expect({ who, codes: codesOf(usage) }).toEqual({ who, codes: ["FORBIDDEN"] });
    }
    const change = { input: { sandbox: { requireExpiry: true } } };
    for (const [who, caller] of Object.entries({ member, orgFull, orgRead, workspace })) {
      const denied = await caller.request(UpdateApiKeyPolicyDocument, change);
      expect({ who, codes: codesOf(denied) }).toEqual({ who, codes: ["FORBIDDEN"] });
    }
    expect((await fresh.admin.request(ApiKeyPolicyDocument, {})).data!.organization.apiKeyPolicy.sandbox).toEqual(
      NO_RULES,
    );
    expect((await platform.request(UpdateApiKeyPolicyDocument, change)).errors).toBeUndefined();
  });
});
