/**
 * The operator CLI (`npx latchkey <command> --json`, `npm run cli -- <command> --json`) and the
 * server's start-up (`npm start`), run as a user runs them: the compiled `dist/src/cli.js` and
 * `dist/src/main.js` in child processes, on a temp SQLite file. `npm test` builds `dist/` before
 * jest runs; nothing here builds.
 */
import { expect } from "@jest/globals";
import { createHash, randomUUID } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { createConnection } from "mysql2/promise";
import { rawGraphql } from "../support/client";
import { scratchDatabase, type ScratchDatabase } from "../support/databases";
import { isWellFormedPlatformToken } from "../../src/modules/api-key/token";

const ROOT = resolve(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "src", "cli.js");
const MAIN = join(ROOT, "dist", "src", "main.js");
const JWT_SECRET = "cli-test-secret-that-is-long-enough-0123456789";
const STEP_TIMEOUT_MS = 20_000;

jest.setTimeout(50_000);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Only what a shell would pass on, plus the given variables: no PORT, DATABASE_URL or secret leaks in. */
function envWith(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir() };
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) env[name] = value;
  return env;
}

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-cli-"));
  tempDirs.push(dir);
  return dir;
}

/** Runs `node <script> ...args` to completion (killed after STEP_TIMEOUT_MS). */
function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Exit> {
  return runCommand(process.execPath, [script, ...args], env, cwd);
}

