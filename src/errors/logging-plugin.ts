import type { ApolloServerPlugin } from "@apollo/server";
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
    async requestDidStart({ contextValue }) {
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (isInternal(error)) {
              const original = error.originalError ?? error;
              log.error({ requestId: contextValue.requestId, operationName, path: error.path, err: original }, "internal error");
            }
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
              (error as { message: string }).message = `Internal server error (request id ${contextValue.requestId})`;
            }
          }
        },
      };
    },
  };
}
