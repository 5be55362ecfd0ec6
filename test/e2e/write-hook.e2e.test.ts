/**
 * The write hook (src/db/transaction.ts): every write a service makes is recorded as a change, and
 * subscribers see the changes inside the writing transaction (what they write commits or rolls back
 * with it) and after its commit. Driven over real HTTP; the subscribers are the test's own.
 */
import { expect } from "@jest/globals";
import type { EntityManager } from "typeorm";
import { databases } from "../support/databases";
import { tableCounts } from "../support/rows";
import type { Change } from "../../src/db/transaction";
import { ApiKey } from "../../src/modules/api-key/api-key.entity";
import {
  CreateApiKeyDocument,
  CreateWorkspaceDocument,
  DeleteWorkspaceDocument,
  RevokeApiKeyDocument,
  RevokeApiKeysDocument,
  RollApiKeyDocument,
  UpdateApiKeyDocument,
  UpdateApiKeyPolicyDocument,
  ViewerDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import {
  createKey,
  createOrganization,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

/** A change made by a user is recorded with the user's email, for people to read (the audit log's actor display). */
const ADMIN_EMAIL = expect.stringMatching(/^admin-.*@example\.test$/);
const READ_ONLY_SANDBOX: CreateApiKeyInput = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" };

describe.each(databases)("the write hook on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  let committed: Change[][] = [];
  let inTransaction: ((m: EntityManager, changes: readonly Change[]) => Promise<void>) | undefined;
  let unsubscribe: () => void;
  const strip = (changes: Change[]) =>
    // (the request's origin rides on the actor: the audit log's business, checked in audit.e2e)
    changes.map(({ action, target, actor: { origin: _origin, ...actor }, changes: fields }) => ({
      action,
      target,
      actor,
      ...(fields ? { changes: fields } : {}),
    }));

  beforeAll(async () => {
    server = await createTestServer(kind, { API_KEY_LIMIT: "3" });
    org = await createOrganization(server, { workspaces: 2 });
    unsubscribe = server.services.tx.subscribe({
      inTransaction: (m, changes) => inTransaction?.(m, changes) ?? Promise.resolve(),
      afterCommit: (changes) => void committed.push([...changes]),
    });
  });
  afterAll(async () => {
    unsubscribe();
    await server.close();
  });
  beforeEach(() => {
    committed = [];
    inTransaction = undefined;
  });

  it("records a roll (the new key, the old one rolled), a bulk revocation key by key, a policy change; usage flushes record nothing", async () => {
    const fresh = await createOrganization(server);
    const rolled = await createKey(server, fresh.admin, { ...READ_ONLY_SANDBOX, description: "to roll" });
    const bulk = await createKey(server, fresh.admin, { ...READ_ONLY_SANDBOX, description: "bulk one" });
    await bulk.request(ViewerDocument, {});
    committed = [];
    const actor = { kind: "user", id: fresh.admin.userId, display: expect.stringMatching(/@example\.test$/) };

    const roll = await fresh.admin.request(RollApiKeyDocument, { input: { id: rolled.keyId, gracePeriodMinutes: 0 } });
    const successor = roll.data!.rollApiKey.apiKey;
    expect(strip(committed[0])).toEqual([
      { action: "api_key.created", target: { type: "api_key", id: successor.id }, actor },
      {
        action: "api_key.rolled",
        target: { type: "api_key", id: rolled.keyId },
        actor,
        changes: { rolledToId: { from: null, to: successor.id }, expiresAt: { from: null, to: expect.any(String) } },
      },
    ]);
    await fresh.admin.request(RevokeApiKeysDocument, { filter: { search: "bulk" } });
    expect(strip(committed[1])).toEqual([
      {
        action: "api_key.revoked",
        target: { type: "api_key", id: bulk.keyId },
        actor,
        changes: { revokedAt: { from: null, to: expect.any(String) } },
      },
    ]);
    await fresh.admin.request(UpdateApiKeyPolicyDocument, { input: { sandbox: { requireExpiry: true } } });
    expect(strip(committed[2])).toEqual([
      {
        action: "organization.api_key_policy_changed",
        target: { type: "organization", id: fresh.id },
        actor,
        changes: {
          apiKeyPolicy: {
            from: null,
            to: {
              sandbox: { maxLifetimeDays: null, requireExpiry: true },
              production: { maxLifetimeDays: null, requireExpiry: false },
              allowedIpRanges: [],
            },
          },
        },
      },
    ]);
    await server.services.usageCounter.flush();
    expect(committed).toHaveLength(3);
  });

  it("records a key's creation (and the trial it starts) with its actor, after the commit", async () => {
    const created = await createKey(server, org.admin, { ...READ_ONLY_SANDBOX, description: "hooked" });
    const id = created.keyId;
    expect(committed).toHaveLength(1);
    expect(strip(committed[0])).toEqual([
      {
        action: "api_key.created",
        target: { type: "api_key", id },
        actor: { kind: "user", id: org.admin.userId, display: ADMIN_EMAIL },
      },
      {
        action: "organization.trial_started",
        target: { type: "organization", id: org.id },
        actor: { kind: "user", id: org.admin.userId, display: ADMIN_EMAIL },
        changes: expect.objectContaining({ apiTrialStartedAt: { from: null, to: expect.any(String) } }),
      },
    ]);
    expect(committed[0].every((c) => c.organizationId === org.id)).toBe(true);
    expect(JSON.stringify(committed)).not.toContain(created.token);
  });

  it("records only what changed, old → new; an update that changes nothing records nothing", async () => {
    const id = (await createKey(server, org.admin, { ...READ_ONLY_SANDBOX, description: "before" })).keyId;
    committed = [];
    await org.admin.request(UpdateApiKeyDocument, { input: { id, description: "after" } });
    await org.admin.request(UpdateApiKeyDocument, { input: { id, description: "after" } });
    await org.admin.request(RevokeApiKeyDocument, { id });
    await org.admin.request(RevokeApiKeyDocument, { id });
    expect(committed.map(strip)).toEqual([
      [
        {
          action: "api_key.updated",
          target: { type: "api_key", id },
          actor: { kind: "user", id: org.admin.userId, display: ADMIN_EMAIL },
          changes: { description: { from: "before", to: "after" } },
        },
      ],
      [
        {
          action: "api_key.revoked",
          target: { type: "api_key", id },
          actor: { kind: "user", id: org.admin.userId, display: ADMIN_EMAIL },
          changes: { revokedAt: { from: null, to: expect.any(String) } },
        },
      ],
    ]);
  });

  it("deleting a workspace records it and the revocation of each key it leaves with none (not of keys already revoked)", async () => {
    const limited = await createOrganization(server, { workspaces: 2 });
    const [a, b] = limited.workspaceIds;
    const only = (
      await createKey(server, limited.admin, {
        environment: "SANDBOX",
        scope: "WORKSPACE",
        permission: "READ_ONLY",
        workspaceIds: [b],
      })
    ).keyId;
    const both = (
      await createKey(server, limited.admin, {
        environment: "SANDBOX",
        scope: "WORKSPACE",
        permission: "READ_ONLY",
        workspaceIds: [a, b],
      })
    ).keyId;
    const before = (
      await createKey(server, limited.admin, {
        environment: "SANDBOX",
        scope: "WORKSPACE",
        permission: "READ_ONLY",
        workspaceIds: [b],
      })
    ).keyId;
    await limited.admin.request(RevokeApiKeyDocument, { id: before });
    committed = [];
    await limited.admin.request(DeleteWorkspaceDocument, { id: b });
    expect(committed).toHaveLength(1);
    expect(strip(committed[0]).map((c) => [c.action, c.target.id])).toEqual([
      ["workspace.deleted", b],
      ["api_key.revoked", only],
    ]);
    expect(committed[0].some((c) => c.target.id === both)).toBe(false);
  });

  it("in-transaction subscribers see the change through the transaction; when one fails the whole write rolls back and nothing is committed", async () => {
    let seen: string | null = null;
    inTransaction = async (m, changes) => {
      const created = changes.find((c) => c.action === "api_key.created");
      if (!created) return;
      seen = (await m.getRepository(ApiKey).findOneByOrFail({ id: created.target.id })).description;
      if (seen === "refused by a subscriber") throw new Error("a subscriber refused this write");
    };
    const keysBefore = (await tableCounts(server.db)).api_key;
    const refused = await org.admin.request(CreateApiKeyDocument, {
      input: { ...READ_ONLY_SANDBOX, description: "refused by a subscriber" },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(seen).toBe("refused by a subscriber");
    expect((await tableCounts(server.db)).api_key).toBe(keysBefore);
    expect(committed).toEqual([]);
  });

  it("a refused write (API_KEY_LIMIT_REACHED) records nothing; an after-commit subscriber's failure never fails the write", async () => {
    const small = await createOrganization(server, { workspaces: 0 });
    const make = () => small.admin.request(CreateApiKeyDocument, { input: READ_ONLY_SANDBOX });
    for (let i = 0; i < 3; i++) expect((await make()).errors).toBeUndefined();
    committed = [];
    expect((await make()).errors?.[0]?.extensions?.code).toBe("API_KEY_LIMIT_REACHED");
    expect(committed).toEqual([]);

    const failing = server.services.tx.subscribe({
      afterCommit: () => {
        throw new Error("cache down");
      },
    });
    try {
      const renamed = await small.admin.request(CreateWorkspaceDocument, {
        input: { name: "after a failing subscriber" },
      });
      expect(renamed.errors).toBeUndefined();
      expect(committed.map(strip)).toEqual([
        [
          {
            action: "workspace.created",
            target: { type: "workspace", id: renamed.data!.createWorkspace.id },
            actor: { kind: "user", id: small.admin.userId, display: ADMIN_EMAIL },
          },
        ],
      ]);
      expect(await (await fetch(server.metricsUrl)).text()).toMatch(/^latchkey_after_commit_failures_total 1$/m);
    } finally {
      failing();
    }
  });
});
