import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { codesOf, graphql } from "../support/client";
import { ViewerDocument } from "../support/gql/graphql";
import { createOrganization, createTestServer, type TestServer } from "../support/server";

/** SPEC §4: with JWT_JWKS_URL, users' JWTs are RS256/ES256 signed by a key of that JWKS (an identity provider's). */
describe("JWTs verified against a JWKS (JWT_JWKS_URL)", () => {
  let jwks: Server;
  let server: TestServer;
  let userId: string;
  const keys: Record<"es" | "rs" | "stranger", { privateKey: CryptoKey; jwk: JWK }> = {} as never;

  beforeAll(async () => {
    for (const [name, alg] of [
      ["es", "ES256"],
      ["rs", "RS256"],
      ["stranger", "ES256"],
    ] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      keys[name] = {
        privateKey: privateKey as CryptoKey,
        jwk: { ...(await exportJWK(publicKey)), kid: name, alg, use: "sig" },
      };
    }
    // the identity provider's JWKS, on loopback; the stranger's key is not published
    jwks = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [keys.es.jwk, keys.rs.jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    server = await createTestServer("sqlite", { JWT_JWKS_URL: jwksUrl, JWT_ISSUER: "https://idp.example.test" });
    userId = (await createOrganization(server)).admin.userId;
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const sign = (key: keyof typeof keys, alg: string, claims: { iss?: string; exp?: string } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg, kid: key })
      .setSubject(userId)
      .setIssuer(claims.iss ?? "https://idp.example.test")
      .setExpirationTime(claims.exp ?? "5m")
      .sign(keys[key].privateKey);

  it("accepts ES256 and RS256 tokens signed by a published key", async () => {
    for (const [key, alg] of [
      ["es", "ES256"],
      ["rs", "RS256"],
    ] as const) {
      const result = await graphql(server.url, ViewerDocument, {}, await sign(key, alg));
      expect([alg, result.status, result.data?.viewer.user?.id]).toEqual([alg, 200, userId]);
    }
  });

  it("refuses a key that is not in the JWKS, another issuer, an expired token and an HS256 token with 401", async () => {
    const refused = [
      await sign("stranger", "ES256"),
      await sign("es", "ES256", { iss: "https://evil.example.test" }),
      await sign("es", "ES256", { exp: "-1m" }),
      await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(userId)
        .setExpirationTime("5m")
        .sign(new TextEncoder().encode("s".repeat(40))),
    ];
    for (const token of refused) {
      const result = await graphql(server.url, ViewerDocument, {}, token);
      expect([result.status, codesOf(result)]).toEqual([401, ["UNAUTHENTICATED"]]);
    }
  });
});
