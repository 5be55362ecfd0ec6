/** Medians, spreads, targets and the markdown table of one database's bench run. */

export interface RunSample {
  repeat: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** p99 once every connection had its first answer (bench/loadgen.ts), and when that was (ms into the run). */
  p99Steady?: number;
  steadyAfterMs?: number;
  mean: number;
  /** Server (or floor) process CPU, user + system, per completed request. */
  cpuMsPerReq: number;
  /** MariaDB/MySQL server CPU per request (null on SQLite). */
  dbCpuMsPerReq: number | null;
  /** VmRSS at the end of the measured window. */
  rssMb: number;
  /** Load generator CPU, % of one core over the window (near 100: the load generator, not the server, was the limit). */
  loadgenCpuPct: number;
  /** CPU 0 busy with anything but the process under test, % of the window (other work on the server's core). */
  otherLoadOnServerCpuPct: number | null;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  firstError?: string;
  /** This run's throughput divided by its floor's, measured in the same repeat. */
  ratioToFloor?: number;
  /** This run's throughput divided by its peer's (bench/peers), measured in the same repeat. */
  ratioToPeer?: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SqlProbe {
  /** Statements per request, counted by the server's TypeORM logger over a few sequential requests. */
  perRequest: number;
  /** The same minus what authentication alone costs (a `{ __typename }` request with the same credential). */
  beyondAuth?: number;
}

export interface ScenarioSummary {
  name: string;
  title: string;
  target: string;
  floor?: string;
  /** The peer scenario (bench/peers) this one is compared with. */
  peer?: string;
  /** e.g. "skipped: the server ignores BENCH_DISABLE_SHIELD" */
  skipped?: string;
  runs: RunSample[];
  rps?: Spread;
  p50?: Spread;
  p99?: Spread;
  p99Steady?: Spread;
  steadyAfterMs?: Spread;
  cpuMsPerReq?: Spread;
  dbCpuMsPerReq?: Spread;
  rssMb?: Spread;
  ratioToFloor?: Spread;
  ratioToPeer?: Spread;
  sql?: SqlProbe | null;
  /** What one request answered before the load (e.g. "20 nodes of 200"). */
  answer?: string;
  loadgenCpuPct?: Spread;
  otherLoadOnServerCpuPct?: Spread;
}

export interface TargetResult {
  id: string;
  target: string;
  measured: string;
  /** null: could not be measured (n/a) */
  met: boolean | null;
}

export const median = (values: number[]): number => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const spread = (values: number[]): Spread | undefined =>
  values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values) } : undefined;

export function summarize(summary: ScenarioSummary): ScenarioSummary {
  const runs = summary.runs;
  const of = (pick: (r: RunSample) => number | null | undefined) =>
    spread(runs.map(pick).filter((v): v is number => typeof v === "number" && Number.isFinite(v)));
  return {
    ...summary,
    rps: of((r) => r.rps),
    p50: of((r) => r.p50),
    p99: of((r) => r.p99),
    p99Steady: of((r) => r.p99Steady),
    steadyAfterMs: of((r) => r.steadyAfterMs),
    cpuMsPerReq: of((r) => r.cpuMsPerReq),
    dbCpuMsPerReq: of((r) => r.dbCpuMsPerReq),
    rssMb: of((r) => r.rssMb),
    ratioToFloor: of((r) => r.ratioToFloor),
    ratioToPeer: of((r) => r.ratioToPeer),
    loadgenCpuPct: of((r) => r.loadgenCpuPct),
    otherLoadOnServerCpuPct: of((r) => r.otherLoadOnServerCpuPct),
  };
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n)
    ? "–"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

const signed = (n: number) => (n >= 0 ? "+" : "") + fmt(n, 1);

const withRange = (s: Spread | undefined, digits: number) =>
  s
    ? s.min === s.max
      ? fmt(s.median, digits)
      : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
    : "–";

