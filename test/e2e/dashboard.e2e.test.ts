import { expect } from "@jest/globals";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { dashboardCsp } from "../../src/http/dashboard";
import { Organization } from "../../src/modules/organization/organization.entity";
import {
  ApiKeyDocument,
  ApiKeysDocument,
  CreateOrganizationDocument,
  UpdateApiKeyPolicyDocument,
  ViewerDocument,
  type CreateApiKeyInput,
} from "../support/gql/graphql";
import { databases, scratchDatabase } from "../support/databases";
import { startServerProcess } from "../support/processes";
import { createKey, createOrganization, createPlatformKey, createTestServer, type TestServer } from "../support/server";
import { launchChromium, requireChromium } from "../support/browser";
import { graphql } from "../support/client";
import { identityProvider, idpEnv } from "../support/identity-provider";

/**
 * The dashboard (/app, web/) in a real browser — Debian's Chromium, never a downloaded one — against the
 * real server on SQLite and MariaDB: the reference article's journey, screen by screen. Every page opened
 * here fails its test on a console error, an uncaught error, a failed or cross-origin request, or a serious
 * or critical axe-core violation. UPDATE_SCREENSHOTS=1 rewrites docs/dashboard/*.png (from the SQLite run).
 */

const ROOT = resolve(__dirname, "../..");
const SHOTS = join(ROOT, "docs/dashboard");
const CLI = join(ROOT, "dist/src/cli.js");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const run = promisify(execFile);

let browser: Browser;

beforeAll(async () => {
  requireChromium();
  if (!existsSync(join(ROOT, "web/dist/index.html")) || !existsSync(CLI)) {
    throw new Error("the dashboard or the CLI is not built: run `npm run build` (npm test does)");
  }
  browser = await launchChromium();
}, 150_000);

/** Tabs a failed test left open: closed after each test, so no page keeps the focus from the next one. */
const openTabs = new Set<BrowserContext>();
afterEach(async () => {
  await Promise.all([...openTabs].map((context) => context.close()));
  openTabs.clear();
});

afterAll(async () => {
  await browser?.close();
});

/** A browser tab on the dashboard, watching everything a user would notice going wrong. */
interface Tab {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors, failed requests, requests to another origin. */
  problems: string[];
  /** Every GraphQL operation the page sent, by name. */
  operations: string[];
  close(): Promise<void>;
}

