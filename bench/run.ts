/**
 * `npm run bench [-- options]`: seeds a deterministic dataset, starts the real server (production
 * mode, its own process) and the floor, and drives them with autocannon, interleaving scenario and
 * floor runs, on SQLite and — when BENCH_MYSQL_URL is set — on MariaDB/MySQL. Writes a markdown
 * table and JSON per database into bench/results/. See docs/performance.md. With a peer scenario
 * (`--peers`), also starts Better Auth's API-key plugin as a peer (SQLite only, bench/peers/README.md)
 * and reports Latchkey's verifyApiKey over the peer's.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { SignJWT } from "jose";
import { migrate, mysqlTarget, resetDatabase, ROOT, sqliteTarget, type DbTarget } from "./lib/db";
import { summarizeProfiles } from "./lib/profile";
import { bodies, buildScenarios, pathOf, type PeerTokens, type Scenario, type Target } from "./lib/scenarios";
import { seedDataset, type Fixtures } from "./lib/seed";
import {
  cpuBusyMs,
  cpuCount,
  cpuMs,
  findDatabaseServerPid,
  hasTaskset,
  memoryMb,
  pinned,
  pinSelf,
  startProcess,
  stopProcess,
  type Started,
} from "./lib/proc";
import {
  finish,
  type PeerMeta,
  type ReportMeta,
  type ResultFile,
  type RunSample,
  type ScenarioSummary,
  type TargetResult,
} from "./lib/report";
import type { LoadRequest, LoadResult } from "./loadgen";

/** Run order within a repeat: each scenario next to its floor (and (a) next to (a) without shield). */
const DEFAULT_SCENARIOS = [
  "a",
  "a_noshield",
  "floor_a",
  "b",
  "floor_b",
  "c",
  "floor_c",
  "d",
  "d_jwt",
  "e",
  "f",
  "f_http",
  "floor_f",
];
/**
 * `--peers`: Latchkey's verification (valid, not stored; over /graphql and POST /v1/keys/verify) next to Better
 * Auth's, and the floor (bench/peers).
 */
const PEER_SCENARIOS = ["f", "f_http", "f_invalid", "f_http_invalid", "floor_f", "peer_ba", "peer_ba_invalid"];
const JWT_SECRET = "latchkey-bench-secret-0123456789abcdefghijklmnop";
/** The peer (bench/peers/README.md): its own package, installed into its own node_modules. */
const PEER_DIR = join(ROOT, "bench", "peers", "better-auth");

interface Options {
  quick: boolean;
  databases: string[];
  connections: number;
  warmup: number;
  rewarm: number;
  duration: number;
  repeats: number;
  scenarios: string[];
  seed: number;
  pin: boolean;
  checkBodies: boolean;
  out: string;
  strict: boolean;
  serverMain: string;
  profile: boolean;
  /** V8's --max-semi-space-size for the server (MB), as the npm start script sets it */
  semiSpace: number;
  /** V8's --heap-growing-percent for the server (0, as npm start: V8's own heuristics) — to price a smaller heap */
  heapGrowingPercent: number;
  /** more V8 or Node flags for the server (--server-flags "…"), e.g. to price a heap setting */
  serverFlags: string[];
  /** --peers: install the peer if needed and run PEER_SCENARIOS on SQLite (unless --scenarios / --db say otherwise) */
  peers: boolean;
}

