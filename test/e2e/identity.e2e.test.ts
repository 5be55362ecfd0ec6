/**
 * The SaaS's own identity (issue 11 §2): JWTs signed by an identity provider (RS256 from a JWKS served on
 * loopback) name users by the SaaS's ids — JWT_SUBJECT=externalId within the organization of
 * JWT_ORGANIZATION_CLAIM — and, with JWT_PROVISIONING, create them on first use.
 */
import { databases } from "../support/databases";
import { CreateOrganizationDocument, ViewerDocument } from "../support/gql/graphql";
import { graphql } from "../support/client";
import { identityProvider, idpEnv as env, type Claims, type Idp } from "../support/identity-provider";
import { createPlatformKey, createTestServer, type TestServer } from "../support/server";

describe.each(databases)("the SaaS's own identity on %s", (kind) => {
  let idp: Idp;
  let server: TestServer;
  let orgExternalId: string;
  let orgId: string;

  beforeAll(async () => {
    idp = await identityProvider();
    server = await createTestServer(kind, env(idp.jwksUrl, true));
    orgExternalId = `acct_${Date.now()}`;
    const platform = await createPlatformKey(server);
    const created = await platform.request(CreateOrganizationDocument, {
      input: {
        name: "Acme",
        externalId: orgExternalId,
        admin: { email: "owner@acme.test", externalId: "usr_owner" },
      },
    });
    orgId = created.data!.createOrganization.id;
  });
  afterAll(async () => {
    await server.close();
    await idp.close();
  });

  const viewer = async (claims: Claims) => graphql(server.url, ViewerDocument, {}, await idp.sign(claims));
  const userRows = (externalId: string) =>
    server.db.query<{ email: string; role: string }[]>(
      `SELECT email, role FROM ${server.db.driver.escape("user")} WHERE organization_id = ? AND external_id = ?`,
      [orgId, externalId],
    );

  it("sub is the SaaS's user id within the organization the org_id claim names", async () => {
    const result = await viewer({ sub: "usr_owner", org_id: orgExternalId });
    expect(result.status).toBe(200);
    expect(result.data!.viewer).toMatchObject({ user: { email: "owner@acme.test", role: "ADMIN" }, apiKey: null });
    expect(result.data!.viewer.organization.id).toBe(orgId);
    // the same sub in an organization that does not exist, or with no organization claim: nobody
    expect((await viewer({ sub: "usr_owner", org_id: "acct_nowhere" })).status).toBe(401);
    expect((await viewer({ sub: "usr_owner" })).status).toBe(401);
  });

  it("provisions an unknown user of a known organization on first use; later tokens update the role", async () => {
    const first = await viewer({ sub: "usr_ann", org_id: orgExternalId, email: "Ann@Acme.test", role: "member" });
    expect(first.status).toBe(200);
    expect(first.data!.viewer.user).toMatchObject({ email: "ann@acme.test", role: "MEMBER" });
    expect(await userRows("usr_ann")).toEqual([{ email: "ann@acme.test", role: "MEMBER" }]);

    const promoted = await viewer({ sub: "usr_ann", org_id: orgExternalId, email: "ann@acme.test", role: ["owner"] });
    expect(promoted.data!.viewer.user?.role).toBe("ADMIN");
    // a token without the role claim leaves the role as it is
    expect((await viewer({ sub: "usr_ann", org_id: orgExternalId })).data!.viewer.user?.role).toBe("ADMIN");
    const demoted = await viewer({ sub: "usr_ann", org_id: orgExternalId, role: "viewer" });
    expect(demoted.data!.viewer.user?.role).toBe("MEMBER");
    expect(await userRows("usr_ann")).toEqual([{ email: "ann@acme.test", role: "MEMBER" }]);
  });

  it("never demotes the organization's last admin", async () => {
    const result = await viewer({ sub: "usr_owner", org_id: orgExternalId, role: "member" });
    expect(result.data!.viewer.user?.role).toBe("ADMIN");
    expect(await userRows("usr_owner")).toEqual([{ email: "owner@acme.test", role: "ADMIN" }]);
  });

  it("refuses to provision without an email, or with an email another user of the organization has (never linked)", async () => {
    expect((await viewer({ sub: "usr_noemail", org_id: orgExternalId })).status).toBe(401);
    expect((await viewer({ sub: "usr_thief", org_id: orgExternalId, email: "owner@acme.test" })).status).toBe(401);
    expect(await userRows("usr_noemail")).toEqual([]);
    expect(await userRows("usr_thief")).toEqual([]);
  });

  it("20 concurrent first sign-ins of one user create it once", async () => {
    const token = await idp.sign({ sub: "usr_rush", org_id: orgExternalId, email: "rush@acme.test" });
    const results = await Promise.all(Array.from({ length: 20 }, () => graphql(server.url, ViewerDocument, {}, token)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(new Set(results.map((r) => r.data!.viewer.user?.id)).size).toBe(1);
    expect(await userRows("usr_rush")).toHaveLength(1);
  });

  it("JWT_MAX_TTL holds for the identity provider's tokens too", async () => {
    const tooLong = await viewer({ sub: "usr_owner", org_id: orgExternalId, exp: "25h" });
    expect(tooLong.status).toBe(401);
  });

  it("without JWT_PROVISIONING an unknown user is refused, a known one signs in", async () => {
    const strict = await createTestServer(kind, env(idp.jwksUrl, false));
    try {
      const platform = await createPlatformKey(strict);
      await platform.request(CreateOrganizationDocument, {
        input: { name: "Strict", externalId: orgExternalId, admin: { email: "o@s.test", externalId: "usr_o" } },
      });
      const known = await graphql(
        strict.url,
        ViewerDocument,
        {},
        await idp.sign({ sub: "usr_o", org_id: orgExternalId }),
      );
      expect(known.status).toBe(200);
      const unknown = await graphql(
        strict.url,
        ViewerDocument,
        {},
        await idp.sign({ sub: "usr_new", org_id: orgExternalId, email: "new@s.test" }),
      );
      expect(unknown.status).toBe(401);
    } finally {
      await strict.close();
    }
  });
});
