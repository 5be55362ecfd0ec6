import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a positive integer")
    .default(String(fallback))
    .transform(Number)
    .refine((n) => n > 0, "must be a positive integer");

const nonNegativeInt = (fallback: number) =>
  z.string().regex(/^\d+$/, "must be a whole number (0 turns it off)").default(String(fallback)).transform(Number);

/** A duration as the CLI writes it: 30m, 24h, 7d (s, m, h, d or w), in seconds. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,9})\s*(s|m|h|d|w)$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as "s" | "m" | "h" | "d" | "w"];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : null;
}

/** Seconds written back the way people write them: 86400 → "24h", 604800 → "7d", 90 → "90s". */
export function formatDuration(seconds: number): string {
  if (seconds > 72 * 3600 && seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => parseDuration(v) !== null, "must be a duration such as 30m, 24h or 7d")
    .transform((v) => parseDuration(v)!);

/** A comma-separated list of durations (the webhook retry schedule), in seconds. */
const durationList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (v) => v.split(",").every((part) => parseDuration(part) !== null) && v.split(",").length <= 20,
      "must be durations such as 5s,5m,30m, separated by commas (at most 20)",
    )
    .transform((v) => v.split(",").map((part) => parseDuration(part)!));

const databaseUrl = z
  .string()
  .default("sqlite:./data/latchkey.sqlite")
  .refine(
    (v) => /^sqlite:.+/.test(v) || /^(mysql|mariadb):\/\/.+/.test(v),
    "must be sqlite:<path>, mysql://user:pass@host:port/db or mariadb://…",
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z
    .string()
    .regex(/^\d+$/, "must be a port number")
    .default("4000")
    .transform(Number)
    .refine((n) => n >= 0 && n < 65536, "must be a port number"),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: databaseUrl,
  // read replicas of a MySQL/MariaDB primary, comma-separated: the dashboard's lists and counts read there
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== ""),
    )
    .refine(
      (urls) => urls.every((url) => /^(mysql|mariadb):\/\/.+/.test(url)),
      "must be mysql:// or mariadb:// URLs, comma-separated",
    )
    .default([]),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_MAX_TTL: duration("24h"),
  JWT_SUBJECT: z.enum(["id", "externalId"]).default("id"),
  JWT_ORGANIZATION_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][\w.:/-]{0,99}$/, "must be a claim name")
    .optional(),
  JWT_PROVISIONING: bool.default(false),
  JWT_ROLE_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][\w.:/-]{0,99}$/, "must be a claim name")
    .default("role"),
  JWT_ADMIN_ROLES: z.string().default("owner,admin"),
  API_TRIAL_DAYS: positiveInt(40),
  API_KEY_LIMIT: positiveInt(200),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GRAPHQL_INTROSPECTION: bool.optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: "must be a redis:// or rediss:// URL" }).optional(),
  RATE_LIMIT_KEY_PER_MINUTE: nonNegativeInt(1200),
  RATE_LIMIT_ORG_PER_MINUTE: nonNegativeInt(6000),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: nonNegativeInt(300),
  TRUST_PROXY: z
    .string()
    .default("false")
    .refine(
      (v) => /^(true|false|\d{1,2}|[0-9A-Fa-f:./]+(\s*,\s*[0-9A-Fa-f:./]+)*)$/.test(v),
      "must be true, false, a hop count or a comma-separated list of proxy addresses/CIDRs",
    ),
  USAGE_FLUSH_SECONDS: positiveInt(60),
  // the optional verification cache (src/auth/verify-cache.ts); 0: off
  VERIFY_CACHE_TTL_MS: nonNegativeInt(0).refine((n) => n <= 3_600_000, "must be at most 3600000 (an hour)"),
  AUDIT_RETENTION_DAYS: positiveInt(365),
  WEBHOOK_RETRY_SCHEDULE: durationList("5s,5m,30m,2h,5h,10h,10h"),
  WEBHOOK_TIMEOUT: duration("10s"),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  SECRET_SCANNING_KEYS_URL: z
    .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
    .default("https://api.github.com/meta/public_keys/secret_scanning"),
  // origins allowed to frame the dashboard (/app), space-separated: "https://app.example.com"; none by default
  DASHBOARD_FRAME_ANCESTORS: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter((part) => part !== ""))
    .refine(
      (origins) =>
        origins.every((o) =>
          /^https:\/\/[a-z0-9.-]+(:\d{1,5})?$|^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/i.test(o),
        ),
      "must be https:// origins (http:// only for localhost), space-separated",
    )
    .default([]),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_PORT: z
    .string()
    .regex(/^\d+$/, "must be a port number")
    .transform(Number)
    .refine((n) => n >= 0 && n < 65536, "must be a port number")
    .optional(),
});

/** TRUST_PROXY as Fastify's `trustProxy` takes it: whether, how many or which proxies' X-Forwarded-For to believe. */
function trustProxyOf(value: string): boolean | number | string[] {
  if (value === "true" || value === "false") return value === "true";
  if (/^\d{1,2}$/.test(value)) return Number(value);
  return value.split(",").map((part) => part.trim());
}

