import { expect } from "@jest/globals";
import { SignJWT, UnsecuredJWT } from "jose";
import { print } from "graphql";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";
import { generateToken } from "../../src/modules/api-key/token";
import { User } from "../../src/modules/user/user.entity";
import { codesOf, graphql, rawGraphql, type GraphQLResult } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyDocument,
  ApiKeysDocument,
  CreateApiKeyDocument,
  OrganizationDocument,
  RevokeApiKeyDocument,
  ViewerDocument,
  WorkspacesDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import {
  createKey as createKeyAs,
  createOrganization,
  createTestServer,
  TEST_JWT_SECRET,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const VIEWER = print(ViewerDocument);
const secretKey = (secret: string) => new TextEncoder().encode(secret);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SANDBOX_ORG_FULL: CreateApiKeyInput = {
  environment: "SANDBOX",
  scope: "ORGANIZATION",
  permission: "FULL_ACCESS",
};

/** One character of a token changed (inside the random part), so its checksum no longer matches. */
function withOneCharChanged(token: string, index = 12): string {
  const replacement = token[index] === "A" ? "B" : "A";
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

describe.each(databases)("authentication on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  /** Every credential sent that had to be refused: none may ever be echoed back or logged. */
  const refused: string[] = [];

  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server, { workspaces: 1 });
  });
  afterAll(() => server.close());

  const viewerWith = (credential: string) => graphql(server.url, ViewerDocument, {}, credential);
  const viewerWithHeader = (authorization: string) =>
    rawGraphql(server.url, { query: VIEWER }, null, { authorization });

  function expect401(result: GraphQLResult<unknown>, credential?: string) {
    expect(result.status).toBe(401);
    expect(codesOf(result)).toEqual(["UNAUTHENTICATED"]);
    expect(result.data ?? null).toBeNull();
    if (credential) {
      refused.push(credential);
      expect(result.text).not.toContain(credential);
    }
  }

  const createKey = (input: CreateApiKeyInput = SANDBOX_ORG_FULL) => createKeyAs(server, org.admin, input);

  const keyAsAdmin = async (id: string) => {
    const result = await org.admin.request(ApiKeyDocument, { id });
    expect(result.errors).toBeUndefined();
    return result.data!.apiKey!;
  };

  describe("without a credential", () => {
    it("viewer answers UNAUTHENTICATED with data null (else anonymous callers reach data)", async () => {
      const result = await graphql(server.url, ViewerDocument, {}, null);
      expect(codesOf(result)).toEqual(["UNAUTHENTICATED"]);
      expect(result.data).toBeNull();
    });

    it("organization and workspaces are UNAUTHENTICATED too, not FORBIDDEN (else shield's order of rules is wrong)", async () => {
      const organization = await graphql(server.url, OrganizationDocument, {}, null);
      expect(codesOf(organization)).toEqual(["UNAUTHENTICATED"]);
      expect(organization.data).toBeNull();
      const workspaces = await graphql(server.url, WorkspacesDocument, {}, null);
      expect(codesOf(workspaces)).toEqual(["UNAUTHENTICATED"]);
      const apiKeys = await graphql(server.url, ApiKeysDocument, {}, null);
      expect(codesOf(apiKeys)).toEqual(["UNAUTHENTICATED"]);
    });

    it("a mutation is UNAUTHENTICATED and writes nothing (else anonymous callers can create keys)", async () => {
      const before = await server.db.getRepository(ApiKey).count();
      const result = await graphql(server.url, CreateApiKeyDocument, { input: SANDBOX_ORG_FULL }, null);
      expect(codesOf(result)).toEqual(["UNAUTHENTICATED"]);
      expect(result.data).toBeNull();
      expect(await server.db.getRepository(ApiKey).count()).toBe(before);
    });

    it("{ __typename } works (else health probes and clients cannot reach the API anonymously)", async () => {
      const result = await rawGraphql(server.url, { query: "{ __typename }" });
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ __typename: "Query" });
    });

    it("introspection works outside production (else GraphiQL and codegen break)", async () => {
      const result = await rawGraphql(server.url, { query: "{ __schema { queryType { name } } }" });
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ __schema: { queryType: { name: "Query" } } });
    });
  });

  describe("an invalid Authorization header or JWT gets HTTP 401 UNAUTHENTICATED", () => {
    it.each([
      ["a Basic scheme", "Basic x"],
      ["a Basic scheme with credentials", "Basic dXNlcjpwYXNzd29yZA=="],
      ["Bearer alone", "Bearer"],
      ["two words after Bearer", "Bearer abc def"],
      ["a bare token without a scheme", "abcdef"],
    ])("%s (else a malformed header is treated as anonymous or as valid)", async (_what, header) => {
      expect401(await viewerWithHeader(header));
    });

    it("a garbage JWT (else unparsable tokens are accepted)", async () => {
      expect401(await viewerWith("not.a.jwt"), "not.a.jwt");
      expect401(await viewerWith("garbage"), "garbage");
    });

    it("a JWT signed with another secret (else anyone can forge users)", async () => {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(org.admin.userId)
        .setExpirationTime("1h")
        .sign(secretKey("another-secret-that-is-long-enough-for-hs256-xyz"));
      expect401(await viewerWith(jwt), jwt);
    });

    it("an unsigned alg:none JWT (else signature checking can be switched off by the caller)", async () => {
      const jwt = new UnsecuredJWT({}).setSubject(org.admin.userId).setExpirationTime("1h").encode();
      expect401(await viewerWith(jwt), jwt);
    });

    it("an expired JWT (else stolen tokens live forever)", async () => {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(org.admin.userId)
        .setIssuedAt(nowSeconds() - 3600)
        .setExpirationTime(nowSeconds() - 60)
        .sign(secretKey(TEST_JWT_SECRET));
      expect401(await viewerWith(jwt), jwt);
    });

    it("a JWT without exp (else tokens that never expire are accepted)", async () => {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(org.admin.userId)
        .sign(secretKey(TEST_JWT_SECRET));
      expect401(await viewerWith(jwt), jwt);
    });

    it("a JWT without sub (else a token names no user and still gets in)", async () => {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("1h")
        .sign(secretKey(TEST_JWT_SECRET));
      expect401(await viewerWith(jwt), jwt);
    });

    it("a well-signed JWT for a deleted user (else deleted users keep access)", async () => {
      const member = await org.member(org.workspaceIds);
      const ok = await member.request(ViewerDocument, {});
      expect(ok.status).toBe(200);
      expect(ok.data!.viewer.user?.id).toBe(member.userId);

      await server.db.getRepository(User).delete({ id: member.userId });
      expect401(await member.request(ViewerDocument, {}), member.token);
    });

    it("a valid JWT signed by the test secret is accepted (else the 401 cases above prove nothing)", async () => {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(org.admin.userId)
        .setExpirationTime(nowSeconds() + 600)
        .sign(secretKey(TEST_JWT_SECRET));
      const result = await viewerWith(jwt);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data!.viewer).toMatchObject({
        user: { id: org.admin.userId, role: "ADMIN" },
        apiKey: null,
        organization: { id: org.id },
      });
    });

    it("the scheme is case-insensitive (else clients sending 'bearer' are refused)", async () => {
      const result = await viewerWithHeader(`bearer ${org.admin.token}`);
      expect(result.status).toBe(200);
      expect(result.data!.viewer).toMatchObject({ user: { id: org.admin.userId } });
    });
  });

  describe("with JWT_ISSUER and JWT_AUDIENCE set", () => {
    let strict: TestServer;
    let userId: string;
    beforeAll(async () => {
      strict = await createTestServer(kind, { JWT_ISSUER: "https://id.example.test", JWT_AUDIENCE: "latchkey" });
      userId = (await createOrganization(strict, { workspaces: 0 })).admin.userId;
    });
    afterAll(() => strict.close());

    const sign = (claims: { iss?: string; aud?: string }) => {
      let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(userId).setExpirationTime("10m");
      if (claims.iss) jwt = jwt.setIssuer(claims.iss);
      if (claims.aud) jwt = jwt.setAudience(claims.aud);
      return jwt.sign(secretKey(TEST_JWT_SECRET));
    };

    it.each([
      ["no iss or aud", {}],
      ["a wrong issuer", { iss: "https://evil.example.test", aud: "latchkey" }],
      ["a wrong audience", { iss: "https://id.example.test", aud: "other-app" }],
      ["no audience", { iss: "https://id.example.test" }],
    ])("a JWT with %s gets 401 (else tokens minted for other services are accepted)", async (_what, claims) => {
      const jwt = await sign(claims);
      const result = await graphql(strict.url, ViewerDocument, {}, jwt);
      expect(result.status).toBe(401);
      expect(codesOf(result)).toEqual(["UNAUTHENTICATED"]);
      expect(result.text).not.toContain(jwt);
    });

    it("a JWT with the right iss and aud is accepted (else the checks above refuse everything)", async () => {
      const result = await graphql(
        strict.url,
        ViewerDocument,
        {},
        await sign({ iss: "https://id.example.test", aud: "latchkey" }),
      );
      expect(result.status).toBe(200);
      expect(result.data!.viewer.user?.id).toBe(userId);
    });
  });

  describe("API keys as credentials", () => {
    it("a new key authenticates as itself: viewer.apiKey is the key, viewer.user is null (else keys act as users or fail)", async () => {
      const { apiKey, token } = await createKey();
      const result = await viewerWith(token);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data!.viewer).toEqual({
        user: null,
        apiKey: { id: apiKey.id, environment: "SANDBOX", scope: "ORGANIZATION", permission: "FULL_ACCESS" },
        organization: { id: org.id, name: expect.any(String) },
      });
    });

    it("using a key sets its lastUsedAt once, then not again within the minute (else usage is never recorded, or every request writes)", async () => {
      const { apiKey, token } = await createKey();
      expect(apiKey.lastUsedAt).toBeNull();
      const before = Date.now();
      expect((await viewerWith(token)).status).toBe(200);
      const after = Date.now();

      const seen = await keyAsAdmin(apiKey.id);
      expect(seen.lastUsedAt).not.toBeNull();
      const usedAt = new Date(seen.lastUsedAt!).getTime();
      expect(usedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(usedAt).toBeLessThanOrEqual(after + 1000);
      const row = await server.db.getRepository(ApiKey).findOneByOrFail({ id: apiKey.id });
      expect(row.lastUsedAt?.toISOString()).toBe(seen.lastUsedAt);

      await sleep(20);
      expect((await viewerWith(token)).status).toBe(200);
      expect((await viewerWith(token)).status).toBe(200);
      expect((await keyAsAdmin(apiKey.id)).lastUsedAt).toBe(seen.lastUsedAt);
    });

    it("a token with one character changed (wrong checksum) gets 401 (else mistyped tokens reach the database or match)", async () => {
      const { token } = await createKey();
      const tampered = withOneCharChanged(token);
      expect(tampered).not.toBe(token);
      expect401(await viewerWith(tampered), tampered);
      const badChecksum = withOneCharChanged(token, token.length - 1);
      expect401(await viewerWith(badChecksum), badChecksum);
      // the original still works
      expect((await viewerWith(token)).status).toBe(200);
    });

    it("a well-formed but unknown token gets 401 (else any checksum-valid string authenticates)", async () => {
      const unknownSandbox = generateToken("SANDBOX");
      expect401(await viewerWith(unknownSandbox), unknownSandbox);
      const unknownLive = generateToken("PRODUCTION");
      expect401(await viewerWith(unknownLive), unknownLive);
    });

    it("a revoked key gets 401 on the very next request (else a cache keeps revoked keys alive)", async () => {
      const { apiKey, token } = await createKey();
      expect((await viewerWith(token)).status).toBe(200);
      const revoked = await org.admin.request(RevokeApiKeyDocument, { id: apiKey.id });
      expect(revoked.errors).toBeUndefined();
      expect(revoked.data!.revokeApiKey.status).toBe("REVOKED");
      expect401(await viewerWith(token), token);
      expect((await keyAsAdmin(apiKey.id)).status).toBe("REVOKED");
    });

    it("a key past its expiresAt gets 401 and shows EXPIRED to the admin (else expired keys keep working)", async () => {
      const expiresAt = new Date(Date.now() + 2000);
      const { apiKey, token } = await createKey({ ...SANDBOX_ORG_FULL, expiresAt: expiresAt.toISOString() });
      expect(apiKey.status).toBe("ACTIVE");
      expect(apiKey.expiresAt).toBe(expiresAt.toISOString());
      // it works until then, so the 401 below is the expiry's doing
      expect((await viewerWith(token)).status).toBe(200);

      const wait = expiresAt.getTime() - Date.now() + 100;
      if (wait > 0) await sleep(wait);
      expect401(await viewerWith(token), token);

      const seen = await keyAsAdmin(apiKey.id);
      expect(seen.status).toBe("EXPIRED");
      expect(seen.revokedAt).toBeNull();
      expect(seen.expiresAt).toBe(expiresAt.toISOString());
    });
  });

  describe("a member", () => {
    it("is FORBIDDEN to list or read API keys (else members see the organization's keys)", async () => {
      const { apiKey } = await createKey();
      const member = await org.member(org.workspaceIds);
      const list = await member.request(ApiKeysDocument, {});
      expect(codesOf(list)).toEqual(["FORBIDDEN"]);
      expect(list.data).toBeNull();
      const one = await member.request(ApiKeyDocument, { id: apiKey.id });
      expect(codesOf(one)).toEqual(["FORBIDDEN"]);
    });

    it("is FORBIDDEN to createApiKey and no key row is written (else members can issue keys)", async () => {
      const member = await org.member(org.workspaceIds);
      const before = await server.db.getRepository(ApiKey).count();
      const result = await member.request(CreateApiKeyDocument, { input: SANDBOX_ORG_FULL });
      expect(codesOf(result)).toEqual(["FORBIDDEN"]);
      expect(result.data).toBeNull();
      expect(result.text).not.toMatch(/lk_(test|live)_/);
      expect(await server.db.getRepository(ApiKey).count()).toBe(before);
      expect(await server.db.getRepository(ApiKey).countBy({ createdByUserId: member.userId })).toBe(0);
    });
  });

  describe("secrecy of refused credentials", () => {
    it("no 401 body contains the credential sent, in any form tried (else error bodies leak secrets)", async () => {
      const { token } = await createKey();
      await org.admin.request(RevokeApiKeyDocument, {
        id: (await viewerWith(token)).data!.viewer.apiKey!.id,
      });
      const expiredJwt = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(org.admin.userId)
        .setExpirationTime(nowSeconds() - 1)
        .sign(secretKey(TEST_JWT_SECRET));
      const candidates = [token, withOneCharChanged(token), generateToken("PRODUCTION"), expiredJwt, "x".repeat(200)];
      for (const credential of candidates) {
        const result = await viewerWith(credential);
        expect401(result, credential);
        expect(result.text).not.toContain(credential.slice(8, 30));
      }
      // and malformed headers are not echoed either
      for (const header of ["Basic c2VjcmV0LXBhc3N3b3Jk", "Token secret-value-123"]) {
        const result = await viewerWithHeader(header);
        expect401(result);
        expect(result.text).not.toContain(header.split(" ")[1]);
      }
      expect(refused.length).toBeGreaterThan(10);
    });

    it("no log line contains a refused credential (else logs leak secrets)", () => {
      const logs = server.logs.join("\n");
      expect(logs.length).toBeGreaterThan(0);
      for (const credential of refused) expect(logs).not.toContain(credential);
    });
  });
});
