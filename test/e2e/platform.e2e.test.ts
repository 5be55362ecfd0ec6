/**
 * Platform keys (issue 11 §1): the platform's own services manage organizations, and with the
 * Latchkey-Organization header act inside one with an admin's rights. Real HTTP, both databases.
 */
import { randomUUID } from "node:crypto";
import { expect } from "@jest/globals";
import { codesOf, graphql } from "../support/client";
import { databases } from "../support/databases";
import {
  CreateApiKeyDocument,
  CreateDocumentDocument,
  CreateWebhookEndpointDocument,
  SendTestWebhookDocument,
  CreateOrganizationDocument,
  CreateUserDocument,
  CreateWorkspaceDocument,
  DeleteOrganizationDocument,
  OrganizationDocument,
  OrganizationsDocument,
  UpdateOrganizationDocument,
  UpdateUserDocument,
  UsersDocument,
  ViewerDocument,
  type CreateOrganizationInput,
} from "../support/gql/graphql";
import { entityTables } from "../support/rows";
import {
  anonymousCaller,
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type PlatformCaller,
  type TestServer,
} from "../support/server";

const unique = () => randomUUID().slice(0, 8);

/** The token with its last character changed: a bad checksum. */
const mistype = (token: string) => token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");

describe.each(databases)("platform keys on %s", (kind) => {
  let server: TestServer;
  let platform: PlatformCaller;

  beforeAll(async () => {
    server = await createTestServer(kind);
    platform = await createPlatformKey(server, "billing service");
  });
  afterAll(() => server.close());

  const newOrganization = async (input: Partial<CreateOrganizationInput> = {}) => {
    const result = await platform.request(CreateOrganizationDocument, {
      input: { name: `Acme ${unique()}`, admin: { email: `owner-${unique()}@acme.test` }, ...input },
    });
    if (!result.data) throw new Error(`createOrganization failed: ${JSON.stringify(result.errors)}`);
    return result.data.createOrganization;
  };

  /** Rows of every tenant table that belong to the organization. */
  async function rowsOf(organizationId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of entityTables(server.db)) {
      const metadata = server.db.entityMetadatas.find((m) => m.tableName === table)!;
      const column = metadata.findColumnWithPropertyName("organizationId")
        ? "organization_id"
        : table === "organization"
          ? "id"
          : null;
      // the audit log keeps an organization's trail after it is gone (until the retention): checked on its own
      if (!column || table === "audit_event") continue;
      const [row] = await server.db.query<{ n: number | string }[]>(
        `SELECT COUNT(*) AS n FROM ${server.db.driver.escape(table)} WHERE ${column} = ?`,
        [organizationId],
      );
      counts[table] = Number(row.n);
    }
    return counts;
  }

  it("creates an organization with its first admin and external ids; an externalId is unique among organizations", async () => {
    const externalId = `acct_${unique()}`;
    const created = await newOrganization({
      externalId,
      apiPlan: "Growth",
      admin: { email: "Owner@Example.test", name: "Owner", externalId: "usr_1" },
    });
    expect(created).toMatchObject({ externalId, apiPlan: "Growth", apiKeyQuota: { active: 0 } });
    const admins = await server.db.query<{ email: string; role: string; external_id: string | null }[]>(
      `SELECT email, role, external_id FROM ${server.db.driver.escape("user")} WHERE organization_id = ?`,
      [created.id],
    );
    expect(admins).toEqual([{ email: "owner@example.test", role: "ADMIN", external_id: "usr_1" }]);

    const again = await platform.request(CreateOrganizationDocument, {
      input: { name: "Other", externalId, admin: { email: "x@example.test" } },
    });
    expect(codesOf(again)).toEqual(["BAD_USER_INPUT"]);
    expect(again.errors![0].extensions?.field).toBe("externalId");
    expect((await rowsOf(created.id)).organization).toBe(1);

    const bad = await platform.request(CreateOrganizationDocument, {
      input: { name: "Bad", admin: { email: "not an email" } },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "admin.email" });
  });

  it("lists organizations newest first, filtered by search, externalId and hasApiPlan, in pages", async () => {
    const tag = unique();
    const a = await newOrganization({ name: `List ${tag} alpha`, externalId: `ext_${tag}_a` });
    const b = await newOrganization({ name: `List ${tag} beta`, apiPlan: "Scale" });
    const c = await newOrganization({ name: `List ${tag} gamma` });
    const all = await platform.request(OrganizationsDocument, { search: `list ${tag}`, first: 10 });
    expect(all.data!.organizations.nodes.map((o) => o.id)).toEqual([c.id, b.id, a.id]);
    expect(all.data!.organizations.totalCount).toBe(3);
    const byExternal = await platform.request(OrganizationsDocument, { externalId: `ext_${tag}_a` });
    expect(byExternal.data!.organizations.nodes.map((o) => o.id)).toEqual([a.id]);
    const blank = await platform.request(OrganizationsDocument, { externalId: "" });
    expect(blank.data!.organizations.totalCount).toBe(0);
    const planned = await platform.request(OrganizationsDocument, { search: tag, hasApiPlan: true });
    expect(planned.data!.organizations.nodes.map((o) => o.id)).toEqual([b.id]);
    const unplanned = await platform.request(OrganizationsDocument, { search: tag, hasApiPlan: false });
    expect(unplanned.data!.organizations.nodes.map((o) => o.id)).toEqual([c.id, a.id]);
    const first = await platform.request(OrganizationsDocument, { search: tag, first: 2 });
    const next = await platform.request(OrganizationsDocument, {
      search: tag,
      first: 2,
      after: first.data!.organizations.pageInfo.endCursor,
    });
    expect(next.data!.organizations.nodes.map((o) => o.id)).toEqual([a.id]);
    expect(next.data!.organizations.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("without Latchkey-Organization, an organization's fields answer BAD_USER_INPUT naming the header", async () => {
    for (const result of [
      await platform.request(ViewerDocument, {}),
      await platform.request(UsersDocument, {}),
      await platform.request(CreateApiKeyDocument, {
        input: { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
      }),
    ]) {
      expect(result.status).toBe(200);
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "Latchkey-Organization" });
    }
  });

  it("with Latchkey-Organization (id or ext:<externalId>), acts inside it with an admin's rights", async () => {
    const externalId = `acct_${unique()}`;
    const org = await newOrganization({ externalId, apiPlan: "Growth" });
    for (const header of [org.id, `ext:${externalId}`]) {
      const inside = platform.inOrganization(header);
      const viewer = await inside.request(ViewerDocument, {});
      expect(viewer.data!.viewer).toEqual({ organization: { id: org.id, name: org.name }, user: null, apiKey: null });
      const workspace = await inside.request(CreateWorkspaceDocument, { input: { name: `W ${unique()}` } });
      expect(workspace.errors).toBeUndefined();
      const user = await inside.request(CreateUserDocument, {
        input: { email: `m-${unique()}@acme.test`, role: "ADMIN", workspaceIds: [] },
      });
      expect(user.data!.createUser.role).toBe("ADMIN");
      for (const environment of ["SANDBOX", "PRODUCTION"] as const) {
        const key = await inside.request(CreateApiKeyDocument, {
          input: { environment, scope: "ORGANIZATION", permission: "FULL_ACCESS" },
        });
        expect(key.errors).toBeUndefined();
        // made by the platform: no user or key of the organization is its creator
        expect(key.data!.createApiKey.apiKey.createdBy).toBeNull();
      }
      const document = await inside.request(CreateDocumentDocument, {
        input: { workspaceId: workspace.data!.createWorkspace.id, title: "Contract", environment: "PRODUCTION" },
      });
      expect(document.errors).toBeUndefined();
    }
    // and nothing of another organization
    const other = await createOrganization(server);
    const elsewhere = await platform.inOrganization(org.id).request(UsersDocument, {});
    expect(elsewhere.data!.users.nodes.some((u) => u.id === other.admin.userId)).toBe(false);
  });

  it("users carry the SaaS's own id: unique within the organization, set, changed and cleared", async () => {
    const org = await newOrganization({ admin: { email: `o-${unique()}@acme.test`, externalId: "usr_owner" } });
    const inside = platform.inOrganization(org.id);
    const created = await inside.request(CreateUserDocument, {
      input: { email: `a-${unique()}@acme.test`, role: "MEMBER", externalId: "usr_a" },
    });
    expect(created.data!.createUser.externalId).toBe("usr_a");
    const taken = await inside.request(CreateUserDocument, {
      input: { email: `b-${unique()}@acme.test`, role: "MEMBER", externalId: "usr_a" },
    });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "externalId" });
    const id = created.data!.createUser.id;
    const renamed = await inside.request(UpdateUserDocument, { input: { id, externalId: "usr_a2" } });
    expect(renamed.data!.updateUser.externalId).toBe("usr_a2");
    const clash = await inside.request(UpdateUserDocument, { input: { id, externalId: "usr_owner" } });
    expect(clash.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "externalId" });
    const cleared = await inside.request(UpdateUserDocument, { input: { id, externalId: null } });
    expect(cleared.data!.updateUser.externalId).toBeNull();
    // the same id in another organization is another user
    const other = await newOrganization();
    const elsewhere = await platform.inOrganization(other.id).request(CreateUserDocument, {
      input: { email: `c-${unique()}@acme.test`, role: "MEMBER", externalId: "usr_owner" },
    });
    expect(elsewhere.errors).toBeUndefined();
  });

  it("refuses a Latchkey-Organization header that names no organization, or that comes without a platform key (HTTP 400)", async () => {
    const org = await createOrganization(server);
    for (const header of [randomUUID(), "ext:nobody", "ext:", "not-an-id"]) {
      const result = await platform.inOrganization(header).request(ViewerDocument, {});
      expect(result.status).toBe(400);
      expect(result.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "Latchkey-Organization" });
    }
    const asUser = await graphql(server.url, ViewerDocument, {}, org.admin.token, { "latchkey-organization": org.id });
    expect(asUser.status).toBe(400);
    const anonymous = await graphql(server.url, ViewerDocument, {}, null, { "latchkey-organization": org.id });
    expect(anonymous.status).toBe(400);
  });

  it("only the platform manages organizations: admins and keys get FORBIDDEN, anonymous callers UNAUTHENTICATED", async () => {
    const org = await createOrganization(server, { apiPlan: "Scale" });
    const key = await createKey(server, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "FULL_ACCESS",
    });
    for (const [caller, code] of [
      [org.admin, "FORBIDDEN"],
      [key, "FORBIDDEN"],
      [anonymousCaller(server), "UNAUTHENTICATED"],
    ] as const) {
      expect(codesOf(await caller.request(OrganizationsDocument, {}))).toEqual([code]);
      expect(
        codesOf(
          await caller.request(CreateOrganizationDocument, { input: { name: "X", admin: { email: "x@x.test" } } }),
        ),
      ).toEqual([code]);
      expect(codesOf(await caller.request(UpdateOrganizationDocument, { input: { id: org.id, name: "X" } }))).toEqual([
        code,
      ]);
      expect(codesOf(await caller.request(DeleteOrganizationDocument, { id: org.id }))).toEqual([code]);
    }
    expect((await org.admin.request(OrganizationDocument, {})).data!.organization.name).not.toBe("X");
  });

  it("removing the API plan refuses production keys (401, reason API_PLAN_REQUIRED) without revoking them; a plan brings them back", async () => {
    const org = await createOrganization(server, { apiPlan: "Scale" });
    const live = await createKey(server, org.admin, {
      environment: "PRODUCTION",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const test = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "ORGANIZATION",
      permission: "READ_ONLY",
    });
    const removed = await platform.request(UpdateOrganizationDocument, { input: { id: org.id, apiPlan: null } });
    expect(removed.data!.updateOrganization).toMatchObject({ apiPlan: null, name: expect.stringMatching(/^Org /) });

    const refused = await live.request(ViewerDocument, {});
    expect(refused.status).toBe(401);
    expect(refused.errors![0].extensions).toEqual({ code: "UNAUTHENTICATED", reason: "API_PLAN_REQUIRED" });
    expect((await test.request(ViewerDocument, {})).status).toBe(200);
    const [row] = await server.db.query<{ revoked_at: unknown }[]>("SELECT revoked_at FROM api_key WHERE id = ?", [
      live.keyId,
    ]);
    expect(row.revoked_at).toBeNull();

    await platform.request(UpdateOrganizationDocument, { input: { id: org.id, apiPlan: "Scale" } });
    expect((await live.request(ViewerDocument, {})).status).toBe(200);

    const renamed = await platform.request(UpdateOrganizationDocument, { input: { id: org.id, name: "Renamed" } });
    expect(renamed.data!.updateOrganization).toMatchObject({ name: "Renamed", apiPlan: "Scale" });
    const missing = await platform.request(UpdateOrganizationDocument, { input: { id: randomUUID(), name: "X" } });
    expect(codesOf(missing)).toEqual(["NOT_FOUND"]);
  });

  it("deleting an organization revokes its keys and deletes every row of it in one go; other organizations keep theirs", async () => {
    const doomed = await createOrganization(server, { apiPlan: "Scale", workspaces: 2 });
    const bystander = await createOrganization(server, { workspaces: 1 });
    const key = await createKey(server, doomed.admin, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      permission: "FULL_ACCESS",
      workspaceIds: doomed.workspaceIds,
    });
    await key.request(CreateDocumentDocument, { input: { workspaceId: doomed.workspaceIds[0], title: "Doomed" } });
    await doomed.member(doomed.workspaceIds);
    // a webhook endpoint with a queued delivery (rows of its own tables)
    const { endpoint } = (
      await platform.inOrganization(doomed.id).request(CreateWebhookEndpointDocument, {
        input: { url: "https://example.com/doomed", events: ["api_key.leaked"], environment: "SANDBOX" },
      })
    ).data!.createWebhookEndpoint;
    await platform.inOrganization(doomed.id).request(SendTestWebhookDocument, { endpointId: endpoint.id });
    // the key's usage reaches its table (api_key_usage) as the minute's flush would write it
    await server.services.usageCounter.flush();
    const bystanderBefore = await rowsOf(bystander.id);
    expect(Object.values(await rowsOf(doomed.id)).every((n) => n >= 1)).toBe(true);

    const revoked: string[] = [];
    const unsubscribe = server.services.tx.subscribe({
      afterCommit: (changes) =>
        void revoked.push(...changes.filter((c) => c.action === "api_key.revoked").map((c) => c.target.id)),
    });
    try {
      const deleted = await platform.request(DeleteOrganizationDocument, { id: doomed.id });
      expect(deleted.data).toEqual({ deleteOrganization: doomed.id });
    } finally {
      unsubscribe();
    }
    expect(revoked).toEqual([key.keyId]);
    expect(Object.values(await rowsOf(doomed.id)).every((n) => n === 0)).toBe(true);
    const trail = await server.db.query<{ action: string }[]>(
      "SELECT action FROM audit_event WHERE organization_id = ? AND target_id = ?",
      [doomed.id, doomed.id],
    );
    expect(trail.map((r) => r.action).sort()).toEqual([
      "organization.created",
      "organization.deleted",
      "organization.trial_started",
    ]);
    expect(await rowsOf(bystander.id)).toEqual(bystanderBefore);
    expect((await key.request(ViewerDocument, {})).status).toBe(401);
    expect((await doomed.admin.request(ViewerDocument, {})).status).toBe(401);
    expect(codesOf(await platform.request(DeleteOrganizationDocument, { id: doomed.id }))).toEqual(["NOT_FOUND"]);
  });

  it("a revoked platform key is refused on the next request; lastUsedAt records use", async () => {
    const other = await createPlatformKey(server, "to revoke");
    expect((await other.request(OrganizationsDocument, { first: 1 })).status).toBe(200);
    const [used] = await server.db.query<{ last_used_at: unknown }[]>(
      "SELECT last_used_at FROM platform_key WHERE id = ?",
      [other.keyId],
    );
    expect(used.last_used_at).not.toBeNull();
    await server.services.platformKeys.revoke(other.keyId);
    const refused = await other.request(OrganizationsDocument, { first: 1 });
    expect(refused.status).toBe(401);
    expect(codesOf(refused)).toEqual(["UNAUTHENTICATED"]);
    const mistyped = await graphql(server.url, OrganizationsDocument, {}, mistype(platform.token));
    expect(mistyped.status).toBe(401);
  });
});