const USAGE = `npm run bench [-- options]
  --quick             smoke test: 2 s runs, 1 s warm-up, 1 repeat (results in bench/results/quick/)
  --db LIST           sqlite, mysql or both (default: sqlite, plus mysql when BENCH_MYSQL_URL is set)
  --connections N     autocannon connections (32)
  --warmup S          warm-up before each scenario's first run (5)
  --rewarm S          warm-up before its later runs (2)
  --duration S        measured seconds per run (15)
  --repeats N         repeats of the interleaved sequence (3)
  --scenarios LIST    comma-separated, in run order (${DEFAULT_SCENARIOS.join(",")})
  --seed N            dataset seed (1)
  --no-pin            do not pin with taskset
  --no-check-bodies   do not look for GraphQL errors in every response
  --out DIR           where the .md and .json go (bench/results)
  --strict            exit 1 when a target is missed
  --semi-space MB     the server's --max-semi-space-size (32, as in npm start)
  --heap-growing N    run the server with --heap-growing-percent=N (0, as npm start: V8's own growth)
  --server-flags "…"  more Node/V8 flags for the server, e.g. "--optimize-for-size"
  --server-main PATH  the server entry point (default dist/bench/server.js: src/main.ts plus the two measuring aids)
  --render FILE…      redo medians, targets and markdown from saved JSON results (no run)
  --profile           run the server under --cpu-prof and print where its CPU went (numbers then include
                      the profiler's overhead: results go to bench/results/profile/)
  --peers             side by side with Better Auth's API-key plugin (bench/peers/README.md): installs it
                      (npm ci --prefix bench/peers/better-auth) when its node_modules is missing, and runs
                      ${PEER_SCENARIOS.join(",")} on SQLite unless --scenarios / --db are given
                      (peer scenarios run on SQLite only: on MariaDB/MySQL they are skipped)
Environment: BENCH_MYSQL_URL=mariadb://user:pass@127.0.0.1:3307/latchkey_bench (mysql:// for MySQL 8)`;

function parseOptions(argv: string[]): Options {
  const quick = argv.includes("--quick");
  const o: Options = {
    quick,
    databases: process.env.BENCH_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"],
    connections: 32,
    warmup: quick ? 1 : 5,
    rewarm: quick ? 1 : 2,
    duration: quick ? 2 : 15,
    repeats: quick ? 1 : 3,
    scenarios: DEFAULT_SCENARIOS,
    seed: 1,
    pin: true,
    checkBodies: true,
    out: join(ROOT, "bench", "results", ...(quick ? ["quick"] : [])),
    strict: false,
    serverMain: join(ROOT, "dist", "bench", "server.js"),
    profile: false,
    semiSpace: 32,
    heapGrowingPercent: 0,
    serverFlags: [],
    peers: argv.includes("--peers"),
  };
  let outGiven = false;
  let dbGiven = false;
  let scenariosGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} needs a non-negative number`);
      return n;
    };
    switch (arg) {
      case "--quick":
      case "--peers":
        break;
      case "--db":
        o.databases = value()
          .split(",")
          .flatMap((d) => (d === "both" || d === "all" ? ["sqlite", "mysql"] : [d === "mariadb" ? "mysql" : d]));
        dbGiven = true;
        break;
      case "--connections":
        o.connections = number();
        break;
      case "--warmup":
        o.warmup = number();
        break;
      case "--rewarm":
        o.rewarm = number();
        break;
      case "--duration":
        o.duration = number();
        break;
      case "--repeats":
        o.repeats = Math.max(1, Math.floor(number()));
        break;
      case "--scenarios":
        o.scenarios = value().split(",");
        scenariosGiven = true;
        break;
      case "--seed":
        o.seed = number();
        break;
      case "--semi-space":
        o.semiSpace = number();
        break;
      case "--heap-growing":
        o.heapGrowingPercent = number();
        break;
      case "--server-flags":
        o.serverFlags = value().split(" ").filter(Boolean);
        break;
      case "--no-pin":
        o.pin = false;
        break;
      case "--no-check-bodies":
        o.checkBodies = false;
        break;
      case "--out":
        o.out = value();
        outGiven = true;
        break;
      case "--profile":
        o.profile = true;
        break;
      case "--strict":
        o.strict = true;
        break;
      case "--server-main":
        o.serverMain = value();
        break;
      case "--help":
      case "-h":
        process.stdout.write(USAGE + "\n");
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (o.peers) {
    if (!scenariosGiven) o.scenarios = PEER_SCENARIOS;
    if (!dbGiven) o.databases = ["sqlite"];
  }
  for (const db of o.databases) if (db !== "sqlite" && db !== "mysql") throw new Error(`--db: unknown database ${db}`);
  if (o.databases.includes("mysql") && !process.env.BENCH_MYSQL_URL)
    throw new Error("--db mysql needs BENCH_MYSQL_URL");
  if (o.duration <= 0) throw new Error("--duration must be positive");
  if (o.profile && !outGiven) o.out = join(ROOT, "bench", "results", "profile");
  return o;
}

const log = (line: string) => process.stderr.write(line + "\n");

/** The load generator child, pinned to its own core. */
class LoadGenerator {
  private seq = 0;
  private pending = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void; onStart?: () => void }>();

  readonly pid: number;

  private constructor(private readonly child: ChildProcess) {
    this.pid = child.pid!;
    child.on("message", (m: { type: "started" | "result" | "error"; id: number; message?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === "started") return p.onStart?.();
      this.pending.delete(m.id);
      if (m.type === "result") p.resolve(m as unknown as LoadResult);
      else p.reject(new Error(`load generator: ${m.message}`));
    });
    child.on("exit", (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code})`));
      this.pending.clear();
    });
  }

  static start(cpu: number | null): Promise<LoadGenerator> {
    const [command, args] = pinned(cpu, process.execPath, [join(__dirname, "loadgen.js")]);
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      child.once("message", () => resolve(new LoadGenerator(child)));
      child.once("exit", (code) => reject(new Error(`load generator exited (${code}) before it was ready`)));
    });
  }

  run(request: Omit<LoadRequest, "type" | "id">, onStart?: () => void): Promise<LoadResult> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onStart });
      this.child.send({ type: "run", id, ...request } satisfies LoadRequest);
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

