#!/usr/bin/env node
import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GraphQLError } from "graphql";
import { ConfigError, formatDuration, loadConfig } from "./config";
import { JwtLifetimeError } from "./auth/jwt";
import { openDataSource } from "./db/data-source";
import { buildBareSchema, printSortedSchema } from "./schema";
import { seedDemo } from "./seed";
import type { PlatformKey } from "./modules/platform-key/platform-key.entity";
import { createServices } from "./services";

const USAGE = `Usage: npx latchkey <command> [options] [--json]   (or: npm run --silent cli -- <command> …)

Commands:
  migrate                                   apply pending database migrations
  seed-demo                                 create a demo organization (two workspaces, one admin)
  create-organization --name N --admin-email E [--admin-name N] [--api-plan P]
  token --email E [--organization ID] [--expires-in 1h]
                                            issue a JWT for a user (at most JWT_MAX_TTL, 24h by default);
                                            --organization when the email is in several organizations
  set-api-plan --organization ID (--plan P | --none)
  create-platform-key [--description D]    a key for the platform's own services; its token is printed once
  list-platform-keys                        every platform key (hint, created, last used, revoked), newest first
  revoke-platform-key --id ID               refused from the next request on; revoking twice changes nothing
  emit-schema [--check]                     write (or check) schema/schema.graphql
`;

const SCHEMA_FILE = join(__dirname, "..", "..", "schema", "schema.graphql");

class UsageError extends Error {}

