import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/** The claims a SaaS's identity provider puts in its users' tokens (JWT_SUBJECT=externalId). */
export interface Claims {
  sub: string;
  org_id?: string;
  email?: string;
  role?: string | string[];
  exp?: string | number;
}

export const IDP_ISSUER = "https://idp.example.test";

/** An identity provider: an RS256 key pair whose public half is served as a JWKS on loopback. */
export async function identityProvider() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "idp-1", alg: "RS256", use: "sig" };
  const server: Server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    sign: ({ sub, exp = "5m", ...claims }: Claims) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "idp-1" })
        .setSubject(sub)
        .setIssuer(IDP_ISSUER)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export type Idp = Awaited<ReturnType<typeof identityProvider>>;

/** The server's settings for that provider: users named by the SaaS's ids, in the organization of org_id. */
export const idpEnv = (jwksUrl: string, provisioning: boolean) => ({
  JWT_JWKS_URL: jwksUrl,
  JWT_ISSUER: IDP_ISSUER,
  JWT_SUBJECT: "externalId",
  JWT_ORGANIZATION_CLAIM: "org_id",
  JWT_PROVISIONING: String(provisioning),
  JWT_ADMIN_ROLES: "owner,admin",
});
