import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import type { FastifyBaseLogger } from "fastify";
import type { Context } from "../context";
import { ErrorCode } from "./codes";
import { isInternal } from "./format-error";

/**
 * Logs every masked error with its request id (never the Authorization header or a token), and
 * puts that request id in the client's INTERNAL_SERVER_ERROR so support can find the log line.
 */
export function errorLoggingPlugin(log: FastifyBaseLogger): ApolloServerPlugin<Context> {
  return {
    // Apollo's hooks return promises; these do no I/O, so they return settled ones
    requestDidStart({ contextValue }) {
      return Promise.resolve<GraphQLRequestListener<Context>>({
        didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (isInternal(error)) {
              const original = error.originalError ?? error;
              log.error(
                { requestId: contextValue.requestId, operationName, path: error.path, err: loggable(original) },
                "internal error",
              );
            }
          }
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          if (response.body.kind !== "single") return Promise.resolve();
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
              (error as { message: string }).message = `Internal server error (request id ${contextValue.requestId})`;
            }
          }
          return Promise.resolve();
        },
      });
    },
  };
}

const QUERY_LOG_MAX = 2000;

/**
 * What of an error goes into the log line: a failed SQL statement keeps its message, driver code and the
 * first 2,000 characters of its SQL, never its parameters (hashes, user input, possibly megabytes of it).
 */
export function loggable(error: unknown): unknown {
  if (!(error instanceof Error) || !("parameters" in error || "query" in error)) return error;
  const e = error as Error & { query?: unknown; code?: unknown; errno?: unknown };
  const query = typeof e.query === "string" ? e.query : undefined;
  return {
    type: e.name,
    message: e.message.slice(0, QUERY_LOG_MAX),
    code: e.code,
    errno: e.errno,
    query:
      query && query.length > QUERY_LOG_MAX ? `${query.slice(0, QUERY_LOG_MAX)}… (${query.length} characters)` : query,
    stack: e.stack?.split("\n").slice(0, 8).join("\n"),
  };
}
