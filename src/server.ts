import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify, { FastifyInstance } from "fastify";
import { DataSource } from "typeorm";
import type { Config } from "./config";
import type { Context } from "./context";
import { GraphQLError } from "graphql";
import { internalError } from "./errors/app-error";
import { isErrorCode } from "./errors/codes";
import { noSubscriptions, queryLimits, QUERY_LIMITS } from "./http/query-limits";
import { formatError, productionFormatError } from "./errors/format-error";
import { errorLoggingPlugin } from "./errors/logging-plugin";
import { registerGraphiql } from "./http/graphiql";
import { createLoaders } from "./common/loaders";
import { buildAppSchema, buildBareSchema } from "./schema";
import { createServices, Services } from "./services";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface LatchkeyServer {
  app: FastifyInstance;
  services: Services;
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
      redact: { paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization"], censor: "[redacted]" },
    },
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  const armor = queryLimits(config.production);
  const apollo = new ApolloServer<Context>({
    schema: options.authorization === false ? await buildBareSchema() : await buildAppSchema(),
    introspection: config.introspection,
    csrfPrevention: true,
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

  await registerGraphiql(app, config); // before Apollo: a browser's GET /graphql gets GraphiQL
  await app.register(fastifyApollo(apollo), {
    path: "/graphql",
    context: async (request): Promise<Context> => {
      const now = new Date();
      const requestId = String(request.id);
      let principal;
      try {
        principal = await services.authenticator.principalFor(request.headers.authorization, now);
        if (principal) await services.rateLimits.consume(principal);
      } catch (error) {
        if (error instanceof GraphQLError && isErrorCode(error.extensions.code)) throw error;
        // e.g. the database is unreachable: log in full, answer with the request id only
        request.log.error({ err: error, requestId }, "authentication failed unexpectedly");
        throw internalError(requestId);
      }
      return { principal, loaders: createLoaders(db, principal), services, now, requestId };
    },
  });

  app.addHook("onClose", () => services.rateLimits.close());
  if (!(await services.rateLimits.ready())) app.log.warn("Redis is not reachable yet: rate limits are counted in this process until it is");
  services.metrics.register(app);
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    try {
      // a frozen database must not hang the probe: no answer within 2 s is "not ready"
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("readiness timeout")), 2000)));
      await Promise.race([db.query("SELECT 1"), timeout]).finally(() => clearTimeout(timer));
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  return { app, services };
}
