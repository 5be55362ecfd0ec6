import { GraphQLError } from "graphql";
import { ErrorCode } from "./codes";

/** The one error type services throw; its code is always one of SPEC §7. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extra: { field?: string; http?: { status: number } } = {}) {
    super(message, {
      extensions: {
        code,
        ...(extra.field ? { field: extra.field } : {}),
        ...(extra.http ? { http: extra.http } : {}),
      },
    });
    this.code = code;
  }
}

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const forbidden = (message = "Not allowed") => new AppError(ErrorCode.FORBIDDEN, message);
export const badInput = (field: string, message: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, { field });
export const unauthenticated = (message = "Authentication required") =>
  new AppError(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });

/** What the client gets for an unexpected failure: no detail, only the request id to quote to support. */
export const internalError = (requestId: string) =>
  new GraphQLError(`Internal server error (request id ${requestId})`, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId, http: { status: 500 } },
  });
