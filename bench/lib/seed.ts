import { createHash } from "node:crypto";
import { join } from "node:path";
import { openWriter, ROOT, type DbTarget } from "./db";
import { Prng } from "./prng";

/**
 * The benchmark's dataset, the same on every run (a seeded PRNG; timestamps are offsets from the
 * seeding instant so statuses never drift): 200 organizations, the first with exactly 200 keys,
 * the others 20–150; 2–20 workspaces each; keys reaching 0–3 workspaces; about a quarter of the
 * keys revoked or expired. Rows are written with plain SQL into the schema the migrations made.
 */

export interface DatasetOptions {
  seed: number;
  organizations: number;
  /** Keys of the first ("big") organization: the one every list scenario reads. */
  bigOrgKeys: number;
  now: Date;
}

export interface Fixtures {
  now: string;
  bigOrg: { id: string; name: string; keys: number; workspaces: number };
  /** An admin of the big organization (lists, JWT side of the authentication comparison). */
  admin: { id: string; email: string };
  /** A member of the big organization (only used to detect whether graphql-shield is on). */
  member: { id: string; email: string };
  /** An admin of the organization the write scenario creates and revokes keys in. */
  writer: { id: string; organizationId: string };
  /** An active ORGANIZATION-scope SANDBOX key of the big organization (scenario d). */
  apiKey: { id: string; token: string };
  /** The platform's key (scenario f calls verifyApiKey with it). */
  platformKey: { id: string; token: string };
  /** A token of the right format and checksum that is not stored (scenario f_invalid verifies it: NOT_FOUND). */
  unknownKey: { token: string };
  /** The dashboard's filter (scenario b). */
  filter: { environment: string[]; status: string[]; search: string };
  counts: {
    organizations: number;
    workspaces: number;
    users: number;
    apiKeys: number;
    apiKeyWorkspaces: number;
    inactiveKeys: number;
  };
}

const WORKSPACE_NAMES = [
  "Sales",
  "Legal",
  "Finance",
  "HR",
  "Operations",
  "Marketing",
  "Procurement",
  "Support",
  "Engineering",
  "Partners",
];
// the first is every organization's main CRM: about 30 % of descriptions name it (the dashboard search of scenario b)
const SYSTEMS = [
  "Salesforce",
  "HubSpot",
  "Zapier",
  "SAP",
  "Workday",
  "Billing",
  "Website",
  "Mobile app",
  "Data warehouse",
  "Slack",
  "NetSuite",
  "Greenhouse",
];
const PURPOSES = [
  "sync",
  "webhook",
  "export",
  "import",
  "integration",
  "reporting",
  "backfill",
  "CI pipeline",
  "staging",
  "nightly job",
];
const PLANS = ["Starter", "Growth", "Enterprise"];

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

/** 'YYYY-MM-DD HH:MM:SS.SSS' UTC: how the server stores datetime(3) on SQLite, and a literal MySQL accepts. */
export const sqlTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

type Checksum = (text: string) => string;

function loadChecksum(): Checksum {
  // the server's own token checksum (CRC32 in base62), from the build
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(ROOT, "dist", "src", "modules", "api-key", "token.js")) as { checksum: Checksum }).checksum;
}