export interface ReportMeta {
  database: string;
  date: string;
  commit: string;
  /** The server's entry point when it is not dist/src/main.js of this checkout. */
  server?: string;
  node: string;
  cpu: string;
  pinned: boolean;
  connections: number;
  warmup: number;
  rewarm: number;
  duration: number;
  repeats: number;
  quick: boolean;
  dataset: Record<string, unknown>;
  switches: { sqlCount: boolean; shieldSwitch: boolean | null };
  sqlByPageSize?: Record<string, number> | null;
  /** Floors answer byte for byte what the server answers (not only the same values). */
  floorsByteIdentical?: boolean | null;
  /** The peer of bench/peers when one ran: what it is and the table it verified against. */
  peer?: PeerMeta;
  invalid: string[];
}

export interface PeerMeta {
  /** e.g. "better-auth@1.7.5 + @better-auth/api-key@1.7.5" */
  name: string;
  /** e.g. "SQLite (WAL), the plugin's rate limit off, logger off, telemetry off" */
  setup: string;
  /** What the peer's seeding made (keys, users, disabled, expiring, seconds). */
  counts: Record<string, number>;
}

/** Latchkey's scenarios next to the peer's: req/s, CPU and latency of both, and Latchkey over the peer. */
function peerTable(meta: ReportMeta, scenarios: ScenarioSummary[]): string[] {
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const pairs = scenarios
    .filter((s) => s.peer && byName.has(s.peer))
    .map((s) => [s, byName.get(s.peer!)!] as const)
    .filter(([s, p]) => !s.skipped && s.runs.length && !p.skipped && p.runs.length);
  const lines: string[] = [];
  if (!pairs.length) {
    const skipped = scenarios.find((s) => s.target === "peer" && s.skipped);
    if (skipped) lines.push(`Peer comparison: ${skipped.skipped}.`, "");
    return lines;
  }
  lines.push(`**Peer comparison** (bench/peers; Latchkey's req/s over the peer's in the same repeat):`);
  lines.push("");
  lines.push("| Latchkey | req/s | p50 ms | CPU ms/req | peer | req/s | p50 ms | CPU ms/req | × peer |");
  lines.push("|---|--:|--:|--:|---|--:|--:|--:|--:|");
  for (const [s, p] of pairs)
    lines.push(
      `| **${s.name}** | ${withRange(s.rps, 0)} | ${fmt(s.p50?.median, 1)} | ${withRange(s.cpuMsPerReq, 3)} ` +
        `| **${p.name}** | ${withRange(p.rps, 0)} | ${fmt(p.p50?.median, 1)} | ${withRange(p.cpuMsPerReq, 3)} ` +
        `| ${withRange(s.ratioToPeer, 2)} |`,
    );
  lines.push("");
  if (meta.peer) {
    const c = meta.peer.counts;
    lines.push(
      `Peer: ${meta.peer.name}; ${meta.peer.setup}; ${fmt(c.apiKeys)} keys across ${fmt(c.users)} users` +
        ` (${fmt(c.disabledKeys)} disabled, ${fmt(c.expiringKeys)} expiring later), every one made by its own` +
        ` \`auth.api.createApiKey\` (${fmt(c.seconds, 1)} s).`,
    );
    lines.push("");
  }
  return lines;
}

