import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  CreateApiKeyDocument,
  CreateUserDocument,
  DeleteUserDocument,
  UpdateUserDocument,
  UserDocument,
  UsersDocument,
  ViewerDocument,
} from "../support/gql/graphql";
import { tableCounts } from "../support/rows";
import {
  callerWith,
  createOrganization,
  createTestServer,
  type TestOrganization,
  type TestServer,
} from "../support/server";

describe.each(databases)("users on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  let other: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server, { workspaces: 3 });
    other = await createOrganization(server);
  });
  afterAll(() => server.close());

  it("creates a user with a lower-cased email, a trimmed name, a role and memberships", async () => {
    const [w1, w2] = org.workspaceIds;
    const { data, errors } = await org.admin.request(CreateUserDocument, {
      input: { email: "  Grace.Hopper@Example.TEST ", name: "  Grace  ", role: "MEMBER", workspaceIds: [w1, w2, w1] },
    });
    expect(errors).toBeUndefined();
    expect(data!.createUser).toMatchObject({ email: "grace.hopper@example.test", name: "Grace", role: "MEMBER" });
    expect(data!.createUser.workspaces.map((w) => w.id).sort()).toEqual([w1, w2].sort());
  });

  it.each([
    ["an invalid email", { email: "not-an-email", role: "MEMBER" as const }, "email"],
    [
      "an email already in use in the organization",
      () => ({ email: "GRACE.HOPPER@example.test", role: "MEMBER" as const }),
      "email",
    ],
    [
      "a name with a control character",
      { email: "x1@example.test", name: "bad\u0007", role: "MEMBER" as const },
      "name",
    ],
    [
      "another organization's workspace",
      () => ({ email: "x2@example.test", role: "MEMBER" as const, workspaceIds: [other.workspaceIds[0]] }),
      "workspaceIds",
    ],
    [
      "an unknown workspace",
      { email: "x3@example.test", role: "MEMBER" as const, workspaceIds: ["6f1c1d5e-1111-4222-8333-944445555666"] },
      "workspaceIds",
    ],
  ])("refuses %s with BAD_USER_INPUT and writes nothing", async (_name, input, field) => {
    const before = await tableCounts(server.db);
    const result = await org.admin.request(CreateUserDocument, {
      input: typeof input === "function" ? input() : input,
    });
    expect(codesOf(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors![0].extensions?.field).toBe(field);
    expect(await tableCounts(server.db)).toEqual(before);
  });

  it("emails are unique within an organization only: another organization can add the same address, and learns nothing of the first", async () => {
    const theirs = await other.admin.request(CreateUserDocument, {
      input: { email: "grace.hopper@example.test", role: "MEMBER" },
    });
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!.createUser.email).toBe("grace.hopper@example.test");
    // the same address, once more in the other organization: now it is a duplicate there
    const again = await other.admin.request(CreateUserDocument, {
      input: { email: "Grace.Hopper@example.test", role: "MEMBER" },
    });
    expect(codesOf(again)).toEqual(["BAD_USER_INPUT"]);
    const ours = await org.admin.request(UsersDocument, { search: "grace.hopper" });
    expect(ours.data!.users.totalCount).toBe(1);
    expect(ours.data!.users.nodes[0].id).not.toBe(theirs.data!.createUser.id);
  });

  it("lists users with search, role and workspace filters and the right totalCount", async () => {
    const all = await org.admin.request(UsersDocument, { first: 100 });
    const users = all.data!.users.nodes;
    expect(all.data!.users.totalCount).toBe(users.length);
    const admins = await org.admin.request(UsersDocument, { role: "ADMIN" });
    expect(admins.data!.users.nodes.every((u) => u.role === "ADMIN")).toBe(true);
    expect(admins.data!.users.totalCount).toBe(users.filter((u) => u.role === "ADMIN").length);
    const grace = await org.admin.request(UsersDocument, { search: "HOPPER" });
    expect(grace.data!.users.nodes.map((u) => u.email)).toEqual(["grace.hopper@example.test"]);
    const inW2 = await org.admin.request(UsersDocument, { workspaceId: org.workspaceIds[1] });
    expect(inW2.data!.users.nodes.map((u) => u.email).sort()).toEqual(
      users
        .filter((u) => u.workspaces.some((w) => w.id === org.workspaceIds[1]))
        .map((u) => u.email)
        .sort(),
    );
    const foreign = await org.admin.request(UsersDocument, { workspaceId: other.workspaceIds[0] });
    expect(foreign.data!.users.totalCount).toBe(0);
  });

  it("updates name, role and memberships (memberships replaced as a whole)", async () => {
    const created = await org.admin.request(CreateUserDocument, {
      input: { email: "ada@example.test", role: "MEMBER", workspaceIds: [org.workspaceIds[0]] },
    });
    const id = created.data!.createUser.id;
    const updated = await org.admin.request(UpdateUserDocument, {
      input: { id, name: "Ada", role: "ADMIN", workspaceIds: [org.workspaceIds[2]] },
    });
    expect(updated.data!.updateUser).toMatchObject({
      name: "Ada",
      role: "ADMIN",
      workspaces: [{ id: org.workspaceIds[2] }],
    });
    const untouched = await org.admin.request(UpdateUserDocument, { input: { id } });
    expect(untouched.data!.updateUser).toMatchObject({
      name: "Ada",
      role: "ADMIN",
      workspaces: [{ id: org.workspaceIds[2] }],
    });
  });

  it("never demotes or deletes the organization's last admin", async () => {
    const solo = await createOrganization(server);
    const before = await tableCounts(server.db);
    const demote = await solo.admin.request(UpdateUserDocument, { input: { id: solo.admin.userId, role: "MEMBER" } });
    expect(codesOf(demote)).toEqual(["BAD_USER_INPUT"]);
    expect(demote.errors![0].extensions?.field).toBe("role");
    const remove = await solo.admin.request(DeleteUserDocument, { id: solo.admin.userId });
    expect(codesOf(remove)).toEqual(["BAD_USER_INPUT"]);
    expect(await tableCounts(server.db)).toEqual(before);
    expect((await solo.admin.request(UserDocument, { id: solo.admin.userId })).data!.user!.role).toBe("ADMIN");

    // with a second admin, the first may step down
    const second = await solo.admin.request(CreateUserDocument, {
      input: { email: `second-${solo.id}@example.test`, role: "ADMIN" },
    });
    const stepDown = await solo.admin.request(UpdateUserDocument, { input: { id: solo.admin.userId, role: "MEMBER" } });
    expect(stepDown.data!.updateUser.role).toBe("MEMBER");
    expect(second.data!.createUser.role).toBe("ADMIN");
  });

  it("the only two admins stepping down at the same moment leave one admin", async () => {
    const duo = await createOrganization(server);
    const b = await duo.admin.request(CreateUserDocument, {
      input: { email: `b-${duo.id}@example.test`, role: "ADMIN" },
    });
    const bId = b.data!.createUser.id;
    const adminB = callerWith(server, await server.services.jwt.sign(bId, "1h"), bId);
    const results = await Promise.all([
      duo.admin.request(UpdateUserDocument, { input: { id: duo.admin.userId, role: "MEMBER" } }),
      adminB.request(UpdateUserDocument, { input: { id: bId, role: "MEMBER" } }),
    ]);
    expect(results.map((r) => codesOf(r)).sort()).toEqual([[], ["BAD_USER_INPUT"]]);
    const userTable = server.db.driver.escape("user");
    const [row] = await server.db.query<
      {
        n: number;
      }[]
    >(`SELECT COUNT(*) AS n FROM ${userTable} WHERE organization_id = ? AND role = 'ADMIN'`, [duo.id]);
    expect(Number(row.n)).toBe(1);
  });

  it("deletes a user: their token stops working and the keys they created remain, with createdBy null", async () => {
    const created = await org.admin.request(CreateUserDocument, {
      input: { email: "temp-admin@example.test", role: "ADMIN" },
    });
    const id = created.data!.createUser.id;
    const temp = callerWith(server, await server.services.jwt.sign(id, "1h"), id);
    const key = await temp.request(CreateApiKeyDocument, {
      input: { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
    });
    const deleted = await org.admin.request(DeleteUserDocument, { id });
    expect(deleted.data).toEqual({ deleteUser: id });
    expect((await temp.request(ViewerDocument, {})).status).toBe(401);
    const { data } = await org.admin.request(UsersDocument, { search: "temp-admin" });
    expect(data!.users.totalCount).toBe(0);
    const keyRow = await server.db.query<
      {
        created_by_user_id: string | null;
      }[]
    >("SELECT created_by_user_id FROM api_key WHERE id = ?", [key.data!.createApiKey.apiKey.id]);
    expect(keyRow).toEqual([{ created_by_user_id: null }]);
  });

  it("treats another organization's user exactly like a missing one", async () => {
    const foreignId = other.admin.userId;
    const missing = "6f1c1d5e-1111-4222-8333-944445555666";
    expect((await org.admin.request(UserDocument, { id: foreignId })).data).toEqual({ user: null });
    const before = await tableCounts(server.db);
    for (const id of [foreignId, missing]) {
      const update = await org.admin.request(UpdateUserDocument, { input: { id, name: "pwned" } });
      const remove = await org.admin.request(DeleteUserDocument, { id });
      expect([codesOf(update), codesOf(remove)]).toEqual([["NOT_FOUND"], ["NOT_FOUND"]]);
      expect(update.errors![0].message).toBe("User not found");
    }
    expect(await tableCounts(server.db)).toEqual(before);
  });
});