/** Every variable Latchkey reads (documented in .env.example and the README). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export interface Config {
  env: "development" | "production" | "test";
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  /** Read replicas (MySQL/MariaDB only): lists and counts chosen on purpose read there, with the primary as fallback. */
  databaseReplicaUrls: string[];
  dataDir: string;
  /** maxTtlSeconds caps exp − iat (or exp − now) of every JWT accepted or issued. */
  jwt: {
    secret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    maxTtlSeconds: number;
    /** What `sub` holds: a Latchkey user id, or the SaaS's own user id (User.externalId). */
    subject: "id" | "externalId";
    /** The claim naming the organization by Organization.externalId (required with subject externalId). */
    organizationClaim?: string;
    /** Create an unknown user of a known organization on first use, and keep its role in step with the token. */
    provisioning: boolean;
    roleClaim: string;
    /** Values of the role claim that make a user ADMIN (any other: MEMBER). */
    adminRoles: string[];
  };
  apiTrialDays: number;
  apiKeyLimit: number;
  logLevel: string;
  introspection: boolean;
  /** perOrganizationPerMinute applies to each environment of an organization; anonymous is per client address. */
  rateLimits: {
    redisUrl?: string;
    perKeyPerMinute: number;
    perOrganizationPerMinute: number;
    anonymousPerMinute: number;
  };
  trustProxy: boolean | number | string[];
  /** API keys kept in memory by token hash for this long (0: off); needs Redis for its invalidations. */
  verifyCacheTtlMs: number;
  /** How often each process adds its in-memory usage counts to the database (and always at shutdown). */
  usageFlushSeconds: number;
  /** Audit events older than this many days are purged (hourly, one process at a time). */
  auditRetentionDays: number;
  webhooks: {
    /** Seconds to wait after each failed attempt; one attempt more than the list is long, then the endpoint is disabled. */
    retrySchedule: number[];
    /** Seconds a receiver has to answer. */
    timeoutSeconds: number;
    /** Endpoints on loopback, private or link-local addresses (tests; never in production by default). */
    allowPrivate: boolean;
  };
  /** The dashboard at /app: the origins that may show it in a frame (CSP frame-ancestors); empty: none. */
  dashboard: { frameAncestors: string[] };
  /** GitHub's secret-scanning public keys (POST /secret-scanning/github verifies reports with them). */
  secretScanningKeysUrl: string;
  /** /metrics: behind a bearer token, on a port of its own, or (production without either) not served. */
  metrics: { token?: string; port?: number };
}

/** Thrown for a bad or missing variable; its message is the one line printed at start-up. */
export class ConfigError extends Error {}

/** Reads the environment once; every variable is checked, the first fault is named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(blankless);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0] ?? "environment")} ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (e.JWT_SUBJECT === "externalId" && !e.JWT_ORGANIZATION_CLAIM) {
    throw new ConfigError(
      "Invalid configuration: JWT_ORGANIZATION_CLAIM is required with JWT_SUBJECT=externalId (user ids are unique per organization)",
    );
  }
  if (e.JWT_PROVISIONING && e.JWT_SUBJECT !== "externalId") {
    throw new ConfigError("Invalid configuration: JWT_PROVISIONING=true needs JWT_SUBJECT=externalId");
  }
  if (e.DATABASE_REPLICA_URLS.length && !/^(mysql|mariadb):/.test(e.DATABASE_URL)) {
    throw new ConfigError("Invalid configuration: DATABASE_REPLICA_URLS needs a mysql:// or mariadb:// DATABASE_URL");
  }
  if (e.VERIFY_CACHE_TTL_MS > 0 && !e.REDIS_URL) {
    throw new ConfigError(
      "Invalid configuration: VERIFY_CACHE_TTL_MS needs REDIS_URL (every process must hear the cache's invalidations)",
    );
  }
  if (production && !e.JWT_SECRET && !e.JWT_JWKS_URL) {
    throw new ConfigError("Invalid configuration: JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production");
  }
  return {
    env: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrls: e.DATABASE_REPLICA_URLS,
    dataDir: e.DATA_DIR,
    jwt: {
      secret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      maxTtlSeconds: e.JWT_MAX_TTL,
      subject: e.JWT_SUBJECT,
      organizationClaim: e.JWT_ORGANIZATION_CLAIM,
      provisioning: e.JWT_PROVISIONING,
      roleClaim: e.JWT_ROLE_CLAIM,
      adminRoles: e.JWT_ADMIN_ROLES.split(",")
        .map((role) => role.trim())
        .filter((role) => role !== ""),
    },
    apiTrialDays: e.API_TRIAL_DAYS,
    apiKeyLimit: e.API_KEY_LIMIT,
    logLevel: e.LOG_LEVEL,
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    rateLimits: {
      redisUrl: e.REDIS_URL,
      perKeyPerMinute: e.RATE_LIMIT_KEY_PER_MINUTE,
      perOrganizationPerMinute: e.RATE_LIMIT_ORG_PER_MINUTE,
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    },
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    verifyCacheTtlMs: e.VERIFY_CACHE_TTL_MS,
    usageFlushSeconds: e.USAGE_FLUSH_SECONDS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    secretScanningKeysUrl: e.SECRET_SCANNING_KEYS_URL,
    dashboard: { frameAncestors: e.DASHBOARD_FRAME_ANCESTORS },
    webhooks: {
      retrySchedule: e.WEBHOOK_RETRY_SCHEDULE,
      timeoutSeconds: e.WEBHOOK_TIMEOUT,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
  };
}