async function post(
  url: string,
  body: string,
  authorization?: string,
  path = "/graphql",
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** The server's statement counter (BENCH_COUNT_SQL=1 → GET /__bench/sql-count), or null when it has none. */
async function sqlCount(url: string): Promise<number | null> {
  try {
    const response = await fetch(`${url}/__bench/sql-count`);
    if (!response.ok) return null;
    const json = (await response.json()) as { count?: unknown };
    return typeof json.count === "number" ? json.count : null;
  } catch {
    return null;
  }
}

/** Statements per request over `times` sequential requests (exact: nothing else runs meanwhile). */
async function sqlPerRequest(
  url: string,
  send: () => Promise<unknown>,
  times = 5,
  requestsPerSend = 1,
): Promise<number | null> {
  await send(); // not counted: a first request may fill a cache or write lastUsedAt (once a minute)
  const before = await sqlCount(url);
  if (before === null) return null;
  for (let i = 0; i < times; i++) await send();
  const after = await sqlCount(url);
  return after === null ? null : (after - before) / (times * requestsPerSend);
}

function firstDifference(a: unknown, b: unknown, path = "$"): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (d) return d;
    }
    const ka = Object.keys(a).join(",");
    const kb = Object.keys(b).join(",");
    if (ka !== kb) return `${path}: keys ${ka} vs ${kb}`;
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

const signJwt = (userId: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("6h")
    .sign(new TextEncoder().encode(JWT_SECRET));

function gitCommit(): string {
  // read-only: GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing the index
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: "0" };
  const out = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8", env });
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], {
    cwd: ROOT,
    encoding: "utf8",
    env,
  });
  return (out.stdout?.trim() || "unknown") + (dirty.stdout?.trim() ? "+changes" : "");
}

interface DbOutcome {
  label: string;
  markdown: string;
  invalid: string[];
  missed: TargetResult[];
}

/** The checkout the run started from (the build under test), read once at start. */
let COMMIT = "unknown";

