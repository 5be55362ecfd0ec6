/**
 * The audit log (issue 13 §1): every change writes a row in its own transaction (a rolled-back change leaves none),
 * with the actor and its display, the environment, the target, old → new, the client address, user agent and
 * request id; auditEvents for admins and the platform, filtered and keyset-paged; retention purged by one process
 * at a time. Real HTTP, both databases.
 */
import { expect } from "@jest/globals";
import { codesOf, graphql } from "../support/client";
import { databases } from "../support/databases";
import {
  AuditEventsDocument,
  CreateApiKeyDocument,
  CreateWorkspaceDocument,
  DeleteWorkspaceDocument,
  RevokeApiKeyDocument,
  RollApiKeyDocument,
  UpdateApiKeyDocument,
  UpdateUserDocument,
  type AuditEventFilter,
} from "../support/gql/graphql";
import { AuditEvent } from "../../src/modules/audit/audit.entity";
import {
  createKey,
  createOrganization,
  createPlatformKey,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
const DAY = 24 * 60 * 60 * 1000;

describe.each(databases)("the audit log on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer(kind, { API_KEY_LIMIT: "8" });
    org = await createOrganization(server, { workspaces: 1 });
  });
  afterAll(() => server.close());

  const events = async (filter: AuditEventFilter, by = org.admin) => {
    const result = await by.request(AuditEventsDocument, { filter, first: 100 });
    if (!result.data) throw new Error(result.text);
    return result.data.auditEvents.nodes;
  };

  it("records a change with its actor, environment, target, old → new, address, user agent and request id", async () => {
    const created = await graphql(
      server.url,
      CreateApiKeyDocument,
      { input: { ...SANDBOX, description: "audited" } },
      org.admin.token,
      { "user-agent": "audit-test/1.0", "x-request-id": "req-audit-1" },
    );
    const key = created.data!.createApiKey;
    await graphql(
      server.url,
      UpdateApiKeyDocument,
      { input: { id: key.apiKey.id, description: "renamed" } },
      org.admin.token,
      { "user-agent": "audit-test/1.0", "x-request-id": "req-audit-2" },
    );
    const trail = await events({ targetId: key.apiKey.id });
    expect(trail.map((e) => e.action)).toEqual(["api_key.updated", "api_key.created"]);
    const [updated, creation] = trail;
    const admin = (await events({ actorId: org.admin.userId }))[0].actor;
    expect(admin).toEqual({ type: "USER", id: org.admin.userId, display: expect.stringMatching(/@example\.test$/) });
    expect(creation).toMatchObject({
      actor: admin,
      environment: "SANDBOX",
      target: { type: "api_key", id: key.apiKey.id },
      changes: null,
      ip: "127.0.0.1",
      userAgent: "audit-test/1.0",
      requestId: "req-audit-1",
    });
    expect(updated).toMatchObject({
      changes: { description: { from: "audited", to: "renamed" } },
      requestId: "req-audit-2",
    });
    // never a secret: neither the token nor its hash appears anywhere in the log
    const rows = await server.db.getRepository(AuditEvent).find();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(key.token);
    expect(text).not.toContain("token_hash");
    expect(text).not.toMatch(/"tokenHash"/);
  });

  it("a change that is refused or rolled back leaves no row; a key and the platform are recorded as themselves", async () => {
    const before = await server.db.getRepository(AuditEvent).count();
    const refused = await org.admin.request(CreateApiKeyDocument, {
      input: { ...SANDBOX, expiresAt: new Date(Date.now() - DAY).toISOString() },
    });
    expect(codesOf(refused)).toEqual(["BAD_USER_INPUT"]);
    // a write the database refuses mid-transaction (the limit, checked after other reads): nothing recorded
    const small = await createOrganization(server);
    for (let i = 0; i < 8; i++) await createKey(server, small.admin, SANDBOX);
    const countAtLimit = await server.db.getRepository(AuditEvent).count();
    expect(codesOf(await small.admin.request(CreateApiKeyDocument, { input: SANDBOX }))).toEqual([
      "API_KEY_LIMIT_REACHED",
    ]);
    expect(await server.db.getRepository(AuditEvent).count()).toBe(countAtLimit);
    expect(countAtLimit).toBeGreaterThan(before);

    const integration = await createKey(server, org.admin, { ...SANDBOX, permission: "FULL_ACCESS" });
    const rolled = await integration.request(RollApiKeyDocument, {
      input: { id: integration.keyId, gracePeriodMinutes: 5 },
    });
    const rolledEvents = await events({ action: ["api_key.rolled"], targetId: integration.keyId });
    expect(rolledEvents).toHaveLength(1);
    expect(rolledEvents[0]).toMatchObject({
      actor: { type: "API_KEY", id: integration.keyId, display: integration.apiKey.tokenHint },
      changes: { rolledToId: { from: null, to: rolled.data!.rollApiKey.apiKey.id } },
    });

    const platform = await createPlatformKey(server);
    const inside = platform.inOrganization(org.id);
    const workspace = (await inside.request(CreateWorkspaceDocument, { input: { name: "By the platform" } })).data!
      .createWorkspace;
    const [byPlatform] = await events({ targetId: workspace.id });
    expect(byPlatform).toMatchObject({
      action: "workspace.created",
      actor: { type: "PLATFORM_KEY", id: platform.keyId, display: expect.stringMatching(/^lk_plat_/) },
      environment: null,
    });
    // the platform reads the log inside the organization, like an admin
    expect((await events({ targetId: workspace.id }, inside as never)).map((e) => e.id)).toEqual([byPlatform.id]);
  });

  it("records deletions with what they took along, and role changes", async () => {
    const workspace = (await org.admin.request(CreateWorkspaceDocument, { input: { name: "Doomed" } })).data!
      .createWorkspace;
    const scoped = await createKey(server, org.admin, {
      environment: "SANDBOX",
      scope: "WORKSPACE",
      workspaceIds: [workspace.id],
      permission: "READ_ONLY",
    });
    const member = await org.member();
    await org.admin.request(UpdateUserDocument, { input: { id: member.userId, role: "ADMIN" } });
    await org.admin.request(DeleteWorkspaceDocument, { id: workspace.id });
    const roleChange = await events({ targetId: member.userId });
    expect(roleChange[0]).toMatchObject({ changes: { role: { from: "MEMBER", to: "ADMIN" } } });
    expect((await events({ targetId: workspace.id })).map((e) => e.action)).toEqual([
      "workspace.deleted",
      "workspace.created",
    ]);
    // the key left with no workspace is revoked with it, and recorded
    const revoked = await events({ targetId: scoped.keyId, action: ["api_key.revoked"] });
    expect(revoked).toMatchObject([{ environment: "SANDBOX", changes: { revokedAt: { from: null } } }]);
  });

  it("filters by action, actor, target, environment and time; pages by keyset; admins only", async () => {
    const other = await createOrganization(server);
    const a = await createKey(server, other.admin, SANDBOX);
    const b = await createKey(server, other.admin, { ...SANDBOX, environment: "SANDBOX" });
    await other.admin.request(RevokeApiKeyDocument, { id: a.keyId });
    const all = await events({}, other.admin);
    // the organization's own only: its creation by the operator is not in another's log
    expect(all.every((e) => [a.keyId, b.keyId, other.id].includes(e.target.id) || e.target.type !== "api_key")).toBe(
      true,
    );
    expect((await events({ action: ["api_key.revoked"] }, other.admin)).map((e) => e.target.id)).toEqual([a.keyId]);
    expect((await events({ environment: "PRODUCTION" }, other.admin)).length).toBe(0);
    expect((await events({ from: new Date(Date.now() + DAY).toISOString() }, other.admin)).length).toBe(0);
    expect((await events({ to: new Date(Date.now() - DAY).toISOString() }, other.admin)).length).toBe(0);
    expect(await events({ targetId: "not-an-id" }, other.admin)).toEqual([]);
    // another organization's target: nothing, exactly as an unknown id
    expect(await events({ targetId: a.keyId })).toEqual([]);

    // keyset paging: newest first, pages that neither skip nor repeat
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = (await other.admin.request(AuditEventsDocument, { first: 2, after })).data!.auditEvents;
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((e) => e.id));

    const member = await other.member();
    expect(codesOf(await member.request(AuditEventsDocument, { first: 1 }))).toEqual(["FORBIDDEN"]);
    const fullAccess = await createKey(server, other.admin, { ...SANDBOX, permission: "FULL_ACCESS" });
    expect(codesOf(await fullAccess.request(AuditEventsDocument, { first: 1 }))).toEqual(["FORBIDDEN"]);
  });

  it("purges events older than AUDIT_RETENTION_DAYS; one purge at a time", async () => {
    const repo = server.db.getRepository(AuditEvent);
    const old = Object.assign(new AuditEvent(), {
      id: "00000000-0000-7000-8000-000000000001",
      organizationId: org.id,
      action: "api_key.created",
      environment: "SANDBOX",
      actorType: "operator",
      actorId: null,
      actorDisplay: null,
      targetType: "api_key",
      targetId: "00000000-0000-4000-8000-000000000001",
      changes: null,
      ip: null,
      userAgent: null,
      requestId: null,
      createdAt: new Date(Date.now() - 400 * DAY),
    });
    await repo.insert({ ...old });
    await repo.insert({
      ...old,
      id: "00000000-0000-7000-8000-000000000002",
      createdAt: new Date(Date.now() - 300 * DAY),
    });
    const kept = await repo.count();
    const [first, second] = await Promise.all([server.services.audit.purge(), server.services.audit.purge()]);
    // two purges asked at once: one runs, the other finds it running
    expect([first.ran, second.ran].sort()).toEqual([false, true]);
    expect(first.deleted + second.deleted).toBe(1);
    expect(await repo.count()).toBe(kept - 1);
    expect(await repo.findOneBy({ id: "00000000-0000-7000-8000-000000000002" })).not.toBeNull();

    if (kind === "mysql") {
      // another process holding the purge lock (a connection of its own): this one skips, then runs once it is free
      const other = server.db.createQueryRunner();
      try {
        await other.query("SELECT GET_LOCK('latchkey_audit_purge', 0)");
        expect(await server.services.audit.purge()).toEqual({ ran: false, deleted: 0 });
        await other.query("SELECT RELEASE_LOCK('latchkey_audit_purge')");
        expect(await server.services.audit.purge()).toEqual({ ran: true, deleted: 0 });
      } finally {
        await other.release();
      }
    }
  });
});
