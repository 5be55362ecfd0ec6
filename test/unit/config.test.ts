import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, ENV_VARIABLES, formatDuration, loadConfig, parseDuration } from "../../src/config";

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return "no error";
};

describe("configuration", () => {
  it("has the defaults of SPEC §8", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: "sqlite:./data/latchkey.sqlite",
      apiTrialDays: 40,
      apiKeyLimit: 200,
      logLevel: "info",
      production: false,
      introspection: true,
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", API_KEY_LIMIT: "" }).port).toBe(4000);
  });

  it.each([
    ["PORT", { PORT: "eighty" }],
    ["PORT", { PORT: "70000" }],
    ["API_KEY_LIMIT", { API_KEY_LIMIT: "0" }],
    ["API_TRIAL_DAYS", { API_TRIAL_DAYS: "-3" }],
    ["DATABASE_URL", { DATABASE_URL: "postgres://x" }],
    ["JWT_SECRET", { JWT_SECRET: "short" }],
    ["JWT_JWKS_URL", { JWT_JWKS_URL: "not a url" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["GRAPHQL_INTROSPECTION", { GRAPHQL_INTROSPECTION: "yes" }],
  ])("stops with one line naming %s when it is bad", (name, env) => {
    const message = messageOf(env);
    expect(message).toContain(name);
    expect(message.split("\n")).toHaveLength(1);
  });

  it("requires JWT_SECRET or JWT_JWKS_URL in production, and turns introspection off there", () => {
    expect(messageOf({ NODE_ENV: "production" })).toContain("JWT_SECRET");
    const config = loadConfig({ NODE_ENV: "production", JWT_SECRET: "s".repeat(32) });
    expect(config.introspection).toBe(false);
    expect(
      loadConfig({
        NODE_ENV: "production",
        JWT_JWKS_URL: "https://id.example/jwks.json",
        GRAPHQL_INTROSPECTION: "true",
      }).introspection,
    ).toBe(true);
  });

  it("the SaaS's identity: sub is a Latchkey id by default; externalId needs the organization claim; provisioning needs externalId", () => {
    expect(loadConfig({}).jwt).toMatchObject({
      subject: "id",
      provisioning: false,
      roleClaim: "role",
      adminRoles: ["owner", "admin"],
    });
    expect(messageOf({ JWT_SUBJECT: "externalId" })).toContain("JWT_ORGANIZATION_CLAIM is required");
    expect(messageOf({ JWT_PROVISIONING: "true" })).toContain("JWT_PROVISIONING=true needs JWT_SUBJECT=externalId");
    expect(messageOf({ JWT_SUBJECT: "email" })).toContain("JWT_SUBJECT");
    const config = loadConfig({
      JWT_SUBJECT: "externalId",
      JWT_ORGANIZATION_CLAIM: "https://acme.test/org",
      JWT_PROVISIONING: "true",
      JWT_ADMIN_ROLES: " owner , ,billing-admin",
    });
    expect(config.jwt).toMatchObject({
      subject: "externalId",
      organizationClaim: "https://acme.test/org",
      provisioning: true,
      adminRoles: ["owner", "billing-admin"],
    });
  });

  it("accepts mysql:// and mariadb:// URLs", () => {
    expect(loadConfig({ DATABASE_URL: "mysql://u:p@h:3306/d" }).databaseUrl).toBe("mysql://u:p@h:3306/d");
    expect(loadConfig({ DATABASE_URL: "mariadb://u:p@h:3306/d" }).databaseUrl).toBe("mariadb://u:p@h:3306/d");
  });
});

describe("documentation of the configuration", () => {
  it(".env.example and the README's table list every variable the server reads", () => {
    const root = join(__dirname, "..", "..");
    const example = readFileSync(join(root, ".env.example"), "utf8");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ENV_VARIABLES].sort());
    for (const name of ENV_VARIABLES) expect(readme).toContain(`\`${name}\``);
  });
});