async function openTab(
  server: { origin: string },
  path: string,
  options: { allowStatus?: number[] } = {},
): Promise<Tab> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  openTabs.add(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const operations: string[] = [];
  const origin = new URL(server.origin).origin;
  page.on("request", (request) => {
    if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith("data:")) {
      problems.push(`request to another origin: ${request.url()}`);
    }
    const body = request.postData();
    const name = body ? /"operationName":"(\w+)"/.exec(body)?.[1] : undefined;
    if (name) operations.push(name);
  });
  page.on("requestfailed", (request) => {
    // a reload or navigation aborts the page's own requests in flight: not a failure a user sees
    if (request.failure()?.errorText !== "net::ERR_ABORTED") {
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !options.allowStatus?.includes(response.status())) {
      problems.push(`HTTP ${response.status()}: ${response.url().split("#")[0]}`);
    }
  });
  page.on("console", (message) => {
    // Chromium logs every 4xx response it loads; an allowed status is the test's own business
    const allowed = options.allowStatus?.some((status) => message.text().includes(`status of ${status} `));
    if (message.type() === "error" && !allowed) problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${server.origin}${path}`, { waitUntil: "load" });
  return {
    page,
    context,
    problems,
    operations,
    close: async () => {
      openTabs.delete(context);
      await context.close();
    },
  };
}

const signIn = (server: TestServer, token: string, path = "/app") => openTab(server, `${path}#token=${token}`);

/** No serious or critical axe-core violation on the screen as it is now. */
async function expectAccessible(page: Page, screen: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}
interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** Saves docs/dashboard/<name>.png when UPDATE_SCREENSHOTS=1 (SQLite only: one set). */
async function screenshot(server: TestServer, page: Page, name: string) {
  if (process.env.UPDATE_SCREENSHOTS !== "1" || server.kind !== "sqlite") return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Every dialog closed and gone from the page (not only hidden from the accessibility tree). */
const noDialog = (page: Page) => page.waitForFunction(() => document.querySelector("dialog") === null);
const text = (page: Page, selector = "main") => page.locator(selector).innerText();
const waitText = (page: Page, value: string | RegExp) => page.getByText(value).first().waitFor();

/** The rows of the key list, as a user reads them (one string per cell). */
async function listRows(page: Page): Promise<string[][]> {
  return page
    .locator("table.keys tbody tr")
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(row.querySelectorAll("th, td")).map((cell) =>
          (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim(),
        ),
      ),
    );
}

async function closeClean(tab: Tab) {
  const { problems } = tab;
  await tab.close();
  expect(problems).toEqual([]);
}

const sandboxKey = (description: string, more: Partial<CreateApiKeyInput> = {}): CreateApiKeyInput => ({
  description,
  environment: "SANDBOX",
  scope: "ORGANIZATION",
  permission: "FULL_ACCESS",
  ...more,
});

/** `latchkey set-api-plan` on the server's database, as an operator runs it. */
async function setApiPlan(server: TestServer, organizationId: string, plan: string | null) {
  await run(
    process.execPath,
    [CLI, "set-api-plan", "--organization", organizationId, ...(plan ? ["--plan", plan] : ["--none"])],
    {
      env: { ...process.env, NODE_ENV: "test", DATABASE_URL: server.config.databaseUrl, LOG_LEVEL: "silent" },
    },
  );
}

describe("the dashboard's files (GET /app)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer("sqlite", { DASHBOARD_FRAME_ANCESTORS: "https://app.example.test" });
  });
  afterAll(() => server?.close());

  it("serves the page from the server's own files under a strict CSP, every path under /app, hashed assets cached for good", async () => {
    for (const path of ["/app", "/app/api-keys", "/app/api-keys/0193", "/app/audit-log?x=1"]) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-security-policy")).toBe(dashboardCsp(["https://app.example.test"]));
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      // framing is allowed to DASHBOARD_FRAME_ANCESTORS only: no X-Frame-Options DENY then
      expect(response.headers.get("x-frame-options")).toBeNull();
      const html = await response.text();
      const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(urls.filter((u) => u !== "data:,").every((u) => u.startsWith("/app/assets/"))).toBe(true);
      expect(html).not.toMatch(/<script>|<style>|style="/); // nothing inline
    }
    expect(dashboardCsp([])).toContain("frame-ancestors 'none'");
    const html = await (await fetch(`${server.origin}/app`)).text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${server.origin}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect((await fetch(`${server.origin}/app/assets/missing-0000.js`)).status).toBe(404);
  });

  it("`npm start` on a new demo database prints a URL that signs the demo admin in to the page", async () => {
    const scratch = await scratchDatabase("sqlite");
    // a newcomer's machine: development, no JWT secret configured (one is made in DATA_DIR)
    const server = await startServerProcess(scratch.url, {
      NODE_ENV: "development",
      DATA_DIR: dirname(scratch.url.replace(/^sqlite:/, "")),
      JWT_SECRET: "",
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!/Seeded a demo organization/.test(server.output()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const url = /(http:\/\/127\.0\.0\.1:\d+\/app#token=[\w.-]+)/.exec(server.output())?.[1];
      expect(url).toBeDefined();
      const { origin, pathname, hash } = new URL(url!);
      const tab = await openTab({ origin }, `${pathname}${hash}`);
      await tab.page.getByRole("button", { name: "Start integration (Sandbox environment)" }).waitFor();
      expect(await text(tab.page, "header")).toContain("Demo Organization");
      expect(await text(tab.page, "header")).toContain("admin@demo.latchkey.local");
      await closeClean(tab);
    } finally {
      expect(await server.stop()).toBe(0);
      await scratch.drop();
    }
  });
});

describe.each(databases)("the API keys page in Chromium (%s)", (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await createTestServer(kind);
  });
  afterAll(() => server?.close());

  it("a new organization: Start integration, the form, the token once; the first key starts the trial and is listed", async () => {
    const org = await createOrganization(server);
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;

    // signed in, and the token is out of the address bar (kept for this tab only)
    await page.getByRole("button", { name: "Start integration (Sandbox environment)" }).waitFor();
    expect(page.url()).toBe(`${server.origin}/app/api-keys`);
    expect(await page.evaluate(() => sessionStorage.getItem("latchkey.dashboard.token"))).toBe(org.admin.token);
    expect(await page.getByRole("button", { name: "New API key" }).count()).toBe(0);
    expect(await text(page)).toContain("0 of 200 active keys");
    expect(await text(page)).toContain("creating your first API key automatically starts your API trial period");
    await expectAccessible(page, "start integration");
    await screenshot(server, page, "1-start-integration");

    await page.getByRole("button", { name: "Start integration (Sandbox environment)" }).click();
    const dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.waitFor();
    const description = dialog.getByLabel("Description (optional)");
    expect(await description.getAttribute("placeholder")).toBe("CRM integration – Production");
    expect(await dialog.getByLabel("Sandbox").isChecked()).toBe(true);
    expect(await dialog.getByLabel("Production").isDisabled()).toBe(true);
    expect(await dialog.innerText()).toContain("Available only with an API plan.");
    expect(await dialog.getByLabel("Organization").isChecked()).toBe(true);
    expect(await dialog.getByLabel("Full-access").isChecked()).toBe(true);
    await expectAccessible(page, "creation form");
    await description.fill("CRM integration – Sandbox");
    await dialog.getByLabel("Read-only").check();
    await screenshot(server, page, "2-create-form");
    await dialog.getByRole("button", { name: "Create API key" }).click();

    const shown = page.getByRole("dialog", { name: "Your new API key" });
    await shown.waitFor();
    const token = await shown.getByRole("textbox").inputValue();
    expect(token).toMatch(/^lk_test_/);
    expect(await shown.innerText()).toContain("It is shown only once");
    await expectAccessible(page, "token shown once");
    await screenshot(server, page, "3-token-once");
    await shown.getByRole("button", { name: "Copy to clipboard" }).click();
    await waitText(page, "Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await shown.getByRole("button", { name: "Done" }).click();
    await noDialog(page);
    expect(await page.content()).not.toContain(token); // gone from the page for good

    // the trial started with this first key; the list shows it
    const row = await server.db.getRepository(Organization).findOneByOrFail({ id: org.id });
    expect(row.apiTrialStartedAt).toBeInstanceOf(Date);
    await page.getByRole("button", { name: "New API key" }).waitFor();
    await waitText(page, "1 of 200 active keys");
    expect(await text(page)).toContain("API trial: 40 days left");
    expect(await listRows(page)).toEqual([
      [
        expect.stringMatching(/^CRM integration – Sandbox lk_test_\w{4}…\w{4}$/),
        "Sandbox",
        "Read-only",
        "Organization",
        "Active",
        expect.any(String),
        "Never",
        "Never",
        "Roll Suspend Revoke",
      ],
    ]);
    await expectAccessible(page, "key list");
    await screenshot(server, page, "4-key-list");
    // the token works against the API, and a reload still has no trace of it
    const viewer = await graphql(server.url, ViewerDocument, {}, token);
    expect(viewer.data?.viewer.apiKey?.permission).toBe("READ_ONLY");
    await page.reload();
    await waitText(page, "1 of 200 active keys");
    expect(await page.content()).not.toContain(token);
    await closeClean(tab);
  });

  it("production: not offered without an API plan, refused at the field if the plan went away, created after set-api-plan; a workspace key", async () => {
    const org = await createOrganization(server, { workspaces: 3 });
    await createKey(server, org.admin, sandboxKey("existing"));
    await setApiPlan(server, org.id, "Pro");
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;
    await waitText(page, "API plan: Pro");

    // the plan is withdrawn while the form is open: the server refuses, the page says so at the environment
    await page.getByRole("button", { name: "New API key" }).click();
    let dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.getByLabel("Production").check();
    await setApiPlan(server, org.id, null);
    await dialog.getByRole("button", { name: "Create API key" }).click();
    const refusal = dialog.locator("fieldset", { hasText: "Environment" }).locator(".field-error");
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/API plan/i);
    await expectAccessible(page, "API plan required");
    await screenshot(server, page, "5-plan-required");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // no plan: production is not offered at all
    await page.reload();
    await waitText(page, "Production keys need an API plan");
    await page.getByRole("button", { name: "New API key" }).click();
    dialog = page.getByRole("dialog", { name: "New API key" });
    expect(await dialog.getByLabel("Production").isDisabled()).toBe(true);
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // after `set-api-plan`, a production key is one form away
    await setApiPlan(server, org.id, "Pro");
    await page.reload();
    await waitText(page, "API plan: Pro");
    await page.getByRole("button", { name: "New API key" }).click();
    dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.getByLabel("Description (optional)").fill("Billing – Production");
    await dialog.getByLabel("Production").check();
    await dialog.getByRole("button", { name: "Create API key" }).click();
    let shown = page.getByRole("dialog", { name: "Your new API key" });
    expect(await shown.getByRole("textbox").inputValue()).toMatch(/^lk_live_/);
    await shown.getByRole("button", { name: "Done" }).click();

    // a workspace key: at least one workspace, checked before sending; a bad IP range, refused at its field
    await page.getByRole("button", { name: "New API key" }).click();
    dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.getByLabel("Description (optional)").fill("Team 2 only");
    await dialog.getByLabel("Workspace", { exact: true }).check();
    await dialog.getByRole("button", { name: "Create API key" }).click();
    await waitText(page, "Select one or more workspaces.");
    await dialog.getByLabel("Allowed IP ranges (optional)").fill("10.0.0.300/8");
    await dialog.getByLabel("Workspace 2").check();
    await dialog.getByRole("button", { name: "Create API key" }).click();
    const ipError = dialog.locator(".field", { hasText: "Allowed IP ranges" }).locator(".field-error");
    await ipError.waitFor();
    expect(await dialog.getByLabel("Allowed IP ranges (optional)").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "field errors");
    await dialog.getByLabel("Allowed IP ranges (optional)").fill("203.0.113.0/24");
    await dialog.getByRole("button", { name: "Create API key" }).click();
    shown = page.getByRole("dialog", { name: "Your new API key" });
    await shown.getByRole("button", { name: "Done" }).click();
    await waitText(page, "3 of 200 active keys");
    const rows = await listRows(page);
    expect(rows.map((r) => r.slice(1, 5))).toEqual([
      ["Sandbox", "Full-access", "Workspace Workspace 2", "Active"],
      ["Production", "Full-access", "Organization", "Active"],
      ["Sandbox", "Full-access", "Organization", "Active"],
    ]);
    const listed = await org.admin.request(ApiKeysDocument, { filter: { scope: ["WORKSPACE"] } });
    expect(listed.data?.apiKeys.edges.map(({ node }) => [node.description, node.workspaces.map((w) => w.id)])).toEqual([
      ["Team 2 only", [org.workspaceIds[1]]],
    ]);
    await closeClean(tab);
  });

  it("the organization's key policy shapes the expiry choices; an expiry beyond it is refused at the Expires field", async () => {
    const org = await createOrganization(server, { apiPlan: "Pro" });
    await createKey(server, org.admin, sandboxKey("existing"));
    const policy = await org.admin.request(UpdateApiKeyPolicyDocument, {
      input: { production: { maxLifetimeDays: 30 }, allowedIpRanges: ["198.51.100.0/24"] },
    });
    expect(policy.errors).toBeUndefined();
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;
    await page.getByRole("button", { name: "New API key" }).click();
    const dialog = page.getByRole("dialog", { name: "New API key" });
    const expires = dialog.getByLabel("Expires", { exact: true });
    const choices = () => expires.locator("option").allInnerTexts();
    expect(await choices()).toEqual(["Never", "7 days", "30 days", "90 days", "1 year", "On a date…"]);
    expect(await dialog.innerText()).toContain("the organization's default (198.51.100.0/24)");
    await dialog.getByLabel("Production").check();
    expect(await choices()).toEqual(["7 days", "30 days", "On a date…"]);
    expect(await dialog.innerText()).toContain("production keys expire within 30 days");
    // a date past the policy's 30 days: the server's message, at the field
    await expires.selectOption({ label: "On a date…" });
    const later = new Date(Date.now() + 45 * 86_400_000);
    const day = `${later.getFullYear()}-${String(later.getMonth() + 1).padStart(2, "0")}-${String(later.getDate()).padStart(2, "0")}`;
    await dialog.getByLabel("Expiry date").fill(day);
    await dialog.getByRole("button", { name: "Create API key" }).click();
    const error = dialog.locator(".field", { hasText: "Expires" }).locator(".field-error");
    await error.waitFor();
    expect(await error.innerText()).toContain("30 days");
    expect(await dialog.getByLabel("Expiry date").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "policy refusal");
    await expires.selectOption({ label: "30 days" });
    await dialog.getByRole("button", { name: "Create API key" }).click();
    const shown = page.getByRole("dialog", { name: "Your new API key" });
    await shown.getByRole("button", { name: "Done" }).click();
    const [created] = (await org.admin.request(ApiKeysDocument, { filter: { environment: ["PRODUCTION"] } })).data!
      .apiKeys.edges;
    const days = (Date.parse(created.node.expiresAt!) - Date.parse(created.node.createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(created.node.allowedIpRanges).toEqual(["198.51.100.0/24"]); // the policy's default
    await closeClean(tab);
  });

  it("filters and paging over 45 keys, kept in the URL: a reload or the link shows the same view", async () => {
    const org = await createOrganization(server, { apiPlan: "Pro" });
    for (let i = 1; i <= 45; i++) {
      await createKey(
        server,
        org.admin,
        sandboxKey(`Key ${String(i).padStart(2, "0")}`, {
          environment: i % 3 === 0 ? "PRODUCTION" : "SANDBOX",
          permission: i % 2 === 0 ? "READ_ONLY" : "FULL_ACCESS",
          ...(i % 5 === 0 ? { scope: "WORKSPACE", workspaceIds: [org.workspaceIds[0]] } : {}),
        }),
      );
    }
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;
    const pager = page.getByRole("navigation", { name: "Pages of API keys" });
    await waitText(page, "Showing 1–20 of 45");
    expect((await listRows(page)).map((r) => r[0].split(" lk_")[0])).toEqual(
      Array.from({ length: 20 }, (_, i) => `Key ${String(45 - i).padStart(2, "0")}`),
    );
    expect(await pager.getByRole("button", { name: "Previous" }).isDisabled()).toBe(true);
    await pager.getByRole("button", { name: "Next" }).click();
    await waitText(page, "Showing 21–40 of 45");
    expect((await listRows(page))[0][0]).toMatch(/^Key 25 /);
    await pager.getByRole("button", { name: "Next" }).click();
    await waitText(page, "Showing 41–45 of 45");
    expect((await listRows(page)).map((r) => r[0].split(" lk_")[0])).toEqual([
      "Key 05",
      "Key 04",
      "Key 03",
      "Key 02",
      "Key 01",
    ]);
    expect(await pager.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await pager.getByRole("button", { name: "Previous" }).click();
    await waitText(page, "Showing 21–40 of 45");
    expect((await listRows(page))[19][0]).toMatch(/^Key 06 /);
    await pager.getByLabel("Keys per page").selectOption("10");
    await waitText(page, "Showing 1–10 of 45");

    // filters: production, read-only, searching "Key 1"
    const filters = page.getByRole("search", { name: "Filter API keys" });
    await filters.getByLabel("Environment").selectOption("PRODUCTION");
    await waitText(page, "Showing 1–10 of 15");
    await filters.getByLabel("Permission level").selectOption("READ_ONLY");
    await waitText(page, "Showing 1–7 of 7"); // 6, 12, 18, 24, 30, 36, 42
    await filters.getByLabel("Search").fill("Key 1");
    await waitText(page, "Showing 1–2 of 2");
    expect((await listRows(page)).map((r) => r[0].split(" lk_")[0])).toEqual(["Key 18", "Key 12"]);
    await expectAccessible(page, "filtered list");
    await screenshot(server, page, "6-filters");
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      environment: "production",
      permission: "read_only",
      q: "Key 1",
      size: "10",
    });

    // a reload, and the same link in a new tab, show the same view
    await page.reload();
    await waitText(page, "Showing 1–2 of 2");
    expect(await filters.getByLabel("Search").inputValue()).toBe("Key 1");
    expect(await filters.getByLabel("Environment").inputValue()).toBe("PRODUCTION");
    expect(await filters.getByLabel("Permission level").inputValue()).toBe("READ_ONLY");
    const shared = await signIn(server, org.admin.token, `/app/api-keys${url.search}`);
    await waitText(shared.page, "Showing 1–2 of 2");
    await closeClean(shared);

    // scope and workspace; status after a suspension; paging inside a filter survives a reload
    await filters.getByRole("button", { name: "Clear filters" }).click();
    await waitText(page, "Showing 1–10 of 45");
    await filters.getByLabel("Scope").selectOption("WORKSPACE");
    await waitText(page, "Showing 1–9 of 9");
    await filters.getByLabel("Scope").selectOption("");
    await filters.getByLabel("Workspace", { exact: true }).selectOption({ label: "Workspace 2" });
    await waitText(page, "Showing 1–10 of 36"); // organization-scope keys reach every workspace
    await filters.getByLabel("Workspace", { exact: true }).selectOption("");
    await filters.getByLabel("Status").selectOption("SUSPENDED");
    await waitText(page, "No API keys match these filters.");
    await filters.getByLabel("Status").selectOption("ACTIVE");
    await waitText(page, "Showing 1–10 of 45");
    await pager.getByRole("button", { name: "Next" }).click();
    await waitText(page, "Showing 11–20 of 45");
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");
    await page.reload();
    await waitText(page, "Showing 11–20 of 45");
    expect((await listRows(page))[0][0]).toMatch(/^Key 35 /);
    await page.goBack();
    await waitText(page, "Showing 1–10 of 45");
    await closeClean(tab);
  });

  it("roll with a grace period, suspend and resume, revoke after confirming; each key's history and the organization's audit log", async () => {
    const org = await createOrganization(server);
    const key = await createKey(server, org.admin, sandboxKey("Webhook relay"));
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;
    await waitText(page, "1 of 200 active keys");

    await page.getByRole("button", { name: "Roll Webhook relay" }).click();
    const roll = page.getByRole("dialog", { name: "Roll API key" });
    await roll.getByLabel("Old key keeps working for").selectOption({ label: "1 hour" });
    await expectAccessible(page, "roll");
    await screenshot(server, page, "7-roll");
    await roll.getByRole("button", { name: "Roll API key" }).click();
    const shown = page.getByRole("dialog", { name: "Your new API key (rolled)" });
    const newToken = await shown.getByRole("textbox").inputValue();
    expect(newToken).toMatch(/^lk_test_/);
    await shown.getByRole("button", { name: "Done" }).click();
    // the rolled key is listed until it expires, and stops counting against the limit at once
    await page.locator("table.keys tbody tr").nth(1).waitFor();
    expect(await text(page)).toContain("1 of 200 active keys");
    const old = await org.admin.request(ApiKeyDocument, { id: key.keyId });
    expect(old.data?.apiKey?.expiresAt).not.toBeNull();
    const minutesLeft = (Date.parse(old.data!.apiKey!.expiresAt!) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(55);
    expect(minutesLeft).toBeLessThanOrEqual(60);
    // both work during the grace period
    expect((await graphql(server.url, ViewerDocument, {}, key.token)).status).toBe(200);
    expect((await graphql(server.url, ViewerDocument, {}, newToken)).status).toBe(200);

    // the new key (listed first): suspend, then resume
    const rows = page.locator("table.keys tbody tr");
    await rows.first().getByRole("button", { name: "Suspend Webhook relay" }).click();
    const suspend = page.getByRole("dialog", { name: "Suspend API key" });
    await suspend.getByLabel("Reason (optional)").fill("investigating");
    await suspend.getByRole("button", { name: "Suspend API key" }).click();
    await rows.first().getByText("Suspended").waitFor();
    expect((await graphql(server.url, ViewerDocument, {}, newToken)).status).toBe(401);
    await rows.first().getByRole("button", { name: "Resume Webhook relay" }).click();
    await page.getByRole("dialog", { name: "Resume API key" }).getByRole("button", { name: "Resume API key" }).click();
    await rows.first().getByText("Active").waitFor();
    expect((await graphql(server.url, ViewerDocument, {}, newToken)).status).toBe(200);

    // the old key: revoke after confirming; Cancel first changes nothing
    await rows.nth(1).getByRole("button", { name: "Revoke Webhook relay" }).click();
    let revoke = page.getByRole("dialog", { name: "Revoke API key" });
    expect(await revoke.innerText()).toContain("This cannot be undone.");
    await revoke.getByRole("button", { name: "Cancel" }).click();
    expect((await graphql(server.url, ViewerDocument, {}, key.token)).status).toBe(200);
    await rows.nth(1).getByRole("button", { name: "Revoke Webhook relay" }).click();
    revoke = page.getByRole("dialog", { name: "Revoke API key" });
    await expectAccessible(page, "revoke confirmation");
    await screenshot(server, page, "8-revoke");
    await revoke.getByRole("button", { name: "Revoke API key" }).click();
    await rows.nth(1).getByText("Revoked").waitFor();
    await waitText(page, "1 of 200 active keys");
    expect((await graphql(server.url, ViewerDocument, {}, key.token)).status).toBe(401);

    // the old key's page: its properties, who replaced it, its history
    await rows.nth(1).getByRole("link").click();
    await page.getByRole("heading", { name: "History" }).waitFor();
    await page.locator("table.audit").waitFor();
    const history = await text(page, "table.audit");
    expect(history).toContain("Key revoked");
    expect(history).toContain("Key rolled");
    expect(history).toContain("Key created");
    expect(await text(page, "dl.properties")).toContain("Replaced by");
    await expectAccessible(page, "key history");
    await screenshot(server, page, "9-key-history");

    // the organization's audit log, from the left-hand menu
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    await page.locator("table.audit").waitFor();
    const log = await text(page, "table.audit");
    for (const action of [
      "api_key.created",
      "api_key.rolled",
      "api_key.suspended",
      "api_key.resumed",
      "api_key.revoked",
    ]) {
      expect(log).toContain(action);
    }
    expect(log).not.toContain(newToken);
    await expectAccessible(page, "audit log");
    await screenshot(server, page, "10-audit-log");
    await closeClean(tab);
  });

  it("the limit: 200 active keys, the 201st refused in the form; New API key is off until a key is revoked", async () => {
    const org = await createOrganization(server);
    for (let i = 0; i < 199; i++) await createKey(server, org.admin, sandboxKey(`bulk ${i}`));
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;
    await waitText(page, "199 of 200 active keys");

    // the form opened at 199; someone else takes the last place meanwhile
    await page.getByRole("button", { name: "New API key" }).click();
    const dialog = page.getByRole("dialog", { name: "New API key" });
    await createKey(server, org.admin, sandboxKey("the 200th"));
    await dialog.getByRole("button", { name: "Create API key" }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/200/);
    await expectAccessible(page, "limit reached in the form");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await page.reload();
    await waitText(page, "200 of 200 active keys");
    expect(await page.getByRole("button", { name: "New API key" }).isDisabled()).toBe(true);
    expect(await text(page)).toContain("Revoke a key to create another.");
    await expectAccessible(page, "limit reached");
    await screenshot(server, page, "11-limit-reached");
    await page.getByRole("button", { name: "Revoke the 200th" }).click();
    await page.getByRole("dialog", { name: "Revoke API key" }).getByRole("button", { name: "Revoke API key" }).click();
    await waitText(page, "199 of 200 active keys");
    expect(await page.getByRole("button", { name: "New API key" }).isEnabled()).toBe(true);
    await closeClean(tab);
  });

  it("a member sees that only admins manage keys, and the page asks the API for no key", async () => {
    const org = await createOrganization(server);
    await createKey(server, org.admin, sandboxKey("admin's key"));
    const member = await org.member([org.workspaceIds[0]]);
    const tab = await signIn(server, member.token);
    const { page } = tab;
    await waitText(page, "Only organization admins manage API keys.");
    expect(await page.getByRole("button", { name: "New API key" }).count()).toBe(0);
    expect(await page.locator("table").count()).toBe(0);
    expect(tab.operations).toEqual(["DashboardViewer"]);
    await expectAccessible(page, "member");
    await screenshot(server, page, "12-member");
    await closeClean(tab);
  });

  it("keyboard only: create a key, copy its token, close, revoke it; Escape closes a dialog", async () => {
    const org = await createOrganization(server);
    const tab = await signIn(server, org.admin.token);
    const { page } = tab;
    const start = page.getByRole("button", { name: "Start integration (Sandbox environment)" });
    await start.waitFor();
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? "");
    const tabTo = async (label: string, max = 40) => {
      for (let i = 0; i < max; i++) {
        if ((await focused()) === label) return;
        await page.keyboard.press("Tab");
      }
      throw new Error(`Tab never reached "${label}" (focus on "${await focused()}")`);
    };

    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    await tabTo("Start integration (Sandbox environment)");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.waitFor();
    await page.keyboard.press("Escape"); // closes, changes nothing
    await noDialog(page);
    await tabTo("Start integration (Sandbox environment)");
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    // focus starts in Description
    await page.keyboard.type("Keyboard key");
    await tabTo("Create API key");
    await page.keyboard.press("Enter");
    const shown = page.getByRole("dialog", { name: "Your new API key" });
    await shown.waitFor();
    const token = await shown.getByRole("textbox").inputValue();
    await tabTo("Copy to clipboard");
    await page.keyboard.press("Enter");
    await waitText(page, "Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await tabTo("Done");
    await page.keyboard.press("Enter");
    await noDialog(page);
    await page.getByRole("button", { name: "Revoke Keyboard key" }).waitFor();
    await tabTo("Revoke");
    await page.keyboard.press("Enter");
    const revoke = page.getByRole("dialog", { name: "Revoke API key" });
    await revoke.waitFor();
    await tabTo("Revoke API key");
    await page.keyboard.press("Enter");
    await page.locator("table.keys tbody tr").first().getByText("Revoked").waitFor();
    expect((await graphql(server.url, ViewerDocument, {}, token)).status).toBe(401);
    await closeClean(tab);
  });

  it("a SaaS signs its own users in with a short-lived JWT of its identity provider (JWKS on loopback): an owner manages keys, a viewer does not", async () => {
    const idp = await identityProvider();
    const saas = await createTestServer(kind, idpEnv(idp.jwksUrl, true));
    try {
      const platform = await createPlatformKey(saas);
      const account = `acct_${randomUUID()}`;
      await platform.request(CreateOrganizationDocument, {
        input: { name: "Acme", externalId: account, admin: { email: "owner@acme.test", externalId: "usr_owner" } },
      });
      // what the SaaS's "Developers → API keys" menu item does: a 5-minute token in the fragment
      const owner = await openTab(
        saas,
        `/app#token=${await idp.sign({ sub: "usr_owner", org_id: account, exp: "5m" })}`,
      );
      await owner.page.getByRole("button", { name: "Start integration (Sandbox environment)" }).waitFor();
      expect(await text(owner.page, "header")).toContain("owner@acme.test");
      await closeClean(owner);
      // a user the SaaS has not told Latchkey about yet is provisioned by the token, with its role
      const viewerToken = await idp.sign({ sub: "usr_ann", org_id: account, email: "ann@acme.test", role: "viewer" });
      const member = await openTab(saas, `/app#token=${viewerToken}`);
      await waitText(member.page, "Only organization admins manage API keys.");
      await closeClean(member);
    } finally {
      await saas.close();
      await idp.close();
    }
  });

  it("an expired or unknown session shows the sign-in screen and forgets the token", async () => {
    const tab = await openTab(server, "/app#token=not-a-jwt", { allowStatus: [401] });
    const { page } = tab;
    await waitText(page, "Your session has expired.");
    expect(await page.evaluate(() => sessionStorage.getItem("latchkey.dashboard.token"))).toBeNull();
    await expectAccessible(page, "signed out");
    await screenshot(server, page, "13-session-expired");
    await closeClean(tab);
    const none = await openTab(server, "/app");
    await waitText(none.page, "Open this page from your account");
    expect(none.operations).toEqual([]);
    await closeClean(none);
  });
});
