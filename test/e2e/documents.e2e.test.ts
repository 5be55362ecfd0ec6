import { codesOf } from "../support/client";
import { databases } from "../support/databases";
import {
  CreateApiKeyDocument,
  CreateDocumentDocument,
  DeleteDocumentDocument,
  DeleteWorkspaceDocument,
  DocumentDocument,
  DocumentsDocument,
  UpdateDocumentDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import { tableCounts } from "../support/rows";
import {
  callerWith,
  createOrganization,
  createTestServer,
  type Caller,
  type TestOrganization,
  type TestServer,
} from "../support/server";

describe.each(databases)("documents on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  let other: TestOrganization;
  let sandboxKey: Caller;
  let productionKey: Caller;
  let scopedKey: Caller;

  const keyCaller = async (input: CreateApiKeyInput) => {
    const { data } = await org.admin.request(CreateApiKeyDocument, { input });
    return callerWith(server, data!.createApiKey.token);
  };

  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server, { apiPlan: "Growth", workspaces: 3 });
    other = await createOrganization(server);
    sandboxKey = await keyCaller({ environment: "SANDBOX", scope: "ORGANIZATION", permission: "FULL_ACCESS" });
    productionKey = await keyCaller({ environment: "PRODUCTION", scope: "ORGANIZATION", permission: "FULL_ACCESS" });
    scopedKey = await keyCaller({
      environment: "SANDBOX",
      scope: "WORKSPACE",
      workspaceIds: [org.workspaceIds[0]],
      permission: "FULL_ACCESS",
    });
  });
  afterAll(() => server.close());

  it("a user must name the environment; the title is trimmed and checked", async () => {
    const [w1] = org.workspaceIds;
    const before = await tableCounts(server.db);
    const missingEnv = await org.admin.request(CreateDocumentDocument, {
      input: { workspaceId: w1, title: "Contract" },
    });
    expect([codesOf(missingEnv), missingEnv.errors![0].extensions?.field]).toEqual([["BAD_USER_INPUT"], "environment"]);
    for (const title of ["", "   ", "x".repeat(201), "tab\there"]) {
      const bad = await org.admin.request(CreateDocumentDocument, {
        input: { workspaceId: w1, title, environment: "SANDBOX" },
      });
      expect([title, codesOf(bad), bad.errors![0].extensions?.field]).toEqual([title, ["BAD_USER_INPUT"], "title"]);
    }
    expect(await tableCounts(server.db)).toEqual(before);

    const ok = await org.admin.request(CreateDocumentDocument, {
      input: { workspaceId: w1, title: "  Contract  ", environment: "PRODUCTION" },
    });
    expect(ok.data!.createDocument).toMatchObject({
      title: "Contract",
      environment: "PRODUCTION",
      workspace: { id: w1 },
      createdBy: { __typename: "User", id: org.admin.userId },
    });
  });

  it("a key may omit the environment (its own is used) and may not name another", async () => {
    const [w1] = org.workspaceIds;
    const own = await sandboxKey.request(CreateDocumentDocument, { input: { workspaceId: w1, title: "From a key" } });
    expect(own.data!.createDocument).toMatchObject({ environment: "SANDBOX", createdBy: { __typename: "ApiKey" } });
    const before = await tableCounts(server.db);
    const crossed = await sandboxKey.request(CreateDocumentDocument, {
      input: { workspaceId: w1, title: "Nope", environment: "PRODUCTION" },
    });
    expect(codesOf(crossed)).toEqual(["FORBIDDEN"]);
    expect(await tableCounts(server.db)).toEqual(before);
  });

  it("a workspace key writes only in its workspaces: others look like unknown ones", async () => {
    const [w1, w2] = org.workspaceIds;
    expect(
      (await scopedKey.request(CreateDocumentDocument, { input: { workspaceId: w1, title: "Scoped" } })).errors,
    ).toBeUndefined();
    const before = await tableCounts(server.db);
    const outOfScope = await scopedKey.request(CreateDocumentDocument, { input: { workspaceId: w2, title: "Out" } });
    const foreign = await scopedKey.request(CreateDocumentDocument, {
      input: { workspaceId: other.workspaceIds[0], title: "Out" },
    });
    expect([codesOf(outOfScope), outOfScope.errors![0].extensions?.field]).toEqual([["BAD_USER_INPUT"], "workspaceId"]);
    expect(foreign.errors).toEqual(outOfScope.errors);
    expect(await tableCounts(server.db)).toEqual(before);
  });

  it("each key sees only documents of its environment (and a workspace key only its workspaces); users see both", async () => {
    const [, w2] = org.workspaceIds;
    await org.admin.request(CreateDocumentDocument, {
      input: { workspaceId: w2, title: "Sandbox in W2", environment: "SANDBOX" },
    });
    const all = (await org.admin.request(DocumentsDocument, { first: 100 })).data!.documents;
    expect(new Set(all.nodes.map((d) => d.environment))).toEqual(new Set(["SANDBOX", "PRODUCTION"]));
    expect(all.totalCount).toBe(all.nodes.length);

    const sandbox = (await sandboxKey.request(DocumentsDocument, { first: 100 })).data!.documents;
    expect(sandbox.nodes.map((d) => d.id).sort()).toEqual(
      all.nodes
        .filter((d) => d.environment === "SANDBOX")
        .map((d) => d.id)
        .sort(),
    );
    const production = (await productionKey.request(DocumentsDocument, { first: 100 })).data!.documents;
    expect(production.nodes.map((d) => d.id).sort()).toEqual(
      all.nodes
        .filter((d) => d.environment === "PRODUCTION")
        .map((d) => d.id)
        .sort(),
    );
    const scoped = (await scopedKey.request(DocumentsDocument, { first: 100 })).data!.documents;
    expect(scoped.nodes.map((d) => d.id).sort()).toEqual(
      all.nodes
        .filter((d) => d.environment === "SANDBOX" && d.workspace.id === org.workspaceIds[0])
        .map((d) => d.id)
        .sort(),
    );

    const filtered = (await org.admin.request(DocumentsDocument, { workspaceId: w2, environment: "SANDBOX" })).data!
      .documents;
    expect(filtered.nodes.map((d) => d.title)).toEqual(["Sandbox in W2"]);

    // a production document is missing for a sandbox key: null, NOT_FOUND, nothing changed
    const liveDoc = all.nodes.find((d) => d.environment === "PRODUCTION")!;
    expect((await sandboxKey.request(DocumentDocument, { id: liveDoc.id })).data).toEqual({ document: null });
    const before = await tableCounts(server.db);
    expect(
      codesOf(await sandboxKey.request(UpdateDocumentDocument, { input: { id: liveDoc.id, title: "x" } })),
    ).toEqual(["NOT_FOUND"]);
    expect(codesOf(await sandboxKey.request(DeleteDocumentDocument, { id: liveDoc.id }))).toEqual(["NOT_FOUND"]);
    expect(await tableCounts(server.db)).toEqual(before);
    expect((await productionKey.request(DocumentDocument, { id: liveDoc.id })).data!.document!.title).toBe(
      liveDoc.title,
    );
  });

  it("updates and deletes; another organization's document is a missing one", async () => {
    const created = await org.admin.request(CreateDocumentDocument, {
      input: { workspaceId: org.workspaceIds[0], title: "Draft", environment: "SANDBOX" },
    });
    const id = created.data!.createDocument.id;
    expect((await other.admin.request(DocumentDocument, { id })).data).toEqual({ document: null });
    expect(codesOf(await other.admin.request(UpdateDocumentDocument, { input: { id, title: "pwned" } }))).toEqual([
      "NOT_FOUND",
    ]);
    expect(codesOf(await other.admin.request(DeleteDocumentDocument, { id }))).toEqual(["NOT_FOUND"]);
    expect(
      (await org.admin.request(UpdateDocumentDocument, { input: { id, title: "Final" } })).data!.updateDocument.title,
    ).toBe("Final");
    expect((await org.admin.request(DeleteDocumentDocument, { id })).data).toEqual({ deleteDocument: id });
    expect((await org.admin.request(DocumentDocument, { id })).data).toEqual({ document: null });
  });

  it("deleting a workspace deletes its documents", async () => {
    const [, , w3] = org.workspaceIds;
    const doc = await org.admin.request(CreateDocumentDocument, {
      input: { workspaceId: w3, title: "In W3", environment: "SANDBOX" },
    });
    await org.admin.request(DeleteWorkspaceDocument, { id: w3 });
    const rows = await server.db.query<unknown[]>("SELECT id FROM document WHERE workspace_id = ?", [w3]);
    expect(rows).toEqual([]);
    expect((await org.admin.request(DocumentDocument, { id: doc.data!.createDocument.id })).data).toEqual({
      document: null,
    });
  });
});
