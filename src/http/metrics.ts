import type { ApolloServerPlugin } from "@apollo/server";
import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { Context } from "../context";

export type KeyAuthOutcome = "success" | "bad_checksum" | "unknown" | "revoked" | "expired";

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_LABELS = 200;

/** One Prometheus registry per server (tests run several servers in one process). */
export class Metrics {
  readonly registry = new Registry();
  private readonly seenOperations = new Set<string>();

  readonly requests = new Counter({
    name: "latchkey_graphql_requests_total",
    help: "GraphQL requests by operation name and outcome (ok or the first error code).",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: "latchkey_graphql_request_duration_seconds",
    help: "Time from the start of GraphQL processing to the response, by operation name.",
    labelNames: ["operation"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly keyAuthentications = new Counter({
    name: "latchkey_api_key_authentications_total",
    help: "API key authentications by outcome.",
    labelNames: ["outcome"] as const,
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

  /** Client-chosen names are labels only when they look like names, and only the first 200 of them. */
  operationLabel(name: string | null | undefined): string {
    if (!name || !OPERATION_NAME.test(name)) return "anonymous";
    if (this.seenOperations.has(name)) return name;
    if (this.seenOperations.size >= MAX_OPERATION_LABELS) return "other";
    this.seenOperations.add(name);
    return name;
  }

  apolloPlugin(): ApolloServerPlugin<Context> {
    const metrics = this;
    return {
      async requestDidStart() {
        const stop = process.hrtime.bigint();
        return {
          async willSendResponse({ response, operationName, errors }) {
            const operation = metrics.operationLabel(operationName);
            const body = response.body.kind === "single" ? response.body.singleResult : undefined;
            const first = (errors ?? body?.errors ?? [])[0] as { extensions?: { code?: unknown } } | undefined;
            const outcome = first ? String(first.extensions?.code ?? "INTERNAL_SERVER_ERROR") : "ok";
            metrics.requests.inc({ operation, outcome });
            metrics.duration.observe({ operation }, Number(process.hrtime.bigint() - stop) / 1e9);
          },
        };
      },
    };
  }

  register(app: FastifyInstance): void {
    app.get("/metrics", async (_request, reply) => {
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