export function markdown(meta: ReportMeta, scenarios: ScenarioSummary[], targets: TargetResult[]): string {
  const lines: string[] = [];
  const db = meta.database;
  lines.push(
    `### ${db === "sqlite" ? "SQLite" : db === "mariadb" ? "MariaDB" : "MySQL"}${meta.quick ? " (--quick)" : ""}`,
  );
  lines.push("");
  lines.push(
    `${meta.date}, commit \`${meta.commit}\`, Node ${meta.node}, ${meta.cpu}. ` +
      `${meta.repeats} repeat${meta.repeats === 1 ? "" : "s"} × ${meta.duration} s measured (warm-up ${meta.warmup} s, then ${meta.rewarm} s before later repeats), ` +
      `${meta.connections} connections, ${meta.pinned ? `server${meta.peer ? ", floor and peer" : " and floor"} on CPU 0, autocannon on CPU 1` : "not pinned"}. ` +
      `Medians of the repeats, (min–max) where they differ.` +
      (meta.server ? ` Server: \`${meta.server}\`.` : ""),
  );
  lines.push("");
  lines.push(
    "| scenario | req/s | p50 ms | p99 ms | p99 steady ms | server CPU ms/req" +
      (db !== "sqlite" ? " | DB CPU ms/req" : "") +
      " | RSS MB | SQL/req | × floor |",
  );
  lines.push("|---|--:|--:|--:|--:|--:|" + (db !== "sqlite" ? "--:|" : "") + "--:|--:|--:|");
  for (const s of scenarios) {
    const label = `**${s.name}** ${s.title}`;
    const sql = s.sql
      ? `${fmt(s.sql.perRequest, s.sql.perRequest % 1 ? 1 : 0)}${s.sql.beyondAuth !== undefined ? ` (${fmt(s.sql.beyondAuth, s.sql.beyondAuth % 1 ? 1 : 0)} + auth)` : ""}`
      : "n/a";
    if (s.skipped) {
      lines.push(`| ${label} | ${s.skipped} |  |  |  |  |${db !== "sqlite" ? "  |" : ""}  | ${s.sql ? sql : ""} |  |`);
      continue;
    }
    const ratio = s.floor
      ? `${withRange(s.ratioToFloor, 2)}${s.floor !== `floor_${s.name}` ? ` vs ${s.floor}` : ""}`
      : "";
    lines.push(
      `| ${label} | ${withRange(s.rps, 0)} | ${fmt(s.p50?.median, 1)} | ${fmt(s.p99?.median, 1)} | ${fmt(s.p99Steady?.median, 1)} | ${withRange(s.cpuMsPerReq, 3)}` +
        (db !== "sqlite" ? ` | ${fmt(s.dbCpuMsPerReq?.median, 3)}` : "") +
        ` | ${fmt(s.rssMb?.median, 0)} | ${sql} | ${ratio} |`,
    );
  }
  lines.push("");
  lines.push(...peerTable(meta, scenarios));
  const answers = scenarios.filter((s) => s.answer).map((s) => `${s.name}: ${s.answer}`);
  if (answers.length) {
    lines.push(
      `Answers (checked before the load${meta.floorsByteIdentical ? "; every floor answers byte for byte what the server answers" : meta.floorsByteIdentical === false ? "; floors answer the same values as the server" : ""}): ${answers.join("; ")}.`,
    );
    lines.push("");
  }
  const busy = scenarios.filter((s) => (s.loadgenCpuPct?.max ?? 0) > 90);
  if (busy.length) {
    lines.push(
      `⚠ The load generator used more than 90% of its core in ${busy.map((s) => s.name).join(", ")}: those runs may be limited by autocannon, not the server.`,
    );
    lines.push("");
  }
  const noisy = scenarios.filter((s) => (s.otherLoadOnServerCpuPct?.max ?? 0) > 10);
  if (noisy.length && meta.database === "sqlite") {
    lines.push(
      `⚠ Other processes used more than 10% of the server's core during ${noisy.map((s) => s.name).join(", ")}: the machine was not quiet.`,
    );
    lines.push("");
  }
  if (meta.sqlByPageSize) {
    lines.push(
      "SQL statements per `apiKeys` request by page size (admin JWT, authentication included): " +
        Object.entries(meta.sqlByPageSize)
          .map(([first, n]) => `first: ${first} → ${fmt(n, n % 1 ? 1 : 0)}`)
          .join(", ") +
        ".",
    );
    lines.push("");
  }
  lines.push("| target | measured | met |");
  lines.push("|---|---|---|");
  for (const t of targets)
    lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? "n/a" : t.met ? "yes" : "**no**"} |`);
  lines.push("");
  if (meta.invalid.length) {
    lines.push("**Invalid runs:**");
    for (const problem of meta.invalid) lines.push(`- ${problem}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function evaluateTargets(
  database: string,
  byName: Map<string, ScenarioSummary>,
  sqlByPageSize: Record<string, number> | null,
): TargetResult[] {
  const results: TargetResult[] = [];
  const get = (name: string) => {
    const s = byName.get(name);
    return s && !s.skipped && s.runs.length ? s : undefined;
  };
  const ratioTarget = (name: string, min: number) => {
    const s = get(name);
    const r = s?.ratioToFloor;
    results.push({
      id: `ratio_${name}`,
      target: `(${name}) ≥ ${min}× its floor`,
      measured: r
        ? `${fmt(r.median, 2)}× (${fmt(r.min, 2)}–${fmt(r.max, 2)})${s?.floor && s.floor !== `floor_${name}` ? ` vs ${s.floor}` : ""}`
        : "n/a",
      met: r ? r.median >= min : null,
    });
  };
  ratioTarget("a", 0.5);
  ratioTarget("b", 0.5);
  // issue 16 raised (c) from 0.35 and added (f) against its hand-written floor
  ratioTarget("c", 0.45);
  ratioTarget("f", 0.6);
  // the same verification over POST /v1/keys/verify (no GraphQL), against the same floor
  ratioTarget("f_http", 0.6);

  // issue 16: each list's p99 ≤ 2.5× its floor's p99 of the same repeat, over the whole run and once every
  // connection had its first answer (the ramp: bench/loadgen.ts)
  for (const name of ["a", "b", "c"]) {
    const s = get(name);
    const floor = s?.floor ? get(s.floor) : undefined;
    for (const [which, pick] of [
      ["", (r: RunSample) => r.p99],
      [" steady", (r: RunSample) => r.p99Steady ?? NaN],
    ] as const) {
      const ratios = spread(
        (s?.runs ?? [])
          .map((run) => {
            const f = floor?.runs.find((r) => r.repeat === run.repeat);
            return f ? pick(run) / pick(f) : NaN;
          })
          .filter(Number.isFinite),
      );
      results.push({
        id: `p99${which ? "_steady" : ""}_${name}`,
        target: `p99${which} of (${name}) ≤ 2.5× its floor's`,
        measured: ratios ? `${fmt(ratios.median, 2)}× (${fmt(ratios.min, 2)}–${fmt(ratios.max, 2)})` : "n/a",
        met: ratios ? ratios.median <= 2.5 : null,
      });
    }
  }

  // issue 16: verifyApiKey ≥ 3× Better Auth's API-key plugin (bench/peers), valid and unknown keys alike
  for (const name of ["f", "f_invalid", "f_http", "f_http_invalid"]) {
    const r = get(name)?.ratioToPeer;
    if (!r) continue;
    results.push({
      id: `peer_${name}`,
      target: `(${name}) ≥ 3× its peer (${get(name)?.peer})`,
      measured: `${fmt(r.median, 2)}× (${fmt(r.min, 2)}–${fmt(r.max, 2)})`,
      met: r.median >= 3,
    });
  }

  // graphql-shield: server CPU per request of (a) with the shield over the same without it, per repeat
  // (CPU per request on the pinned core is what the shield costs; req/s also moves with the database's scheduling)
  const a = get("a");
  const noShield = get("a_noshield");
  if (a && noShield) {
    const perRepeat = (value: (r: RunSample) => number) =>
      spread(
        a.runs
          .map((run) => {
            const other = noShield.runs.find((r) => r.repeat === run.repeat);
            return other ? value(run) / value(other) : NaN;
          })
          .filter(Number.isFinite),
      );
    const cpuCost = perRepeat((r) => r.cpuMsPerReq);
    const rpsRatio = perRepeat((r) => r.rps);
    results.push({
      id: "shield_cost",
      target: "graphql-shield costs ≤ 10% (server CPU per request of (a) vs a_noshield)",
      measured: cpuCost
        ? `${signed((cpuCost.median - 1) * 100)}% CPU/req (${signed((cpuCost.min - 1) * 100)} to ${signed((cpuCost.max - 1) * 100)}%)` +
          (rpsRatio
            ? `; ${fmt((1 - rpsRatio.median) * 100, 1)}% fewer req/s (${fmt((1 - rpsRatio.max) * 100, 1)} to ${fmt((1 - rpsRatio.min) * 100, 1)}%)`
            : "")
        : "n/a",
      met: cpuCost ? cpuCost.median - 1 <= 0.1 : null,
    });
  } else {
    results.push({
      id: "shield_cost",
      target: "graphql-shield costs ≤ 10% (server CPU per request of (a) vs a_noshield)",
      measured: `n/a (${byName.get("a_noshield")?.skipped ?? "a_noshield not run"})`,
      met: null,
    });
  }

  // SQL statements per list request: flat in the page size, ≤ 3 beyond authentication
  const sqlA = byName.get("a")?.sql;
  const sqlC = byName.get("c")?.sql;
  if (sqlA && sqlC && sqlByPageSize) {
    const counts = Object.values(sqlByPageSize);
    const flat = counts.every((n) => n === counts[0]);
    const beyond = Math.max(sqlA.beyondAuth ?? sqlA.perRequest, sqlC.beyondAuth ?? sqlC.perRequest);
    results.push({
      id: "sql_per_list",
      target: "SQL per list request flat in page size, ≤ 3 incl. totalCount (authentication not counted)",
      measured: `(a) ${fmt(sqlA.perRequest, 1)}, (c) ${fmt(sqlC.perRequest, 1)} in all; ${fmt(beyond, 1)} beyond authentication; ${flat ? "flat" : "grows"} over first: ${Object.keys(sqlByPageSize).join("/")}`,
      met: flat && beyond <= 3,
    });
  } else {
    results.push({
      id: "sql_per_list",
      target: "SQL per list request flat in page size, ≤ 3 incl. totalCount",
      measured: "n/a (the server has no BENCH_COUNT_SQL counter)",
      met: null,
    });
  }

  // key authentication: server CPU per request of (d) minus the same query with a JWT (d_jwt), per repeat
  const d = get("d");
  const dJwt = get("d_jwt");
  if (d && dJwt) {
    const extra = spread(
      d.runs
        .map((run) => {
          const other = dJwt.runs.find((r) => r.repeat === run.repeat);
          return other ? run.cpuMsPerReq - other.cpuMsPerReq : NaN;
        })
        .filter(Number.isFinite),
    );
    results.push({
      id: "key_auth_cpu",
      target: "(d) API-key authentication ≤ 0.2 ms server CPU more than a JWT (d_jwt)",
      measured: extra ? `${fmt(extra.median, 3)} ms (${fmt(extra.min, 3)}–${fmt(extra.max, 3)})` : "n/a",
      met: extra ? extra.median <= 0.2 : null,
    });
  }

  if (database === "sqlite") {
    const p99 = a?.p99;
    results.push({
      id: "p99_a",
      target: "p99 of (a) ≤ 40 ms on SQLite",
      measured: p99 ? `${fmt(p99.median, 1)} ms (${fmt(p99.min, 1)}–${fmt(p99.max, 1)})` : "n/a",
      met: p99 ? p99.median <= 40 : null,
    });
  }
  return results;
}

export function rssTarget(peakMb: number, endMb: number): TargetResult {
  return {
    id: "rss",
    target: "server RSS ≤ 250 MB",
    measured: `peak ${fmt(peakMb, 0)} MB (VmHWM), ${fmt(endMb, 0)} MB at the end`,
    met: Number.isFinite(peakMb) ? peakMb <= 250 : null,
  };
}

/** What bench/results/<database>.json holds. */
export interface ResultFile {
  meta: ReportMeta;
  options: unknown;
  authOnlySql: { jwt: number | null; key: number | null };
  server: { peakRssMb: number; endRssMb: number };
  scenarios: ScenarioSummary[];
  targets: TargetResult[];
}

/** Medians, targets and markdown from the runs (also used by `--render` to redo them from a saved JSON). */
export function finish(result: Omit<ResultFile, "targets">): { file: ResultFile; markdown: string } {
  const scenarios = result.scenarios.map(summarize);
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const targets = [
    ...evaluateTargets(result.meta.database, byName, result.meta.sqlByPageSize ?? null),
    rssTarget(result.server.peakRssMb, result.server.endRssMb),
  ];
  const file = { ...result, scenarios, targets };
  return { file, markdown: markdown(result.meta, scenarios, targets) };
}