export async function seedDataset(target: DbTarget, options: DatasetOptions): Promise<Fixtures> {
  const rng = new Prng(options.seed);
  const checksum = loadChecksum();
  const now = Math.floor(options.now.getTime() / 1000) * 1000;

  const organizations: unknown[][] = [];
  const workspaces: unknown[][] = [];
  const users: unknown[][] = [];
  const userWorkspaces: unknown[][] = [];
  const apiKeys: unknown[][] = [];
  const apiKeyWorkspaces: unknown[][] = [];
  let inactiveKeys = 0;

  const fixtures: Partial<Fixtures> = {};

  for (let o = 0; o < options.organizations; o++) {
    const big = o === 0;
    const writeOrg = o === 1;
    const orgId = rng.uuid();
    const orgName = big ? "Bench Big Org" : `Bench Org ${String(o).padStart(3, "0")}`;
    const apiPlan = big ? "Growth" : rng.chance(0.5) ? rng.pick(PLANS) : null;
    const orgCreated = now - rng.int(400, 800) * DAY - rng.int(0, DAY);

    // workspaces
    const wsCount = rng.int(2, 20);
    const orgWorkspaces: string[] = [];
    for (let w = 0; w < wsCount; w++) {
      const id = rng.uuid();
      const created = orgCreated + (w + 1) * DAY + rng.int(0, DAY);
      workspaces.push([id, orgId, `${rng.pick(WORKSPACE_NAMES)} ${w + 1}`, sqlTime(created), sqlTime(created)]);
      orgWorkspaces.push(id);
    }

    // users: 1–3 admins, 2–10 members in 1–3 workspaces each
    const admins: string[] = [];
    const adminCount = rng.int(1, 3);
    const memberCount = rng.int(2, 10);
    for (let u = 0; u < adminCount + memberCount; u++) {
      const id = rng.uuid();
      const admin = u < adminCount;
      const email = admin ? `admin${u + 1}@org${o}.bench.test` : `member${u - adminCount + 1}@org${o}.bench.test`;
      const created = orgCreated + rng.int(0, 30 * DAY);
      users.push([
        id,
        orgId,
        email,
        admin ? `Admin ${u + 1}` : `Member ${u - adminCount + 1}`,
        admin ? "ADMIN" : "MEMBER",
        sqlTime(created),
        sqlTime(created),
      ]);
      if (admin) {
        admins.push(id);
        if (big && u === 0) fixtures.admin = { id, email };
        if (writeOrg && u === 0) fixtures.writer = { id, organizationId: orgId };
      } else {
        if (big && !fixtures.member) fixtures.member = { id, email };
        for (const ws of rng.sample(orgWorkspaces, Math.min(orgWorkspaces.length, rng.int(1, 3))))
          userWorkspaces.push([id, ws]);
      }
    }

    // keys
    const keyCount = big ? options.bigOrgKeys : writeOrg ? 20 : rng.int(20, 150);
    let firstKeyAt = Infinity;
    for (let k = 0; k < keyCount; k++) {
      const id = rng.uuid();
      const created = rng.int(orgCreated + 31 * DAY, now - HOUR);
      firstKeyAt = Math.min(firstKeyAt, created);
      const environment = apiPlan && rng.chance(0.35) ? "PRODUCTION" : "SANDBOX";
      const workspaceScoped = rng.chance(0.45);
      const permission = rng.chance(0.65) ? "FULL_ACCESS" : "READ_ONLY";
      const description = rng.chance(0.88)
        ? `${rng.chance(0.3) ? SYSTEMS[0] : rng.pick(SYSTEMS.slice(1))} ${rng.pick(PURPOSES)}${rng.chance(0.3) ? ` #${rng.int(2, 9)}` : ""}`
        : null;
      const body = (environment === "PRODUCTION" ? "lk_live_" : "lk_test_") + rng.base62(30);
      const token = body + checksum(body);
      const tokenHash = createHash("sha256").update(token).digest("hex");
      const hint = `${token.slice(0, 12)}…${token.slice(-4)}`;

      // a quarter revoked (15 %) or expired (10 %); 30 % of the others expire in the future
      const roll = rng.float();
      let revokedAt: number | null = null;
      let expiresAt: number | null = null;
      if (roll < 0.15) {
        revokedAt = rng.int(created + 1000, now - HOUR);
        if (rng.chance(0.3)) expiresAt = created + rng.int(30, 400) * DAY;
      } else if (roll < 0.25) {
        expiresAt = rng.int(created + 1000, now - HOUR);
      } else if (rng.chance(0.3)) {
        expiresAt = now + rng.int(7, 365) * DAY;
      }
      const active = revokedAt === null && (expiresAt === null || expiresAt > now);
      if (!active) inactiveKeys++;
      const usableUntil = Math.min(now - 1000, revokedAt ?? Infinity, expiresAt ?? Infinity);
      const lastUsedAt = usableUntil > created + 1000 && rng.chance(0.7) ? rng.int(created + 1000, usableUntil) : null;
      const createdBy = rng.pick(admins);
      const updated = Math.max(created, revokedAt ?? 0);

      apiKeys.push([
        id,
        orgId,
        description,
        environment,
        workspaceScoped ? "WORKSPACE" : "ORGANIZATION",
        permission,
        tokenHash,
        hint,
        createdBy,
        null,
        lastUsedAt === null ? null : sqlTime(lastUsedAt),
        expiresAt === null ? null : sqlTime(expiresAt),
        revokedAt === null ? null : sqlTime(revokedAt),
        sqlTime(created),
        sqlTime(updated),
      ]);
      if (workspaceScoped) {
        for (const ws of rng.sample(orgWorkspaces, Math.min(orgWorkspaces.length, rng.int(1, 3))))
          apiKeyWorkspaces.push([id, ws]);
      }
      if (big && !fixtures.apiKey && active && !workspaceScoped && environment === "SANDBOX")
        fixtures.apiKey = { id, token };
    }

    const trialStart = Number.isFinite(firstKeyAt) ? firstKeyAt : null;
    organizations.push([
      orgId,
      orgName,
      apiPlan,
      trialStart === null ? null : sqlTime(trialStart),
      trialStart === null ? null : sqlTime(trialStart + 40 * DAY),
      sqlTime(orgCreated),
      sqlTime(orgCreated),
    ]);
    if (big) fixtures.bigOrg = { id: orgId, name: orgName, keys: keyCount, workspaces: wsCount };
  }

  const platformBody = "lk_plat_" + rng.base62(30);
  const platformToken = platformBody + checksum(platformBody);
  fixtures.platformKey = { id: rng.uuid(), token: platformToken };
  // drawn last, so the dataset above is what it was before this token existed
  const unknownBody = "lk_test_" + rng.base62(30);
  fixtures.unknownKey = { token: unknownBody + checksum(unknownBody) };

  const writer = await openWriter(target);
  try {
    await writer.insert(
      "organization",
      ["id", "name", "api_plan", "api_trial_started_at", "api_trial_ends_at", "created_at", "updated_at"],
      organizations,
    );
    await writer.insert("workspace", ["id", "organization_id", "name", "created_at", "updated_at"], workspaces);
    await writer.insert("user", ["id", "organization_id", "email", "name", "role", "created_at", "updated_at"], users);
    await writer.insert("user_workspace", ["user_id", "workspace_id"], userWorkspaces);
    await writer.insert(
      "api_key",
      [
        "id",
        "organization_id",
        "description",
        "environment",
        "scope",
        "permission",
        "token_hash",
        "token_hint",
        "created_by_user_id",
        "created_by_api_key_id",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "created_at",
        "updated_at",
      ],
      apiKeys,
    );
    await writer.insert("api_key_workspace", ["api_key_id", "workspace_id"], apiKeyWorkspaces);
    await writer.insert(
      "platform_key",
      ["id", "description", "token_hash", "token_hint", "last_used_at", "revoked_at", "created_at", "updated_at"],
      [
        [
          fixtures.platformKey.id,
          "bench platform",
          createHash("sha256").update(platformToken).digest("hex"),
          `${platformToken.slice(0, 12)}…${platformToken.slice(-4)}`,
          null,
          null,
          sqlTime(now - DAY),
          sqlTime(now - DAY),
        ],
      ],
    );
  } finally {
    await writer.close();
  }

  if (
    !fixtures.admin ||
    !fixtures.member ||
    !fixtures.writer ||
    !fixtures.apiKey ||
    !fixtures.bigOrg ||
    !fixtures.platformKey ||
    !fixtures.unknownKey
  ) {
    throw new Error("the dataset lacks a fixture the scenarios need (change --seed)");
  }
  return {
    ...(fixtures as Required<typeof fixtures>),
    now: new Date(now).toISOString(),
    filter: { environment: ["SANDBOX"], status: ["ACTIVE"], search: "salesforce" },
    counts: {
      organizations: organizations.length,
      workspaces: workspaces.length,
      users: users.length,
      apiKeys: apiKeys.length,
      apiKeyWorkspaces: apiKeyWorkspaces.length,
      inactiveKeys,
    },
  };
}
