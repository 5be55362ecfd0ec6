import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify, { FastifyInstance, type FastifyRequest } from "fastify";
import { DataSource } from "typeorm";
import type { Config } from "./config";
import { createContext, type Context } from "./context";
import { AppError, internalError } from "./errors/app-error";
import { ErrorCode } from "./errors/codes";
import { AuthenticationFailed, ORGANIZATION_HEADER, type Caller } from "./auth/authenticate";
import { RateLimited } from "./http/rate-limit";
import { noSubscriptions, queryLimits, QUERY_LIMITS } from "./http/query-limits";
import { formatError, productionFormatError } from "./errors/format-error";
import { errorLoggingPlugin } from "./errors/logging-plugin";
import { registerDashboard } from "./http/dashboard";
import { registerGraphiql } from "./http/graphiql";
import { compiledExecutor } from "./http/compiled-executor";
import { registerVerifyRoute } from "./http/verify-route";
import { buildAppSchema, buildBareSchema } from "./schema";
import { createServices, Services } from "./services";
import { originOf } from "./common/request-origin";
import { ScanRejected } from "./modules/leaks/secret-scanning";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface LatchkeyServer {
  app: FastifyInstance;
  services: Services;
  /** Serves only /metrics when METRICS_PORT is set; the caller listens on it (main.ts on METRICS_PORT). */
  metricsApp?: FastifyInstance;
  /** Every route the API serves, as "METHOD /path" (HEAD left out): the permission matrix holds each to a row. */
  routes: string[];
}

