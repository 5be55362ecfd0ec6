/**
 * Suspend and resume (issue 12 §2): a suspended key is refused on its next request and by verifyApiKey, reversibly,
 * and still counts against the limit. Real HTTP, both databases.
 */
import { expect } from "@jest/globals";
import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeysDocument,
  OrganizationDocument,
  ResumeApiKeyDocument,
  RevokeApiKeyDocument,
  SuspendApiKeyDocument,
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

describe.each(databases)("suspending keys on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server);
  });
  afterAll(() => server.close());

  const newKey = () =>
    createKey(server, org.admin, { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" });

  it("refused on the next request and by verifyApiKey (SUSPENDED), back at once after resumeApiKey", async () => {
    const platform = await createPlatformKey(server);
    const key = await newKey();
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
    const suspended = await org.admin.request(SuspendApiKeyDocument, { id: key.keyId, reason: "billing overdue" });
    expect(suspended.data!.suspendApiKey).toMatchObject({
      status: "SUSPENDED",
      suspendedReason: "billing overdue",
      suspendedAt: expect.any(String),
      revokedAt: null,
    });
    const refused = await key.request(ViewerDocument, {});
    expect(refused.status).toBe(401);
    expect(codesOf(refused)).toEqual(["UNAUTHENTICATED"]);
    const verified = (await platform.request(VerifyApiKeyDocument, { token: key.token })).data!.verifyApiKey;
    expect(verified).toMatchObject({ valid: false, code: "SUSPENDED", apiKey: { status: "SUSPENDED" } });

    const resumed = await org.admin.request(ResumeApiKeyDocument, { id: key.keyId });
    expect(resumed.data!.resumeApiKey).toMatchObject({ status: "ACTIVE", suspendedAt: null, suspendedReason: null });
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
    expect((await platform.request(VerifyApiKeyDocument, { token: key.token })).data!.verifyApiKey.code).toBe("VALID");
  });

  it("is idempotent (the first reason stays), still counts against the limit, and is its own status in the list", async () => {
    const key = await newKey();
    const before = (await org.admin.request(OrganizationDocument, {})).data!.organization.apiKeyQuota.active;
    await org.admin.request(SuspendApiKeyDocument, { id: key.keyId, reason: "first" });
    const again = await org.admin.request(SuspendApiKeyDocument, { id: key.keyId, reason: "second" });
    expect(again.data!.suspendApiKey.suspendedReason).toBe("first");
    expect((await org.admin.request(OrganizationDocument, {})).data!.organization.apiKeyQuota.active).toBe(before);

    const ids = async (status: "ACTIVE" | "SUSPENDED") =>
      (await org.admin.request(ApiKeysDocument, { filter: { status: [status] }, first: 100 })).data!.apiKeys.nodes.map(
        (k) => k.id,
      );
    expect(await ids("SUSPENDED")).toContain(key.keyId);
    expect(await ids("ACTIVE")).not.toContain(key.keyId);
    // resuming a key that is not suspended changes nothing
    const other = await newKey();
    const untouched = await org.admin.request(ResumeApiKeyDocument, { id: other.keyId });
    expect(untouched.data!.resumeApiKey.status).toBe("ACTIVE");
  });

  it("a revoked key cannot be suspended; a suspended key revoked is REVOKED; a reason over 255 characters is refused", async () => {
    const revoked = await newKey();
    await org.admin.request(RevokeApiKeyDocument, { id: revoked.keyId });
    const refused = await org.admin.request(SuspendApiKeyDocument, { id: revoked.keyId });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });

    const key = await newKey();
    await org.admin.request(SuspendApiKeyDocument, { id: key.keyId });
    const gone = await org.admin.request(RevokeApiKeyDocument, { id: key.keyId });
    expect(gone.data!.revokeApiKey.status).toBe("REVOKED");

    const long = await org.admin.request(SuspendApiKeyDocument, {
      id: (await newKey()).keyId,
      reason: "x".repeat(256),
    });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "reason" });
  });
});