async function benchDatabase(
  target: DbTarget,
  options: Options,
  loadgen: LoadGenerator,
  serverCpu: number | null,
): Promise<DbOutcome> {
  const work = join(ROOT, "bench", ".work");
  mkdirSync(work, { recursive: true });
  const invalid: string[] = [];
  const started: Partial<Record<Target, Started>> = {};

  log(`\n== ${target.label}: preparing the database`);
  let t0 = Date.now();
  await resetDatabase(target);
  await migrate(target);
  const fixtures: Fixtures = await seedDataset(target, {
    seed: options.seed,
    organizations: 200,
    bigOrgKeys: 200,
    now: new Date(),
  });
  log(`   migrated and seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(fixtures.counts)}`);

  const [adminJwt, writerJwt, memberJwt] = await Promise.all([
    signJwt(fixtures.admin.id),
    signJwt(fixtures.writer.id),
    signJwt(fixtures.member.id),
  ]);
  const credentials = {
    adminJwt,
    writerJwt,
    apiKey: fixtures.apiKey.token,
    platformKey: fixtures.platformKey.token,
    unknownKey: fixtures.unknownKey.token,
  };
  // the peer's scenarios get their keys once the peer has seeded its table (below): rebuilt then, same names
  let allScenarios = buildScenarios(fixtures, credentials);
  const select = (all: Scenario[]) =>
    all
      .filter((s) => options.scenarios.includes(s.name))
      .sort((x, y) => options.scenarios.indexOf(x.name) - options.scenarios.indexOf(y.name));
  let scenarios = select(allScenarios);
  const unknown = options.scenarios.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(", ")}`);

  const serverEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
    NODE_ENV: "production",
    JWT_SECRET,
    DATABASE_URL: target.serverUrl,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "warn",
    DATA_DIR: join(work, "data"),
    BENCH_COUNT_SQL: "1",
    // the per-key and per-organization budgets stay on (their cost is part of every request) but never bite
    RATE_LIMIT_KEY_PER_MINUTE: "1000000000",
    RATE_LIMIT_ORG_PER_MINUTE: "1000000000",
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1000000000",
    // on demand (docs/scaling.md): Redis for the budgets (BENCH_REDIS_URL), and the verification cache on it
    // (BENCH_VERIFY_CACHE_TTL_MS): compare a run with both to a run with Redis alone
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
    ...(process.env.BENCH_VERIFY_CACHE_TTL_MS ? { VERIFY_CACHE_TTL_MS: process.env.BENCH_VERIFY_CACHE_TTL_MS } : {}),
    ...extra,
  });
  const profileDir = join(work, "profiles", target.label);
  if (options.profile) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const serverCommand = pinned(serverCpu, process.execPath, [
    `--max-semi-space-size=${options.semiSpace}`,
    ...(options.heapGrowingPercent ? [`--heap-growing-percent=${options.heapGrowingPercent}`] : []),
    ...options.serverFlags,
    ...(options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    options.serverMain,
  ]);
  const listening = /listening on (http:\/\/[^\s/]+)/;
  const needs = new Set(scenarios.map((s) => s.target));
  const dbPid = target.kind === "mysql" ? findDatabaseServerPid() : null;
  const scenarioResults = new Map<string, ScenarioSummary>();
  let peerMeta: PeerMeta | undefined;

  try {
    t0 = Date.now();
    if (needs.has("peer") && target.kind !== "sqlite") {
      log("   peer scenarios run on SQLite only (bench/peers): skipped on this database");
    } else if (needs.has("peer")) {
      // the peer seeds a table the size of Latchkey's through its own API before it listens (about 40 s)
      const peerTokensFile = join(work, "peer-better-auth-tokens.json");
      rmSync(peerTokensFile, { force: true });
      started.peer = await startProcess(
        "peer (Better Auth)",
        pinned(serverCpu, process.execPath, [
          `--max-semi-space-size=${options.semiSpace}`,
          join(PEER_DIR, "server.mjs"),
        ]),
        {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
          NODE_ENV: "production",
          PEER_DB: join(work, "peer-better-auth.sqlite"),
          PEER_TOKENS: peerTokensFile,
          PEER_KEYS: String(fixtures.counts.apiKeys),
          PEER_USERS: String(fixtures.counts.users),
          PORT: "0",
        },
        /peer listening on (http:\/\/[^\s/]+)/,
        join(work, `peer-better-auth-${target.label}.log`),
        300_000,
      );
      const peer = JSON.parse(readFileSync(peerTokensFile, "utf8")) as PeerTokens & {
        counts: Record<string, number>;
      };
      allScenarios = buildScenarios(fixtures, { ...credentials, peer });
      scenarios = select(allScenarios);
      const version = (name: string) =>
        (JSON.parse(readFileSync(join(PEER_DIR, "node_modules", name, "package.json"), "utf8")) as { version: string })
          .version;
      peerMeta = {
        name: `better-auth@${version("better-auth")} + @better-auth/api-key@${version("@better-auth/api-key")}`,
        setup:
          "better-sqlite3 (WAL), schema by its getMigrations, the plugin's rate limit off, logger off, telemetry off, " +
          "`auth.api.verifyApiKey` behind node:http `POST /verify`",
        counts: peer.counts,
      };
      log(
        `   peer seeded ${peer.counts.apiKeys} keys across ${peer.counts.users} users in ${peer.counts.seconds} s (pid ${started.peer.pid})`,
      );
    }
    started.server = await startProcess(
      "server",
      serverCommand,
      serverEnv({}),
      listening,
      join(work, `server-${target.label}.log`),
    );
    if (needs.has("noshield")) {
      started.noshield = await startProcess(
        "server (shield off)",
        serverCommand,
        serverEnv({ BENCH_DISABLE_SHIELD: "1" }),
        listening,
        join(work, `server-noshield-${target.label}.log`),
      );
    }
    if (needs.has("floor")) {
      const floorDb = target.kind === "sqlite" ? target.serverUrl : target.mysqlUri!;
      started.floor = await startProcess(
        "floor",
        pinned(serverCpu, process.execPath, ["--max-semi-space-size=64", join(__dirname, "floor.js")]),
        { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_FLOOR_DB: floorDb, JWT_SECRET, PORT: "0" },
        listening,
        join(work, `floor-${target.label}.log`),
      );
    }
    log(`   processes up in ${((Date.now() - t0) / 1000).toFixed(1)} s (server pid ${started.server.pid})`);
    const urlOf = (t: Target) => started[t]!.url;

    // ---- what the server offers the bench
    const counting = (await sqlCount(urlOf("server"))) !== null;
    let shieldSwitch: boolean | null = null;
    const memberProbe = bodies.list(1);
    const shieldOn = async (url: string) => {
      const { json } = await post(url, memberProbe, `Bearer ${memberJwt}`);
      return !(json as { data?: { apiKeys?: unknown } }).data?.apiKeys;
    };
    if (!(await shieldOn(urlOf("server"))))
      invalid.push("graphql-shield looks off on the server under test: a member could list API keys");
    if (started.noshield) {
      shieldSwitch = !(await shieldOn(urlOf("noshield")));
      if (!shieldSwitch) log("   the server ignores BENCH_DISABLE_SHIELD=1: the shield comparison is n/a");
    }
    if (!counting) log("   the server has no GET /__bench/sql-count (BENCH_COUNT_SQL=1): SQL statements are n/a");

    // ---- one checked request per scenario; floors (and shield off) must answer exactly what the server answers
    const answers = new Map<string, unknown>();
    const runnable: Scenario[] = [];
    for (const s of scenarios) {
      const summary: ScenarioSummary = {
        name: s.name,
        title: s.title,
        target: s.target,
        floor: s.floor,
        ...(s.peer ? { peer: s.peer } : {}),
        runs: [],
      };
      scenarioResults.set(s.name, summary);
      if (s.target === "noshield" && !shieldSwitch) {
        summary.skipped = "n/a: server ignores BENCH_DISABLE_SHIELD";
        continue;
      }
      if (s.target === "peer" && !started.peer) {
        summary.skipped = "n/a: peers run on SQLite only";
        continue;
      }
      if (s.workload.kind === "static") {
        const { status, json } = await post(
          urlOf(s.target),
          s.workload.body,
          s.workload.authorization,
          pathOf(s.workload),
        );
        try {
          if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(json).slice(0, 300)}`);
          summary.answer = s.check?.(json);
        } catch (error) {
          invalid.push(`${s.name}: ${(error as Error).message}`);
          summary.skipped = "invalid answer";
          continue;
        }
        answers.set(s.name, json);
      } else {
        const created = await post(urlOf("server"), bodies.create(), s.workload.authorization);
        const id = (created.json as { data?: { createApiKey?: { apiKey?: { id?: string } } } }).data?.createApiKey
          ?.apiKey?.id;
        const revoked = id ? await post(urlOf("server"), bodies.revoke(id), s.workload.authorization) : null;
        if (!id || !revoked || (revoked.json as { errors?: unknown }).errors) {
          invalid.push(`${s.name}: create/revoke failed: ${JSON.stringify(created.json).slice(0, 300)}`);
          summary.skipped = "invalid answer";
          continue;
        }
        summary.answer = "created and revoked one key";
      }
      runnable.push(s);
    }
    let floorsByteIdentical: boolean | null = null;
    for (const [name, reference] of [
      ["floor_a", "a"],
      ["floor_b", "b"],
      ["floor_c", "c"],
      ["a_noshield", "a"],
    ]) {
      if (!answers.has(name) || !answers.has(reference)) continue;
      // the two answers were taken a moment apart: re-ask both back to back if they differ
      let difference = firstDifference(answers.get(name), answers.get(reference));
      if (difference) {
        const s = scenarios.find((x) => x.name === name)!;
        const r = scenarios.find((x) => x.name === reference)!;
        if (s.workload.kind === "static" && r.workload.kind === "static") {
          const [x, y] = await Promise.all([
            post(urlOf(s.target), s.workload.body, s.workload.authorization),
            post(urlOf(r.target), r.workload.body, r.workload.authorization),
          ]);
          difference = firstDifference(x.json, y.json);
        }
      }
      if (difference) invalid.push(`${name} does not answer what ${reference} answers: ${difference}`);
      else if (name.startsWith("floor")) {
        const same = JSON.stringify(answers.get(name)) === JSON.stringify(answers.get(reference));
        floorsByteIdentical = (floorsByteIdentical ?? true) && same;
      }
    }

    // ---- SQL statements per request (sequential, exact)
    let sqlByPageSize: Record<string, number> | null = null;
    const admin = `Bearer ${adminJwt}`;
    const authOnly = {
      jwt: counting ? await sqlPerRequest(urlOf("server"), () => post(urlOf("server"), bodies.typename, admin)) : null,
      key: counting
        ? await sqlPerRequest(urlOf("server"), () =>
            post(urlOf("server"), bodies.typename, `Bearer ${fixtures.apiKey.token}`),
          )
        : null,
    };
    // scenarios left out of the runs still get their statements counted on the main server
    const probeOnly = allScenarios.filter((s) => s.target === "server" && !scenarios.includes(s));
    for (const s of probeOnly) {
      scenarioResults.set(s.name, {
        name: s.name,
        title: s.title,
        target: s.target,
        runs: [],
        skipped: "not run (SQL counted only)",
      });
    }
    for (const s of [...runnable, ...probeOnly]) {
      const url = urlOf(s.target);
      const workload = s.workload;
      const auth = workload.authorization === `Bearer ${fixtures.apiKey.token}` ? authOnly.key : authOnly.jwt;
      let perRequest: number | null;
      if (workload.kind === "static") {
        perRequest = await sqlPerRequest(url, () => post(url, workload.body, workload.authorization, pathOf(workload)));
      } else {
        perRequest = await sqlPerRequest(
          url,
          async () => {
            const created = await post(url, bodies.create(), workload.authorization);
            const id = (created.json as { data: { createApiKey: { apiKey: { id: string } } } }).data.createApiKey.apiKey
              .id;
            await post(url, bodies.revoke(id), workload.authorization);
          },
          5,
          2,
        );
      }
      const summary = scenarioResults.get(s.name)!;
      summary.sql =
        perRequest === null
          ? null
          : {
              perRequest,
              ...(s.target !== "floor" && s.target !== "peer" && auth !== null
                ? { beyondAuth: perRequest - auth }
                : {}),
            };
    }
    if (counting) {
      sqlByPageSize = {};
      for (const first of [1, 20, 50, 100]) {
        const n = await sqlPerRequest(urlOf("server"), () => post(urlOf("server"), bodies.list(first), admin), 3);
        if (n !== null) sqlByPageSize[String(first)] = n;
      }
    }

    // ---- the measured runs: every repeat runs the whole interleaved sequence
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const s of runnable) {
        const proc = started[s.target]!;
        const warm = repeat === 0 ? options.warmup : options.rewarm;
        const request = {
          url: proc.url,
          connections: options.connections,
          workload: s.workload,
          checkBodies: options.checkBodies,
        };
        if (warm > 0) await loadgen.run({ ...request, duration: warm });
        const sampleAll = () => ({
          at: performance.now(),
          cpu: cpuMs(proc.pid),
          db: dbPid ? cpuMs(dbPid) : 0,
          loadgen: cpuMs(loadgen.pid),
          core: serverCpu === null ? NaN : cpuBusyMs(serverCpu),
        });
        let before = sampleAll();
        const result = await loadgen.run({ ...request, duration: options.duration }, () => {
          before = sampleAll();
        });
        const after = sampleAll();
        const cpu = after.cpu - before.cpu;
        const dbCpu = dbPid ? after.db - before.db : NaN;
        const windowMs = after.at - before.at;
        const loadgenCpuPct = ((after.loadgen - before.loadgen) / windowMs) * 100;
        const otherLoad = serverCpu === null ? null : Math.max(0, ((after.core - before.core - cpu) / windowMs) * 100);
        const memory = memoryMb(proc.pid);
        const sample: RunSample = {
          repeat,
          requests: result.requests,
          rps: result.rps,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          ...(result.p99Steady !== null ? { p99Steady: result.p99Steady } : {}),
          ...(result.steadyAfterMs !== null ? { steadyAfterMs: result.steadyAfterMs } : {}),
          mean: result.latency.mean,
          cpuMsPerReq: result.requests ? cpu / result.requests : NaN,
          dbCpuMsPerReq: dbPid && result.requests ? dbCpu / result.requests : null,
          rssMb: memory.rss,
          loadgenCpuPct,
          otherLoadOnServerCpuPct: otherLoad,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          graphqlErrors: result.graphqlErrors,
          ...(result.firstError ? { firstError: result.firstError } : {}),
        };
        const problems = result.errors + result.non2xx + result.graphqlErrors;
        if (problems > 0)
          invalid.push(
            `${s.name} repeat ${repeat + 1}: ${result.errors} connection errors, ${result.non2xx} non-2xx, ${result.graphqlErrors} error answers; first: ${result.firstError ?? "–"}`,
          );
        scenarioResults.get(s.name)!.runs.push(sample);
        log(
          `   [${target.label} ${repeat + 1}/${options.repeats}] ${s.name.padEnd(10)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50.toFixed(1).padStart(5)} ms  p99 ${result.latency.p99.toFixed(1).padStart(6)} ms (${result.p99Steady !== null && result.steadyAfterMs !== null ? `steady ${result.p99Steady.toFixed(1)} after ${(result.steadyAfterMs / 1000).toFixed(1)} s` : "never steady: a connection had no answer"})  ` +
            `cpu ${sample.cpuMsPerReq.toFixed(3)} ms/req  rss ${memory.rss.toFixed(0)} MB  autocannon ${loadgenCpuPct.toFixed(0)}%` +
            (otherLoad !== null ? `  other load on cpu${serverCpu} ${otherLoad.toFixed(0)}%` : "") +
            (problems ? `  PROBLEMS ${problems}` : ""),
        );
      }
    }
    // ratios to the floor of the same repeat; a scenario whose own floor did not run is compared with floor_a
    for (const summary of scenarioResults.values()) {
      if (!summary.floor) continue;
      if (!scenarioResults.get(summary.floor)?.runs.length) summary.floor = "floor_a";
      const floor = scenarioResults.get(summary.floor);
      for (const run of summary.runs) {
        const f = floor?.runs.find((r) => r.repeat === run.repeat);
        if (f) run.ratioToFloor = run.rps / f.rps;
      }
    }
    // ratios to the peer (bench/peers) of the same repeat
    for (const summary of scenarioResults.values()) {
      const peer = summary.peer ? scenarioResults.get(summary.peer) : undefined;
      if (!peer?.runs.length) continue;
      for (const run of summary.runs) {
        const p = peer.runs.find((r) => r.repeat === run.repeat);
        if (p) run.ratioToPeer = run.rps / p.rps;
      }
    }

    const serverMemory = memoryMb(started.server.pid);
    const meta: ReportMeta = {
      database: target.label,
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      commit: COMMIT,
      ...(options.serverMain !== join(ROOT, "dist", "bench", "server.js")
        ? { server: relative(ROOT, options.serverMain) || options.serverMain }
        : {}),
      node: process.version,
      cpu: `${cpus()[0]?.model?.trim() ?? "unknown CPU"} × ${cpus().length}`,
      pinned: serverCpu !== null,
      connections: options.connections,
      warmup: options.warmup,
      rewarm: options.rewarm,
      duration: options.duration,
      repeats: options.repeats,
      quick: options.quick,
      dataset: { seed: options.seed, ...fixtures.counts, bigOrg: fixtures.bigOrg, filter: fixtures.filter },
      switches: { sqlCount: counting, shieldSwitch },
      sqlByPageSize,
      floorsByteIdentical,
      ...(peerMeta ? { peer: peerMeta } : {}),
      invalid,
    };
    const { file, markdown: md } = finish({
      meta,
      options,
      authOnlySql: authOnly,
      server: { peakRssMb: serverMemory.peak, endRssMb: serverMemory.rss },
      scenarios: [...scenarioResults.values()],
    });
    const targets = file.targets;
    mkdirSync(options.out, { recursive: true });
    const base = join(options.out, target.label);
    writeFileSync(`${base}.json`, JSON.stringify(file, null, 2) + "\n");
    writeFileSync(`${base}.md`, md + "\n");
    log(`   wrote ${base}.md and ${base}.json`);
    return { label: target.label, markdown: md, invalid, missed: targets.filter((t) => t.met === false) };
  } finally {
    await Promise.all([
      stopProcess(started.server, options.profile ? 60_000 : 5000),
      stopProcess(started.noshield),
      stopProcess(started.floor),
      stopProcess(started.peer),
    ]);
    if (options.profile) {
      try {
        const summary = summarizeProfiles(profileDir, ROOT);
        writeFileSync(join(profileDir, "summary.txt"), summary + "\n");
        log(`\n${summary}\n   profile and summary in ${profileDir}`);
      } catch (error) {
        log(`   no profile summary: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * The peer's own node_modules (bench/peers/better-auth): `npm ci` from its lockfile when --peers asks and it is
 * missing. Its better-sqlite3 is the repository's (Node's resolution walks up to the root's node_modules).
 */
function ensurePeerInstalled(options: Options): void {
  const installed = ["better-auth", "@better-auth/api-key"].every((name) =>
    existsSync(join(PEER_DIR, "node_modules", name, "package.json")),
  );
  if (installed) return;
  if (!options.peers)
    throw new Error(`the peer is not installed (${relative(ROOT, PEER_DIR)}/node_modules): run with --peers`);
  const args = ["ci", "--prefix", relative(ROOT, PEER_DIR), "--no-audit", "--no-fund"];
  log(`installing the peer: npm ${args.join(" ")}`);
  const npm = spawnSync("npm", args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (npm.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${npm.status ?? npm.signal})`);
}

/** `--render FILE.json…`: medians, targets and markdown again from saved runs (after a change of the report). */
function render(files: string[]): void {
  for (const path of files) {
    const saved = JSON.parse(readFileSync(path, "utf8")) as ResultFile;
    const { file, markdown: md } = finish(saved);
    writeFileSync(path, JSON.stringify(file, null, 2) + "\n");
    writeFileSync(path.replace(/\.json$/, ".md"), md + "\n");
    process.stdout.write(md + "\n");
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === "--render") return render(process.argv.slice(3));
  const options = parseOptions(process.argv.slice(2));
  COMMIT = gitCommit();
  const peerRun = options.scenarios.some((name) => name.startsWith("peer_"));
  if (peerRun) ensurePeerInstalled(options);
  const pin = options.pin && hasTaskset() && cpuCount() >= 2;
  if (options.pin && !pin) log("taskset not available (or a single CPU): processes are not pinned");
  // server, floor and peer on CPU 0; autocannon and this orchestrator on CPU 1
  if (pin) pinSelf(1);
  const loadgen = await LoadGenerator.start(pin ? 1 : null);
  const started = Date.now();
  const outcomes: DbOutcome[] = [];
  const n = options.scenarios.length;
  const perDb =
    n * (options.warmup + options.duration) +
    (options.repeats - 1) * n * (options.rewarm + options.duration) +
    20 +
    (peerRun ? 60 : 0); // the peer seeds its table through its API
  log(
    `bench: ${options.databases.join(" + ")}, ${n} scenarios × ${options.repeats} repeats × ${options.duration} s, ${options.connections} connections; ` +
      `about ${Math.ceil((perDb * options.databases.length) / 60)} min${pin ? "" : " (not pinned)"}`,
  );
  try {
    for (const db of options.databases) {
      const target =
        db === "sqlite"
          ? sqliteTarget(join(ROOT, "bench", ".work", "bench.sqlite"))
          : mysqlTarget(process.env.BENCH_MYSQL_URL!);
      outcomes.push(await benchDatabase(target, options, loadgen, pin ? 0 : null));
    }
  } finally {
    loadgen.stop();
  }
  process.stdout.write("\n" + outcomes.map((o) => o.markdown).join("\n") + "\n");
  log(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const invalid = outcomes.flatMap((o) => o.invalid.map((p) => `${o.label}: ${p}`));
  const missed = outcomes.flatMap((o) => o.missed.map((t) => `${o.label}: ${t.target} — ${t.measured}`));
  if (missed.length) log(`targets missed:\n  ${missed.join("\n  ")}`);
  if (invalid.length) {
    log(`INVALID:\n  ${invalid.join("\n  ")}`);
    process.exit(1);
  }
  if (options.strict && missed.length) process.exit(1);
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
