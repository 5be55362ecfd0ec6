/**
 * The floor: what scenarios (a), (b) and (c) cost without the framework. A bare `node:http` handler
 * that verifies the same HS256 JWT with `jose`, loads the user, and answers the key list with
 * hand-written SQL on the same driver as the server (better-sqlite3 or mysql2), computing status,
 * cursors, workspaces and createdBy itself — returning the same JSON as the GraphQL response for
 * `LIST_QUERY` (bench/lib/scenarios.ts). For scenario (f) it answers `VERIFY_QUERY` the same way: the platform
 * key and the caller's key looked up by hash, with the checks verifyApiKey makes (checksum first, status, the
 * organization's plan for a production key, a per-key budget in memory, the requirement, lastUsedAt at most
 * once a minute). It only understands those two queries; it is not a server.
 *
 * Started by bench/run.ts as its own process:
 *   BENCH_FLOOR_DB=sqlite:<file> | mysql://… JWT_SECRET=… PORT=0 node dist/bench/floor.js
 * Prints `floor listening on http://127.0.0.1:<port>` once ready.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { crc32 } from "node:zlib";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { jwtVerify } from "jose";
import { createPool, type Pool, type RowDataPacket } from "mysql2/promise";
import { MYSQL_SESSION } from "./lib/db";

type Row = Record<string, unknown>;

/** The few statements the floor needs, per driver. `in` lists expand to one `?` per id. */
interface FloorDb {
  one(sql: string, params: unknown[]): Promise<Row | undefined>;
  all(sql: string, params: unknown[]): Promise<Row[]>;
  /** A statement that returns no rows (UPDATE). */
  run(sql: string, params: unknown[]): Promise<void>;
  /** SQL parameter for an instant (SQLite stores 'YYYY-MM-DD HH:MM:SS.SSS' UTC text). */
  time(date: Date): unknown;
  /** A datetime column as an ISO-8601 string and as epoch milliseconds. */
  iso(value: unknown): string | null;
  q(identifier: string): string;
}

let statements = 0;

function sqliteDb(path: string): FloorDb {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  // the same case folding as the server's (a JS LOWER that folds non-ASCII too), so searches agree
  db.function("lower", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? value.toLowerCase() : value,
  );
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  return {
    // better-sqlite3 is synchronous; the interface is the async one mysql2 needs
    one(sql, params) {
      statements++;
      return Promise.resolve(prepared(sql).get(...params) as Row | undefined);
    },
    all(sql, params) {
      statements++;
      return Promise.resolve(prepared(sql).all(...params) as Row[]);
    },
    run(sql, params) {
      statements++;
      prepared(sql).run(...params);
      return Promise.resolve();
    },
    time: (date) => date.toISOString().replace("T", " ").replace("Z", ""),
    iso: (value) => (value == null ? null : (value as string).replace(" ", "T") + "Z"),
    q: (identifier) => `"${identifier}"`,
  };
}

function mysqlDb(uri: string): FloorDb {
  const pool: Pool = createPool({
    uri,
    ...MYSQL_SESSION,
    connectionLimit: 10,
    waitForConnections: true,
    queueLimit: 0,
  });
  return {
    async one(sql, params) {
      statements++;
      const [rows] = await pool.query<RowDataPacket[]>(sql, params);
      return rows[0];
    },
    async all(sql, params) {
      statements++;
      const [rows] = await pool.query<RowDataPacket[]>(sql, params);
      return rows;
    },
    async run(sql, params) {
      statements++;
      await pool.query(sql, params);
    },
    time: (date) => date,
    iso: (value) => (value == null ? null : (value as Date).toISOString()),
    q: (identifier) => `\`${identifier}\``,
  };
}

const databaseUrl = process.env.BENCH_FLOOR_DB ?? "";
const db = databaseUrl.startsWith("sqlite:") ? sqliteDb(databaseUrl.slice("sqlite:".length)) : mysqlDb(databaseUrl);
const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? "");
const U = db.q("user");

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Filter {
  environment?: string[] | null;
  status?: string[] | null;
  search?: string | null;
}

const KEY_COLUMNS =
  "k.id, k.description, k.environment, k.scope, k.permission, k.token_hint, k.created_at, k.last_used_at, k.expires_at, k.revoked_at, k.suspended_at, " +
  "k.created_by_user_id, k.created_by_api_key_id, u.id AS u_id, u.email AS u_email, c.id AS c_id";

const ACTIVE = "(k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?))";
const STATUS_SQL: Record<string, string> = {
  ACTIVE: `(${ACTIVE} AND k.suspended_at IS NULL)`,
  REVOKED: "k.revoked_at IS NOT NULL",
  EXPIRED: "(k.revoked_at IS NULL AND k.expires_at IS NOT NULL AND k.expires_at <= ?)",
  SUSPENDED: `(${ACTIVE} AND k.suspended_at IS NOT NULL)`,
};

