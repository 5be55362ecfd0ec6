import { timingSafeEqual } from "node:crypto";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { Kind, OperationTypeNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { isErrorCode } from "../errors/codes";

/**
 * The `operation` label: the root field a request calls (`apiKeys`, `createApiKey`, …), `multiple` for
 * several, `introspection`, or `invalid` when no operation was resolved. Never the client's
 * operationName: any caller could mint unbounded series with it, and read other tenants' names.
 */
export function operationLabel(operation: OperationDefinitionNode | undefined, schema: GraphQLSchema): string {
  if (!operation) return "invalid";
  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.QUERY
        ? schema.getQueryType()
        : null;
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return "multiple";
    if (selection.name.value !== "__typename") names.add(selection.name.value);
  }
  const fields = [...names];
  if (fields.length > 0 && fields.every((name) => name.startsWith("__"))) return "introspection";
  if (fields.length !== 1) return fields.length === 0 ? "typename" : "multiple";
  return root?.getFields()[fields[0]] ? fields[0] : "invalid";
}

/** One Prometheus registry per server (tests run several servers in one process). */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "latchkey_graphql_requests_total",
    help: "GraphQL requests by root field and outcome (ok or the first error code); refused ones (401, 429) by reason.",
    labelNames: ["operation", "outcome", "reason"] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: "latchkey_graphql_request_duration_seconds",
    help: "Time from the start of GraphQL processing to the response, by operation name.",
    labelNames: ["operation"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly httpVerifications = new Counter({
    name: "latchkey_http_verifications_total",
    help: "POST /v1/keys/verify answers by outcome: the verification's code (VALID, NOT_FOUND, …) or the error's.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly keyAuthentications = new Counter({
    name: "latchkey_api_key_authentications_total",
    help: "API key authentications by outcome.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly afterCommitFailures = new Counter({
    name: "latchkey_after_commit_failures_total",
    help: "Write subscribers that failed after a commit (the write itself stands).",
    registers: [this.registry],
  });

  readonly usageFlushFailures = new Counter({
    name: "latchkey_usage_flush_failures_total",
    help: "Usage flushes that failed (their counts are kept for the next flush).",
    registers: [this.registry],
  });

  readonly verifyCacheLookups = new Counter({
    name: "latchkey_verify_cache_lookups_total",
    help: "API-key lookups by the verification cache (VERIFY_CACHE_TTL_MS): hit, miss, or off (Redis unheard: read the database).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  readonly transactionRetries = new Counter({
    name: "latchkey_transaction_retries_total",
    help: "Write transactions run again after a deadlock (1213) or lock-wait timeout (1205).",
    labelNames: ["errno"] as const,
    registers: [this.registry],
  });

  constructor(db: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: "latchkey_" });
    new Gauge({
      name: "latchkey_db_pool_connections",
      help: "Database pool connections by state (MySQL/MariaDB; SQLite has one connection).",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect() {
        const pool = (db.driver as { pool?: MysqlPoolInternals }).pool;
        if (pool && pool._allConnections !== undefined) {
          const all = listLength(pool._allConnections);
          const free = listLength(pool._freeConnections);
          this.set({ state: "total" }, all);
          this.set({ state: "idle" }, free);
          this.set({ state: "in_use" }, all - free);
          this.set({ state: "waiting" }, listLength(pool._connectionQueue));
        } else {
          this.set({ state: "total" }, db.isInitialized ? 1 : 0);
        }
      },
    });
  }

  /** Counts a request refused before GraphQL ran (401 by reason, 429), which Apollo's plugins never see. */
  refused(outcome: string, reason?: string): void {
    this.requests.inc({ operation: "none", outcome, ...(reason ? { reason } : {}) });
  }

  apolloPlugin(): ApolloServerPlugin<BaseContext> {
    const { requests, duration } = this;
    // Apollo's hooks return promises; these do no I/O, so they return settled ones
    return {
      requestDidStart() {
        const stop = process.hrtime.bigint();
        return Promise.resolve({
          willSendResponse({ response, operation, schema, errors }) {
            const label = operationLabel(operation, schema);
            const body = response.body.kind === "single" ? response.body.singleResult : undefined;
            const first = (errors ?? body?.errors ?? [])[0] as { extensions?: { code?: unknown } } | undefined;
            const code = first?.extensions?.code ?? "INTERNAL_SERVER_ERROR";
            requests.inc({ operation: label, outcome: !first ? "ok" : isErrorCode(code) ? code : "other" });
            duration.observe({ operation: label }, Number(process.hrtime.bigint() - stop) / 1e9);
            return Promise.resolve();
          },
        });
      },
    };
  }

  /** Serves GET /metrics on `app`; with a token, only to `Authorization: Bearer <token>` (401 otherwise). */
  register(app: FastifyInstance, token?: string): void {
    const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
    app.get("/metrics", async (request, reply) => {
      if (expected) {
        const given = Buffer.from(request.headers.authorization ?? "");
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          return reply.code(401).header("www-authenticate", "Bearer").send({ error: "METRICS_TOKEN required" });
        }
      }
      reply.header("content-type", this.registry.contentType);
      return this.registry.metrics();
    });
  }
}

interface MysqlPoolInternals {
  _allConnections?: { toArray?: () => unknown[] } | unknown[];
  _freeConnections?: unknown;
  _connectionQueue?: unknown;
}

function listLength(list: unknown): number {
  if (Array.isArray(list)) return list.length;
  const denque = list as { length?: number; toArray?: () => unknown[] } | undefined;
  return denque?.length ?? denque?.toArray?.().length ?? 0;
}
