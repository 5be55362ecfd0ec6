/**
 * The README's client setups, run as written against the real server: urql (queries as GET, its default, accepted
 * because they carry Authorization; mutations as POST) and Apollo Client, with the generated typed documents.
 */
import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { Client, fetchExchange } from "@urql/core";
import { ApiKeysDocument, CreateApiKeyDocument } from "../support/gql/graphql";
import { createOrganization, createTestServer, type TestOrganization, type TestServer } from "../support/server";

describe("frontend clients against the real server", () => {
  let server: TestServer;
  let org: TestOrganization;
  const methods: string[] = [];

  beforeAll(async () => {
    server = await createTestServer("sqlite");
    org = await createOrganization(server, { workspaces: 1 });
  });
  afterAll(() => server.close());

  it("urql: a mutation by POST, then the list by GET (urql's default), typed end to end", async () => {
    const sessionJwt = org.admin.token;
    const urql = new Client({
      url: server.url,
      exchanges: [fetchExchange],
      fetchOptions: () => ({ headers: { authorization: `Bearer ${sessionJwt}` } }),
      // only to record the methods urql chose; the request goes out unchanged
      fetch: (input, init) => {
        methods.push(`${init?.method ?? "GET"}`);
        return fetch(input, init);
      },
    });
    const created = await urql
      .mutation(CreateApiKeyDocument, {
        input: { description: "urql", environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
      })
      .toPromise();
    expect(created.error).toBeUndefined();
    expect(created.data!.createApiKey.token).toMatch(/^lk_test_/);

    const { data, error } = await urql.query(ApiKeysDocument, { first: 20 }).toPromise();
    expect(error).toBeUndefined();
    expect(data!.apiKeys.edges.map((e) => e.node.description)).toEqual(["urql"]);
    expect(methods).toEqual(["POST", "GET"]);

    const anonymous = new Client({ url: server.url, exchanges: [fetchExchange], preferGetMethod: false });
    const refused = await anonymous.query(ApiKeysDocument, { first: 20 }).toPromise();
    expect(refused.error?.graphQLErrors[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("Apollo Client: the list with the README's setup", async () => {
    const sessionJwt = org.admin.token;
    const apollo = new ApolloClient({
      link: new HttpLink({ uri: server.url, headers: { authorization: `Bearer ${sessionJwt}` } }),
      cache: new InMemoryCache(),
    });
    const { data } = await apollo.query({ query: ApiKeysDocument, variables: { first: 20 } });
    expect(data!.apiKeys.totalCount).toBe(1);
    expect(data!.apiKeys.edges[0].node.description).toBe("urql");
    apollo.stop();
  });
});
