import { randomUUID } from "node:crypto";
import { In } from "typeorm";
import { ApiKey, ApiKeyWorkspace } from "../../src/modules/api-key/api-key.entity";
import { UserWorkspace } from "../../src/modules/user/user.entity";
import { Workspace } from "../../src/modules/workspace/workspace.entity";
import { codesOf, graphql, type GraphQLResult } from "../support/client";
import { databases } from "../support/databases";
import {
  ApiKeyDocument,
  CreateApiKeyDocument,
  CreateWorkspaceDocument,
  DeleteWorkspaceDocument,
  UpdateWorkspaceDocument,
  ViewerDocument,
  WorkspaceDocument,
  WorkspacesDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import { createOrganization, createTestServer, type Caller, type TestServer } from "../support/server";

/** Names that must be refused with BAD_USER_INPUT on field "name" (by createWorkspace and updateWorkspace). */
const INVALID_NAMES: [string, string][] = [
  ["empty", ""],
  ["only spaces (empty once trimmed)", "   "],
  ["101 characters", "x".repeat(101)],
  ["101 characters once trimmed", `  ${"y".repeat(101)}  `],
  ["1001 characters (input validator)", "z".repeat(1001)],
  ["a BEL control character", "Sales\u0007Team"],
  ["a newline inside", "Sales\nTeam"],
  ["a tab inside", "Sales\tTeam"],
  ["a NUL character", "Sales\u0000Team"],
  ["a C1 control character", "Sales\u0085Team"],
  ["a Unicode line separator", "Sales\u2028Team"],
];

const FOREIGN_IDS: [string, (foreignId: string) => string][] = [
  ["another organization's workspace id", (foreignId) => foreignId],
  ["an unknown UUID", () => randomUUID()],
  ["a garbage id", () => "not-a-workspace-id"],
  ["an SQL-looking id", () => "' OR '1'='1"],
];

describe.each(databases)("workspaces on %s", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind);
  });
  afterAll(() => server.close());

  const workspaceRow = (id: string) => server.db.getRepository(Workspace).findOneBy({ id });
  const workspaceRowsOf = (organizationId: string) =>
    server.db.getRepository(Workspace).find({ where: { organizationId }, order: { id: "ASC" } });
  const countWorkspaces = () => server.db.getRepository(Workspace).count();

  /** Every node of a workspace list, in order: a snapshot to compare paged walks against. */
  async function listAll(caller: Caller, search?: string): Promise<string[]> {
    const result = await caller.request(WorkspacesDocument, { search, first: 100 });
    expect(result.errors).toBeUndefined();
    return result.data!.workspaces.nodes.map((n) => n.id);
  }

  function expectOneError(result: GraphQLResult<unknown>, code: string, field?: string) {
    expect(codesOf(result)).toEqual([code]);
    if (field !== undefined) expect(result.errors![0].extensions?.field).toBe(field);
    expect(result.data).toBeNull();
  }

  describe("an admin", () => {
    it("creates a workspace with a trimmed name, stored in the admin's organization (else createWorkspace loses or mangles data)", async () => {
      const org = await createOrganization(server, { workspaces: 0 });
      const before = Date.now();
      const result = await org.admin.request(CreateWorkspaceDocument, { input: { name: "  Marketing  " } });
      expect(result.errors).toBeUndefined();
      const created = result.data!.createWorkspace;
      expect(created.name).toBe("Marketing");
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(created.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

      const row = await workspaceRow(created.id);
      expect(row).toMatchObject({ id: created.id, organizationId: org.id, name: "Marketing" });
    });

    it("accepts a name of exactly 100 characters once trimmed (else the length limit is off by one or counts the padding)", async () => {
      const org = await createOrganization(server, { workspaces: 0 });
      const name = "n".repeat(100);
      const result = await org.admin.request(CreateWorkspaceDocument, { input: { name: `\t ${name} ` } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.createWorkspace.name).toBe(name);
      expect((await workspaceRow(result.data!.createWorkspace.id))?.name).toBe(name);
    });

    it("keeps non-ASCII names intact (else the column charset or trimming corrupts them)", async () => {
      const org = await createOrganization(server, { workspaces: 0 });
      const name = "Équipe Zürich — 東京 🚀";
      const result = await org.admin.request(CreateWorkspaceDocument, { input: { name } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.createWorkspace.name).toBe(name);
      expect((await workspaceRow(result.data!.createWorkspace.id))?.name).toBe(name);
    });

    it.each(INVALID_NAMES)(
      "is refused a createWorkspace with %s: BAD_USER_INPUT on field name, no row (else bad names get stored)",
      async (_what, name) => {
        const org = await createOrganization(server, { workspaces: 0 });
        const countBefore = await countWorkspaces();
        const result = await org.admin.request(CreateWorkspaceDocument, { input: { name } });
        expectOneError(result, "BAD_USER_INPUT", "name");
        expect(await countWorkspaces()).toBe(countBefore);
        expect(await workspaceRowsOf(org.id)).toEqual([]);
      },
    );

    it("renames a workspace, trimmed, and the row changes (else updateWorkspace does not persist)", async () => {
      const org = await createOrganization(server, { workspaces: 1 });
      const [id] = org.workspaceIds;
      const result = await org.admin.request(UpdateWorkspaceDocument, { input: { id, name: "  Renamed  " } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.updateWorkspace).toEqual({ id, name: "Renamed" });
      expect((await workspaceRow(id))?.name).toBe("Renamed");
      const fetched = await org.admin.request(WorkspaceDocument, { id });
      expect(fetched.data!.workspace).toEqual({ id, name: "Renamed" });
    });

    it.each(INVALID_NAMES)(
      "is refused an updateWorkspace with %s: BAD_USER_INPUT on field name, row unchanged",
      async (_what, name) => {
        const org = await createOrganization(server, { workspaces: 1 });
        const [id] = org.workspaceIds;
        const rowBefore = await workspaceRow(id);
        const result = await org.admin.request(UpdateWorkspaceDocument, { input: { id, name } });
        expectOneError(result, "BAD_USER_INPUT", "name");
        expect(await workspaceRow(id)).toEqual(rowBefore);
      },
    );

    it("gets one of its workspaces by id (else workspace(id) hides the caller's own data)", async () => {
      const org = await createOrganization(server, { workspaces: 2 });
      const result = await org.admin.request(WorkspaceDocument, { id: org.workspaceIds[1] });
      expect(result.errors).toBeUndefined();
      expect(result.data!.workspace).toEqual({ id: org.workspaceIds[1], name: "Workspace 2" });
    });

    it("lists every workspace of its organization only, newest first, with totalCount (else the list leaks or loses rows)", async () => {
      const org = await createOrganization(server, { workspaces: 3 });
      await createOrganization(server, { workspaces: 4 }); // noise in another organization
      const created: string[] = [];
      for (const name of ["Later 1", "Later 2"]) {
        const r = await org.admin.request(CreateWorkspaceDocument, { input: { name } });
        created.push(r.data!.createWorkspace.id);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const result = await org.admin.request(WorkspacesDocument, {});
      expect(result.errors).toBeUndefined();
      const { nodes, totalCount, pageInfo } = result.data!.workspaces;
      expect(totalCount).toBe(5);
      expect(nodes.map((n) => n.id).sort()).toEqual([...org.workspaceIds, ...created].sort());
      // default order CREATED_AT DESC: the two created last come first, the newest at the top
      expect(nodes.slice(0, 2).map((n) => n.id)).toEqual([created[1], created[0]]);
      const times = nodes.map((n) => new Date(n.createdAt).getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    });

    it("searches names case-insensitively, with % and _ taken literally, and totalCount counts the matches (else search over- or under-matches)", async () => {
      const org = await createOrganization(server, { workspaces: 0 });
      const ids: Record<string, string> = {};
      for (const name of ["Alpha Team", "the ALPHA lab", "Beta", "50% off", "snake_case", "snakeXcase"]) {
        const r = await org.admin.request(CreateWorkspaceDocument, { input: { name } });
        ids[name] = r.data!.createWorkspace.id;
      }
      const search = async (term: string) => {
        const r = await org.admin.request(WorkspacesDocument, { search: term });
        expect(r.errors).toBeUndefined();
        return { names: r.data!.workspaces.nodes.map((n) => n.name).sort(), totalCount: r.data!.workspaces.totalCount };
      };
      expect(await search("alpha")).toEqual({ names: ["Alpha Team", "the ALPHA lab"], totalCount: 2 });
      expect(await search("  ALPHA ")).toEqual({ names: ["Alpha Team", "the ALPHA lab"], totalCount: 2 });
      expect(await search("%")).toEqual({ names: ["50% off"], totalCount: 1 });
      expect(await search("_")).toEqual({ names: ["snake_case"], totalCount: 1 });
      expect(await search("nothing-like-this")).toEqual({ names: [], totalCount: 0 });
      expect((await search("")).totalCount).toBe(6);

      const firstPage = await org.admin.request(WorkspacesDocument, { search: "alpha", first: 1 });
      expect(firstPage.data!.workspaces.totalCount).toBe(2);
      expect(firstPage.data!.workspaces.nodes).toHaveLength(1);
      expect(firstPage.data!.workspaces.pageInfo.hasNextPage).toBe(true);
    });

    it("searches non-ASCII names case-insensitively, and finds a name typed exactly as stored (else SQLite's ASCII-only LOWER hides 'École' from a search for 'École')", async () => {
      const org = await createOrganization(server, { workspaces: 0 });
      const created = await org.admin.request(CreateWorkspaceDocument, { input: { name: "École Zürich" } });
      await org.admin.request(CreateWorkspaceDocument, { input: { name: "Other" } });
      const id = created.data!.createWorkspace.id;
      for (const term of ["École", "école", "ÉCOLE", "zürich", "ZÜRICH", "École Zürich"]) {
        const r = await org.admin.request(WorkspacesDocument, { search: term });
        expect({
          term,
          ids: r.data!.workspaces.nodes.map((n) => n.id),
          totalCount: r.data!.workspaces.totalCount,
        }).toEqual({
          term,
          ids: [id],
          totalCount: 1,
        });
      }
    });

    it("pages forward with first/after through every workspace exactly once, in list order (else keyset paging skips or repeats rows)", async () => {
      // 5 workspaces share one createdAt (made in one transaction) and 6 more follow: ties must be broken by id
      const org = await createOrganization(server, { workspaces: 5 });
      for (let i = 0; i < 6; i++) await org.admin.request(CreateWorkspaceDocument, { input: { name: `Paged ${i}` } });
      const expected = await listAll(org.admin);
      expect(expected).toHaveLength(11);

      const seen: string[] = [];
      let after: string | null | undefined;
      let pages = 0;
      for (;;) {
        const r = await org.admin.request(WorkspacesDocument, { first: 3, after });
        expect(r.errors).toBeUndefined();
        const { nodes, totalCount, pageInfo } = r.data!.workspaces;
        expect(totalCount).toBe(11);
        expect(pageInfo.hasPreviousPage).toBe(after != null);
        seen.push(...nodes.map((n) => n.id));
        pages++;
        expect(pages).toBeLessThanOrEqual(4);
        if (!pageInfo.hasNextPage) break;
        expect(nodes).toHaveLength(3);
        after = pageInfo.endCursor;
      }
      expect(pages).toBe(4);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(11);
    });

    it("pages backward with last/before through every workspace exactly once, in list order (else backward paging skips, repeats or reverses rows)", async () => {
      const org = await createOrganization(server, { workspaces: 5 });
      for (let i = 0; i < 6; i++) await org.admin.request(CreateWorkspaceDocument, { input: { name: `Back ${i}` } });
      const expected = await listAll(org.admin);
      expect(expected).toHaveLength(11);

      const pagesSeen: string[][] = [];
      let before: string | null | undefined;
      for (;;) {
        const r = await org.admin.request(WorkspacesDocument, { last: 3, before });
        expect(r.errors).toBeUndefined();
        const { nodes, totalCount, pageInfo } = r.data!.workspaces;
        expect(totalCount).toBe(11);
        expect(pageInfo.hasNextPage).toBe(before != null);
        pagesSeen.unshift(nodes.map((n) => n.id));
        expect(pagesSeen.length).toBeLessThanOrEqual(4);
        if (!pageInfo.hasPreviousPage) break;
        expect(nodes).toHaveLength(3);
        before = pageInfo.startCursor;
      }
      const seen = pagesSeen.flat();
      expect(pagesSeen).toHaveLength(4);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(11);
    });

    it("can turn around: a page after a cursor then back before it returns the earlier page (else cursors of the two directions disagree)", async () => {
      const org = await createOrganization(server, { workspaces: 6 });
      const expected = await listAll(org.admin);
      const first = await org.admin.request(WorkspacesDocument, { first: 2 });
      const second = await org.admin.request(WorkspacesDocument, {
        first: 2,
        after: first.data!.workspaces.pageInfo.endCursor,
      });
      expect(second.data!.workspaces.nodes.map((n) => n.id)).toEqual(expected.slice(2, 4));
      const back = await org.admin.request(WorkspacesDocument, {
        last: 2,
        before: second.data!.workspaces.pageInfo.startCursor,
      });
      expect(back.data!.workspaces.nodes.map((n) => n.id)).toEqual(expected.slice(0, 2));
      expect(back.data!.workspaces.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    });

    it("gets BAD_USER_INPUT for first over 100, first with last, or a garbage cursor (else paging arguments are not checked)", async () => {
      const org = await createOrganization(server, { workspaces: 1 });
      const tooMany = await org.admin.request(WorkspacesDocument, { first: 101 });
      expectOneError(tooMany, "BAD_USER_INPUT", "first");
      const both = await org.admin.request(WorkspacesDocument, { first: 1, last: 1 });
      expect(codesOf(both)).toEqual(["BAD_USER_INPUT"]);
      const garbage = await org.admin.request(WorkspacesDocument, { first: 1, after: "garbage" });
      expectOneError(garbage, "BAD_USER_INPUT", "after");
    });

    it("deletes a workspace: the mutation returns its id, the row is gone, and it no longer appears (else deleteWorkspace does not delete)", async () => {
      const org = await createOrganization(server, { workspaces: 2 });
      const [gone, kept] = org.workspaceIds;
      const result = await org.admin.request(DeleteWorkspaceDocument, { id: gone });
      expect(result.errors).toBeUndefined();
      expect(result.data!.deleteWorkspace).toBe(gone);
      expect(await workspaceRow(gone)).toBeNull();
      expect(await workspaceRow(kept)).not.toBeNull();
      expect((await org.admin.request(WorkspaceDocument, { id: gone })).data!.workspace).toBeNull();
      expect(await listAll(org.admin)).toEqual([kept]);

      const again = await org.admin.request(DeleteWorkspaceDocument, { id: gone });
      expectOneError(again, "NOT_FOUND");
    });
  });

  describe("a member", () => {
    it("sees only the workspaces they belong to, in the list and by id (else members read other teams' workspaces)", async () => {
      const org = await createOrganization(server, { workspaces: 3 });
      const [mine, alsoMine, notMine] = org.workspaceIds;
      const member = await org.member([mine, alsoMine]);

      const list = await member.request(WorkspacesDocument, {});
      expect(list.errors).toBeUndefined();
      expect(list.data!.workspaces.nodes.map((n) => n.id).sort()).toEqual([mine, alsoMine].sort());
      expect(list.data!.workspaces.totalCount).toBe(2);

      expect((await member.request(WorkspaceDocument, { id: mine })).data!.workspace?.id).toBe(mine);
      const hidden = await member.request(WorkspaceDocument, { id: notMine });
      expect(hidden.errors).toBeUndefined();
      expect(hidden.data!.workspace).toBeNull();

      const searched = await member.request(WorkspacesDocument, { search: "Workspace" });
      expect(searched.data!.workspaces.totalCount).toBe(2);
    });

    it("with no membership sees an empty list with totalCount 0 (else an empty reach falls back to 'everything')", async () => {
      const org = await createOrganization(server, { workspaces: 2 });
      const member = await org.member([]);
      const list = await member.request(WorkspacesDocument, {});
      expect(list.errors).toBeUndefined();
      expect(list.data!.workspaces).toMatchObject({
        nodes: [],
        totalCount: 0,
        pageInfo: { hasNextPage: false, hasPreviousPage: false },
      });
      expect((await member.request(WorkspaceDocument, { id: org.workspaceIds[0] })).data!.workspace).toBeNull();
    });

    it("is FORBIDDEN to createWorkspace and no row is written (else members can create workspaces)", async () => {
      const org = await createOrganization(server, { workspaces: 1 });
      const member = await org.member(org.workspaceIds);
      const countBefore = await countWorkspaces();
      const result = await member.request(CreateWorkspaceDocument, { input: { name: "Sneaky" } });
      expectOneError(result, "FORBIDDEN");
      expect(await countWorkspaces()).toBe(countBefore);
      expect((await workspaceRowsOf(org.id)).map((w) => w.id)).toEqual(org.workspaceIds);
    });

    it("is FORBIDDEN to updateWorkspace, even their own, and the row is unchanged (else members can rename workspaces)", async () => {
      const org = await createOrganization(server, { workspaces: 1 });
      const [id] = org.workspaceIds;
      const member = await org.member([id]);
      const rowBefore = await workspaceRow(id);
      const result = await member.request(UpdateWorkspaceDocument, { input: { id, name: "Hijacked" } });
      expectOneError(result, "FORBIDDEN");
      expect(await workspaceRow(id)).toEqual(rowBefore);
    });

    it("is FORBIDDEN to deleteWorkspace, even their own, and nothing is removed (else members can delete workspaces)", async () => {
      const org = await createOrganization(server, { workspaces: 1 });
      const [id] = org.workspaceIds;
      const member = await org.member([id]);
      const result = await member.request(DeleteWorkspaceDocument, { id });
      expectOneError(result, "FORBIDDEN");
      expect(await workspaceRow(id)).not.toBeNull();
      expect(await server.db.getRepository(UserWorkspace).countBy({ workspaceId: id, userId: member.userId })).toBe(1);
    });
  });

  describe("workspaces of another organization, unknown or garbage ids", () => {
    let admin: Caller;
    let foreignId: string;
    beforeAll(async () => {
      admin = (await createOrganization(server, { workspaces: 1 })).admin;
      foreignId = (await createOrganization(server, { workspaces: 1 })).workspaceIds[0];
    });

    it.each(FOREIGN_IDS)(
      "workspace(id) with %s is null without an error (else other tenants' workspaces leak or are told apart)",
      async (_what, idOf) => {
        const result = await admin.request(WorkspaceDocument, { id: idOf(foreignId) });
        expect(result.errors).toBeUndefined();
        expect(result.data).toEqual({ workspace: null });
      },
    );

    it("a foreign workspace is absent from the list and from search (else the list crosses organizations)", async () => {
      const all = await listAll(admin);
      expect(all).not.toContain(foreignId);
      expect(all).toHaveLength(1);
      // both organizations' workspaces are named "Workspace 1"
      const searched = await admin.request(WorkspacesDocument, { search: "Workspace 1" });
      expect(searched.data!.workspaces.nodes.map((n) => n.id)).toEqual(all);
      expect(searched.data!.workspaces.totalCount).toBe(1);
    });

    it.each(FOREIGN_IDS)(
      "updateWorkspace with %s is NOT_FOUND and changes no row (else one tenant can rename another's workspace)",
      async (_what, idOf) => {
        const rowBefore = await workspaceRow(foreignId);
        const result = await admin.request(UpdateWorkspaceDocument, {
          input: { id: idOf(foreignId), name: "Taken over" },
        });
        expectOneError(result, "NOT_FOUND");
        expect(await workspaceRow(foreignId)).toEqual(rowBefore);
        expect(await server.db.getRepository(Workspace).countBy({ name: "Taken over" })).toBe(0);
      },
    );

    it.each(FOREIGN_IDS)(
      "deleteWorkspace with %s is NOT_FOUND and deletes nothing (else one tenant can delete another's workspace)",
      async (_what, idOf) => {
        const countBefore = await countWorkspaces();
        const result = await admin.request(DeleteWorkspaceDocument, { id: idOf(foreignId) });
        expectOneError(result, "NOT_FOUND");
        expect(await workspaceRow(foreignId)).not.toBeNull();
        expect(await countWorkspaces()).toBe(countBefore);
      },
    );
  });

  describe("deleting a workspace", () => {
    const keyInput = (workspaceIds?: string[]): CreateApiKeyInput => ({
      environment: "SANDBOX",
      scope: workspaceIds ? "WORKSPACE" : "ORGANIZATION",
      permission: "FULL_ACCESS",
      ...(workspaceIds ? { workspaceIds } : {}),
    });

    it("revokes keys left with no workspace, trims the others, leaves org-scope keys and removes memberships, in the same operation (else orphaned keys stay usable or unrelated keys are hit)", async () => {
      const org = await createOrganization(server, { workspaces: 3 });
      const [doomed, other, unrelated] = org.workspaceIds;
      const create = async (workspaceIds?: string[]) => {
        const r = await org.admin.request(CreateApiKeyDocument, { input: keyInput(workspaceIds) });
        expect(r.errors).toBeUndefined();
        return r.data!.createApiKey;
      };
      const orgKey = await create();
      const onlyDoomed = await create([doomed]);
      const twoWorkspaces = await create([doomed, other]);
      const elsewhere = await create([unrelated]);
      const member = await org.member([doomed, other]);
      const onlyDoomedMember = await org.member([doomed]);

      // the orphaned key works until the workspace goes
      expect((await graphql(server.url, ViewerDocument, {}, onlyDoomed.token)).status).toBe(200);

      const before = Date.now();
      const result = await org.admin.request(DeleteWorkspaceDocument, { id: doomed });
      const after = Date.now();
      expect(result.errors).toBeUndefined();
      expect(result.data!.deleteWorkspace).toBe(doomed);

      const keyOf = async (id: string) => {
        const r = await org.admin.request(ApiKeyDocument, { id });
        expect(r.errors).toBeUndefined();
        return r.data!.apiKey!;
      };

      const orgAfter = await keyOf(orgKey.apiKey.id);
      expect(orgAfter).toMatchObject({ scope: "ORGANIZATION", status: "ACTIVE", revokedAt: null, workspaces: [] });

      const orphan = await keyOf(onlyDoomed.apiKey.id);
      expect(orphan.status).toBe("REVOKED");
      expect(orphan.workspaces).toEqual([]);
      expect(orphan.revokedAt).not.toBeNull();
      const revokedAt = new Date(orphan.revokedAt!).getTime();
      expect(revokedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(revokedAt).toBeLessThanOrEqual(after + 1000);

      const trimmed = await keyOf(twoWorkspaces.apiKey.id);
      expect(trimmed).toMatchObject({ status: "ACTIVE", revokedAt: null });
      expect(trimmed.workspaces.map((w) => w.id)).toEqual([other]);

      const untouched = await keyOf(elsewhere.apiKey.id);
      expect(untouched).toMatchObject({ status: "ACTIVE", revokedAt: null });
      expect(untouched.workspaces.map((w) => w.id)).toEqual([unrelated]);

      // the database agrees: no link and no membership points at the deleted workspace
      expect(await server.db.getRepository(ApiKeyWorkspace).countBy({ workspaceId: doomed })).toBe(0);
      expect(await server.db.getRepository(UserWorkspace).countBy({ workspaceId: doomed })).toBe(0);
      const memberships = await server.db
        .getRepository(UserWorkspace)
        .findBy({ userId: In([member.userId, onlyDoomedMember.userId]) });
      expect(memberships.map((m) => [m.userId, m.workspaceId])).toEqual([[member.userId, other]]);
      const rows = await server.db
        .getRepository(ApiKey)
        .findBy({ id: In([orgKey.apiKey.id, onlyDoomed.apiKey.id, twoWorkspaces.apiKey.id]) });
      const byId = new Map(rows.map((k) => [k.id, k]));
      expect(byId.get(orgKey.apiKey.id)!.revokedAt).toBeNull();
      expect(byId.get(onlyDoomed.apiKey.id)!.revokedAt).toBeInstanceOf(Date);
      expect(byId.get(twoWorkspaces.apiKey.id)!.revokedAt).toBeNull();

      // what callers see right after
      const orphanUse = await graphql(server.url, ViewerDocument, {}, onlyDoomed.token);
      expect(orphanUse.status).toBe(401);
      expect(codesOf(orphanUse)).toEqual(["UNAUTHENTICATED"]);
      expect((await graphql(server.url, ViewerDocument, {}, twoWorkspaces.token)).status).toBe(200);
      const memberList = await member.request(WorkspacesDocument, {});
      expect(memberList.data!.workspaces.nodes.map((n) => n.id)).toEqual([other]);
      expect((await onlyDoomedMember.request(WorkspacesDocument, {})).data!.workspaces.totalCount).toBe(0);
    });

    it("keeps the original revokedAt of a key revoked earlier (else deletion rewrites revocation history)", async () => {
      const org = await createOrganization(server, { workspaces: 1 });
      const [doomed] = org.workspaceIds;
      const created = await org.admin.request(CreateApiKeyDocument, { input: keyInput([doomed]) });
      const id = created.data!.createApiKey.apiKey.id;
      const earlier = new Date("2020-01-02T03:04:05.678Z");
      await server.db.getRepository(ApiKey).update({ id }, { revokedAt: earlier });

      const result = await org.admin.request(DeleteWorkspaceDocument, { id: doomed });
      expect(result.errors).toBeUndefined();
      const key = await org.admin.request(ApiKeyDocument, { id });
      expect(key.data!.apiKey).toMatchObject({ status: "REVOKED", revokedAt: earlier.toISOString(), workspaces: [] });
    });
  });
});