describe("durations (JWT_MAX_TTL, --expires-in)", () => {
  it("parse s, m, h, d, w and write back as people write them", () => {
    expect(["30s", "30m", "24h", "7d", "2w", " 1h "].map(parseDuration)).toEqual([
      30, 1800, 86_400, 604_800, 1_209_600, 3600,
    ]);
    expect(["", "0h", "1y", "-1h", "1.5h", "h"].map(parseDuration)).toEqual([null, null, null, null, null, null]);
    expect([86_400, 604_800, 3 * 86_400, 4 * 86_400, 5400, 90].map(formatDuration)).toEqual([
      "24h",
      "7d",
      "72h",
      "4d",
      "90m",
      "90s",
    ]);
  });

  it("JWT_MAX_TTL defaults to 24h and refuses what is not a duration", () => {
    expect(loadConfig({ JWT_SECRET: "x".repeat(32) }).jwt.maxTtlSeconds).toBe(86_400);
    expect(() => loadConfig({ JWT_MAX_TTL: "forever" })).toThrow(
      "Invalid configuration: JWT_MAX_TTL must be a duration",
    );
  });

  it("DASHBOARD_FRAME_ANCESTORS: space- or comma-separated https origins (http for localhost only), none by default", () => {
    expect(loadConfig({}).dashboard.frameAncestors).toEqual([]);
    expect(
      loadConfig({ DASHBOARD_FRAME_ANCESTORS: "https://app.example.com, http://localhost:3000" }).dashboard
        .frameAncestors,
    ).toEqual(["https://app.example.com", "http://localhost:3000"]);
    for (const bad of ["http://app.example.com", "https://app.example.com/path", "*", "'self'", "javascript:x"]) {
      expect(() => loadConfig({ DASHBOARD_FRAME_ANCESTORS: bad })).toThrow(
        "Invalid configuration: DASHBOARD_FRAME_ANCESTORS must be https:// origins",
      );
    }
  });

  it("DATABASE_REPLICA_URLS: comma-separated MySQL/MariaDB URLs, with a MySQL/MariaDB primary only", () => {
    expect(loadConfig({}).databaseReplicaUrls).toEqual([]);
    const primary = "mariadb://u:p@127.0.0.1:3321/d";
    expect(
      loadConfig({
        DATABASE_URL: primary,
        DATABASE_REPLICA_URLS: "mariadb://u:p@127.0.0.1:3322/d, mysql://u:p@h:3306/d",
      }).databaseReplicaUrls,
    ).toEqual(["mariadb://u:p@127.0.0.1:3322/d", "mysql://u:p@h:3306/d"]);
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: "sqlite:/tmp/x" })).toThrow(
      "Invalid configuration: DATABASE_REPLICA_URLS must be mysql:// or mariadb:// URLs",
    );
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: "mariadb://u:p@h:3306/d" })).toThrow(
      "Invalid configuration: DATABASE_REPLICA_URLS needs a mysql:// or mariadb:// DATABASE_URL",
    );
  });

  it("VERIFY_CACHE_TTL_MS is off by default, at most an hour, and refused without REDIS_URL", () => {
    expect(loadConfig({}).verifyCacheTtlMs).toBe(0);
    expect(loadConfig({ VERIFY_CACHE_TTL_MS: "30000", REDIS_URL: "redis://127.0.0.1:6379" }).verifyCacheTtlMs).toBe(
      30_000,
    );
    expect(() => loadConfig({ VERIFY_CACHE_TTL_MS: "30000" })).toThrow(
      "Invalid configuration: VERIFY_CACHE_TTL_MS needs REDIS_URL",
    );
    expect(() => loadConfig({ VERIFY_CACHE_TTL_MS: "3600001", REDIS_URL: "redis://127.0.0.1:6379" })).toThrow(
      "Invalid configuration: VERIFY_CACHE_TTL_MS must be at most 3600000",
    );
  });
});
