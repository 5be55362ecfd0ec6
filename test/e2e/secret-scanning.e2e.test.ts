/**
 * Leaked keys (issue 13 §3): GitHub's secret-scanning partner endpoint. The test plays GitHub: it serves its public
 * keys on loopback (SECRET_SCANNING_KEYS_URL) and signs each report with ECDSA P-256 over the raw body. A found key is
 * refused on its very next request, audited with the scanner as actor; a bad signature revokes nothing.
 * Real HTTP, both databases.
 */
import { generateKeyPairSync, createHash, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "@jest/globals";
import { Webhook } from "standardwebhooks";
import { databases } from "../support/databases";
import { AuditEventsDocument, CreateWebhookEndpointDocument, ViewerDocument } from "../support/gql/graphql";
import { createKey, createOrganization, createTestServer, type TestServer } from "../support/server";

const SANDBOX = { environment: "SANDBOX", scope: "ORGANIZATION", permission: "READ_ONLY" } as const;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** GitHub's side: two signing keys (one current), served as GitHub serves them. */
function gitHub() {
  const current = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keyId = sha256("current key");
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches++;
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({
        public_keys: [
          {
            key_identifier: keyId,
            key: current.publicKey.export({ type: "spki", format: "pem" }),
            is_current: true,
          },
        ],
      }),
    );
  });
  const signWith = (key: KeyObject, body: string) =>
    sign("sha256", Buffer.from(body), { key, dsaEncoding: "der" }).toString("base64");
  return {
    server,
    keyId,
    fetches: () => fetches,
    sign: (body: string) => signWith(current.privateKey, body),
    signAsStranger: (body: string) => signWith(stranger.privateKey, body),
  };
}