/** Fastify + Apollo around an initialized DataSource; used by main.ts and by the tests. */
export async function createServer(
  config: Config,
  db: DataSource,
  options: {
    logStream?: { write(line: string): void };
    /** false only in the benchmark's comparison build (bench/server.ts): the schema without graphql-shield */
    authorization?: boolean;
  } = {},
): Promise<LatchkeyServer> {
  const services = createServices(db, config);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization"],
        censor: "[redacted]",
      },
      // a query string may carry a credential (?access_token=…, ?token=lk_…): never logged
      serializers: {
        req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method,
          url: withoutQuery(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    // a hop count is accepted at run time (lib/request.js) though missing from Fastify's type
    trustProxy: config.trustProxy as boolean | string | string[],
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const routes: string[] = [];
  app.addHook("onRoute", ({ method, url }) => {
    for (const verb of Array.isArray(method) ? method : [method]) if (verb !== "HEAD") routes.push(`${verb} ${url}`);
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  // Fastify's own 404 logs and echoes the whole URL, query string included
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      message: `Route ${request.method}:${withoutQuery(request.url)} not found`,
      error: "Not Found",
      statusCode: 404,
    }),
  );

  /**
   * The caller's principal, its budgets spent. Requests with no credential or a refused one spend their
   * client address's budget; every refusal (401 by reason, 429 by budget) is counted in the metrics.
   */
  const authenticate = async (request: FastifyRequest, now: Date): Promise<Caller> => {
    const clientAddress = request.ip;
    const organization = request.headers[ORGANIZATION_HEADER];
    let caller: Caller;
    try {
      caller = await services.authenticator.callerFor(
        request.headers.authorization,
        Array.isArray(organization) ? organization.join(",") : organization,
        now,
        clientAddress,
      );
    } catch (error) {
      if (error instanceof AuthenticationFailed) {
        // over the address's budget, the refusal is a 429 (counted by spend), not also a 401
        await spend(() => services.rateLimits.consumeAnonymous(clientAddress));
        services.metrics.refused(ErrorCode.UNAUTHENTICATED, error.reason);
      }
      throw error;
    }
    // the platform's own services are not budgeted (an operator's credential, like the CLI)
    if (caller.platformKey) return caller;
    const { principal } = caller;
    const keyId = principal?.kind === "apiKey" ? principal.apiKey.id : null;
    try {
      await spend(() =>
        principal ? services.rateLimits.consume(principal) : services.rateLimits.consumeAnonymous(clientAddress),
      );
    } catch (error) {
      if (keyId && error instanceof RateLimited) services.usageCounter.record(keyId, "rateLimited", now);
      throw error;
    }
    if (keyId) services.usageCounter.record(keyId, "success", now);
    return caller;
  };
  /** Spends a budget; a 429 is counted by the budget that ran out. */
  const spend = async (consume: () => Promise<void>) => {
    try {
      await consume();
    } catch (error) {
      if (error instanceof RateLimited) services.metrics.refused(ErrorCode.RATE_LIMITED, error.budget);
      throw error;
    }
  };

  const armor = queryLimits(config.production);
  const apollo = new ApolloServer<Context>({
    // graphql-jit runs the operations (http/compiled-executor.ts); Apollo parses, validates and formats as before
    gateway: compiledExecutor(options.authorization === false ? await buildBareSchema() : await buildAppSchema()),
    introspection: config.introspection,
    // a request carrying Authorization cannot come from a browser form: such GET queries are accepted (urql's default)
    csrfPrevention: { requestHeaders: ["authorization", "apollo-require-preflight", "x-apollo-operation-name"] },
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.production,
    formatError: config.production ? productionFormatError : formatError,
    validationRules: [...armor.validationRules, noSubscriptions],
    // the token limit lives in the parser: a too long document is a 400 GRAPHQL_PARSE_FAILED, not a plugin crash
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    persistedQueries: false,
    plugins: [
      ...armor.plugins,
      fastifyApolloDrainPlugin(app),
      errorLoggingPlugin(app.log),
      services.metrics.apolloPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      // no HTTP caching of an authenticated API; Apollo's cache-control plugin cost ~6% of (a)'s CPU
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  registerDashboard(app, config);
  registerGraphiql(app, config); // before Apollo: a browser's GET /graphql gets GraphiQL
  await app.register(fastifyApollo(apollo), {
    path: "/graphql",
    context: async (request, reply): Promise<Context> => {
      const now = new Date();
      const requestId = String(request.id);
      let caller: Caller;
      try {
        caller = await authenticate(request, now);
      } catch (error) {
        if (error instanceof AppError) throw error;
        // e.g. the database is unreachable: log in full, answer with the request id only
        request.log.error({ err: error, requestId }, "authentication failed unexpectedly");
        throw internalError(requestId);
      }
      // a key that expires says when, on every response it authenticates (an integration can roll it in time)
      const expiresAt = caller.principal?.kind === "apiKey" ? caller.principal.apiKey.expiresAt : null;
      if (expiresAt) void reply.header("latchkey-key-expires-at", expiresAt.toISOString());
      // where the request came from, recorded with whatever it changes (the audit log)
      const origin = originOf(request);
      if (caller.principal) caller.principal.origin = origin;
      return createContext(services, caller, now, requestId, origin);
    },
  });

  await registerVerifyRoute(app, services, authenticate);

  app.addHook("onClose", () => services.rateLimits.close());
  if (services.verifyCache) {
    services.verifyCache.warn = (message, err) => app.log.warn({ err }, message);
    const cache = services.verifyCache;
    app.addHook("onClose", () => cache.close());
  }
  // usage counted in memory reaches the database before it closes (main.ts destroys it after app.close())
  services.usageCounter.start();
  app.addHook("onClose", () => services.usageCounter.close());
  services.audit.start((error) => app.log.error({ err: error }, "audit retention purge failed"));
  app.addHook("onClose", () => Promise.resolve(services.audit.stop()));
  services.webhookDispatcher.start();
  app.addHook("onClose", () => services.webhookDispatcher.close());
  if (!(await services.rateLimits.ready()))
    app.log.warn("Redis is not reachable yet: rate limits are counted in this process until it is");
  // /metrics: on its own port when METRICS_PORT is set, else here behind METRICS_TOKEN; in production never open
  let metricsApp: FastifyInstance | undefined;
  if (config.metrics.port !== undefined) {
    metricsApp = Fastify({ logger: false });
    services.metrics.register(metricsApp, config.metrics.token);
    app.addHook("onClose", () => metricsApp!.close());
  } else if (config.metrics.token || !config.production) {
    services.metrics.register(app, config.metrics.token);
  } else {
    app.log.warn("/metrics is not served: set METRICS_TOKEN or METRICS_PORT to expose it in production");
  }
  // GitHub's secret-scanning partner endpoint: the raw body is what the signature covers
  await app.register((scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
    scope.post("/secret-scanning/github", async (request, reply) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === "string" ? value : undefined;
      };
      try {
        const labels = await services.secretScanning.report(
          typeof request.body === "string" ? request.body : "",
          header("github-public-key-identifier"),
          header("github-public-key-signature"),
          originOf(request),
        );
        return reply.code(200).send(labels);
      } catch (error) {
        if (error instanceof ScanRejected) return reply.code(error.status).send({ error: error.message });
        throw error;
      }
    });
    return Promise.resolve();
  });
  app.get("/healthz", () => Promise.resolve({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    try {
      // a frozen database must not hang the probe: no answer within 2 s is "not ready"
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error("readiness timeout")), 2000)),
      );
      await Promise.race([db.query("SELECT 1"), timeout]).finally(() => clearTimeout(timer));
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  return { app, services, metricsApp, routes };
}

/** A URL as logged: the path, and `?[redacted]` for any query string. */
export const withoutQuery = (url: string) => {
  const at = url.indexOf("?");
  return at === -1 ? url : `${url.slice(0, at)}?[redacted]`;
};