const cursorOf = (createdAt: string, id: string) =>
  Buffer.from(JSON.stringify(["CREATED_AT:DESC", createdAt, id])).toString("base64url");
const likePattern = (search: string) => `%${search.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

async function principal(authorization: string | undefined): Promise<{ organizationId: string }> {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!match) throw new HttpError(401, "UNAUTHENTICATED", "Invalid, expired or revoked credential");
  let userId: string | undefined;
  try {
    const { payload } = await jwtVerify(match[1], secret, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] });
    userId = payload.sub;
  } catch {
    userId = undefined;
  }
  const user = userId ? await db.one(`SELECT id, organization_id, role FROM ${U} WHERE id = ?`, [userId]) : undefined;
  if (!user) throw new HttpError(401, "UNAUTHENTICATED", "Invalid, expired or revoked credential");
  if (user.role !== "ADMIN") throw new HttpError(200, "FORBIDDEN", "Not allowed");
  return { organizationId: user.organization_id as string };
}

async function listKeys(organizationId: string, first: number, filter: Filter, now: Date): Promise<unknown> {
  const where = ["k.organization_id = ?"];
  const params: unknown[] = [organizationId];
  if (filter.environment?.length) {
    where.push(`k.environment IN (${filter.environment.map(() => "?").join(", ")})`);
    params.push(...filter.environment);
  }
  if (filter.status?.length) {
    const parts = [...new Set(filter.status)].map((s) => STATUS_SQL[s]);
    where.push(`(${parts.join(" OR ")})`);
    for (const part of parts) if (part.includes("?")) params.push(db.time(now));
  }
  const search = filter.search?.trim();
  if (search) {
    where.push("LOWER(k.description) LIKE ? ESCAPE '!'");
    params.push(likePattern(search));
  }
  const whereSql = where.join(" AND ");
  const [count, rows] = await Promise.all([
    db.one(`SELECT COUNT(*) AS n FROM api_key k WHERE ${whereSql}`, params),
    db.all(
      `SELECT ${KEY_COLUMNS} FROM api_key k ` +
        `LEFT JOIN ${U} u ON u.id = k.created_by_user_id AND u.organization_id = k.organization_id ` +
        `LEFT JOIN api_key c ON c.id = k.created_by_api_key_id AND c.organization_id = k.organization_id ` +
        `WHERE ${whereSql} ORDER BY k.created_at DESC, k.id DESC LIMIT ?`,
      [...params, first + 1],
    ),
  ]);
  const page = rows.slice(0, first);

  const scoped = page.filter((r) => r.scope === "WORKSPACE").map((r) => r.id as string);
  const workspacesOf = new Map<string, { id: string; name: string }[]>();
  if (scoped.length) {
    const links = await db.all(
      "SELECT akw.api_key_id AS key_id, w.id, w.name FROM api_key_workspace akw JOIN workspace w ON w.id = akw.workspace_id " +
        `WHERE akw.api_key_id IN (${scoped.map(() => "?").join(", ")}) AND w.organization_id = ? ORDER BY w.created_at, w.id`,
      [...scoped, organizationId],
    );
    for (const link of links) {
      const list = workspacesOf.get(link.key_id as string) ?? [];
      list.push({ id: link.id as string, name: link.name as string });
      workspacesOf.set(link.key_id as string, list);
    }
  }

  const nowMs = now.getTime();
  let endCursor: string | null = null;
  const nodes = page.map((r) => {
    const createdAt = db.iso(r.created_at)!;
    const expiresAt = db.iso(r.expires_at);
    const revokedAt = db.iso(r.revoked_at);
    const status = revokedAt
      ? "REVOKED"
      : expiresAt && Date.parse(expiresAt) <= nowMs
        ? "EXPIRED"
        : r.suspended_at != null
          ? "SUSPENDED"
          : "ACTIVE";
    endCursor = cursorOf(createdAt, r.id as string);
    const createdBy = r.created_by_user_id
      ? r.u_id
        ? { __typename: "User", id: r.u_id, email: r.u_email }
        : null
      : r.created_by_api_key_id && r.c_id
        ? { __typename: "ApiKey", id: r.c_id }
        : null;
    return {
      id: r.id,
      description: r.description,
      environment: r.environment,
      scope: r.scope,
      permission: r.permission,
      status,
      tokenHint: r.token_hint,
      createdAt,
      lastUsedAt: db.iso(r.last_used_at),
      expiresAt,
      revokedAt,
      workspaces: workspacesOf.get(r.id as string) ?? [],
      createdBy,
    };
  });
  return {
    data: {
      apiKeys: {
        totalCount: Number(count?.n ?? 0),
        pageInfo: { hasNextPage: rows.length > first, endCursor },
        nodes,
      },
    },
  };
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const checksumOk = (token: string) => {
  if (!/^lk_(test|live)_[0-9A-Za-z]{36}$/.test(token)) return false;
  let n = crc32(token.slice(0, -6));
  let digits = "";
  for (let i = 0; i < 6; i++, n = Math.floor(n / 62)) digits = BASE62[n % 62] + digits;
  return digits === token.slice(-6);
};
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const lastWrite = new Map<string, number>();
const budgets = new Map<string, { window: number; used: number }>();
const KEY_BUDGET = 1_000_000_000; // as the bench server's RATE_LIMIT_KEY_PER_MINUTE

/** Writes lastUsedAt when this process has not for a minute (the server's policy). */
async function touch(table: string, id: string, now: Date): Promise<void> {
  const last = lastWrite.get(id);
  if (last !== undefined && now.getTime() - last < 60_000) return;
  lastWrite.set(id, now.getTime());
  await db.run(`UPDATE ${db.q(table)} SET last_used_at = ? WHERE id = ?`, [db.time(now), id]);
}

async function verify(
  authorization: string | undefined,
  token: string,
  require: { environment?: string; permission?: string },
  now: Date,
): Promise<unknown> {
  const platform = /^Bearer\s+(lk_plat_\S+)$/i.exec(authorization ?? "");
  const caller = platform
    ? await db.one(`SELECT id, revoked_at FROM ${db.q("platform_key")} WHERE token_hash = ?`, [sha256(platform[1])])
    : undefined;
  if (!caller || caller.revoked_at != null)
    throw new HttpError(401, "UNAUTHENTICATED", "Invalid, expired or revoked credential");
  await touch("platform_key", caller.id as string, now);
  const answer = (code: string, key?: Row, rateLimit: unknown = null) => ({
    data: {
      verifyApiKey: {
        valid: code === "VALID",
        code,
        apiKey: key ? { id: key.id, environment: key.environment, permission: key.permission } : null,
        organization: key ? { id: key.organization_id } : null,
        rateLimit,
      },
    },
  });
  if (!checksumOk(token)) return answer("NOT_FOUND");
  const key = await db.one(
    `SELECT k.id, k.organization_id, k.environment, k.permission, k.expires_at, k.revoked_at, k.suspended_at FROM ${db.q("api_key")} k WHERE k.token_hash = ?`,
    [sha256(token)],
  );
  if (!key) return answer("NOT_FOUND");
  if (key.revoked_at != null) return answer("REVOKED", key);
  const expires = db.iso(key.expires_at);
  if (expires !== null && Date.parse(expires) <= now.getTime()) return answer("EXPIRED", key);
  if (key.suspended_at != null) return answer("SUSPENDED", key);
  if (key.environment === "PRODUCTION") {
    const org = await db.one(`SELECT api_plan FROM ${db.q("organization")} WHERE id = ?`, [key.organization_id]);
    if (org?.api_plan == null) return answer("API_PLAN_REQUIRED", key);
  }
  await touch("api_key", key.id as string, now);
  const window = Math.floor(now.getTime() / 60_000);
  const budget = budgets.get(key.id as string);
  const used = budget && budget.window === window ? budget.used + 1 : 1;
  budgets.set(key.id as string, { window, used });
  const rateLimit = {
    limit: KEY_BUDGET,
    remaining: Math.max(0, KEY_BUDGET - used),
    resetAt: new Date((window + 1) * 60_000).toISOString(),
  };
  if (used > KEY_BUDGET) return answer("RATE_LIMITED", key, rateLimit);
  if (require.environment && require.environment !== key.environment)
    return answer("ENVIRONMENT_MISMATCH", key, rateLimit);
  if (require.permission === "FULL_ACCESS" && key.permission !== "FULL_ACCESS")
    return answer("INSUFFICIENT_PERMISSION", key, rateLimit);
  return answer("VALID", key, rateLimit);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const payload = JSON.stringify(json);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === "GET" && req.url === "/__bench/sql-count") return send(res, 200, { count: statements });
  if (req.method === "GET" && req.url === "/healthz") return send(res, 200, { status: "ok" });
  if (req.method !== "POST" || req.url !== "/graphql") return send(res, 404, { error: "not found" });
  try {
    const request = JSON.parse(await readBody(req)) as {
      variables?: { first?: number; filter?: Filter; token?: string; require?: Record<string, string> };
    };
    const now = new Date();
    if (typeof request.variables?.token === "string")
      return send(
        res,
        200,
        await verify(req.headers.authorization, request.variables.token, request.variables.require ?? {}, now),
      );
    const { organizationId } = await principal(req.headers.authorization);
    const first = request.variables?.first ?? 20;
    if (!Number.isInteger(first) || first < 0 || first > 100)
      throw new HttpError(200, "BAD_USER_INPUT", "first must be between 0 and 100");
    send(res, 200, await listKeys(organizationId, first, request.variables?.filter ?? {}, now));
  } catch (error) {
    if (error instanceof HttpError)
      return send(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    process.stderr.write(`floor: ${(error as Error).stack}\n`);
    send(res, 500, { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
  }
}

const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`floor listening on http://127.0.0.1:${port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