describe.each(databases)("leaked keys reported by GitHub on %s", (kind) => {
  const github = gitHub();
  let server: TestServer;
  beforeAll(async () => {
    await new Promise<void>((done) => github.server.listen(0, "127.0.0.1", done));
    const { port } = github.server.address() as AddressInfo;
    server = await createTestServer(kind, {
      SECRET_SCANNING_KEYS_URL: `http://127.0.0.1:${port}/meta/public_keys/secret_scanning`,
      WEBHOOK_ALLOW_PRIVATE: "true",
    });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((done) => github.server.close(done));
  });

  const report = (body: string, headers: Record<string, string>) =>
    fetch(`${server.origin}/secret-scanning/github`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  const signed = (body: string) =>
    report(body, { "github-public-key-identifier": github.keyId, "github-public-key-signature": github.sign(body) });

  it("a found key is revoked at once, audited with the scanner as actor, and labelled true_positive", async () => {
    const org = await createOrganization(server);
    const leaked = await createKey(server, org.admin, SANDBOX);
    const bystander = await createKey(server, org.admin, SANDBOX);
    expect((await leaked.request(ViewerDocument, {})).status).toBe(200);
    const body = JSON.stringify([
      {
        token: leaked.token,
        type: "latchkey_api_key",
        url: "https://github.com/octo/repo/blob/abc/.env",
        source: "content",
      },
      { token: "lk_test_000000000000000000000000000000000000", type: "latchkey_api_key", url: "https://github.com/x" },
      { token: "not even a token", type: "latchkey_api_key" },
    ]);
    const response = await signed(body);
    expect(response.status).toBe(200);
    const labels = (await response.json()) as unknown;
    expect(labels).toEqual([
      { token_hash: sha256(leaked.token), token_type: "latchkey_api_key", label: "true_positive" },
      {
        token_hash: sha256("lk_test_000000000000000000000000000000000000"),
        token_type: "latchkey_api_key",
        label: "false_positive",
      },
      { token_hash: sha256("not even a token"), token_type: "latchkey_api_key", label: "false_positive" },
    ]);
    // the answer never echoes a token
    expect(JSON.stringify(labels)).not.toContain(leaked.token);

    const refused = await leaked.request(ViewerDocument, {});
    expect(refused.status).toBe(401);
    expect((await bystander.request(ViewerDocument, {})).status).toBe(200);

    const trail = (await org.admin.request(AuditEventsDocument, { filter: { targetId: leaked.keyId }, first: 10 }))
      .data!.auditEvents.nodes;
    expect(trail.map((e) => e.action)).toEqual(["api_key.leaked", "api_key.revoked", "api_key.created"]);
    expect(trail[0]).toMatchObject({
      actor: { type: "SCANNER", id: null, display: "GitHub secret scanning" },
      environment: "SANDBOX",
      changes: { foundAt: { from: null, to: "https://github.com/octo/repo/blob/abc/.env" }, source: { to: "content" } },
    });
    expect(trail[1].actor.type).toBe("SCANNER");

    // reported again (GitHub may resend): still true_positive, revoked once
    const again = await signed(JSON.stringify([{ token: leaked.token, type: "latchkey_api_key" }]));
    expect(((await again.json()) as { label: string }[])[0].label).toBe("true_positive");
    const revocations = (
      await org.admin.request(AuditEventsDocument, { filter: { targetId: leaked.keyId, action: ["api_key.revoked"] } })
    ).data!.auditEvents.nodes;
    expect(revocations).toHaveLength(1);
  });

  it("refuses an unsigned, badly signed or re-keyed report with 401, revoking nothing; a malformed one with 400", async () => {
    const org = await createOrganization(server);
    const key = await createKey(server, org.admin, SANDBOX);
    const body = JSON.stringify([{ token: key.token, type: "latchkey_api_key" }]);
    const attempts: Record<string, string>[] = [
      {},
      { "github-public-key-identifier": github.keyId },
      { "github-public-key-identifier": github.keyId, "github-public-key-signature": github.signAsStranger(body) },
      { "github-public-key-identifier": github.keyId, "github-public-key-signature": github.sign(body + " ") },
      { "github-public-key-identifier": "unknown-key-id", "github-public-key-signature": github.sign(body) },
      { "github-public-key-identifier": github.keyId, "github-public-key-signature": "bm90IGEgc2lnbmF0dXJl" },
    ];
    for (const [i, headers] of attempts.entries()) {
      const response = await report(body, headers);
      expect({ i, status: response.status }).toEqual({ i, status: 401 });
    }
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
    // the keys were fetched once and cached; an unknown identifier refetches at most once a minute
    expect(github.fetches()).toBeLessThanOrEqual(2);

    for (const malformed of ["not json", JSON.stringify({ token: key.token }), JSON.stringify([{ type: "x" }])]) {
      const response = await signed(malformed);
      expect(response.status).toBe(400);
    }
    expect((await key.request(ViewerDocument, {})).status).toBe(200);
  });

  it("end to end: a leak reported by GitHub → the key refused on its next request → a signed api_key.leaked webhook", async () => {
    const bodies: { headers: Record<string, string>; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        bodies.push({ headers: request.headers as Record<string, string>, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
    try {
      const org = await createOrganization(server);
      const { port } = receiver.address() as AddressInfo;
      const created = await org.admin.request(CreateWebhookEndpointDocument, {
        input: { url: `http://127.0.0.1:${port}/latchkey`, events: ["api_key.leaked"], environment: "SANDBOX" },
      });
      if (!created.data) throw new Error(created.text);
      const { signingSecret } = created.data.createWebhookEndpoint;
      const key = await createKey(server, org.admin, SANDBOX);
      expect((await key.request(ViewerDocument, {})).status).toBe(200);

      const report = JSON.stringify([
        { token: key.token, type: "latchkey_api_key", url: "https://github.com/o/r/blob/1/x" },
      ]);
      expect((await signed(report)).status).toBe(200);
      expect((await key.request(ViewerDocument, {})).status).toBe(401);

      const deadline = Date.now() + 10_000;
      while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(bodies).toHaveLength(1);
      const event = new Webhook(signingSecret).verify(bodies[0].body, bodies[0].headers) as {
        type: string;
        data: { apiKey: { id: string; status: string }; actor: { type: string }; changes: { foundAt: { to: string } } };
      };
      expect(event).toMatchObject({
        type: "api_key.leaked",
        data: {
          apiKey: { id: key.keyId, status: "REVOKED" },
          actor: { type: "scanner" },
          changes: { foundAt: { to: "https://github.com/o/r/blob/1/x" } },
        },
      });
      expect(bodies[0].body).not.toContain(key.token);
    } finally {
      await new Promise((done) => receiver.close(done));
    }
  });
});
