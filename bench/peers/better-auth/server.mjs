/**
 * The bench's peer: Better Auth (better-auth@1.7.5) with its API-key plugin (@better-auth/api-key@1.7.5), run the
 * way its users run it — `betterAuth({ database: new Database(file), plugins: [apiKey(...)] })` on better-sqlite3
 * in WAL mode, the schema made by Better Auth's own migrations — and served over node:http. The plugin's
 * verifyApiKey is server-only (no HTTP route), so this process answers `POST /verify` with `{ "key": "..." }` by
 * calling `auth.api.verifyApiKey({ body: { key } })` and sending its JSON, as a user's own API server would.
 * See bench/peers/README.md.
 *
 * Started by bench/run.ts as its own process (like bench/floor.ts):
 *   PEER_DB=<sqlite file> PORT=0 [PEER_KEYS=17300] [PEER_USERS=1700] [PEER_TOKENS=<file>] node bench/peers/better-auth/server.mjs
 * The database file is made afresh (an existing one is deleted). Seeds PEER_KEYS keys across PEER_USERS users,
 * every one with Better Auth's own server API, writes the tokens the bench verifies to PEER_TOKENS (JSON
 * `{ valid, invalid, keyId, counts }`) and prints them on a `peer tokens {…}` line, then prints
 * `peer listening on http://127.0.0.1:<port>` once ready.
 */
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
// the repository's own better-sqlite3 (Node's resolution walks up to /work/main/node_modules): none is installed here
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { apiKey, defaultKeyHasher } from "@better-auth/api-key";

const file = process.env.PEER_DB;
if (!file) throw new Error("PEER_DB (the SQLite file) is required");
const keyCount = Number(process.env.PEER_KEYS ?? 17300);
const userCount = Number(process.env.PEER_USERS ?? 1700);
const tokensFile = process.env.PEER_TOKENS;

/** A small seeded PRNG (splitmix32), so the dataset's shape (not its random keys) is the same on every run. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
// every statement better-sqlite3 runs is counted (GET /__bench/sql-count, as Latchkey's BENCH_COUNT_SQL=1);
// PEER_TRACE_SQL=1 also prints them
let statements = 0;
const trace = process.env.PEER_TRACE_SQL === "1";
const database = new Database(file, {
  verbose: trace ? (sql) => (statements++, process.stderr.write(`sql: ${sql}\n`)) : () => statements++,
});
database.pragma("journal_mode = WAL");

const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 72_000;
await new Promise((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
const { port } = server.address();
const baseURL = `http://127.0.0.1:${port}`;

const options = {
  database,
  secret: "latchkey-bench-peer-better-auth-secret-0123456789",
  baseURL,
  logger: { disabled: true },
  telemetry: { enabled: false },
  plugins: [
    // the plugin's own per-key rate limit off, as Latchkey's budgets never bite in the bench (but still run)
    apiKey({ rateLimit: { enabled: false } }),
  ],
};

// Better Auth's own migrations (what `npx @better-auth/cli migrate` runs): user, session, account, verification, apikey
const t0 = Date.now();
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
const context = await auth.$context;

// ---- seeding: users, then keys, all through Better Auth's server-side API
const random = prng(1);
const users = [];
for (let u = 0; u < userCount; u++) {
  const user = await context.internalAdapter.createUser({
    email: `user${u}@peer.bench.test`,
    name: `User ${u}`,
    emailVerified: true,
  });
  users.push(user.id);
}
let disabled = 0;
let expiring = 0;
let valid = null;
for (let k = 0; k < keyCount; k++) {
  const userId = users[Math.floor(random() * users.length)];
  // like Latchkey's dataset: 15 % switched off (Better Auth's counterpart of a revoked key), 30 % of the others
  // expiring in 7–365 days. No expired keys: Better Auth deletes expired keys itself (createApiKey and, in
  // deferUpdates mode, verifyApiKey sweep them at most every 10 s), so a table of them is not what its users have.
  const roll = random();
  const expiresIn = roll >= 0.15 && random() < 0.3 ? (7 + Math.floor(random() * 359)) * 86400 : undefined;
  const created = await auth.api.createApiKey({
    body: { userId, name: `bench ${k}`, ...(expiresIn ? { expiresIn } : {}) },
  });
  if (roll < 0.15) {
    await auth.api.updateApiKey({ body: { keyId: created.id, userId, enabled: false } });
    disabled++;
  } else {
    if (expiresIn) expiring++;
    if (!valid && !expiresIn) valid = { key: created.key, id: created.id };
  }
}
const seededIn = (Date.now() - t0) / 1000;

// an invalid key: the default format (64 letters, no prefix) with a hash that is not in the table
let invalid;
do {
  invalid = Array.from({ length: valid.key.length }, () => {
    const n = Math.floor(random() * 52);
    return String.fromCharCode(n < 26 ? 97 + n : 65 + n - 26);
  }).join("");
} while (database.prepare("SELECT 1 FROM apikey WHERE key = ?").get(await defaultKeyHasher(invalid)));

const counts = {
  users: database.prepare("SELECT COUNT(*) AS n FROM user").get().n,
  apiKeys: database.prepare("SELECT COUNT(*) AS n FROM apikey").get().n,
  disabledKeys: disabled,
  expiringKeys: expiring,
  seconds: Math.round(seededIn * 10) / 10,
};
const tokens = { valid: valid.key, keyId: valid.id, invalid, counts };
if (tokensFile) writeFileSync(tokensFile, JSON.stringify(tokens) + "\n");
process.stdout.write(`peer tokens ${JSON.stringify(tokens)}\n`);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res, status, json) {
  const payload = JSON.stringify(json);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

async function handle(req, res) {
  if (req.method === "GET" && req.url === "/__bench/sql-count") return send(res, 200, { count: statements });
  if (req.method === "GET" && req.url === "/healthz") return send(res, 200, { status: "ok" });
  if (req.method !== "POST" || req.url !== "/verify") return send(res, 404, { error: "not found" });
  try {
    const { key } = JSON.parse(await readBody(req));
    if (typeof key !== "string") return send(res, 400, { error: "key must be a string" });
    send(res, 200, await auth.api.verifyApiKey({ body: { key } }));
  } catch (error) {
    process.stderr.write(`peer: ${error?.stack ?? error}\n`);
    send(res, 500, { error: "internal server error" });
  }
}

process.stdout.write(`peer listening on ${baseURL}\n`);
const stop = () =>
  server.close(() => {
    database.close();
    process.exit(0);
  });
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
