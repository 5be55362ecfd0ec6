/**
 * Hostile input that used to reach SQL or slip past a rule (issue "The environment boundary, hostile input…", §2 and
 * the JWT parts of §3): each case answers a clear coded error, never a 500, and changes nothing.
 */
import { SignJWT } from "jose";
import { codesOf, rawGraphql, type GraphQLResult } from "../support/client";
import { databases } from "../support/databases";
import { tableCounts } from "../support/rows";
import {
  createOrganization,
  createTestServer,
  TEST_JWT_SECRET,
  type TestOrganization,
  type TestServer,
} from "../support/server";

const field = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions?.field;
const VIEWER = "{ viewer { organization { id } } }";
const nowSeconds = () => Math.floor(Date.now() / 1000);
const hs256 = (claims: { sub: string; iat?: number; exp: number }) => {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(claims.sub).setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
};

describe.each(databases)("input limits on %s", (kind) => {
  let server: TestServer;
  let org: TestOrganization;
  const gql = (query: string, variables: Record<string, unknown> = {}, credential: string | null = org.admin.token) =>
    // the lists' connections, by root field or alias
    rawGraphql<Record<string, { totalCount: number }>>(server.url, { query, variables }, credential);

  beforeAll(async () => {
    server = await createTestServer(kind);
    org = await createOrganization(server, { workspaces: 2 });
    for (const description of ["alpha", "beta", "gamma"]) {
      const created = await gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { token } }`, {
        i: { description, environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" },
      });
      expect(created.errors).toBeUndefined();
    }
  });
  afterAll(() => server.close());

  describe("list arguments are de-duplicated and capped at 100 items", () => {
    const LIST = `query($f: ApiKeyFilter) { apiKeys(filter: $f) { totalCount } }`;

    it.each(["environment", "scope", "permission", "status"])(
      "filter.%s with 33,000 values: BAD_USER_INPUT naming the field, and a short log",
      async (name) => {
        const values = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY", status: "ACTIVE" }[
          name
        ];
        const logLines = server.logs.length;
        const result = await gql(LIST, { f: { [name]: Array.from({ length: 33_000 }, () => values) } });
        expect(result.status).toBe(200);
        expect(codesOf(result)).toEqual(["BAD_USER_INPUT"]);
        expect(field(result)).toBe(`filter.${name}`);
        for (const line of server.logs.slice(logLines)) expect(line.length).toBeLessThan(10_000);
      },
    );

    it("100 repeated values are accepted and count once", async () => {
      const result = await gql(LIST, {
        f: { status: Array.from({ length: 100 }, () => "ACTIVE"), environment: ["SANDBOX", "SANDBOX"] },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data!.apiKeys.totalCount).toBe(3);
    });
  });

  describe("search strings: at most 255 characters, no control characters", () => {
    const SEARCHES = [
      ["apiKeys", `query($s: String) { l: apiKeys(filter: { search: $s }) { totalCount } }`, "filter.search"],
      ["users", `query($s: String) { l: users(search: $s) { totalCount } }`, "search"],
      ["workspaces", `query($s: String) { l: workspaces(search: $s) { totalCount } }`, "search"],
    ] as const;

    it.each(SEARCHES)(
      "%s: 60,000 characters → BAD_USER_INPUT (was INTERNAL_SERVER_ERROR, 'LIKE pattern too complex')",
      async (_op, query, name) => {
        const result = await gql(query, { s: "%".repeat(60_000) });
        expect(codesOf(result)).toEqual(["BAD_USER_INPUT"]);
        expect(field(result)).toBe(name);
      },
    );

    it.each(SEARCHES)("%s: 256 characters are refused, 255 accepted", async (_op, query, name) => {
      const over = await gql(query, { s: "a".repeat(256) });
      expect(codesOf(over)).toEqual(["BAD_USER_INPUT"]);
      expect(field(over)).toBe(name);
      const at = await gql(query, { s: "a".repeat(255) });
      expect(at.errors).toBeUndefined();
      expect(at.data!.l.totalCount).toBe(0);
    });

    it.each(SEARCHES)(
      "%s: a NUL (which ended SQLite's LIKE pattern and matched every row) or another control character is refused",
      async (_op, query, name) => {
        for (const s of ["\u0000", "zzz\u0000", "\u0007", "a\u001bb"]) {
          const result = await gql(query, { s });
          expect(codesOf(result)).toEqual(["BAD_USER_INPUT"]);
          expect(field(result)).toBe(name);
        }
      },
    );
  });

  describe("bidirectional controls (U+202A–U+202E, U+2066–U+2069) are refused in every text", () => {
    const BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"];

    it.each(BIDI.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase()}`, c]))(
      "%s in a key's description, a workspace's name, a user's name and a document's title: BAD_USER_INPUT, nothing written",
      async (_name, c) => {
        const before = await tableCounts(server.db);
        const disguised = `Payroll ${c}tcejorp${c === "\u202c" ? "" : "\u202c"}`;
        const attempts: [string, Record<string, unknown>, string][] = [
          [
            `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { token } }`,
            { i: { description: disguised, environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } },
            "description",
          ],
          [
            `mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { id } }`,
            { i: { name: disguised } },
            "name",
          ],
          [
            `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
            { i: { email: `bidi-${Date.now()}@example.test`, name: disguised, role: "MEMBER" } },
            "name",
          ],
          [
            `mutation($i: CreateDocumentInput!) { createDocument(input: $i) { id } }`,
            { i: { workspaceId: org.workspaceIds[0], title: disguised, environment: "SANDBOX" } },
            "title",
          ],
        ];
        for (const [query, variables, name] of attempts) {
          const result = await gql(query, variables);
          expect(codesOf(result)).toEqual(["BAD_USER_INPUT"]);
          expect(field(result)).toBe(name);
        }
        expect(await tableCounts(server.db)).toEqual(before);
      },
    );
  });

  describe("a JWT has one spelling: the strict compact form", () => {
    it("the token itself passes; appended ';', '==', '.', a '*' or '=' inside the signature, whitespace inside: 401", async () => {
      const jwt = org.admin.token;
      expect((await gql(VIEWER, {}, jwt)).status).toBe(200);
      const [h, p, sig] = jwt.split(".");
      const spellings = [
        `${jwt};`,
        `${jwt}==`,
        `${jwt}=`,
        `${jwt}.`,
        `${h}.${p}.${sig.slice(0, 10)}*${sig.slice(10)}`,
        `${h}.${p}.${sig.slice(0, 10)}=${sig.slice(10)}`,
        `${h}.${p}.${sig}A`,
        `${h}=.${p}.${sig}`,
        `${h}.${p}..${sig}`,
        `.${jwt}`,
      ];
      for (const spelling of spellings) {
        const result = await gql(VIEWER, {}, spelling);
        expect({ spelling: spelling.slice(-12), status: result.status, codes: codesOf(result) }).toEqual({
          spelling: spelling.slice(-12),
          status: 401,
          codes: ["UNAUTHENTICATED"],
        });
      }
    });

    it("a last signature character that decodes to the same bytes (non-canonical base64url) is refused", async () => {
      const jwt = org.admin.token;
      const sig = jwt.split(".")[2];
      // 32 bytes → 43 characters: the last one carries 4 unused bits; flipping them keeps the bytes
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(sig[sig.length - 1]);
      const twin = alphabet[(last & ~0b11) | ((last & 0b11) ^ 0b01)];
      const spelling = `${jwt.slice(0, -1)}${twin}`;
      expect(Buffer.from(spelling.split(".")[2], "base64url")).toEqual(Buffer.from(sig, "base64url"));
      expect((await gql(VIEWER, {}, spelling)).status).toBe(401);
    });
  });

  describe("JWT_MAX_TTL (default 24 h) caps every JWT's lifetime", () => {
    it("exp in the year 2200 is refused, with or without iat; 23 hours is accepted; a lifetime counted from an old iat is refused", async () => {
      const sub = org.admin.userId;
      const year2200 = Math.floor(Date.UTC(2200, 0, 1) / 1000);
      expect((await gql(VIEWER, {}, await hs256({ sub, iat: nowSeconds(), exp: year2200 }))).status).toBe(401);
      expect((await gql(VIEWER, {}, await hs256({ sub, exp: year2200 }))).status).toBe(401);
      expect((await gql(VIEWER, {}, await hs256({ sub, iat: year2200 - 60, exp: year2200 }))).status).toBe(401); // iat in the future
      expect(
        (await gql(VIEWER, {}, await hs256({ sub, iat: nowSeconds(), exp: nowSeconds() + 25 * 3600 }))).status,
      ).toBe(401);
      expect(
        (await gql(VIEWER, {}, await hs256({ sub, iat: nowSeconds() - 2 * 86_400, exp: nowSeconds() + 3600 }))).status,
      ).toBe(401);
      expect(
        (await gql(VIEWER, {}, await hs256({ sub, iat: nowSeconds(), exp: nowSeconds() + 23 * 3600 }))).status,
      ).toBe(200);
      expect((await gql(VIEWER, {}, await hs256({ sub, exp: nowSeconds() + 23 * 3600 }))).status).toBe(200);
    });

    it("is configurable, and the server's own signer refuses to issue past it", async () => {
      const short = await createTestServer(kind, { JWT_MAX_TTL: "1h" });
      try {
        const o = await createOrganization(short, { workspaces: 0 });
        const sub = o.admin.userId;
        const ask = async (exp: number) =>
          (await rawGraphql(short.url, { query: VIEWER }, await hs256({ sub, iat: nowSeconds(), exp }))).status;
        expect(await ask(nowSeconds() + 3500)).toBe(200);
        expect(await ask(nowSeconds() + 2 * 3600)).toBe(401);
        await expect(short.services.jwt.sign(sub, "2h")).rejects.toThrow("JWT_MAX_TTL");
      } finally {
        await short.close();
      }
    });
  });
});

describe("production hides suggestions", () => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await createTestServer("sqlite", { NODE_ENV: "production" });
    org = await createOrganization(server, { workspaces: 0 });
  });
  afterAll(() => server.close());

  it("an enum value misspelt in variables or in the document gets no 'Did you mean'", async () => {
    const inVariables = await rawGraphql(
      server.url,
      {
        query: `query($f: ApiKeyFilter) { apiKeys(filter: $f) { totalCount } }`,
        variables: { f: { environment: ["SANDBOXX"] } },
      },
      org.admin.token,
    );
    expect(codesOf(inVariables)).toEqual(["BAD_USER_INPUT"]);
    expect(inVariables.text).not.toContain("Did you mean");
    expect(inVariables.text).not.toContain('SANDBOX\\"');
    const inDocument = await rawGraphql(
      server.url,
      { query: `{ apiKeys(filter: { environment: [SANDBOXX] }) { totalCount } }` },
      org.admin.token,
    );
    expect(codesOf(inDocument)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(inDocument.text).not.toContain("Did you mean");
    const inputField = await rawGraphql(
      server.url,
      {
        query: `query($f: ApiKeyFilter) { apiKeys(filter: $f) { totalCount } }`,
        variables: { f: { enviroment: ["SANDBOX"] } },
      },
      org.admin.token,
    );
    expect(codesOf(inputField)).toEqual(["BAD_USER_INPUT"]);
    expect(inputField.text).not.toContain("Did you mean");
  });
});
