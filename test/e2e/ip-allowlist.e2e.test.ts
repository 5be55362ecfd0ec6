/**
 * IP allowlists per key (issue 12 §4): CIDRs validated and normalized (ipaddr.js); a request from outside is
 * HTTP 401 with reason IP_NOT_ALLOWED, verifyApiKey answers IP_NOT_ALLOWED for the address the platform passes;
 * the client address follows TRUST_PROXY; lastUsedIp records it. Real HTTP, both databases.
 */
import { expect } from "@jest/globals";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyDocument,
  ApiKeysDocument,
  CreateApiKeyDocument,
  UpdateApiKeyDocument,
  VerifyApiKeyDocument,
  ViewerDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import { graphql } from "../support/client";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;

describe.each(databases)("IP allowlists on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  let platform: PlatformCaller;
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server);
    platform = await createPlatformKey(server);
  });
  afterAll(() => server.close());

  const keyFrom = (allowedIpRanges: string[], input: Partial<CreateApiKeyInput> = {}) =>
    createKey(server, org.admin, { ...SANDBOX, ...input, allowedIpRanges });
  const verify = async (token: string, ip?: string) =>
    (await platform.request(VerifyApiKeyDocument, { token, require: ip === undefined ? {} : { ip } })).data!
      .verifyApiKey.code;

  it("normalizes what it stores: host bits cleared, IPv6 compact, a bare address a /32 or /128, duplicates gone", async () => {
    const key = await keyFrom([
      "127.0.0.1/32",
      " 10.1.2.3/8 ",
      "2001:DB8:0:0::1/64",
      "192.0.2.7",
      "::1",
      "10.0.0.0/8",
      "::ffff:198.51.100.0/120",
    ]);
    expect(key.apiKey.allowedIpRanges).toEqual([
      "127.0.0.1/32",
      "10.0.0.0/8",
      "2001:db8::/64",
      "192.0.2.7/32",
      "::1/128",
      "198.51.100.0/24",
    ]);
    // from 127.0.0.1: inside; lastUsedIp says so
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
    const read = await org.admin.request(ApiKeyDocument, { id: key.keyId });
    expect(read.data!.apiKey).toMatchObject({ lastUsedIp: "127.0.0.1", lastUsedAt: expect.any(String) });
  });

  it("refuses what is not a CIDR (octal and short IPv4 forms included) and more than 50, creating nothing", async () => {
    const countBefore = (await org.admin.request(ApiKeysDocument, { first: 1 })).data!.apiKeys.totalCount;
    const many = Array.from({ length: 51 }, (_, i) => `10.0.${i}.0/24`);
    for (const ranges of [
      ["10.0.0.0/33"],
      ["010.0.0.1"],
      ["10.1"],
      ["not an address"],
      ["10.0.0.0/8/8"],
      ["::1/129"],
      many,
    ]) {
      const result = await org.admin.request(CreateApiKeyDocument, { input: { ...SANDBOX, allowedIpRanges: ranges } });
      expect({ ranges: ranges.slice(0, 2), error: result.errors?.[0]?.extensions }).toEqual({
        ranges: ranges.slice(0, 2),
        error: expect.objectContaining({ code: "BAD_USER_INPUT", field: "allowedIpRanges" }),
      });
    }
    expect((await org.admin.request(ApiKeysDocument, { first: 1 })).data!.apiKeys.totalCount).toBe(countBefore);
  });

  it("a request from outside: 401 UNAUTHENTICATED, reason IP_NOT_ALLOWED; verifyApiKey checks the address it is given", async () => {
    const key = await keyFrom(["10.0.0.0/8", "2001:db8::/32"]);
    const refused = await key.request(ViewerDocument, {});
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "IP_NOT_ALLOWED" });
    expect(refused.data).toBeUndefined();

    expect(await verify(key.token, "10.20.30.40")).toBe("VALID");
    expect(await verify(key.token, "2001:db8:1::5")).toBe("VALID");
    expect(await verify(key.token, "::ffff:10.1.1.1")).toBe("VALID"); // IPv4-mapped IPv6 is the IPv4 address
    expect(await verify(key.token, "192.168.0.1")).toBe("IP_NOT_ALLOWED");
    expect(await verify(key.token, "2001:db9::1")).toBe("IP_NOT_ALLOWED");
    // a key with an allowlist verified without an address: refused (deny by default)
    expect(await verify(key.token)).toBe("IP_NOT_ALLOWED");
    const nonsense = await platform.request(VerifyApiKeyDocument, { token: key.token, require: { ip: "10.0.0.999" } });
    expect(nonsense.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "require.ip" });
    // a key without one is good from anywhere
    const open = await createKey(server, org.admin, SANDBOX);
    expect(await verify(open.token, "203.0.113.9")).toBe("VALID");
    expect(await verify(open.token)).toBe("VALID");
  });

  it("updateApiKey sets and clears the allowlist, taking effect on the next request", async () => {
    const key = await createKey(server, org.admin, SANDBOX);
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
    const set = await org.admin.request(UpdateApiKeyDocument, {
      input: { id: key.keyId, allowedIpRanges: ["10.0.0.0/8"] },
    });
    expect(set.data!.updateApiKey.allowedIpRanges).toEqual(["10.0.0.0/8"]);
    expect((await key.request(ViewerDocument, {})).status).toBe(401);
    // the description alone leaves the allowlist as it is
    await org.admin.request(UpdateApiKeyDocument, { input: { id: key.keyId, description: "renamed" } });
    expect((await key.request(ViewerDocument, {})).status).toBe(401);
    const bad = await org.admin.request(UpdateApiKeyDocument, { input: { id: key.keyId, allowedIpRanges: ["x"] } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "allowedIpRanges" });
    const cleared = await org.admin.request(UpdateApiKeyDocument, { input: { id: key.keyId, allowedIpRanges: null } });
    expect(cleared.data!.updateApiKey.allowedIpRanges).toEqual([]);
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
  });

  it("the client address follows TRUST_PROXY: X-Forwarded-For counts behind a trusted proxy, and only then", async () => {
    const proxied = await createTestServer(kind, { TRUST_PROXY: "127.0.0.1" });
    try {
      const there = await createOrganization(proxied);
      const key = await createKey(proxied, there.admin, { ...SANDBOX, allowedIpRanges: ["198.51.100.0/24"] });
      const from = (address: string) =>
        graphql(proxied.url, ViewerDocument, {}, key.token, { "x-forwarded-for": address });
      expect((await from("198.51.100.23")).status).toBe(200);
      expect((await from("203.0.113.1")).status).toBe(401);
      const read = await there.admin.request(ApiKeyDocument, { id: key.keyId });
      expect(read.data!.apiKey!.lastUsedIp).toBe("198.51.100.23");
    } finally {
      await proxied.close();
    }
    // this server trusts no proxy: the header is the client's claim, and ignored
    const key = await keyFrom(["198.51.100.0/24"]);
    const spoofed = await graphql(server.url, ViewerDocument, {}, key.token, { "x-forwarded-for": "198.51.100.23" });
    expect(spoofed.status).toBe(401);
    expect(codesOf(spoofed)).toEqual(["UNAUTHENTICATED"]);
  });
});
