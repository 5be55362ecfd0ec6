import { expect } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { graphiqlCsp, prefersHtml } from "../../src/http/graphiql";
import { User } from "../../src/modules/user/user.entity";
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from "../support/browser";
import { createOrganization, createTestServer, type TestOrganization, type TestServer } from "../support/server";

/**
 * GraphiQL at GET /graphql (SPEC §8): served from the server's own files, no CDN. The browser test drives
 * Debian's Chromium (never a downloaded browser); CI installs it in .ci/run. Set UPDATE_SCREENSHOT=1 to
 * rewrite docs/graphiql.png.
 */

const SCREENSHOT = resolve(__dirname, "../../docs/graphiql.png");
const QUERY = "{ viewer { user { email } organization { name } } }";
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

async function getPage(url: string, accept: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers: { accept, ...headers } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The style nonce of a page's CSP header, after checking the rest of the header is the fixed policy. */
function styleNonceOf(csp: string | null | undefined): string {
  const nonce = /'nonce-([A-Za-z0-9+/]{22}==)'/.exec(csp ?? "")?.[1];
  expect(nonce).toBeDefined();
  expect(csp).toBe(graphiqlCsp(nonce!));
  return nonce!;
}

/** CodeMirror 5 (GraphiQL 4's editors) hangs its editor instance on the wrapper element. */
interface CodeMirrorElement {
  CodeMirror: { getValue(): string; setValue(value: string): void };
}

/** The URLs the page loads, from its <script src> and <link href>, less the empty data: favicon. */
function assetPaths(html: string): string[] {
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(urls).toContain("data:,");
  return urls.filter((url) => url !== "data:,");
}

describe("GraphiQL in a real browser (Chromium, headless)", () => {
  let server: TestServer;
  let org: TestOrganization;
  let adminEmail: string;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;

  beforeAll(async () => {
    requireChromium();
    server = await createTestServer("sqlite");
    org = await createOrganization(server);
    adminEmail = (await server.db.getRepository(User).findOneByOrFail({ id: org.admin.userId })).email;
    userDataDir = mkdtempSync(join(tmpdir(), "latchkey-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000, // the first start on a loaded machine has taken over 20 s (support/browser.ts)
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await server?.close();
  });

  it("loads only from the server itself, renders the editors, and runs a query with the headers editor's credential", async () => {
    const page: Page = context!.pages()[0] ?? (await context!.newPage());
    const origin = new URL(server.url).origin;
    const requests: string[] = [];
    const failed: string[] = [];
    const problems: string[] = []; // console errors (CSP violations land here), uncaught page errors
    page.on("request", (request) => requests.push(`${request.method()} ${request.url()}`));
    page.on("requestfailed", (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.url()}: HTTP ${response.status()}`);
    });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));

    const response = await page.goto(server.url, { waitUntil: "load", timeout: 15_000 });
    expect(response?.status()).toBe(200);
    styleNonceOf(response?.headers()["content-security-policy"]);

    // The editors render; the Headers pane is open and prefilled with the Bearer template.
    const queryEditor = page.locator(".graphiql-query-editor .CodeMirror");
    const headersEditor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
    await queryEditor.waitFor({ state: "visible", timeout: 15_000 });
    await headersEditor.waitFor({ state: "visible", timeout: 5_000 });
    await page.locator(".graphiql-response").waitFor({ state: "visible", timeout: 5_000 });
    expect(await page.locator(".graphiql-editor-tools button[data-name='headers']").getAttribute("class")).toContain(
      "active",
    );
    const prefilled = await headersEditor.evaluate((el) => (el as unknown as CodeMirrorElement).CodeMirror.getValue());
    expect(JSON.parse(prefilled)).toEqual({ Authorization: "Bearer " });

    // Set the query and the credential through the editors (CodeMirror's own API, as typing would), then run.
    const setValue = (el: Element, value: string) => (el as unknown as CodeMirrorElement).CodeMirror.setValue(value);
    await queryEditor.evaluate(setValue, QUERY);
    const headers = JSON.stringify({ Authorization: `Bearer ${org.admin.token}` }, null, 2);
    await headersEditor.evaluate(setValue, headers);
    const graphqlPost = page.waitForRequest(
      (r) => r.method() === "POST" && r.url() === server.url && r.postData()?.includes("viewer") === true,
    );
    await page.locator("button.graphiql-execute-button").click();
    const sent = await graphqlPost;
    expect(sent.headers()["authorization"]).toBe(`Bearer ${org.admin.token}`);
    expect(sent.headers()["content-type"]).toBe("application/json");

    // The result pane shows the admin's email.
    const result = page.locator(".graphiql-response .CodeMirror");
    await result.getByText(adminEmail).waitFor({ timeout: 10_000 });
    const shown: unknown = JSON.parse(
      await result.evaluate((el) => (el as unknown as CodeMirrorElement).CodeMirror.getValue()),
    );
    expect(shown).toEqual({
      data: { viewer: { user: { email: adminEmail }, organization: { name: expect.stringMatching(/^Org /) } } },
    });

    if (process.env.UPDATE_SCREENSHOT === "1") await page.screenshot({ path: SCREENSHOT });

    // A dialog injects a <style> (scroll lock): the CSP lets it in by the page's nonce, so nothing is refused.
    await page.getByRole("button", { name: "Open settings dialog" }).click();
    await page.getByRole("dialog").waitFor({ state: "visible", timeout: 5_000 });
    expect(await page.locator("head style[nonce]").count()).toBeGreaterThan(0);
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden", timeout: 5_000 });

    // Nothing failed, nothing came from anywhere but this server, and nothing was refused by the CSP.
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(9); // the page, its 6 assets, introspection, the query
    expect(requests.filter((r) => new URL(r.split(" ")[1]).origin !== origin)).toEqual([]);
    expect(requests.every((r) => new URL(r.split(" ")[1]).hostname === "127.0.0.1")).toBe(true);
  });
});

describe("GET /graphql for browsers, without a browser", () => {
  it("serves the page with its own assets, strict headers, and no external URL", async () => {
    const server = await createTestServer("sqlite");
    try {
      const page = await getPage(server.url, BROWSER_ACCEPT, { "accept-encoding": "gzip" });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const csp = page.headers.get("content-security-policy");
      const nonce = styleNonceOf(csp);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
      expect(page.text).toContain(`data-style-nonce="${nonce}"`);
      const again = await getPage(server.url, BROWSER_ACCEPT);
      expect(styleNonceOf(again.headers.get("content-security-policy"))).not.toBe(nonce); // fresh for every response
      expect(page.headers.get("cache-control")).toBe("no-store");
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      expect(page.text).toContain('<div id="graphiql"');
      expect(page.text).not.toMatch(/:\/\/|cdn|unpkg|jsdelivr/i); // no URL to another host, not even a scheme
      expect(page.text).not.toMatch(/<script>|<style|style=/); // nothing inline: scripts and styles are files

      const assets = assetPaths(page.text);
      expect(assets).toHaveLength(6);
      for (const path of assets) {
        expect(path).toMatch(/^\/graphiql\/assets\/[\w.-]+\.[0-9a-f]{12}\.(js|css)$/);
        const asset = await fetch(new URL(path, server.url), { headers: { "accept-encoding": "gzip" } });
        expect(asset.status).toBe(200);
        expect(asset.headers.get("content-type")).toBe(
          path.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
        );
        expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
        expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
        expect(asset.headers.get("content-encoding")).toBe("gzip");
        const plain = await fetch(new URL(path, server.url), { headers: { "accept-encoding": "identity" } });
        expect(plain.headers.get("content-encoding")).toBeNull();
        const body = await plain.text();
        expect(body.length).toBeGreaterThan(50);
        expect(await asset.text()).toBe(body); // fetch decoded the gzip
      }
      expect((await fetch(new URL("/graphiql/assets/nope.js", server.url))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("leaves GET and POST from GraphQL clients to Apollo", async () => {
    const server = await createTestServer("sqlite");
    try {
      const url = `${server.url}?query=${encodeURIComponent("{ __typename }")}`;
      for (const accept of [
        "application/json",
        "application/graphql-response+json",
        "*/*",
        "application/json, text/html;q=0.5",
      ]) {
        const get = await getPage(url, accept, { "apollo-require-preflight": "true" });
        expect([accept, get.status, JSON.parse(get.text)]).toEqual([accept, 200, { data: { __typename: "Query" } }]);
      }
      const post = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: BROWSER_ACCEPT },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(await post.json()).toEqual({ data: { __typename: "Query" } });
    } finally {
      await server.close();
    }
  });

  it("is off in production, and on there with GRAPHQL_INTROSPECTION=true", async () => {
    const off = await createTestServer("sqlite", { NODE_ENV: "production" });
    try {
      expect(off.config.introspection).toBe(false);
      const page = await getPage(off.url, BROWSER_ACCEPT);
      expect(page.status).not.toBe(200);
      expect(page.headers.get("content-type") ?? "").not.toContain("text/html");
      expect(page.text).not.toMatch(/graphiql|<html|cdn|apollographql|:\/\//i); // neither our page nor Apollo's landing page
      expect((await fetch(new URL("/graphiql/assets/nope.js", off.url))).status).toBe(404);
    } finally {
      await off.close();
    }

    const on = await createTestServer("sqlite", { NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true" });
    try {
      const page = await getPage(on.url, BROWSER_ACCEPT);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.text).toContain('<div id="graphiql"');
    } finally {
      await on.close();
    }
  });

  it("tells a browser from a GraphQL client by its Accept header", () => {
    expect(prefersHtml(BROWSER_ACCEPT)).toBe(true);
    expect(prefersHtml("text/html")).toBe(true);
    expect(prefersHtml("text/html, application/json")).toBe(true);
    // equal q-values: the type listed first wins (negotiator's rule, and Apollo's for its landing page)
    expect(prefersHtml("application/json, text/html")).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml("*/*")).toBe(false);
    expect(prefersHtml("application/json")).toBe(false);
    expect(prefersHtml("application/json, text/html;q=0.5")).toBe(false);
    expect(prefersHtml("text/html;q=0")).toBe(false);
  });
});