/** Runs `command ...args` (looked up in env.PATH) to completion, killed after `timeoutMs`. */
function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<Exit> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** What the `--json` commands print, one type per command (the fields the tests read). */
interface Migrated {
  migrations: string[];
}
interface CreatedOrganization {
  organizationId: string;
  adminUserId: string;
  adminToken: string;
}
interface SeededDemo extends CreatedOrganization {
  adminEmail: string;
  workspaceIds: string[];
}
interface IssuedToken {
  token: string;
}
interface ApiPlanSet {
  organizationId: string;
  apiPlan: string | null;
}
interface PrintedPlatformKey {
  id: string;
  description: string | null;
  tokenHint: string;
  status: "ACTIVE" | "REVOKED";
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface CreatedPlatformKey extends PrintedPlatformKey {
  token: string;
}
/** What every command prints on failure (exit code 1). */
interface Failure {
  error: { code: string; message: string };
}

/** The single JSON object a `--json` command printed on stdout, as the command's answer type `T`. */
function jsonOf<T extends object>(exit: Exit): T {
  const lines = exit.stdout.split("\n").filter((line) => line.trim() !== "");
  const context = `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`;
  if (lines.length !== 1) throw new Error(`expected one line of JSON on stdout, got ${lines.length}\n${context}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(lines[0]);
  } catch {
    throw new Error(`stdout is not JSON\n${context}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`stdout is not a JSON object\n${context}`);
  return parsed as T;
}

/** A running `node dist/src/main.js`, once it has printed its URL. */
interface RunningServer {
  url: string;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout, waiting for it if need be. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<Exit>;
}

async function startServer(env: NodeJS.ProcessEnv, cwd = ROOT): Promise<RunningServer> {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { ...env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolveExit) =>
    child.on("close", (code, signal) => {
      children.delete(child);
      resolveExit({ code, signal, stdout, stderr });
    }),
  );

  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolveMatch, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not print ${pattern} in time\nstdout: ${stdout}\nstderr: ${stderr}`)),
        STEP_TIMEOUT_MS,
      );
      const check = () => {
        const match = pattern.exec(stdout);
        if (!match) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolveMatch(match);
      };
      child.stdout.on("data", check);
      check();
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(
          new Error(
            `server exited (code ${exit.code}) before printing ${pattern}\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`,
          ),
        );
      });
    });

  const url = (await waitFor(/Latchkey is listening on (http:\/\/\S+)/))[1];

  return {
    url,
    output: () => stdout,
    waitFor,
    stop: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STEP_TIMEOUT_MS);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/** The email of the user a JWT authenticates, as the server sees it. */
async function viewerEmail(url: string, token: string): Promise<string | undefined> {
  const result = await rawGraphql<{ viewer: { user: { email: string } | null } }>(
    url,
    { query: "{ viewer { user { email } } }" },
    token,
  );
  if (result.errors?.length) throw new Error(`viewer query failed: ${result.text}`);
  return result.data?.viewer.user?.email;
}

/** The claims of a JWT that the tests read. */
interface JwtClaims {
  sub?: string;
  iat?: number;
  exp?: number;
}

/** The payload of a JWT, read without checking it (to look at its lifetime). */
function jwtPayload(token: string): JwtClaims {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as JwtClaims;
}

/** Reads the SQLite file read-only, as a DBA would check what a command did. */
function query<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

beforeAll(() => {
  if (!existsSync(CLI) || !existsSync(MAIN)) {
    throw new Error(`${CLI} or ${MAIN} is missing: run \`npm run build\` first (\`npm test\` does it)`);
  }
});

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("operator CLI with --json", () => {
  const dir = tempDir();
  const file = join(dir, "x.sqlite");
  const env = envWith({
    DATABASE_URL: `sqlite:${file}`,
    JWT_SECRET,
    NODE_ENV: "test",
    DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "warn",
  });
  const cli = (...args: string[]) => runNode(CLI, [...args, "--json"], env);
  /** Runs a command that must succeed and returns its JSON. */
  const ok = async <T extends object>(...args: string[]) => {
    const exit = await cli(...args);
    const json = jsonOf<T>(exit);
    if (exit.code !== 0) throw new Error(`${args[0]} exited with ${exit.code}: ${exit.stdout}${exit.stderr}`);
    return json;
  };

  let demo: SeededDemo;
  let acme: CreatedOrganization;
  let issuedToken: string;

  it("migrate creates the schema on an empty database and is idempotent", async () => {
    const first = await ok<Migrated>("migrate");
    expect(first.migrations).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(first.migrations.length).toBeGreaterThan(0);

    const applied = query<{ name: string }>(file, "SELECT name FROM migrations ORDER BY id").map((row) => row.name);
    expect(applied).toEqual(first.migrations);
    const tables = query<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'table'").map(
      (row) => row.name,
    );
    expect(tables).toEqual(expect.arrayContaining(["organization", "workspace", "user", "api_key"]));

    expect(await ok("migrate")).toEqual(first);
  });

  it("seed-demo creates an organization with two workspaces and an admin, and prints the admin's token", async () => {
    demo = await ok<SeededDemo>("seed-demo");
    expect(demo).toEqual(
      expect.objectContaining({
        organizationId: expect.any(String),
        adminUserId: expect.any(String),
        adminEmail: expect.any(String),
        adminToken: expect.any(String),
      }),
    );
    expect(demo.workspaceIds).toHaveLength(2);

    const [org] = query<{ name: string; api_plan: string | null }>(
      file,
      `SELECT name, api_plan FROM organization WHERE id = ?`,
      demo.organizationId,
    );
    expect(org).toBeDefined();
    expect(org.api_plan).toBeNull();
    const [admin] = query<{ email: string; role: string; organization_id: string }>(
      file,
      `SELECT email, role, organization_id FROM "user" WHERE id = ?`,
      demo.adminUserId,
    );
    expect(admin).toEqual({ email: demo.adminEmail, role: "ADMIN", organization_id: demo.organizationId });
    const workspaces = query<{ id: string }>(
      file,
      "SELECT id FROM workspace WHERE organization_id = ?",
      demo.organizationId,
    ).map((w) => w.id);
    expect(workspaces.sort()).toEqual([...demo.workspaceIds].sort());
  });

  it("create-organization creates the organization and its admin, with the optional name and API plan", async () => {
    acme = await ok<CreatedOrganization>(
      "create-organization",
      "--name",
      "Acme Corp",
      "--admin-email",
      "Ops@Acme.test",
      "--admin-name",
      "Ops Team",
      "--api-plan",
      "business",
    );
    expect(acme).toEqual({
      organizationId: expect.any(String),
      adminUserId: expect.any(String),
      adminToken: expect.any(String),
    });
    expect(jwtPayload(acme.adminToken).sub).toBe(acme.adminUserId);

    expect(query(file, "SELECT name, api_plan FROM organization WHERE id = ?", acme.organizationId)).toEqual([
      { name: "Acme Corp", api_plan: "business" },
    ]);
    expect(query(file, `SELECT email, name, role, organization_id FROM "user" WHERE id = ?`, acme.adminUserId)).toEqual(
      [{ email: "ops@acme.test", name: "Ops Team", role: "ADMIN", organization_id: acme.organizationId }],
    );
  });

  it("create-organization without --admin-name and --api-plan leaves them empty", async () => {
    const plain = await ok<CreatedOrganization>(
      "create-organization",
      "--name",
      "Plain Org",
      "--admin-email",
      "owner@plain.test",
    );
    expect(query(file, "SELECT api_plan FROM organization WHERE id = ?", plain.organizationId)).toEqual([
      { api_plan: null },
    ]);
    expect(query(file, `SELECT name FROM "user" WHERE id = ?`, plain.adminUserId)).toEqual([{ name: null }]);
  });

  it("token issues a JWT for the user with the requested lifetime", async () => {
    const result = await ok<IssuedToken>("token", "--email", "ops@acme.test", "--expires-in", "1h");
    expect(typeof result.token).toBe("string");
    issuedToken = result.token;
    const payload = jwtPayload(issuedToken);
    expect(payload.sub).toBe(acme.adminUserId);
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("set-api-plan --plan sets the organization's plan and --none removes it", async () => {
    expect(await ok<ApiPlanSet>("set-api-plan", "--organization", acme.organizationId, "--plan", "enterprise")).toEqual(
      expect.objectContaining({ organizationId: acme.organizationId, apiPlan: "enterprise" }),
    );
    expect(query(file, "SELECT api_plan FROM organization WHERE id = ?", acme.organizationId)).toEqual([
      { api_plan: "enterprise" },
    ]);

    expect(await ok<ApiPlanSet>("set-api-plan", "--organization", acme.organizationId, "--none")).toEqual(
      expect.objectContaining({ organizationId: acme.organizationId, apiPlan: null }),
    );
    expect(query(file, "SELECT api_plan FROM organization WHERE id = ?", acme.organizationId)).toEqual([
      { api_plan: null },
    ]);
  });

  it("create-platform-key prints its token once (lk_plat_, checksum), stores only its SHA-256; list shows the hint; revoke is idempotent", async () => {
    const created = await ok<CreatedPlatformKey>("create-platform-key", "--description", "billing service");
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      description: "billing service",
      tokenHint: `${created.token.slice(0, 12)}…${created.token.slice(-4)}`,
      status: "ACTIVE",
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
      token: expect.stringMatching(/^lk_plat_[0-9A-Za-z]{36}$/),
    });
    expect(isWellFormedPlatformToken(created.token)).toBe(true);
    const rows = query<{ token_hash: string }>(file, "SELECT token_hash FROM platform_key WHERE id = ?", created.id);
    expect(rows).toEqual([{ token_hash: createHash("sha256").update(created.token).digest("hex") }]);
    const second = await ok<CreatedPlatformKey>("create-platform-key");
    expect(second.description).toBeNull();

    const listed = await ok<{ platformKeys: PrintedPlatformKey[] }>("list-platform-keys");
    expect(listed.platformKeys.map((k) => k.id)).toEqual([second.id, created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toContain(rows[0].token_hash);

    const revoked = await ok<PrintedPlatformKey>("revoke-platform-key", "--id", created.id);
    expect(revoked).toMatchObject({ id: created.id, status: "REVOKED", revokedAt: expect.any(String) });
    expect(await ok<PrintedPlatformKey>("revoke-platform-key", "--id", created.id)).toEqual(revoked);
    await ok("revoke-platform-key", "--id", second.id);
  });

  it("tokens printed by seed-demo, create-organization and token authenticate against the server", async () => {
    const server = await startServer(env);
    try {
      expect(await viewerEmail(server.url, demo.adminToken)).toBe(demo.adminEmail);
      expect(await viewerEmail(server.url, acme.adminToken)).toBe("ops@acme.test");
      expect(await viewerEmail(server.url, issuedToken)).toBe("ops@acme.test");
      // the database was not empty: no second demo organization
      expect(server.output()).not.toContain("Seeded a demo organization");
    } finally {
      const exit = await server.stop();
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    }
  });

  describe("errors exit 1 and print {error: {code, message}} with --json", () => {
    const failure = async (...args: string[]) => {
      const exit = await cli(...args);
      const json = jsonOf<Failure>(exit);
      expect(exit.code).toBe(1);
      expect(json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      return json.error;
    };

    it("create-organization without --name", async () => {
      const error = await failure("create-organization", "--admin-email", "nameless@example.test");
      expect(error.message).toContain("--name");
      expect(query(file, `SELECT id FROM "user" WHERE email = ?`, "nameless@example.test")).toEqual([]);
    });

    it("token for an email that two organizations use: names the organizations and asks for --organization; with it, the token is that organization's user's", async () => {
      // emails are unique within an organization only: another organization may have an admin of the same address
      const copycat = await ok<CreatedOrganization>(
        "create-organization",
        "--name",
        "Copycat",
        "--admin-email",
        "OPS@acme.test",
      );
      const error = await failure("token", "--email", "ops@acme.test");
      expect(error.code).toBe("USAGE");
      expect(error.message).toContain("--organization");
      expect(error.message).toContain(copycat.organizationId);
      expect(error.message).toContain(acme.organizationId);
      for (const org of [acme, copycat]) {
        const issued = await ok<IssuedToken>("token", "--email", "ops@acme.test", "--organization", org.organizationId);
        expect(jwtPayload(issued.token).sub).toBe(org.adminUserId);
      }
    });

    it("token past JWT_MAX_TTL (24h by default) is refused; create-organization's admin token lives exactly that long", async () => {
      const error = await failure("token", "--email", "owner@plain.test", "--expires-in", "25h");
      expect(error.code).toBe("USAGE");
      expect(error.message).toContain("JWT_MAX_TTL");
      const payload = jwtPayload(acme.adminToken);
      expect(payload.exp! - payload.iat!).toBe(24 * 3600);
    });

    it("set-api-plan with both --plan and --none", async () => {
      const error = await failure(
        "set-api-plan",
        "--organization",
        acme.organizationId,
        "--plan",
        "business",
        "--none",
      );
      expect(error.message).toMatch(/--plan/);
      expect(query(file, "SELECT api_plan FROM organization WHERE id = ?", acme.organizationId)).toEqual([
        { api_plan: null },
      ]);
    });

    it("set-api-plan with neither --plan nor --none", async () => {
      await failure("set-api-plan", "--organization", acme.organizationId);
    });

    it("set-api-plan for an unknown organization", async () => {
      const error = await failure(
        "set-api-plan",
        "--organization",
        "00000000-0000-4000-8000-000000000000",
        "--plan",
        "business",
      );
      expect(error.code).toBe("NOT_FOUND");
    });

    it("revoke-platform-key for an unknown id, and without --id", async () => {
      expect(await failure("revoke-platform-key", "--id", randomUUID())).toEqual({
        code: "NOT_FOUND",
        message: "Platform key not found",
      });
      expect((await failure("revoke-platform-key")).code).toBe("USAGE");
    });

    it("token for an unknown email", async () => {
      await failure("token", "--email", "nobody@example.test");
    });

    it("an unknown option: still one JSON object (code USAGE) on stdout", async () => {
      const error = await failure("token", "--email", "ops@acme.test", "--bogus", "x");
      expect(error.code).toBe("USAGE");
      expect(error.message).toContain("--bogus");
    });
  });
});

// `npx latchkey` and `npm run cli`, spawned with the test's PATH as a user's shell would: package.json's
// "bin" (dist/src/cli.js, built once by `prepare` at install) runs with nothing but the command's output
// on stdout. npm 11's npx runs a project's own bin by linking the project into its npx cache
// (~/.npm/_npx/<hash>); the first call does that link, so these get a roomier timeout.
describe("the latchkey bin: npx latchkey and npm run cli", () => {
  const NPM_TIMEOUT_MS = 60_000;
  const dir = tempDir();
  const env = envWith({
    DATABASE_URL: `sqlite:${join(dir, "npx.sqlite")}`,
    JWT_SECRET,
    NODE_ENV: "test",
    DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "warn",
    npm_config_update_notifier: "false", // no registry call, no notice
  });
  const npx = (...args: string[]) => runCommand("npx", ["latchkey", ...args], env, ROOT, NPM_TIMEOUT_MS);

  it(
    "npx latchkey --help exits 0 and prints exactly what the CLI prints",
    async () => {
      const viaNpx = await npx("--help");
      const direct = await runNode(CLI, ["--help"], env);
      expect({ code: viaNpx.code, signal: viaNpx.signal }).toEqual({ code: 0, signal: null });
      expect(viaNpx.stdout).toContain("migrate");
      expect(viaNpx.stdout).toBe(direct.stdout);
    },
    2 * NPM_TIMEOUT_MS,
  );

  it(
    "npx latchkey migrate --json prints one JSON line",
    async () => {
      const exit = await npx("migrate", "--json");
      expect(exit.code).toBe(0);
      expect(jsonOf<Migrated>(exit).migrations.length).toBeGreaterThan(0);
    },
    NPM_TIMEOUT_MS,
  );

  it(
    "npx latchkey passes a failure on: exit 1 and one JSON line",
    async () => {
      const exit = await npx("token", "--email", "nobody@example.test", "--json");
      expect(exit.code).toBe(1);
      expect(jsonOf<Failure>(exit)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    },
    NPM_TIMEOUT_MS,
  );

  it(
    "npm run --silent cli -- migrate --json prints one JSON line",
    async () => {
      const exit = await runCommand(
        "npm",
        ["run", "--silent", "cli", "--", "migrate", "--json"],
        env,
        ROOT,
        NPM_TIMEOUT_MS,
      );
      expect(exit.code).toBe(0);
      expect(jsonOf<Migrated>(exit).migrations.length).toBeGreaterThan(0);
    },
    NPM_TIMEOUT_MS,
  );
});

// The same commands against MySQL/MariaDB, when the suite has one (TEST_MYSQL_URL).
(process.env.TEST_MYSQL_URL ? describe : describe.skip)("operator CLI on MySQL/MariaDB", () => {
  let scratch: ScratchDatabase;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runNode(CLI, [...args, "--json"], env);
  const apiPlanOf = async (organizationId: string) => {
    const conn = await createConnection({ uri: scratch.url });
    try {
      const [rows] = await conn.query("SELECT api_plan FROM organization WHERE id = ?", [organizationId]);
      return rows as { api_plan: string | null }[];
    } finally {
      await conn.end();
    }
  };

  beforeAll(async () => {
    scratch = await scratchDatabase("mysql");
    env = envWith({
      DATABASE_URL: scratch.url,
      JWT_SECRET,
      NODE_ENV: "test",
      DATA_DIR: join(tempDir(), "data"),
      LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it("migrate, create-organization, set-api-plan, and one email in two organizations", async () => {
    const migrate = await cli("migrate");
    expect(migrate.code).toBe(0);
    expect(jsonOf<Migrated>(migrate).migrations.length).toBeGreaterThan(0);

    const created = await cli(
      "create-organization",
      "--name",
      "Maria Org",
      "--admin-email",
      "admin@maria.test",
      "--api-plan",
      "business",
    );
    expect(created.code).toBe(0);
    const org = jsonOf<CreatedOrganization>(created);
    expect(await apiPlanOf(org.organizationId)).toEqual([{ api_plan: "business" }]);

    const cleared = await cli("set-api-plan", "--organization", org.organizationId, "--none");
    expect(cleared.code).toBe(0);
    expect(jsonOf<ApiPlanSet>(cleared).apiPlan).toBeNull();
    expect(await apiPlanOf(org.organizationId)).toEqual([{ api_plan: null }]);

    // emails are unique within an organization: a second organization may use the same admin address
    const again = await cli("create-organization", "--name", "Again", "--admin-email", "admin@maria.test");
    expect(again.code).toBe(0);
    const ambiguous = await cli("token", "--email", "admin@maria.test");
    expect(ambiguous.code).toBe(1);
    expect(jsonOf<Failure>(ambiguous).error.code).toBe("USAGE");
    const chosen = await cli(
      "token",
      "--email",
      "admin@maria.test",
      "--organization",
      jsonOf<CreatedOrganization>(again).organizationId,
    );
    expect(chosen.code).toBe(0);
  });
});

describe("starting the server (npm start)", () => {
  it("seeds a demo organization on an empty database and prints a working admin token, only on the first start", async () => {
    // The real defaults: no DATABASE_URL, no JWT_SECRET, no NODE_ENV; ./data/ is under a temp cwd.
    const cwd = tempDir();
    const env = envWith({ LOG_LEVEL: "warn" });

    const first = await startServer(env, cwd);
    let token: string;
    let email: string | undefined;
    try {
      token = (await first.waitFor(/Admin token[^\n]*\n\s*\n\s*(\S+)\n/))[1];
      email = await viewerEmail(first.url, token);
      expect(first.output()).toContain(`one admin: ${email}`);
      expect(first.output()).toContain("valid 24h");
    } finally {
      expect((await first.stop()).code).toBe(0);
    }

    const db = join(cwd, "data", "latchkey.sqlite");
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(cwd, "data", "jwt-secret"))).toBe(true);
    expect(query(db, "SELECT COUNT(*) AS n FROM organization")).toEqual([{ n: 1 }]);
    const admins = query<{ email: string }>(db, `SELECT email FROM "user" WHERE role = 'ADMIN'`);
    expect(admins).toHaveLength(1);
    expect(email).toBe(admins[0].email);

    const second = await startServer(env, cwd);
    try {
      // the generated secret was kept: the first start's token still works
      expect(await viewerEmail(second.url, token)).toBe(email);
      expect(second.output()).not.toContain("Admin token");
      // the first start's token is gone from the screen: every later start says how to get a fresh one
      expect(second.output()).toContain(`npx latchkey token --email ${email} --expires-in 24h`);
    } finally {
      expect((await second.stop()).code).toBe(0);
    }
    expect(query(db, "SELECT COUNT(*) AS n FROM organization")).toEqual([{ n: 1 }]);
  });

  it("does not start in production without JWT_SECRET or JWT_JWKS_URL, and says so in one line", async () => {
    const dir = tempDir();
    const exit = await runNode(
      MAIN,
      [],
      envWith({ NODE_ENV: "production", DATABASE_URL: `sqlite:${join(dir, "x.sqlite")}`, PORT: "0" }),
      dir,
    );
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const lines = exit.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("JWT_SECRET");
    expect(exit.stdout).not.toContain("listening");
  });

  it("does not start with API_KEY_LIMIT=abc, and names the variable in one line", async () => {
    const dir = tempDir();
    const exit = await runNode(
      MAIN,
      [],
      envWith({
        NODE_ENV: "test",
        JWT_SECRET,
        DATABASE_URL: `sqlite:${join(dir, "x.sqlite")}`,
        PORT: "0",
        API_KEY_LIMIT: "abc",
      }),
      dir,
    );
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const lines = exit.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("API_KEY_LIMIT");
    expect(exit.stdout).not.toContain("listening");
  });
});