/** A platform key as the CLI prints it (never its hash). */
const platformKeyJson = (k: PlatformKey) => ({
  id: k.id,
  description: k.description,
  tokenHint: k.tokenHint,
  status: k.revokedAt ? "REVOKED" : "ACTIVE",
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

type Flags = Record<string, string | boolean | undefined>;

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

async function withServices<T>(work: (services: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDataSource(config.databaseUrl, { replicaUrls: config.databaseReplicaUrls });
  const services = createServices(db, config);
  try {
    return await work(services);
  } finally {
    await services.verifyCache?.close();
    await db.destroy();
  }
}

/** Runs one command; returns the object printed with --json, and a human line otherwise. */
async function run(command: string | undefined, flags: Flags): Promise<{ json: object; text: string }> {
  switch (command) {
    case "migrate":
      return withServices(async ({ db }) => {
        const applied = await db.query<{ name: string }[]>("SELECT name FROM migrations ORDER BY id");
        return {
          json: { migrations: applied.map((m) => m.name) },
          text: `Database is up to date (${applied.length} migrations).`,
        };
      });
    case "seed-demo":
      return withServices(async (services) => {
        const demo = await seedDemo(services);
        return {
          json: demo,
          text: `Demo organization ${demo.organizationId}\nAdmin ${demo.adminEmail}, token:\n${demo.adminToken}`,
        };
      });
    case "create-organization":
      return withServices(async (services) => {
        const { organization, admin } = await services.organizationAdmin.create({
          name: required(flags, "name"),
          adminEmail: required(flags, "admin-email"),
          adminName: typeof flags["admin-name"] === "string" ? flags["admin-name"] : null,
          apiPlan: typeof flags["api-plan"] === "string" ? flags["api-plan"] : null,
        });
        const lifetime = services.config.jwt.maxTtlSeconds;
        const adminToken = await services.jwt.sign(admin.id, lifetime);
        return {
          json: { organizationId: organization.id, adminUserId: admin.id, adminToken },
          text: `Organization ${organization.id}\nAdmin ${admin.id} (${admin.email}), token valid ${formatDuration(lifetime)}:\n${adminToken}`,
        };
      });
    case "token":
      return withServices(async (services) => {
        const email = required(flags, "email");
        const organizationId = typeof flags.organization === "string" ? flags.organization : undefined;
        const users = await services.organizationAdmin.findUsersByEmail(email, organizationId);
        if (users.length === 0)
          throw new UsageError(
            `No user with email ${email}${organizationId ? ` in organization ${organizationId}` : ""}`,
          );
        if (users.length > 1) {
          const ids = users.map((u) => u.organizationId).join(", ");
          throw new UsageError(`${email} is a user of several organizations (${ids}): pass --organization <id>`);
        }
        const expiresIn = typeof flags["expires-in"] === "string" ? flags["expires-in"] : "1h";
        // the signer refuses a malformed lifetime or one past JWT_MAX_TTL (JwtLifetimeError: code USAGE)
        const token = await services.jwt.sign(users[0].id, expiresIn);
        return {
          json: { token, userId: users[0].id, organizationId: users[0].organizationId, expiresIn },
          text: token,
        };
      });
    case "set-api-plan":
      return withServices(async (services) => {
        const organizationId = required(flags, "organization");
        const none = flags.none === true;
        const plan = typeof flags.plan === "string" ? flags.plan : undefined;
        if (none === (plan !== undefined)) throw new UsageError("Pass exactly one of --plan P and --none");
        const organization = await services.organizationAdmin.setApiPlan(organizationId, none ? null : plan!);
        return {
          json: { organizationId: organization.id, apiPlan: organization.apiPlan },
          text: `Organization ${organization.id}: API plan ${organization.apiPlan ?? "(none)"}`,
        };
      });
    case "create-platform-key":
      return withServices(async (services) => {
        const description = typeof flags.description === "string" ? flags.description : null;
        const { platformKey, token } = await services.platformKeys.create(description);
        return {
          json: { ...platformKeyJson(platformKey), token },
          text: `Platform key ${platformKey.id}${platformKey.description ? ` (${platformKey.description})` : ""}. Its token, shown this once only (store it as a secret):\n${token}`,
        };
      });
    case "list-platform-keys":
      return withServices(async (services) => {
        const keys = await services.platformKeys.list();
        const line = (k: PlatformKey) =>
          [k.id, k.tokenHint, k.revokedAt ? "REVOKED" : "ACTIVE", k.createdAt.toISOString(), k.description ?? ""].join(
            "  ",
          );
        return {
          json: { platformKeys: keys.map(platformKeyJson) },
          text: keys.length ? keys.map(line).join("\n") : "No platform keys.",
        };
      });
    case "revoke-platform-key":
      return withServices(async (services) => {
        const key = await services.platformKeys.revoke(required(flags, "id"));
        return {
          json: platformKeyJson(key),
          text: `Platform key ${key.id} revoked at ${key.revokedAt!.toISOString()}`,
        };
      });
    case "emit-schema": {
      const sdl = printSortedSchema(await buildBareSchema());
      if (flags.check) {
        let committed = "";
        try {
          committed = readFileSync(SCHEMA_FILE, "utf8");
        } catch {
          // missing file: stale
        }
        if (committed !== sdl)
          throw new Error("schema/schema.graphql is stale: run `npm run schema:emit` and commit it");
        return { json: { schema: "up to date" }, text: "schema/schema.graphql is up to date" };
      }
      writeFileSync(SCHEMA_FILE, sdl);
      return { json: { schema: "written" }, text: "wrote schema/schema.graphql" };
    }
    default:
      throw new UsageError(command ? `Unknown command: ${command}` : "No command given");
  }
}

/** The command line, strictly: an unknown option throws. */
function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean" },
      check: { type: "boolean" },
      none: { type: "boolean" },
      name: { type: "string" },
      "admin-email": { type: "string" },
      "admin-name": { type: "string" },
      "api-plan": { type: "string" },
      email: { type: "string" },
      "expires-in": { type: "string" },
      organization: { type: "string" },
      description: { type: "string" },
      id: { type: "string" },
      plan: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    // an unknown or malformed option: still exactly one JSON object on stdout with --json
    const message = error instanceof Error ? error.message : String(error);
    if (argv.includes("--json")) process.stdout.write(JSON.stringify({ error: { code: "USAGE", message } }) + "\n");
    else process.stderr.write(`${message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const result = await run(positionals[0], values);
    process.stdout.write((values.json ? JSON.stringify(result.json) : result.text) + "\n");
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code =
      error instanceof GraphQLError
        ? error.extensions.code
        : error instanceof UsageError || error instanceof JwtLifetimeError
          ? "USAGE"
          : error instanceof ConfigError
            ? "CONFIG"
            : "ERROR";
    if (values.json) process.stdout.write(JSON.stringify({ error: { code, message } }) + "\n");
    else process.stderr.write(`${message}\n${error instanceof UsageError ? "\n" + USAGE : ""}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(1);
  },
);
